// `capability list` and `capability serve` show skill and control adapters with their URLs (cases 44 and 45 through
// the real CLI: node bin/capability.js on a fresh dist/).
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, killRunningChildren, runCli, startServe } from '../helpers/cli.js';

const SHIPYARD = 'test/conformance/skill-adapter/shipyard-skills.yaml';

beforeAll(async () => {
  await ensureFreshBuild();
}, 180_000);
afterAll(() => killRunningChildren());

describe('capability list and serve with skill and control adapters', () => {
  it('case 44/45: list prints the skill adapter with each skill and its tools, and the control endpoints', async () => {
    const result = await runCli(['list', SHIPYARD]);
    expect(result.code).toBe(0);
    const lines = result.stdout.split('\n');
    expect(lines).toContain(`skill shipyard-skills  http://127.0.0.1:3002/skills  (${SHIPYARD})`);
    expect(lines).toContain(`       ${'skill fleet-ops'.padEnd(58)} → list-ships (shipyard-tools.list-ships), get-ship (shipyard-tools.get-ship)`);
    expect(lines).toContain(`control control  http://127.0.0.1:9199  (${SHIPYARD})`);
    expect(lines).toContain('       GET /health/ready');
    expect(lines).toContain('       GET /metrics');
    expect(lines).toContain(`       ${'GET /traces'.padEnd(58)} → not provided yet (503)`);

    const json = JSON.parse((await runCli(['list', '--json', SHIPYARD])).stdout) as { type: string; url: string; units: unknown[] }[];
    expect(json.find((r) => r.type === 'skill')).toMatchObject({
      url: 'http://127.0.0.1:3002/skills',
      units: [
        { skill: 'fleet-ops', tools: [{ name: 'list-ships', from: 'shipyard-tools.list-ships' }, { name: 'get-ship', from: 'shipyard-tools.get-ship' }] },
        { skill: 'ship-api', tools: [{ name: 'get-ship', from: 'shipyard-api.get-ship' }] },
      ],
    });
    expect(json.find((r) => r.type === 'control')!.units).toContainEqual({ endpoint: 'GET /status', available: true });
  });

  it('case 44/45: serve prints one line per adapter, skill and control included, and their URLs answer', async () => {
    const ports = ['shipyard-tools', 'shipyard-skills', 'shipyard-api', 'control'].flatMap((ns) => ['--port', `${ns}=0`]);
    const serve = await startServe([SHIPYARD, ...ports], 4);
    try {
      const urls = Object.fromEntries(serve.lines.map((line) => {
        const m = /^(\w+) +(\S+) {2}(http:\/\/127\.0\.0\.1:\d+\S*)$/.exec(line);
        if (!m) throw new Error(`not an adapter line: ${line}`);
        return [m[1]!, m[3]!];
      }));
      expect(Object.keys(urls).sort()).toStrictEqual(['control', 'mcp', 'rest', 'skill']);
      expect(urls.skill).toMatch(/\/skills$/);
      expect(((await (await fetch(urls.skill!)).json()) as { count: number }).count).toBe(2);
      expect(await (await fetch(`${urls.control}/health/ready`)).json()).toMatchObject({ status: 'UP' });
    } finally {
      expect((await serve.stop('SIGTERM')).code).toBe(0);
    }
  });
});
