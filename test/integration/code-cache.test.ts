// The V8 code caches of the generated schema validators (src/code-cache.ts, made by scripts/generate-validators.mjs):
// V8 takes them under the flags the CLI runs with (src/memory/heap-limits.ts), before and after the young generation
// reaches its cap (the flag the CLI switches then is part of what V8 checks), and a cache is never used for a source
// other than its own, even one of the same length (V8 itself compares lengths only). Child processes: the flags of
// this test process are not the CLI's.
import { execFile } from 'node:child_process';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { beforeAll, describe, expect, it } from 'vitest';
import { childEnv, ensureFreshBuild, ROOT } from '../helpers/cli.js';

const run = promisify(execFile);
const dist = (path: string) => JSON.stringify(pathToFileURL(join(ROOT, 'dist', path)).href);

/** Runs an ES module script in a fresh node and parses the JSON line it prints. */
async function inChild<T>(script: string): Promise<T> {
  const { stdout } = await run(process.execPath, ['--input-type=module', '-e', script], { cwd: ROOT, env: childEnv() });
  return JSON.parse(stdout.trim()) as T;
}

beforeAll(async () => {
  await ensureFreshBuild();
}, 180_000);

describe('code caches of the generated validators', () => {
  for (const grow of [false, true]) {
    it(`are taken under the CLI's V8 flags ${grow ? 'once the young generation reached its cap' : 'at start'}`, async () => {
      const result = await inChild<{ factor: number; uses: [string, string][] }>(`
        import { keepHeapSmall } from ${dist('memory/heap-limits.js')};
        keepHeapSmall();
        const { loadGenerated, generatedCacheUses } = await import(${dist('generated-code.js')});
        const { growthFactorNow } = await import(${dist('code-cache.js')});
        if (${grow}) {
          // Enough surviving allocation for the young generation to grow to its cap.
          globalThis.kept = Array.from({ length: 300000 }, (_, i) => ({ i, s: 'x' + i }));
          await new Promise((resolve) => setTimeout(resolve, 50));
        }
        const factor = growthFactorNow();
        for (const name of ['naftiko-1.0.0-alpha3+runtime-extensions', 'naftiko-1.0.0-alpha1+runtime-extensions', 'json-schema-2020-12']) loadGenerated(name, '');
        console.log(JSON.stringify({ factor, uses: [...generatedCacheUses()] }));
      `);
      expect(result.factor).toBe(grow ? 1 : 2);
      expect(result.uses).toEqual([
        ['naftiko-1.0.0-alpha3+runtime-extensions', 'accepted'],
        ['naftiko-1.0.0-alpha1+runtime-extensions', 'accepted'],
        ['json-schema-2020-12', 'accepted'],
      ]);
    }, 60_000);
  }

  it('serve only the source they were made from', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cap-code-cache-'));
    const file = join(dir, 'answer.cjs');
    const use = `
      const { requireWithCodeCache } = await import(${dist('code-cache.js')});
      const { exports, cache } = requireWithCodeCache(${JSON.stringify(file)});
      console.log(JSON.stringify({ answer: exports(), cache }));
    `;
    await writeFile(file, 'module.exports = () => 1;\n');
    expect(await inChild(use)).toEqual({ answer: 1, cache: 'none' });
    await inChild(`
      import { setFlagsFromString } from 'node:v8';
      const { writeCodeCache } = await import(${dist('code-cache.js')});
      for (const factor of [1, 2]) writeCodeCache(${JSON.stringify(file)}, factor, setFlagsFromString, (f) => f());
      console.log('{}');
    `);
    expect(await inChild(use)).toEqual({ answer: 1, cache: 'accepted' });
    // Same length, other code: the cache's digest no longer matches, so V8 never sees it.
    await writeFile(file, 'module.exports = () => 2;\n');
    expect(await inChild(use)).toEqual({ answer: 2, cache: 'none' });
  }, 60_000);
});
