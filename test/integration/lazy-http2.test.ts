// Node's http2 loads only when used (scripts/bundle.mjs, LAZY_HTTP2): Fastify's server module and undici's client
// require it at once, the runtime serves and calls HTTP/1 only. `serve` of the shipped capabilities, REST and MCP,
// with a --require hook that writes the built-in modules Node loaded (process.moduleLoadList) when the process exits.
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { childEnv, ensureFreshBuild, killRunningChildren, ROOT, startServe } from '../helpers/cli.js';

const BIN = join(ROOT, 'bin', 'capability.js');

const run = promisify(execFile);

beforeAll(async () => {
  await ensureFreshBuild();
}, 180_000);

afterAll(() => {
  killRunningChildren();
});

describe('serve without http2', () => {
  it('serves the shipped capabilities over HTTP/1 without loading Node’s http2', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cap-lazy-http2-'));
    const hook = join(dir, 'builtins.cjs');
    const log = join(dir, 'builtins.txt');
    await writeFile(hook, `process.on('exit', () => require('node:fs').writeFileSync(${JSON.stringify(log)}, process.moduleLoadList.join('\\n')));\n`);
    const { stdout } = await run(process.execPath, [BIN, 'list', 'capabilities/', '--json'], { cwd: ROOT, env: childEnv() });
    const adapters = JSON.parse(stdout) as { namespace: string; type: string }[];
    const ports = adapters.flatMap((a) => ['--port', `${a.namespace}=0`]);
    const serve = await startServe(['capabilities/', ...ports], adapters.length, { env: { NODE_OPTIONS: `--require=${hook}` } });
    const restUrl = serve.lines.find((line) => line.startsWith('rest'))!.split(/\s+/)[2]!;
    const ready = await fetch(`${restUrl}/health/ready`);
    expect(ready.status).toBe(200);
    const result = await serve.stop('SIGTERM');
    expect(result.code).toBe(0);
    const builtins = (await readFile(log, 'utf8')).split('\n');
    expect(builtins).toContain('NativeModule http');
    expect(builtins.filter((m) => /http2/.test(m))).toEqual([]);
  }, 60_000);
});
