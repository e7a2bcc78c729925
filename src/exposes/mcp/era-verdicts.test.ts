// The remembered era verdicts agree with the SDK's classifyInboundRequest on every envelope, and a `_meta` key that
// changes with every request (a W3C trace context) does not make the memory grow.
import { classifyInboundRequest } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { createClassifier } from './era-verdicts.js';

const MODERN = '2026-07-28';
const envelope = (extra: Record<string, unknown> = {}) => ({
  'io.modelcontextprotocol/protocolVersion': MODERN,
  'io.modelcontextprotocol/clientInfo': { name: 'client', version: '1.0.0' },
  'io.modelcontextprotocol/clientCapabilities': {},
  ...extra,
});
const call = (meta?: Record<string, unknown>) => ({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get-item', arguments: {}, ...(meta ? { _meta: meta } : {}) } });

/** The SDK's own verdict, as the fast path reads it. */
function sdkVerdict(version: string, mcpMethod: string | undefined, body: ReturnType<typeof call>) {
  const outcome = classifyInboundRequest({ httpMethod: 'POST', protocolVersionHeader: version, mcpMethodHeader: mcpMethod, mcpNameHeader: 'get-item', body });
  if (outcome.kind === 'legacy') return 'legacy';
  return outcome.kind === 'modern' && outcome.messageKind === 'request' && outcome.classification.revision === MODERN ? 'modern' : null;
}

describe('era verdicts', () => {
  it('agree with the SDK, whatever was remembered before', () => {
    const classify = createClassifier();
    const cases: [string, string | undefined, ReturnType<typeof call>][] = [
      [MODERN, 'tools/call', call(envelope())],
      [MODERN, 'tools/call', call(envelope({ 'io.modelcontextprotocol/clientInfo': { name: 7 } }))], // malformed client info
      [MODERN, 'tools/call', call(envelope({ 'io.modelcontextprotocol/logLevel': 'loud' }))], // unknown log level
      [MODERN, 'tools/call', call(envelope({ 'io.modelcontextprotocol/logLevel': 'debug' }))],
      [MODERN, 'tools/call', call({ 'io.modelcontextprotocol/protocolVersion': MODERN })], // capabilities missing
      [MODERN, 'tools/call', call(envelope({ 'io.modelcontextprotocol/protocolVersion': '2025-06-18' }))], // header and body disagree
      [MODERN, 'tools/list', call(envelope())], // Mcp-Method disagrees
      [MODERN, 'tools/call', call()], // modern header, no envelope
      ['2025-06-18', undefined, call()],
      ['2025-06-18', undefined, call({ progressToken: 4 })],
      ['2025-11-25', undefined, call(envelope())], // legacy header, modern claim
    ];
    // Twice over, so that the second round answers from memory.
    for (let round = 0; round < 2; round++) {
      for (const [version, mcpMethod, body] of cases) {
        const meta = (body.params as { _meta?: Record<string, unknown> })._meta;
        expect(classify(version, mcpMethod, 'get-item', body, body.method, meta), JSON.stringify([version, mcpMethod, meta])).toBe(sdkVerdict(version, mcpMethod, body));
      }
    }
    // A progress token is no part of the envelope: those two 2025 requests share a verdict.
    expect(classify.remembered).toBe(cases.length - 1);
  });

  it('remember one verdict per envelope, not per trace context; key order does not matter', () => {
    const classify = createClassifier();
    for (let i = 0; i < 50; i++) {
      const meta = envelope({ traceparent: `00-${i.toString(16).padStart(32, '0')}-00f067aa0ba902b7-01` });
      expect(classify(MODERN, 'tools/call', 'get-item', call(meta), 'tools/call', meta)).toBe('modern');
    }
    const reordered = { 'io.modelcontextprotocol/clientCapabilities': {}, 'io.modelcontextprotocol/clientInfo': { version: '1.0.0', name: 'client' }, 'io.modelcontextprotocol/protocolVersion': MODERN };
    expect(classify(MODERN, 'tools/call', 'get-item', call(reordered), 'tools/call', reordered)).toBe('modern');
    expect(classify.remembered).toBe(1);
    // Another client is another envelope.
    const other = envelope({ 'io.modelcontextprotocol/clientInfo': { name: 'other', version: '2.0.0' } });
    expect(classify(MODERN, 'tools/call', 'get-item', call(other), 'tools/call', other)).toBe('modern');
    expect(classify.remembered).toBe(2);
  });
});
