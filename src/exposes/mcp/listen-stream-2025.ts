// The 2025-era server stream (Streamable HTTP, revisions 2025-03-26 to 2025-11-25, "Listening for Messages from the
// Server"): a client may GET the MCP endpoint with `Accept: text/event-stream` and keep that SSE stream open for
// messages the server sends on its own. The SDK's stateless 2025 serving answers that GET with 405 (no session to
// attach it to); the only message this runtime sends on its own is `notifications/tools/list_changed` after a
// reload, which needs no session, so streams are kept here, one set per port (McpEndpoint, kept across reloads).
// 2026-07-28 has no GET stream (`subscriptions/listen` instead): a GET naming that revision still goes to the SDK.
import type { IncomingHttpHeaders, IncomingMessage, ServerResponse } from 'node:http';
import { SUPPORTED_PROTOCOL_VERSIONS } from './protocol.js';

/** Revisions whose clients open a GET stream; a GET without the header is a 2025-03-26 client's. */
const LEGACY_REVISIONS = new Set(SUPPORTED_PROTOCOL_VERSIONS.filter((v) => v.startsWith('2025-')));

const SSE_HEADERS = { 'content-type': 'text/event-stream', 'cache-control': 'no-cache, no-transform', connection: 'keep-alive', 'x-accel-buffering': 'no' };

/** A comment line every so often, so that proxies and the client see a live connection (the SDK's own interval). */
const KEEP_ALIVE_MS = 15_000;
/** Open streams per port, like the SDK's bound on listen subscriptions: a caller cannot hold unbounded sockets. */
const MAX_STREAMS = 1024;

export interface LegacyStreams {
  /** True when this request is a 2025-era GET for the server stream (answered by `open`). */
  wants(method: string, headers: IncomingHttpHeaders): boolean;
  /** Answers the GET: 406 without `Accept: text/event-stream`, 503 when too many are open, else the open stream. */
  open(req: IncomingMessage, res: ServerResponse): void;
  /** Sends one JSON-RPC notification on every open stream. */
  notify(message: { method: string; params?: Record<string, unknown> }): void;
  /** Ends every open stream (drain, shutdown): the client may reconnect to another replica. */
  endAll(): void;
  readonly size: number;
}

export function createLegacyStreams(keepAliveMs = KEEP_ALIVE_MS): LegacyStreams {
  const open = new Set<ServerResponse>();
  let timer: NodeJS.Timeout | undefined;
  const forget = (res: ServerResponse) => {
    open.delete(res);
    if (open.size === 0 && timer) {
      clearInterval(timer);
      timer = undefined;
    }
  };
  const rpcError = (res: ServerResponse, status: number, message: string) => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
  };
  return {
    wants(method, headers) {
      if (method !== 'GET') return false;
      const revision = headers['mcp-protocol-version'];
      return revision === undefined || (typeof revision === 'string' && LEGACY_REVISIONS.has(revision));
    },
    open(req, res) {
      if (!String(req.headers.accept ?? '').includes('text/event-stream')) return rpcError(res, 406, 'Not Acceptable: Client must accept text/event-stream');
      if (open.size >= MAX_STREAMS) return rpcError(res, 503, 'Too many open server streams on this endpoint; try again later');
      res.writeHead(200, SSE_HEADERS);
      res.flushHeaders();
      open.add(res);
      res.once('close', () => forget(res));
      timer ??= setInterval(() => {
        for (const stream of open) stream.write(': keep-alive\n\n');
      }, keepAliveMs).unref();
    },
    notify(message) {
      const event = `event: message\ndata: ${JSON.stringify({ jsonrpc: '2.0', ...message })}\n\n`;
      for (const stream of open) stream.write(event);
    },
    endAll() {
      for (const stream of [...open]) {
        stream.end();
        forget(stream);
      }
    },
    get size() {
      return open.size;
    },
  };
}
