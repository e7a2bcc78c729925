// `capability init` as a user runs it: it writes a starter capability that `validate --strict` accepts without a
// finding, whose first line points editors at the JSON Schema this package ships, that `call` runs against an
// upstream as written; it never overwrites a file and refuses names that would make bad namespaces.
import { existsSync } from 'node:fs';
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, killRunningChildren, runCli } from '../helpers/cli.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

let dir: string;
let upstream: Upstream;

beforeAll(async () => {
  await ensureFreshBuild();
  dir = await mkdtemp(join(tmpdir(), 'cap-init-'));
  upstream = await startUpstream((r) => ({ body: { id: decodeURIComponent(r.path.split('/').pop()!), title: 'First', owner: 'ignored' } }));
}, 180_000);
afterAll(async () => {
  killRunningChildren();
  await upstream?.close();
});

describe('capability init', { timeout: 90_000 }, () => {
  it('writes a capability that validates under --strict with no finding, and serves its calls as written', async () => {
    const file = join(dir, 'notes.yaml');
    const made = await runCli(['init', 'notes', '--file', file]);
    expect(made.stderr).toBe('');
    expect(made.code).toBe(0);
    expect(made.stdout).toContain(`wrote `);
    const text = await readFile(file, 'utf8');
    for (const part of ['binds:', 'consumes:', 'type: rest', 'type: mcp', 'NOTES_API_TOKEN', 'required unless']) expect(text).toContain(part);
    expect(text).not.toContain('x-dialect');

    const validated = await runCli(['validate', '--strict', file], { env: { NOTES_API_TOKEN: 'tok' } });
    expect(validated.stderr).toBe('');
    expect(validated.stdout.trim()).toBe('valid: 1 file(s), 0 warning(s)');
    expect(validated.code).toBe(0);

    const called = await runCli(['call', file, 'get-item', '--arg', 'id=n1', '--upstream', `notes=${upstream.url}`], { env: { NOTES_API_TOKEN: 'tok_init_1' } });
    expect(called.code).toBe(0);
    expect(JSON.parse(called.stdout)).toStrictEqual({ id: 'n1', title: 'First' });
    expect(upstream.only().headers.authorization).toBe('Bearer tok_init_1');
  });

  it('points editors at the shipped JSON Schema on its first line (a comment the loader ignores)', async () => {
    const file = join(dir, 'sub', 'folder', 'crm-notes.yaml');
    await import('node:fs/promises').then((fs) => fs.mkdir(dirname(file), { recursive: true }));
    expect((await runCli(['init', 'crm-notes', '--file', file])).code).toBe(0);
    const first = (await readFile(file, 'utf8')).split('\n')[0]!;
    const match = /^# yaml-language-server: \$schema=(\S+)$/.exec(first);
    expect(match).not.toBeNull();
    expect(resolve(dirname(file), match![1]!)).toBe(resolve('schemas/naftiko-1.0.0-alpha2.schema.json'));
    expect(existsSync(resolve(dirname(file), match![1]!))).toBe(true);
    const text = await readFile(file, 'utf8');
    expect(text).toContain('namespace: crm-notes-api');
    expect(text).toContain('CRM_NOTES_API_TOKEN');
  });

  it('never overwrites an existing file, and refuses a name that cannot be a namespace', async () => {
    const file = join(dir, 'taken.yaml');
    await writeFile(file, 'mine\n');
    const again = await runCli(['init', 'taken', '--file', file]);
    expect(again.code).toBe(1);
    expect(again.stderr).toContain('already exists: not overwritten');
    expect(await readFile(file, 'utf8')).toBe('mine\n');
    const bad = await runCli(['init', 'Bad_Name', '--file', join(dir, 'bad.yaml')]);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('must be lower-case letters, digits and single dashes');
    expect(existsSync(join(dir, 'bad.yaml'))).toBe(false);
  });
});
