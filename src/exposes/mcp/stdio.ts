// MCP over stdio for desktop clients (naftiko-semantics §5.1): line-delimited JSON-RPC on stdin/stdout through the
// SDK's serveStdio, which pins one server instance per connection and serves 2025-era and 2026-07-28 openings.
// Nothing but protocol messages may reach stdout: logs go to stderr (src/observe/log.ts).
import type { Readable, Writable } from 'node:stream';
import { serveStdio, StdioServerTransport } from '@modelcontextprotocol/server/stdio';
import type { CompiledMcpAdapter } from '../../compile/compile.js';
import type { AdapterContext } from '../../runtime.js';
import { createServerFactory } from './factory.js';
import { guardJsonRpcLines } from './stdio-lines.js';

export interface StdioStreams {
  input?: Readable;
  output?: Writable;
  /** Called once when the client closes its end (stdin ends): the process should then stop. */
  onEnd?: () => void;
}

export function serveMcpStdio(adapter: CompiledMcpAdapter, context: AdapterContext, streams: StdioStreams = {}): { close(): Promise<void>; announceToolsChanged(): void } {
  const input = streams.input ?? process.stdin;
  const output = streams.output ?? process.stdout;
  const factory = createServerFactory(adapter, context);
  const instances: ReturnType<typeof factory>[] = [];
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
  };
}
