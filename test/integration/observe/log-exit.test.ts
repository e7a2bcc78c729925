// Log lines wait for the end of the event-loop turn before they are written (src/observe/line-batch.ts): a process
// that exits right after logging must still write every line. The child runs the built logger (dist/).
import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, ROOT } from '../../helpers/cli.js';

beforeAll(() => ensureFreshBuild(), 300_000);

describe('log lines at exit', () => {
  it('a process that exits right after logging still writes every line to stderr, in order', () => {
    const log = pathToFileURL(join(ROOT, 'dist', 'observe', 'log.js')).href;
    const script = `const { createLogger } = await import(${JSON.stringify(log)}); const l = createLogger(); for (let i = 0; i < 3; i++) l.info({ i }, 'line'); process.exit(0);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8', env: { PATH: process.env.PATH ?? '' } });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stderr.trim().split('\n').map((l) => (JSON.parse(l) as { i: number }).i)).toStrictEqual([0, 1, 2]);
  });
});
