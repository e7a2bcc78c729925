// The CLI bundle's V8 code caches (src/bundle-loader.ts; made by scripts/bundle/warm-code-cache.mjs, the last step of
// scripts/bundle.mjs): V8 takes them under the flags the CLI runs with, before and after the young generation reaches
// its cap; a copy of the bundle elsewhere, a cache V8 rejects and --enable-source-maps all run the same chunks
// without them, and the commands still work. Child processes: the flags of this test process are not the CLI's.
import { execFile } from 'node:child_process';
import { createHash } from 'node:crypto';
import { cp, mkdtemp, readdir, readFile, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { childEnv, ensureFreshBuild, ROOT } from '../helpers/cli.js';

const run = promisify(execFile);
const dist = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, 'dist', path)).href);
const BUNDLE = join(ROOT, 'dist', 'bundle');

interface Report {
  factor: number;
  code: number;
  out: string;
  uses: [string, string][];
}

/** Runs `validate capabilities/` from the bundle in `dir` as bin/capability.js does, in a fresh node. */
async function validateFrom(dir: string, options: { grow?: boolean; nodeOptions?: string } = {}): Promise<Report> {
  const script = `
    import { keepHeapSmall } from ${dist('memory/heap-limits.js')};
    import { Writable } from 'node:stream';
    keepHeapSmall();
    const { loadChunk, cacheUses } = await import(${dist('bundle-loader.js')});
    const { growthFactorNow } = await import(${dist('code-cache.js')});
    if (${options.grow === true}) {
      // Enough surviving allocation for the young generation to grow to its cap.
      globalThis.kept = Array.from({ length: 300000 }, (_, i) => ({ i, s: 'x' + i }));
      await new Promise((resolve) => setTimeout(resolve, 50));
    }
    const factor = growthFactorNow();
    const { main } = loadChunk(${JSON.stringify(join(dir, 'cli.js'))});
    let out = '';
    const code = await main(['validate', 'capabilities/'], new Writable({ write: (c, _e, done) => ((out += c), done()) }), new Writable({ write: (_c, _e, done) => done() }));
    console.log(JSON.stringify({ factor, code, out: out.trim(), uses: [...cacheUses()].map(([p, u]) => [p.slice(${JSON.stringify(dir)}.length + 1), u]) }));
  `;
  const env = childEnv(options.nodeOptions ? { NODE_OPTIONS: options.nodeOptions } : {});
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env });
  return JSON.parse(stdout.trim()) as Report;
}

/** A copy of the bundle (caches included) in another package folder; what it reads beside itself is linked. */
async function copyOfBundle(): Promise<string> {
  const root = await mkdtemp(join(tmpdir(), 'cap-bundle-cache-'));
  const dir = join(root, 'dist', 'bundle');
  await cp(BUNDLE, dir, { recursive: true });
  for (const shared of ['package.json', 'schemas', 'node_modules']) await symlink(join(ROOT, shared), join(root, shared));
  for (const shared of await readdir(join(ROOT, 'dist'))) if (shared !== 'bundle') await symlink(join(ROOT, 'dist', shared), join(root, 'dist', shared));
  return dir;
}

beforeAll(async () => {
  await ensureFreshBuild();
}, 180_000);

describe('code caches of the CLI bundle', () => {
  it('exist for both values of the flag the CLI switches', async () => {
    const caches = (await readdir(BUNDLE)).filter((f) => f.endsWith('.v8cache'));
    expect(caches).toContain('cli.js.growth-1.v8cache');
    expect(caches).toContain('cli.js.growth-2.v8cache');
  });

  for (const grow of [false, true]) {
    it(`are taken under the CLI's V8 flags ${grow ? 'once the young generation reached its cap' : 'at start'}`, async () => {
      const report = await validateFrom(BUNDLE, { grow });
      expect(report.factor).toBe(grow ? 1 : 2);
      expect(report).toMatchObject({ code: 0, out: 'valid: 4 file(s), 4 warning(s)' });
      expect(report.uses.length).toBeGreaterThan(3);
      expect(report.uses).toContainEqual(['cli.js', 'accepted']);
      expect(report.uses.filter(([, use]) => use !== 'accepted')).toEqual([]);
    }, 60_000);
  }

  it('serve only where they were made: a copy of the bundle elsewhere compiles its chunks, and works', async () => {
    const report = await validateFrom(await copyOfBundle());
    expect(report).toMatchObject({ code: 0, out: 'valid: 4 file(s), 4 warning(s)' });
    expect(report.uses.length).toBeGreaterThan(3);
    expect(report.uses.filter(([, use]) => use !== 'none')).toEqual([]);
  }, 60_000);

  it('a cache V8 rejects only costs the compile', async () => {
    const dir = await copyOfBundle();
    // Made for this place and this source (the key src/code-cache.ts checks), but not bytes V8 accepts.
    const path = join(dir, 'cli.js');
    const digest = createHash('sha256').update(`${path}\0${await readFile(path, 'utf8')}`).digest();
    for (const factor of [1, 2]) await writeFile(`${path}.growth-${factor}.v8cache`, Buffer.concat([digest, Buffer.alloc(4096, 7)]));
    const report = await validateFrom(dir);
    expect(report).toMatchObject({ code: 0, out: 'valid: 4 file(s), 4 warning(s)' });
    expect(report.uses).toContainEqual(['cli.js', 'rejected']);
  }, 60_000);

  it('with --enable-source-maps, Node runs the chunks itself (so stack traces lead back to the TypeScript)', async () => {
    const report = await validateFrom(BUNDLE, { nodeOptions: '--enable-source-maps' });
    expect(report).toMatchObject({ code: 0, out: 'valid: 4 file(s), 4 warning(s)', uses: [] });
  }, 60_000);
});
