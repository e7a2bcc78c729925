// Once `serve`'s ports accept, ajv's compiler (which the first call of a route or tool with an input schema needs)
// is loaded on the idle event loop, without any request (src/startup/warm-after-listening.ts, issue 9); and the
// first request still gets the validator's own verdicts. Structure, not time: the module-log hook shows what loaded.
import { mkdtemp, readFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, killRunningChildren, ROOT, startServe } from '../helpers/cli.js';

const REGISTER = join(ROOT, 'test', 'helpers', 'module-log', 'register.mjs');
let dir: string;

beforeAll(async () => {
  await ensureFreshBuild();
  dir = await mkdtemp(join(tmpdir(), 'cap-warm-'));
}, 180_000);
afterAll(() => killRunningChildren());

const ARGS = ['capabilities/togai.yaml', '--port', 'togai-billing-api=0', '--port', 'togai-billing-mcp=0'];

describe('after the ports accept', () => {
  it('loads ajv’s compiler with no request', async () => {
    const log = join(dir, 'modules.log');
    const served = await startServe(ARGS, 2, { env: { NODE_OPTIONS: `--import=${REGISTER}`, CAPABILITY_MODULE_LOG: log, LOG_LEVEL: 'warn' }, timeoutMs: 60_000 });
    // Stopped as soon as the adapters are printed: the warm-up's first step runs in the event loop turn that printed
    // them, before a signal can be handled. The hook writes the CommonJS modules (ajv is one) at exit.
    await served.stop();
    const modules = await readFile(log, 'utf8');
    expect(modules).toContain('/node_modules/ajv/dist/compile/validate/index.js');
  }, 120_000);

  it('the first call still gets the input validator’s verdicts', async () => {
    const served = await startServe(ARGS, 2, { env: { LOG_LEVEL: 'warn' }, timeoutMs: 60_000 });
    try {
      const mcpUrl = served.lines.map((l) => /^mcp\s+\S+\s+(\S+)/.exec(l)?.[1]).find(Boolean)!;
      const call = async (args: Record<string, unknown>) => {
        const answer = await fetch(mcpUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', 'mcp-protocol-version': '2025-06-18' },
          body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'tools/call', params: { name: 'get-customer', arguments: args } }),
        });
        // Answered as one server-sent event: its data line holds the JSON-RPC response.
        const data = (await answer.text()).split('\n').find((l) => l.startsWith('data: '))!;
        return JSON.parse(data.slice(6)) as { result?: { isError?: boolean; content?: { text: string }[] } };
      };
      // Refused by the tool's input validator (generated on this first call, with the instance the warm-up made).
      const wrong = await call({ customerId: 42 });
      expect(wrong.result?.isError).toBe(true);
      expect(wrong.result?.content?.[0]?.text).toMatch(/customerId.*must be string/s);
      const missing = await call({});
      expect(missing.result?.content?.[0]?.text).toMatch(/customerId.*is required/s);
    } finally {
      await served.stop();
    }
  }, 120_000);
});
