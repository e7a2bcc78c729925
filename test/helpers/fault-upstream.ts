// A misbehaving upstream for fault-injection tests: a real node:http server on 127.0.0.1 whose handler gets the raw
// request and response, so a test can reset a connection mid-body, stall, drip bytes, stream a huge body or redirect.
// Every request is recorded (method, path, headers) and the bytes each response wrote are counted.
import { createServer, type IncomingHttpHeaders, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo, Socket } from 'node:net';

export interface FaultRequest {
  method: string;
  path: string;
  headers: IncomingHttpHeaders;
  body: string;
  /** Arrival time (epoch ms), for rate measurements. */
  at: number;
}

export type Fault = (req: IncomingMessage, res: ServerResponse, recorded: FaultRequest) => void;

export interface FaultUpstream {
  url: string;
  requests: FaultRequest[];
  /** Body bytes written by the responses so far (what the runtime could have been made to hold). */
  bytesWritten(): number;
  /** Most requests that were being answered at the same moment since the last reset. */
  maxInFlight(): number;
  handle(fault: Fault): void;
  reset(): void;
  close(): Promise<void>;
}

export const jsonReply =
  (status: number, body: unknown, headers: Record<string, string> = {}): Fault =>
  (_req, res) => {
    res.writeHead(status, { 'content-type': 'application/json', ...headers });
    res.end(typeof body === 'string' ? body : JSON.stringify(body));
  };

export async function startFaultUpstream(initial: Fault = jsonReply(200, { ok: true })): Promise<FaultUpstream> {
  let fault = initial;
  let written = 0;
  let inFlight = 0;
  let maxInFlight = 0;
  const requests: FaultRequest[] = [];
  const sockets = new Set<Socket>();
  const server = createServer((req, res) => {
    const chunks: Buffer[] = [];
    req.on('data', (c: Buffer) => chunks.push(c));
    req.on('end', () => {
      const recorded = { method: req.method ?? '', path: req.url ?? '/', headers: req.headers, body: Buffer.concat(chunks).toString('utf8'), at: Date.now() };
      requests.push(recorded);
      maxInFlight = Math.max(maxInFlight, ++inFlight);
      res.once('close', () => inFlight--);
      const write = res.write.bind(res) as (chunk: string | Buffer) => boolean;
      res.write = ((chunk: string | Buffer, ...rest: unknown[]) => {
        written += typeof chunk === 'string' ? Buffer.byteLength(chunk) : chunk.length;
        return (write as (...a: unknown[]) => boolean)(chunk, ...rest);
      }) as typeof res.write;
      fault(req, res, recorded);
    });
  });
  server.on('connection', (socket) => {
    sockets.add(socket);
    socket.on('close', () => sockets.delete(socket));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', () => resolve()));
  const { port } = server.address() as AddressInfo;
  return {
    url: `http://127.0.0.1:${port}`,
    requests,
    bytesWritten: () => written,
    maxInFlight: () => maxInFlight,
    handle(next) {
      fault = next;
    },
    reset() {
      requests.length = 0;
      written = 0;
      maxInFlight = inFlight;
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      for (const socket of sockets) socket.destroy();
      server.closeAllConnections();
      await closed;
    },
  };
}

/** Writes `text` one byte every `intervalMs` until done or the client goes away. */
export function drip(text: string, intervalMs: number): Fault {
  return (_req, res) => {
    res.writeHead(200, { 'content-type': 'application/json' });
    let i = 0;
    const timer = setInterval(() => {
      if (res.destroyed || i >= text.length) {
        clearInterval(timer);
        if (!res.destroyed) res.end();
        return;
      }
      res.write(text[i++]!);
    }, intervalMs);
    res.on('close', () => clearInterval(timer));
  };
}

/** Streams `total` bytes of a JSON string value in 64 KiB chunks, honouring backpressure; stops when the client aborts. */
export function hugeBody(total: number, options: { contentLength?: boolean } = {}): Fault {
  return (_req, res) => {
    const chunk = Buffer.alloc(64 * 1024, 'a');
    res.writeHead(200, { 'content-type': 'application/json', ...(options.contentLength ? { 'content-length': String(total) } : {}) });
    let sent = 0;
    const pump = () => {
      while (sent < total && !res.destroyed) {
        const size = Math.min(chunk.length, total - sent);
        sent += size;
        if (!res.write(size === chunk.length ? chunk : chunk.subarray(0, size))) {
          res.once('drain', pump);
          return;
        }
      }
      if (!res.destroyed) res.end();
    };
    res.on('close', () => res.removeAllListeners('drain'));
    pump();
  };
}

/** Answers each request with the fault of its path (without the query); `fallback` for the others. */
export function byPath(faults: Record<string, Fault>, fallback: Fault = jsonReply(404, { error: 'no such path' })): Fault {
  return (req, res, recorded) => (faults[recorded.path.split('?')[0]!] ?? fallback)(req, res, recorded);
}

/** The first `times` requests get `failing`, the later ones `then` (a flaky upstream that recovers). */
export function failFirst(times: number, failing: Fault, then: Fault): Fault {
  let seen = 0;
  return (req, res, recorded) => (seen++ < times ? failing : then)(req, res, recorded);
}

/** Answers with `fault` after `ms` (a slow upstream). */
export function delayed(ms: number, fault: Fault): Fault {
  return (req, res, recorded) => {
    const timer = setTimeout(() => fault(req, res, recorded), ms);
    res.on('close', () => clearTimeout(timer));
  };
}

/** Drops the connection without answering (a hard-down upstream as seen mid-request). */
export const hangUp: Fault = (req) => req.socket.destroy();
