// The SDK handler behind one MCP port (createMcpHandler), created on the port's first request that needs the SDK and
// kept across reloads with its McpEndpoint (./endpoint.ts): open `subscriptions/listen` streams (2026-07-28) live in
// it, so they stay open when the adapter's graph is swapped and hear `notifications/tools/list_changed`. Each Fastify
// app that serves the port passes its own server factory with every request (AsyncLocalStorage), so a request is
// answered by the graph of the app it was routed to, and in-flight requests finish on the old graph after a swap.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { IncomingMessage, ServerResponse } from 'node:http';
import { createMcpHandler, type McpServerFactory } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';

export interface SdkHandler {
  /** Serves one HTTP request with the graph built into `factory`. */
  serve(factory: McpServerFactory, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void>;
  /** Publishes `notifications/tools/list_changed` to every open listen stream. */
  announceToolsChanged(): void;
  /** Ends the open listen streams (drain, shutdown), so that they do not hold the port until the drain timeout. */
  endListening(): void;
  close(): Promise<void>;
}

export function createSdkHandler(): SdkHandler {
  const factories = new AsyncLocalStorage<McpServerFactory>();
  const handler = createMcpHandler((ctx) => {
    const factory = factories.getStore();
    if (!factory) throw new Error('MCP request served outside SdkHandler.serve');
    return factory(ctx);
  });
  const node = toNodeHandler(handler);
  let serving = 0;
  // Open 2026-07-28 `subscriptions/listen` responses: the SDK has no call that ends them without also ending the
  // requests in flight (handler.close), so a drain ends their HTTP responses itself.
  const listening = new Set<ServerResponse>();
  return {
    serve: async (factory, req, res, body) => {
      if (isListen(body)) {
        listening.add(res);
        res.once('close', () => listening.delete(res));
      }
      serving++;
      try {
        return await factories.run(factory, () => node(req, res, body));
      } finally {
        // Node 20 leaves the async-context hooks on for every promise of the process once a store was entered: off
        // again once no request needs this one (the fast path never does).
        if (--serving === 0) factories.disable();
      }
    },
    announceToolsChanged: () => handler.notify.toolsChanged(),
    endListening: () => {
      for (const res of listening) {
        res.on('error', () => undefined); // a keep-alive the SDK writes as the response ends must not become an uncaught error
        if (res.headersSent) res.end();
        else res.destroy();
      }
      listening.clear();
    },
    close: () => handler.close(),
  };
}

const isListen = (body: unknown): boolean => typeof body === 'object' && body !== null && (body as { method?: unknown }).method === 'subscriptions/listen';
