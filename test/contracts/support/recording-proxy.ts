// HTTP proxy on 127.0.0.1 that forwards every request to a target (Prism) with undici,
// returns the target's answer unchanged and records each exchange, incl. Prism's sl-violations.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { request } from 'undici';

/** One entry of Prism's `sl-violations` response header (a JSON array). */
export interface Violation {
  location: string[]; // e.g. ["request","body"], ["request"], ["response","body"]
  severity: string; // "Error" | "Warning" | ...
  code: string | number;
  message: string;
}

export interface Exchange {
  method: string;
  path: string; // pathname only
  query: Record<string, string | string[]>;
  requestHeaders: IncomingHttpHeaders; // as the client sent them, lower-cased names
  requestBody: unknown; // parsed JSON, else text; undefined when empty
  status: number;
  responseHeaders: Record<string, string | string[] | undefined>;
  responseBody: unknown; // parsed JSON, else text; undefined when empty
  violations: Violation[];
  proxyError?: string; // set when the target could not be reached (the proxy then answers 502)
}

export interface RecordingProxy {
  url: string;
  exchanges: Exchange[];
  close(): Promise<void>;
}

// Connection-level headers that must not be forwarded hop to hop. The request's host and
// content-length are recomputed by undici; the response body is re-sent whole, never chunked.
const HOP_BY_HOP = new Set([
  'connection', 'keep-alive', 'proxy-connection', 'transfer-encoding', 'upgrade', 'te', 'trailer',
]);
const RECOMPUTED_REQUEST_HEADERS = new Set(['host', 'content-length', 'expect']);

function decodeBody(bytes: Buffer): unknown {
  if (bytes.length === 0) return undefined;
  const text = bytes.toString('utf8');
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

function parseViolations(header: string | string[] | undefined): Violation[] {
  if (header === undefined) return [];
  const raw = Array.isArray(header) ? header.join(',') : header;
  try {
    const parsed: unknown = JSON.parse(raw);
    return Array.isArray(parsed) ? (parsed as Violation[]) : [parsed as Violation];
  } catch {
    // Unreadable header: keep it visible and count it as a request problem (conservative).
    return [{ location: ['request'], severity: 'Error', code: 'unparseable', message: `sl-violations: ${raw}` }];
  }
}

function parseQuery(params: URLSearchParams): Record<string, string | string[]> {
  const query: Record<string, string | string[]> = {};
  for (const key of new Set(params.keys())) {
    const values = params.getAll(key);
    query[key] = values.length === 1 ? values[0] : values;
  }
  return query;
}

async function readAll(req: IncomingMessage): Promise<Buffer> {
  const chunks: Buffer[] = [];
  for await (const chunk of req) chunks.push(chunk as Buffer);
  return Buffer.concat(chunks);
}

export async function startRecordingProxy(targetUrl: string): Promise<RecordingProxy> {
  const target = targetUrl.replace(/\/+$/, '');
  const exchanges: Exchange[] = [];

  async function handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const requestBytes = await readAll(req);
    const incoming = new URL(req.url ?? '/', 'http://proxy.invalid');
    const method = req.method ?? 'GET';
    const forwardHeaders: Record<string, string | string[]> = {};
    for (const [name, value] of Object.entries(req.headers)) {
      if (value !== undefined && !HOP_BY_HOP.has(name) && !RECOMPUTED_REQUEST_HEADERS.has(name)) {
        forwardHeaders[name] = value;
      }
    }
    const exchange: Exchange = {
      method,
      path: incoming.pathname,
      query: parseQuery(incoming.searchParams),
      requestHeaders: req.headers,
      requestBody: decodeBody(requestBytes),
      status: 0,
      responseHeaders: {},
      responseBody: undefined,
      violations: [],
    };
    exchanges.push(exchange);

    try {
      const upstream = await request(`${target}${incoming.pathname}${incoming.search}`, {
        method: method as never,
        headers: forwardHeaders,
        body: requestBytes.length > 0 ? requestBytes : undefined,
      });
      const responseBytes = Buffer.from(await upstream.body.arrayBuffer());
      exchange.status = upstream.statusCode;
      exchange.responseHeaders = upstream.headers;
      exchange.responseBody = decodeBody(responseBytes);
      exchange.violations = parseViolations(upstream.headers['sl-violations']);

      for (const [name, value] of Object.entries(upstream.headers)) {
        if (value !== undefined && !HOP_BY_HOP.has(name)) res.setHeader(name, value);
      }
      if (!res.hasHeader('content-length')) res.setHeader('content-length', responseBytes.length);
      res.writeHead(upstream.statusCode);
      res.end(responseBytes);
    } catch (error) {
      exchange.status = 502;
      exchange.proxyError = `${target}: ${(error as Error).message}`;
      res.writeHead(502, { 'content-type': 'text/plain' });
      res.end(`recording proxy: ${exchange.proxyError}`);
    }
  }

  const server = createServer((req, res) => {
    handle(req, res).catch((error: Error) => {
      if (!res.headersSent) res.writeHead(500, { 'content-type': 'text/plain' });
      res.end(`recording proxy failed: ${error.message}`);
    });
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(0, '127.0.0.1', resolve);
  });
  const { port } = server.address() as AddressInfo;

  return {
    url: `http://127.0.0.1:${port}`,
    exchanges,
    close: () =>
      new Promise<void>((resolve, reject) => {
        server.closeAllConnections();
        server.close((error) => (error ? reject(error) : resolve()));
      }),
  };
}
