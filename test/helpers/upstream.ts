// A recording fake upstream API for integration tests: a real node:http server on 127.0.0.1 that records every
// request it receives and answers with JSON (configurable per test: status, body, headers, delay, dropped connection).
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface RecordedRequest {
  method: string;
  /** Path without the query string, exactly as received (still percent-encoded). */
  path: string;
  /** Query parameters; repeated keys are kept (`query.getAll('ids')`). */
  query: URLSearchParams;
  /** Query parameters as a record: a repeated key becomes an array of its values. */
  queryRecord: Record<string, string | string[]>;
  /** Request headers, lower-cased names (node:http). */
  headers: IncomingHttpHeaders;
  bodyText: string;
  /** The body parsed as JSON, or undefined when it is empty or not JSON. */
  json: unknown;
  /** What the upstream answered (unset when it dropped the connection or has not answered yet). */
  answered?: { status: number; bodyText: string; body: unknown };
}

export interface UpstreamReply {
  status?: number;
  /** A JSON value to send; a string or a Buffer is sent as is (use with a custom content-type). */
  body?: unknown;
  headers?: Record<string, string>;
  /** Wait this long before answering. */
  delayMs?: number;
  /** Destroy the connection instead of answering. */
  closeConnection?: boolean;
}

export type UpstreamHandler = (request: RecordedRequest) => UpstreamReply | undefined | Promise<UpstreamReply | undefined>;

export interface Upstream {
  /** Base URL, e.g. `http://127.0.0.1:41234`. */
  url: string;
  port: number;
  requests: RecordedRequest[];
  /** Replaces the handler (for the following requests). */
  handle(handler: UpstreamHandler | undefined): void;
  /** Forgets the recorded requests. */
  reset(): void;
  /** The one request recorded since the last reset; fails when there were none or several. */
  only(): RecordedRequest;
  close(): Promise<void>;
}

/** The default answer: `{ ok: true, echo: "<METHOD> <path>" }`, 200, application/json. */
export const defaultReply = (request: RecordedRequest): UpstreamReply => ({ status: 200, body: { ok: true, echo: `${request.method} ${request.path}` } });

export async function startUpstream(handler?: UpstreamHandler): Promise<Upstream> {
  let current: UpstreamHandler | undefined = handler;
  const requests: RecordedRequest[] = [];
  const sockets = new Set<Socket>();
  const timers = new Set<NodeJS.Timeout>();

  const server = createServer((req, res) => {
    void answer(req, res);
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });

  async function answer(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const chunks: Buffer[] = [];
    for await (const chunk of req) chunks.push(chunk as Buffer);
    const bodyText = Buffer.concat(chunks).toString('utf8');
    const url = new URL(req.url ?? '/', 'http://upstream.invalid');
    const record: RecordedRequest = {
      method: req.method ?? '',
      path: url.pathname,
      query: url.searchParams,
      queryRecord: toRecord(url.searchParams),
      headers: req.headers,
      bodyText,
      json: parseJson(bodyText),
    };
    requests.push(record);
    let reply: UpstreamReply;
    try {
      reply = (await current?.(record)) ?? defaultReply(record);
    } catch (err) {
      reply = { status: 500, body: { handlerError: String(err) } };
    }
    if (reply.delayMs) {
      await new Promise<void>((resolve) => {
        const t = setTimeout(() => {
          timers.delete(t);
          resolve();
        }, reply.delayMs);
        timers.add(t);
      });
    }
    if (res.destroyed) return;
    if (reply.closeConnection) {
      req.socket.destroy();
      return;
    }
    const status = reply.status ?? 200;
    const body =
      reply.body === undefined
        ? status === 204
          ? ''
          : JSON.stringify(defaultReply(record).body)
        : typeof reply.body === 'string' || Buffer.isBuffer(reply.body)
          ? reply.body
          : JSON.stringify(reply.body);
    const sentText = typeof body === 'string' ? body : body.toString('utf8');
    record.answered = { status, bodyText: sentText, body: parseJson(sentText) };
    res.writeHead(status, { 'content-type': 'application/json', ...reply.headers });
    res.end(body);
  }

  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => resolve());
  });
  const port = (server.address() as AddressInfo).port;

  return {
    url: `http://127.0.0.1:${port}`,
    port,
    requests,
    handle(next) {
      current = next;
    },
    reset() {
      requests.length = 0;
    },
    only() {
      if (requests.length !== 1) {
        throw new Error(`expected exactly one upstream request, got ${requests.length}: ${requests.map((r) => `${r.method} ${r.path}`).join(', ') || 'none'}`);
      }
      return requests[0]!;
    },
    async close() {
      for (const t of timers) clearTimeout(t);
      timers.clear();
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
}

function toRecord(search: URLSearchParams): Record<string, string | string[]> {
  const out: Record<string, string | string[]> = {};
  for (const key of new Set(search.keys())) {
    const all = search.getAll(key);
    out[key] = all.length === 1 ? all[0]! : all;
  }
  return out;
}

function parseJson(text: string): unknown {
  if (text.length === 0) return undefined;
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
