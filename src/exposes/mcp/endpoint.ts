// What one MCP port keeps across reloads: the 2025-era GET streams (./listen-stream-2025.ts, our own) and, once a
// request needed the SDK, the SDK handler with its 2026-07-28 listen streams (./sdk-handler.ts). The SDK is not
// loaded until then (./sdk-loader.ts): a port that only ever answers the fast path never loads it.
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { McpServerFactory } from '@modelcontextprotocol/server';
import { createLegacyStreams, type LegacyStreams } from './listen-stream-2025.js';
import { lazily, loadSdk } from './sdk-loader.js';
import type { SdkHandler } from './sdk-handler.js';

export interface McpEndpoint {
  /** Serves one HTTP request through the SDK with the graph built into the factory (both loaded on first use). */
  serve(factory: () => Promise<McpServerFactory>, req: IncomingMessage, res: ServerResponse, body: unknown): Promise<void>;
  /** 2025-era clients' GET streams on this port. */
  readonly streams: LegacyStreams;
  /** Publishes `notifications/tools/list_changed` to every open listen stream and 2025-era GET stream. */
  announceToolsChanged(): void;
  /** Ends the streams held open on this port (drain, shutdown), so that they do not hold it until the drain timeout. */
  endStreams(): void;
  close(): Promise<void>;
}

export function createMcpEndpoint(): McpEndpoint {
  const streams = createLegacyStreams();
  // Set once the SDK handler exists: until then no listen stream can be open, so there is nothing to notify or end.
  let handler: SdkHandler | undefined;
  const sdkHandler = lazily(async () => (handler = (await loadSdk()).createSdkHandler()));
  let loading: Promise<SdkHandler> | undefined;
  return {
    serve: async (factory, req, res, body) => {
      const [sdk, make] = await Promise.all([handler ?? (loading = sdkHandler()), factory()]);
      return sdk.serve(make, req, res, body);
    },
    streams,
    announceToolsChanged: () => {
      handler?.announceToolsChanged();
      streams.notify({ method: 'notifications/tools/list_changed' });
    },
    endStreams: () => {
      streams.endAll();
      handler?.endListening();
    },
    close: async () => {
      streams.endAll();
      const sdk = handler ?? (await loading?.catch(() => undefined));
      await sdk?.close();
    },
  };
}
