// Fast by construction: once a capability is served, REST requests and MCP tool calls compile nothing —
// no Mustache template, no JSONPath expression and no ajv validator is built on the request path. The one exception
// is by design (src/compile/json-schema.ts): ajv's code generation for a unit's input schema runs on the unit's first
// call, once, so that large capabilities load fast; the schema itself was already checked at load time.
import http from 'node:http';
import { fileURLToPath } from 'node:url';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { JSONPath } from 'jsonpath-plus';
import mustache from 'mustache';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { prepareCapabilities } from '../../src/prepare.js';
import { startRuntime, type Runtime } from '../../src/runtime.js';

const capability = fileURLToPath(new URL('../../bench/capability.yaml', import.meta.url));
let upstream: http.Server;
let runtime: Runtime;
const seen: string[] = [];

beforeAll(async () => {
  upstream = http.createServer((req, res) => {
    seen.push(`${req.method} ${req.url} ${req.headers.authorization}`);
    res.setHeader('content-type', 'application/json');
    res.end(JSON.stringify({ data: { id: req.url?.split('/')[2], ok: true } }));
  });
  await new Promise<void>((r) => upstream.listen(0, '127.0.0.1', r));
  const port = (upstream.address() as { port: number }).port;
  const prepared = await prepareCapabilities([capability], { env: { BENCH_TOKEN: 'tok' }, upstreams: new Map([['bench', `http://127.0.0.1:${port}`]]) });
  expect(prepared.ok).toBe(true);
  runtime = await startRuntime(prepared.capabilities, { ports: new Map([['bench-rest', 0], ['bench-mcp', 0]]) });
});
afterAll(async () => {
  await runtime?.close();
  upstream?.close();
});

describe('the request path', () => {
  it('builds no template, JSONPath or validator while serving REST and MCP calls', async () => {
    const rest = runtime.adapters.find((a) => a.type === 'rest')!.url;
    const mcp = runtime.adapters.find((a) => a.type === 'mcp')!.url;
    const call = (i: number) =>
      fetch(mcp, {
        method: 'POST',
        headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
        body: JSON.stringify({ jsonrpc: '2.0', id: i, method: 'tools/call', params: { name: 'get-item', arguments: { id: `m-${i}` } } }),
      });
    // The first call of the tool generates its input validator's code: exactly once, even for concurrent calls.
    const compile = vi.spyOn(Ajv2020.prototype, 'compile');
    const first = await Promise.all([call(100), call(101), fetch(`${rest}/v1/items/w-100`)]);
    for (const r of first) expect(r.status).toBe(200);
    expect(compile).toHaveBeenCalledTimes(1);
    compile.mockRestore();

    const spies = [vi.spyOn(Ajv2020.prototype, 'compile'), vi.spyOn(mustache, 'parse'), vi.spyOn(JSONPath, 'toPathArray')];
    for (let i = 0; i < 5; i++) {
      const r = await fetch(`${rest}/v1/items/w-${i}`);
      expect(await r.json()).toEqual({ id: `w-${i}`, ok: true });
      const m = await call(i);
      expect(await m.text()).toContain(`"structuredContent":{"id":"m-${i}","ok":true}`);
    }
    expect(seen).toContain('GET /items/w-4 Bearer tok');
    expect(seen).toContain('GET /items/m-4 Bearer tok');
    for (const spy of spies) expect(spy).not.toHaveBeenCalled();
    spies.forEach((s) => s.mockRestore());
  });
});
