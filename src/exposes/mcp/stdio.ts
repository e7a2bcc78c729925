// MCP over stdio for desktop clients (naftiko-semantics §5.1): line-delimited JSON-RPC on stdin/stdout through the
// SDK's serveStdio, which pins one server instance per connection and serves 2025-era and 2026-07-28 openings.
// Nothing but protocol messages may reach stdout: logs go to stderr (src/observe/log.ts).
// A reload swaps the graph behind the connected instance (its request handlers are replaced; calls in flight finish
// on the old ones) and sends `notifications/tools/list_changed`. What the client negotiated when it connected
// (whether resources and prompts are served) cannot change on the same connection: such a change is refused.
import type { Readable, Writable } from 'node:stream';
import type { Server } from '@modelcontextprotocol/server';
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { CompiledMcpAdapter } from '../../compile/compile.js';
import type { AdapterContext } from '../../runtime.js';
import { createServerFactory, createServerHandlers } from './factory.js';
import { guardJsonRpcLines } from './stdio-lines.js';

export interface StdioStreams {
  input?: Readable;
  output?: Writable;
  /** Called once when the client closes its end (stdin ends): the process should then stop. */
  onEnd?: () => void;
}

export interface StdioMcpServer {
  close(): Promise<void>;
  announceToolsChanged(): void;
  /** Builds a new graph's handlers for the connected client; `apply` swaps them in. `refused` says why it cannot. */
  prepareSwap(adapter: CompiledMcpAdapter, context: AdapterContext): { apply(): void } | { refused: string };
}

export function serveMcpStdio(adapter: CompiledMcpAdapter, context: AdapterContext, streams: StdioStreams = {}): StdioMcpServer {
  const input = streams.input ?? process.stdin;
  const output = streams.output ?? process.stdout;
  let factory = createServerFactory(adapter, context);
  const instances: Server[] = [];
  const served = (a: CompiledMcpAdapter) => `${a.resources.length > 0 ? 'resources' : 'no resources'} and ${a.prompts.length > 0 ? 'prompts' : 'no prompts'}`;
  const negotiated = served(adapter);
  const handle = serveStdio(
    () => {
      const server = factory();
      instances.push(server);
      return server;
    },
    { transport: new StdioServerTransport(input.pipe(guardJsonRpcLines(output)), output), onerror: (err) => context.logger.warn({ err: err.message }, 'mcp stdio error') },
  );
  if (streams.onEnd) input.once('end', streams.onEnd);
  return {
    close: () => handle.close(),
    announceToolsChanged: () => {
      for (const server of instances) void server.sendToolListChanged().catch(() => undefined);
    },
    prepareSwap(next, nextContext) {
      if (served(next) !== negotiated) {
        return { refused: `the MCP adapter on stdio serves ${negotiated} to its connected client and the change would serve ${served(next)}; restart the process to apply it` };
      }
      const handlers = createServerHandlers(next, nextContext);
      const nextFactory = createServerFactory(next, nextContext);
      return {
        apply: () => {
          factory = nextFactory;
          for (const server of instances) handlers.install(server);
        },
      };
    },
  };
}
