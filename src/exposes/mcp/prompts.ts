// MCP prompts (naftiko-semantics §5.6): prompts/get renders the compiled parts with the caller's arguments.
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import { renderParts, type CompiledPrompt } from '../../compile/mcp-prompts.js';

export function getPrompt(byName: ReadonlyMap<string, CompiledPrompt>, name: unknown, args: unknown) {
  if (typeof name !== 'string' || name.length === 0) throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'prompts/get: params.name is required');
  const prompt = byName.get(name);
  if (!prompt) throw new ProtocolError(ProtocolErrorCode.InvalidParams, `unknown prompt "${name}"; prompts: ${[...byName.keys()].join(', ')}`);
  const values = args !== null && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
  return {
    ...(prompt.listing.description ? { description: prompt.listing.description } : {}),
    messages: prompt.messages.map((m) => ({ role: m.role, content: { type: 'text' as const, text: renderParts(m.parts, values) } })),
  };
}
