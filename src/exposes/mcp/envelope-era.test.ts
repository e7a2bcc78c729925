// Our era rules agree with the SDK's classifyInboundRequest wherever they give a verdict, over many envelopes (valid,
// malformed and hostile), and they give one for what the official clients send, so that the fast path answers those
// without loading the SDK.
import { classifyInboundRequest } from '@modelcontextprotocol/server';
import { describe, expect, it } from 'vitest';
import { prng as random } from '../../testing/prng.js';
import { envelopeEra } from './envelope-era.js';

const MODERN = '2026-07-28';
const PV = 'io.modelcontextprotocol/protocolVersion';
const INFO = 'io.modelcontextprotocol/clientInfo';
const CAPS = 'io.modelcontextprotocol/clientCapabilities';
const LEVEL = 'io.modelcontextprotocol/logLevel';
const TASK = 'io.modelcontextprotocol/related-task';
const ABSENT = Symbol('absent');
const modernEnvelope = { [PV]: MODERN, [INFO]: { name: 'client', version: '1.0.0' }, [CAPS]: {} };

/** The SDK's verdict as the fast path reads it (./era-verdicts.ts). */
function sdkVerdict(version: string, mcpMethod: string | undefined, method: string, meta: Record<string, unknown> | undefined) {
  const params: Record<string, unknown> = method === 'tools/call' ? { name: 't', arguments: {} } : {};
  if (meta !== undefined) params._meta = meta;
  const outcome = classifyInboundRequest({ httpMethod: 'POST', protocolVersionHeader: version, mcpMethodHeader: mcpMethod, mcpNameHeader: 't', body: { jsonrpc: '2.0', id: 1, method, params } });
  if (outcome.kind === 'legacy') return 'legacy';
  return outcome.kind === 'modern' && outcome.messageKind === 'request' && outcome.classification.revision === MODERN ? 'modern' : null;
}

const VERSIONS = ['2025-06-18', '2025-11-25', '2025-03-26', MODERN, ` ${MODERN}`, `${MODERN}\t`, '2027-01-01', '1999-01-01', '', 'garbage'];
const METHODS = ['tools/call', 'tools/list', 'ping'];
const JSON_OBJECTS: unknown[] = [{}, { a: 1 }, { a: [1, null, 's', { b: true }] }, { a: Infinity }, { a: { b: -Infinity } }, [], null, 'x', 1, { a: undefined }];
const VALUES: Record<string, unknown[]> = {
  [PV]: [MODERN, '2025-06-18', '2026-07-29', 7, null, ABSENT, ABSENT],
  [INFO]: [ABSENT, ABSENT, { name: 'c', version: '1' }, { name: 'c', version: '1', title: 't', websiteUrl: 'u', description: 'd', extra: 1 }, { name: 7, version: '1' }, { name: 'c' }, { name: 'c', version: '1', title: 1 }, { name: 'c', version: '1', icons: [{ src: 's', mimeType: 'image/png', sizes: ['1x1'], theme: 'dark' }] }, { name: 'c', version: '1', icons: [{ src: 's', theme: 'blue' }] }, { name: 'c', version: '1', icons: [{ src: 1 }] }, { name: 'c', version: '1', icons: [{ src: 's', sizes: [1] }] }, { name: 'c', version: '1', icons: {} }, null, [], 'c'],
  [CAPS]: [
    ABSENT, {}, {}, null, [], 'x', { roots: { listChanged: true } }, { roots: { listChanged: 'yes' } }, { roots: null }, { roots: {} }, { sampling: {} }, { sampling: { context: {} } }, { sampling: { tools: [] } }, { sampling: { context: { a: Infinity } } },
    { elicitation: {} }, { elicitation: { form: {} } }, { elicitation: { form: { applyDefaults: true } } }, { elicitation: { form: { applyDefaults: 1 } } }, { elicitation: { url: {} } }, { elicitation: { url: [] } }, { elicitation: { form: null } }, { elicitation: { a: Infinity } }, { elicitation: [] },
    { experimental: { a: {} } }, { experimental: { a: 1 } }, { experimental: [] }, { extensions: { 'x/y': { z: [1, null, 's'] } } }, { extensions: { 'x/y': { z: Infinity } } }, { tasks: 'anything' }, { other: null },
  ],
  [LEVEL]: [ABSENT, ABSENT, 'debug', 'emergency', 'loud', 1, null],
  progressToken: [ABSENT, ABSENT, 1, 'p', 1.5, 2 ** 60, null, {}],
  [TASK]: [ABSENT, ABSENT, ABSENT, { taskId: 't' }, { taskId: 1 }, [], null],
  traceparent: [ABSENT, '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', 7],
  'example.com/x': [ABSENT, { deep: [1, 2] }, Infinity],
};

/** Every key at random, or (half the time) a valid 2026-07-28 envelope with one or two keys changed. */
function randomMeta(next: () => number): Record<string, unknown> | undefined {
  if (next() < 0.1) return undefined;
  const keys = Object.keys(VALUES);
  const changed = next() < 0.5 ? new Set(keys) : new Set([keys[Math.floor(next() * keys.length)], keys[Math.floor(next() * keys.length)]]);
  const meta: Record<string, unknown> = changed.size === keys.length ? {} : { ...modernEnvelope };
  for (const key of changed) {
    const options = VALUES[key!]!;
    const value = options[Math.floor(next() * options.length)];
    if (value === ABSENT) delete meta[key!];
    else meta[key!] = value;
  }
  // A whole sub-value replaced by one of the awkward JSON objects now and then.
  if (next() < 0.2) meta[CAPS] = { [['experimental', 'sampling', 'elicitation', 'roots', 'extensions'][Math.floor(next() * 5)]!]: JSON_OBJECTS[Math.floor(next() * JSON_OBJECTS.length)] };
  return meta;
}


describe('envelope era', () => {
  it('agrees with the SDK wherever it gives a verdict', () => {
    const next = random(28);
    const seen = { legacy: 0, modern: 0, undecided: 0 };
    for (let i = 0; i < 30_000; i++) {
      const version = next() < 0.4 ? MODERN : VERSIONS[Math.floor(next() * VERSIONS.length)]!;
      const method = METHODS[Math.floor(next() * METHODS.length)]!;
      const mcpMethod = next() < 0.4 ? method : [undefined, method, ` ${method}`, 'tools/list', 'x'][Math.floor(next() * 5)];
      const meta = randomMeta(next);
      const ours = envelopeEra(version, mcpMethod, method, meta);
      if (ours === undefined) seen.undecided++;
      else {
        seen[ours]++;
        expect(ours, JSON.stringify({ version, mcpMethod, method, meta })).toBe(sdkVerdict(version, mcpMethod, method, meta));
      }
    }
    // Both verdicts were exercised, and many envelopes were left to the SDK.
    expect(seen.legacy).toBeGreaterThan(1_000);
    expect(seen.modern).toBeGreaterThan(100);
    expect(seen.undecided).toBeGreaterThan(1_000);
  });

  it('decides what the official clients send, as the SDK does', () => {
    const cases: [string, string | undefined, string, Record<string, unknown> | undefined][] = [
      ['2025-06-18', undefined, 'tools/call', undefined],
      ['2025-11-25', undefined, 'tools/list', undefined],
      ['2025-06-18', undefined, 'ping', undefined],
      ['2025-06-18', undefined, 'tools/call', { progressToken: 3 }],
      [MODERN, 'tools/call', 'tools/call', modernEnvelope],
      [MODERN, 'tools/list', 'tools/list', modernEnvelope],
      [MODERN, 'tools/call', 'tools/call', { ...modernEnvelope, traceparent: '00-4bf92f3577b34da6a3ce929d0e0e4736-00f067aa0ba902b7-01', [LEVEL]: 'info' }],
      [MODERN, 'tools/call', 'tools/call', { ...modernEnvelope, [CAPS]: { roots: { listChanged: true }, sampling: {}, elicitation: { form: {} }, extensions: { 'io.modelcontextprotocol/skills': {} } } }],
    ];
    for (const [version, mcpMethod, method, meta] of cases) {
      const ours = envelopeEra(version, mcpMethod, method, meta);
      expect(ours, JSON.stringify(meta)).toBeDefined();
      expect(ours).toBe(sdkVerdict(version, mcpMethod, method, meta));
    }
  });
});
