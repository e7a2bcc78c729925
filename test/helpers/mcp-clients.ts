// Both MCP client generations behind one small interface: the 2025-era client (@modelcontextprotocol/sdk v1,
// initialize handshake) and the 2026-07-28 client (@modelcontextprotocol/client v2, pinned server/discover).
import { Client as LegacyClient } from '@modelcontextprotocol/sdk/client/index.js';
import { StreamableHTTPClientTransport as LegacyTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import { StdioClientTransport as LegacyStdioTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { Client as ModernClient, StreamableHTTPClientTransport as ModernTransport } from '@modelcontextprotocol/client';
import { StdioClientTransport as ModernStdioTransport } from '@modelcontextprotocol/client/stdio';

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

export interface ListedResource {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

export interface ListedResourceTemplate {
  uriTemplate: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

export interface ReadResult {
  contents: { uri: string; mimeType?: string; text?: string; blob?: string }[];
}

export interface ListedPrompt {
  name: string;
  title?: string;
  description?: string;
  arguments?: { name: string; title?: string; description?: string; required?: boolean }[];
}

export interface PromptResult {
  description?: string;
  messages: { role: string; content: { type: string; text?: string } }[];
}

export interface McpTestClient {
  generation: ClientGeneration;
  /** The protocol revision the connection negotiated. */
  protocolVersion: string | undefined;
  /** What the server advertised (initialize or server/discover). */
  capabilities(): Record<string, unknown> | undefined;
  listTools(): Promise<ListedTool[]>;
  callTool(name: string, args?: Record<string, unknown>): Promise<ToolCallResult>;
  /** Every page, following nextCursor. */
  listResources(): Promise<ListedResource[]>;
  listResourceTemplates(): Promise<ListedResourceTemplate[]>;
  readResource(uri: string): Promise<ReadResult>;
  listPrompts(): Promise<ListedPrompt[]>;
  getPrompt(name: string, args?: Record<string, string>): Promise<PromptResult>;
  close(): Promise<void>;
}

/** The list and read calls both client generations share (same method names and shapes). */
interface AnyClient {
  getServerCapabilities(): unknown;
  listTools(params?: { cursor?: string }): Promise<{ tools: unknown[]; nextCursor?: string }>;
  callTool(params: { name: string; arguments: Record<string, unknown> }): Promise<unknown>;
  listResources(params?: { cursor?: string }): Promise<{ resources: unknown[]; nextCursor?: string }>;
  listResourceTemplates(params?: { cursor?: string }): Promise<{ resourceTemplates: unknown[]; nextCursor?: string }>;
  readResource(params: { uri: string }): Promise<unknown>;
  listPrompts(params?: { cursor?: string }): Promise<{ prompts: unknown[]; nextCursor?: string }>;
  getPrompt(params: { name: string; arguments?: Record<string, string> }): Promise<unknown>;
  close(): Promise<void>;
}

async function allPages<T>(fetchPage: (cursor?: string) => Promise<{ items: unknown[]; nextCursor?: string }>): Promise<T[]> {
  const items: T[] = [];
  let cursor: string | undefined;
  do {
    const page = await fetchPage(cursor);
    items.push(...(page.items as T[]));
    cursor = page.nextCursor;
  } while (cursor);
  return items;
}

function wrap(generation: ClientGeneration, protocolVersion: string | undefined, client: AnyClient): McpTestClient {
  const at = (cursor?: string) => (cursor ? { cursor } : undefined);
  return {
    generation,
    protocolVersion,
    capabilities: () => client.getServerCapabilities() as Record<string, unknown> | undefined,
    listTools: () => allPages<ListedTool>(async (c) => {
      const page = await client.listTools(at(c));
      return { items: page.tools, nextCursor: page.nextCursor };
    }),
    callTool: async (name, args = {}) => (await client.callTool({ name, arguments: args })) as ToolCallResult,
    listResources: () => allPages<ListedResource>(async (c) => {
      const page = await client.listResources(at(c));
      return { items: page.resources, nextCursor: page.nextCursor };
    }),
    listResourceTemplates: () => allPages<ListedResourceTemplate>(async (c) => {
      const page = await client.listResourceTemplates(at(c));
      return { items: page.resourceTemplates, nextCursor: page.nextCursor };
    }),
    readResource: async (uri) => (await client.readResource({ uri })) as ReadResult,
    listPrompts: () => allPages<ListedPrompt>(async (c) => {
      const page = await client.listPrompts(at(c));
      return { items: page.prompts, nextCursor: page.nextCursor };
    }),
    getPrompt: async (name, args) => (await client.getPrompt(args ? { name, arguments: args } : { name })) as PromptResult,
    close: () => client.close(),
  };
}

/** How to spawn a stdio server for connectMcpStdio. */
export interface StdioServerCommand {
  command: string;
  args: string[];
  env: Record<string, string>;
  cwd?: string;
}

/** Spawns the server and connects over stdio with the client of the given generation; stderr is piped and kept. */
export async function connectMcpStdio(generation: ClientGeneration, server: StdioServerCommand): Promise<McpTestClient & { stderr(): string }> {
  let stderr = '';
  if (generation === '2025') {
    const client = new LegacyClient(CLIENT_INFO);
    const transport = new LegacyStdioTransport({ ...server, stderr: 'pipe' });
    transport.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    await client.connect(transport);
    return { ...wrap('2025', undefined, client as unknown as AnyClient), stderr: () => stderr };
  }
  const client = new ModernClient(CLIENT_INFO, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  const transport = new ModernStdioTransport({ ...server, stderr: 'pipe' });
  transport.stderr?.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
  await client.connect(transport);
  return { ...wrap('2026-07-28', client.getNegotiatedProtocolVersion(), client as unknown as AnyClient), stderr: () => stderr };
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
  return wrap('2025', transport.protocolVersion, client as unknown as AnyClient);
}

/** 2026-07-28 client: `server/discover`, pinned to exactly that revision (no fallback). */
export async function connectModern(url: string, options: ConnectOptions = {}): Promise<McpTestClient> {
  const client = new ModernClient(CLIENT_INFO, { versionNegotiation: { mode: { pin: '2026-07-28' } } });
  const transport = new ModernTransport(new URL(url), options.headers ? { requestInit: { headers: options.headers } } : undefined);
  await client.connect(transport);
  return wrap('2026-07-28', client.getNegotiatedProtocolVersion(), client as unknown as AnyClient);
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
