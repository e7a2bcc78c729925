// The SDK handler behind one MCP port, kept across reloads: open `subscriptions/listen` streams (2026-07-28) and
// 2025-era GET streams (./listen-stream-2025.ts) live in it, so they stay open when the adapter's graph is swapped
// and hear `notifications/tools/list_changed`. Each Fastify app that
// serves the port passes its own server factory with every request (AsyncLocalStorage), so a request is answered by
// the graph of the app it was routed to, and in-flight requests finish on the old graph after a swap.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createMcpHandler, type McpServerFactory } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { createLegacyStreams, type LegacyStreams } from './listen-stream-2025.js';

export interface McpEndpoint {
  /** Serves one HTTP request with the graph built into `factory`. */
  serve(factory: McpServerFactory, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void>;
  /** 2025-era clients' GET streams on this port. */
  readonly streams: LegacyStreams;
  /** Publishes `notifications/tools/list_changed` to every open listen stream and 2025-era GET stream. */
  announceToolsChanged(): void;
  close(): Promise<void>;
}

export function createMcpEndpoint(): McpEndpoint {
  const factories = new AsyncLocalStorage<McpServerFactory>();
  const handler = createMcpHandler((ctx) => {
    const factory = factories.getStore();
    if (!factory) throw new Error('MCP request served outside McpEndpoint.serve');
    return factory(ctx);
  });
  const node = toNodeHandler(handler);
  const streams = createLegacyStreams();
  return {
    serve: (factory, req, res, body) => factories.run(factory, () => node(req, res, body)),
    streams,
    announceToolsChanged: () => {
      handler.notify.toolsChanged();
      streams.notify({ method: 'notifications/tools/list_changed' });
    },
    close: () => {
      streams.endAll();
      return handler.close();
    },
  };
}
