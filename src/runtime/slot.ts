// What the runtime keeps per served adapter: where it listens, what is mounted there now, and its state.
import type { FastifyInstance } from 'fastify';
import type { CompiledAdapter } from '../compile/compile.js';
import type { McpEndpoint } from '../exposes/mcp/endpoint.js';
import type { StdioMcpServer } from '../exposes/mcp/stdio.js';
import type { AdapterState, ServedAdapter } from '../runtime.js';
import type { Listener } from './listener.js';

/** An adapter placed by planAdapters: its port as planned (0 = any) until it listens, then the real one. */
export type PlannedAdapter = ServedAdapter & { adapter: CompiledAdapter; secrets: readonly string[] };

/** The app built for an adapter's compiled graph. */
export interface Mounted {
  app: FastifyInstance;
  close?: () => Promise<void>;
  /** Ends what the adapter holds open on its own (MCP: 2025-era GET streams) when it stops accepting requests. */
  drain?: () => void;
  announceToolsChanged?: () => void;
  /** MCP: the SDK handler kept across swaps (open listen streams live in it). */
  endpoint?: McpEndpoint;
}

export interface Slot {
  entry: PlannedAdapter;
  /** The port the plan gave (before the OS chose one for 0): a reload that plans another port restarts the adapter. */
  planned: number;
  state: AdapterState;
  mounted?: Mounted;
  listener?: Listener;
  /** An MCP adapter served on stdin/stdout (no port, no app). */
  stdio?: StdioMcpServer;
}
