// Both MCP client generations behind one small interface: the 2025-era client (@modelcontextprotocol/sdk v1,
// initialize handshake) and the 2026-07-28 client (@modelcontextprotocol/client v2, pinned server/discover).
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';

export type ClientGeneration = '2025' | '2026-07-28';
export const CLIENT_GENERATIONS: readonly ClientGeneration[] = ['2025', '2026-07-28'];

export interface ListedTool {
  name: string;
  title?: string;
  description?: string;
  inputSchema: { type: 'object'; properties?: Record<string, Record<string, unknown>>; required?: string[] };
  annotations?: Record<string, unknown>;
}

export interface ToolCallResult {
  content: { type: string; text?: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface McpTestClient {
  generation: ClientGeneration;
  /** The protocol revision the connection negotiated. */
  protocolVersion: string | undefined;
  listTools(): Promise<ListedTool[]>;
  callTool(name: string, args?: Record<string, unknown>): Promise<ToolCallResult>;
  close(): Promise<void>;
}

const CLIENT_INFO = { name: 'capability-runtime-tests', version: '0.0.0' };

export interface ConnectOptions {
  /** Headers sent with every request (e.g. `Authorization: Bearer ...` for an adapter with authentication). */
  headers?: Record<string, string>;
}

export async function connectMcp(generation: ClientGeneration, url: string, options: ConnectOptions = {}): Promise<McpTestClient> {
  return generation === '2025' ? connectLegacy(url, options) : connectModern(url, options);
}

/** 2025-era client: `initialize` handshake over Streamable HTTP. */
export async function connectLegacy(url: string, options: ConnectOptions = {}): Promise<McpTestClient> {
  const client = new LegacyClient(CLIENT_INFO);
  const transport = new LegacyTransport(new URL(url), options.headers ? { requestInit: { headers: options.headers } } : undefined);
  await client.connect(transport);
  return {
    generation: '2025',
    protocolVersion: transport.protocolVersion,
    async listTools() {
      const tools: ListedTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined);
        tools.push(...(page.tools as ListedTool[]));
        cursor = page.nextCursor;
      } while (cursor);
      return tools;
    },
    async callTool(name, args = {}) {
      return (await client.callTool({ name, arguments: args })) as ToolCallResult;
    },
    close: () => client.close(),
  };
}

/** 2026-07-28 client: `server/discover`, pinned to exactly that revision (no fallback). */
export async function connectModern(url: string, options: ConnectOptions = {}): Promise<McpTestClient> {
  const client = new ModernClient(CLIENT_INFO, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  const transport = new ModernTransport(new URL(url), options.headers ? { requestInit: { headers: options.headers } } : undefined);
  await client.connect(transport);
  return {
    generation: '2026-07-28',
    protocolVersion: client.getNegotiatedProtocolVersion(),
    async listTools() {
      const tools: ListedTool[] = [];
      let cursor: string | undefined;
      do {
        const page = await client.listTools(cursor ? { cursor } : undefined);
        tools.push(...(page.tools as unknown as ListedTool[]));
        cursor = page.nextCursor;
      } while (cursor);
      return tools;
    },
    async callTool(name, args = {}) {
      return (await client.callTool({ name, arguments: args })) as unknown as ToolCallResult;
    },
    close: () => client.close(),
  };
}

/** The JSON value in a tool result's first text block. */
export function resultJson(result: ToolCallResult): unknown {
  const text = result.content.find((c) => c.type === 'text')?.text;
  if (text === undefined) throw new Error(`tool result has no text block: ${JSON.stringify(result)}`);
  return JSON.parse(text) as unknown;
}

/** All text of a tool result. */
export function resultText(result: ToolCallResult): string {
  return result.content.map((c) => c.text ?? '').join('\n');
}
