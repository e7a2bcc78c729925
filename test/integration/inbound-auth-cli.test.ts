// `capability serve` and inbound authentication through the real CLI: beyond loopback, every adapter without
// `authentication` is named in a loud start-up warning; protected adapters refuse a request without credentials.
import { fileURLToPath } from 'node:url';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, killRunningChildren, startServe, type ServeProcess } from '../helpers/cli.js';

const FILE = fileURLToPath(new URL('../fixtures/auth/mcp-auth.yaml', import.meta.url));
const PORTS = ['bearer-mcp', 'apikey-mcp', 'open-mcp'].flatMap((ns) => ['--port', `${ns}=0`]);

async function stderrContaining(serve: ServeProcess, text: string): Promise<string> {
  for (let i = 0; i < 50 && !serve.stderr().includes(text); i++) await new Promise((resolve) => setTimeout(resolve, 100));
  return serve.stderr();
}

describe('serve: open adapters beyond loopback', () => {
  let serve: ServeProcess | undefined;
  beforeAll(async () => {
    await ensureFreshBuild();
  }, 120_000);
  afterEach(async () => {
    await serve?.stop('SIGKILL');
    serve = undefined;
  });
  afterAll(() => killRunningChildren());

  it('--host 0.0.0.0 warns about each adapter without authentication, and only those', async () => {
    serve = await startServe([FILE, '--host', '0.0.0.0', ...PORTS], 3);
    const stderr = await stderrContaining(serve, 'WARNING');
    expect(stderr).toMatch(/WARNING: mcp adapter "open-mcp" .*has no authentication and listens on 0\.0\.0\.0/);
    // Only the WARNING lines: the JSON log lines name every adapter.
    const warnings = stderr.split('\n').filter((l) => l.startsWith('WARNING'));
    expect(warnings.join('\n')).not.toContain('"bearer-mcp"');
    expect(warnings.join('\n')).not.toContain('"apikey-mcp"');

    const port = /:(\d+)\/mcp/.exec(serve.lines.find((l) => l.includes('bearer-mcp'))!)![1];
    const refused = await fetch(`http://127.0.0.1:${port}/mcp`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: '{}' });
    expect(refused.status).toBe(401);
  }, 60_000);

  it('on loopback (the default) there is no such warning', async () => {
    serve = await startServe([FILE, ...PORTS], 3);
    await new Promise((resolve) => setTimeout(resolve, 300));
    expect(serve.stderr()).not.toContain('WARNING');
  }, 60_000);
});
