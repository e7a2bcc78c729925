// Raw JSON-RPC over the MCP Streamable HTTP endpoint, for details the SDK clients hide (error codes, envelopes,
// HTTP statuses). A 2025-era request goes after an `initialize` (stateless: nothing to carry over); a 2026-07-28
// request carries the per-request `_meta` envelope instead.
export interface RpcAnswer {
  status: number;
  contentType: string;
  /** The JSON-RPC message (from a JSON body or the last SSE `data:` line), or undefined for an empty body. */
  message?: { jsonrpc?: string; id?: unknown; result?: Record<string, unknown>; error?: { code: number; message: string; data?: unknown } };
  result?: Record<string, unknown>;
  error?: { code: number; message: string; data?: unknown };
  text: string;
}

export const REVISIONS = ['2025-06-18', '2025-11-25', '2026-07-28'] as const;
export type Revision = (typeof REVISIONS)[number];

const CLIENT_INFO = { name: 'raw-rpc', version: '0.0.0' };

/** Envelope pieces a request needs for a revision: headers and, for 2026-07-28, `_meta`. */
export function revisionHeaders(revision: Revision, method?: string, params: Record<string, unknown> = {}): Record<string, string> {
  const headers: Record<string, string> = { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': revision };
  if (revision === '2026-07-28' && method) {
    headers['mcp-method'] = method;
    // Routing headers must agree with the body: the tool or prompt name, the resource URI.
    const name = method === 'resources/read' ? params.uri : method === 'tools/call' || method === 'prompts/get' ? params.name : undefined;
    if (typeof name === 'string') headers['mcp-name'] = name;
  }
  return headers;
}

/** For 2026-07-28, params with the envelope in `_meta`; keys already in `params._meta` are kept and win. */
export function withMeta(revision: Revision, params: Record<string, unknown> = {}): Record<string, unknown> {
  if (revision !== '2026-07-28') return params;
  return {
    ...params,
    _meta: {
      'io.modelcontextprotocol/protocolVersion': revision,
      'io.modelcontextprotocol/clientCapabilities': {},
      'io.modelcontextprotocol/clientInfo': CLIENT_INFO,
      ...(params._meta as Record<string, unknown> | undefined),
    },
  };
}

/** POSTs one body (any JSON or raw text) and parses what comes back. */
export async function post(url: string, body: unknown, headers: Record<string, string>): Promise<RpcAnswer> {
  const response = await fetch(url, { method: 'POST', headers, body: typeof body === 'string' ? body : JSON.stringify(body) });
  return parseAnswer(response);
}

export async function parseAnswer(response: Response): Promise<RpcAnswer> {
  const text = await response.text();
  const contentType = response.headers.get('content-type') ?? '';
  let message: RpcAnswer['message'];
  if (text.length > 0) {
    if (contentType.includes('text/event-stream')) {
      const data = text.split('\n').filter((l) => l.startsWith('data:')).map((l) => l.slice(5).trim()).filter(Boolean);
      if (data.length > 0) message = JSON.parse(data[data.length - 1]!) as RpcAnswer['message'];
    } else if (contentType.includes('json')) message = JSON.parse(text) as RpcAnswer['message'];
  }
  return { status: response.status, contentType, message, result: message?.result, error: message?.error, text };
}

/** One request of `method` at a revision (2025-era: stateless, so no handshake is needed by the server). */
export async function rpc(url: string, method: string, params: Record<string, unknown> = {}, options: { protocolVersion?: Revision; id?: number } = {}): Promise<RpcAnswer> {
  const revision = options.protocolVersion ?? '2025-06-18';
  return post(url, { jsonrpc: '2.0', id: options.id ?? 1, method, params: withMeta(revision, params) }, revisionHeaders(revision, method, params));
}
