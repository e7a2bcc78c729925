import { spawnSync } from 'node:child_process';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, ROOT } from '../../test/helpers/cli.js';
import { batchLines } from './line-batch.js';

beforeAll(() => ensureFreshBuild(), 300_000); // the child process below runs the built logger

describe('batchLines', () => {
  it('writes the lines of one event-loop turn in one write, at the end of that turn', async () => {
    const writes: string[] = [];
    const stream = batchLines({ write: (data: string) => void writes.push(data), flushSync: () => {} }, 2);
    stream.write('a\n');
    stream.write('b\n');
    expect(writes).toStrictEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    stream.write('c\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toStrictEqual(['a\nb\n', 'c\n']);
  });

  it('a process that exits right after logging still writes every line to stderr', () => {
    const log = join(ROOT, 'dist', 'observe', 'log.js');
    const script = `const { createLogger } = await import(${JSON.stringify(pathToFileURL(log).href)}); const l = createLogger(); for (let i = 0; i < 3; i++) l.info({ i }, 'line'); process.exit(0);`;
    const child = spawnSync(process.execPath, ['--input-type=module', '-e', script], { encoding: 'utf8' });
    expect(child.status, child.stderr).toBe(0);
    expect(child.stderr.trim().split('\n').map((l) => (JSON.parse(l) as { i: number }).i)).toStrictEqual([0, 1, 2]);
  });
});
