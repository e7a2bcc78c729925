// Fuzz test of the load → validate → resolve → compile pipeline: seeded mutations of the shipped capabilities and
// the seed fixtures must never make prepareCapabilities throw, every diagnostic must carry file:line:col, and each
// document must load within a generous bound relative to its seed (a mutation that makes loading blow up, such as an
// alias bomb, is a defect; a slow machine is not). FUZZ_DOCS=10000 (and FUZZ_SEED=n) runs a longer campaign.
import { mkdtemp, mkdir, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../../src/prepare.js';
import { prng } from '../../src/testing/prng.js';
import { mutate } from './mutate.js';

const ROOT = new URL('../../', import.meta.url).pathname;
const DOCS = Number(process.env.FUZZ_DOCS ?? 300);
const SEED = Number(process.env.FUZZ_SEED ?? 20261123);
// A document is slow when it takes longer than this many times its seed's first (cold) load, and at least 2 s: the
// bound scales with the machine, so a busy CI runner does not trip it while a super-linear blow-up still does.
const SLOWDOWN_FACTOR = 20;
const MIN_SLOW_MS = 2_000;

interface Seed {
  name: string;
  text: string;
  /** The shared consumes file next to it (imported through ./shared/stigg.yaml), or null when this is the shared file. */
  shared: string | null;
}

async function seeds(): Promise<Seed[]> {
  const out: Seed[] = [];
  for (const dir of ['capabilities', 'test/fixtures/seeds']) {
    const shared = await readFile(join(ROOT, dir, 'shared/stigg.yaml'), 'utf8');
    for (const name of (await readdir(join(ROOT, dir))).filter((n) => n.endsWith('.yaml')).sort()) {
      out.push({ name: `${dir}/${name}`, text: await readFile(join(ROOT, dir, name), 'utf8'), shared });
    }
    out.push({ name: `${dir}/shared/stigg.yaml`, text: shared, shared: null });
  }
  return out;
}

let work: string;
beforeAll(async () => {
  work = await mkdtemp(join(tmpdir(), 'capability-fuzz-'));
});
afterAll(async () => {
  await rm(work, { recursive: true, force: true });
});

describe(`loader fuzz (${DOCS} mutated documents, seed ${SEED})`, () => {
  it('never throws, always positions its diagnostics, and loads each document quickly', async () => {
    const all = await seeds();
    const random = prng(SEED);
    const escaped: string[] = [];
    const unpositioned: string[] = [];
    const slow: string[] = [];
    // One load per seed first: what is built once per process (schema validators, lazy imports) is not a slow document,
    // and the seed's own load time (one-time costs included, so generous) sets its mutations' bound.
    const bound = new Map<Seed, number>();
    for (const seed of all) {
      const dir = join(work, 'warm-up', seed.name.replace(/\W/g, '-'));
      await mkdir(join(dir, 'shared'), { recursive: true });
      const file = seed.shared === null ? join(dir, 'shared', 'stigg.yaml') : join(dir, 'capability.yaml');
      await writeFile(file, seed.text);
      if (seed.shared !== null) await writeFile(join(dir, 'shared', 'stigg.yaml'), seed.shared);
      const started = performance.now();
      await prepareCapabilities([file], { env: {} });
      bound.set(seed, Math.max(MIN_SLOW_MS, SLOWDOWN_FACTOR * (performance.now() - started)));
    }
    for (let i = 0; i < DOCS; i++) {
      const seed = all[i % all.length]!;
      const dir = join(work, String(i % 50));
      await mkdir(join(dir, 'shared'), { recursive: true });
      const text = mutate(seed.text, random);
      const file = seed.shared === null ? join(dir, 'shared', 'stigg.yaml') : join(dir, 'capability.yaml');
      await writeFile(file, text);
      if (seed.shared !== null) await writeFile(join(dir, 'shared', 'stigg.yaml'), seed.shared);
      const started = performance.now();
      try {
        const prepared = await prepareCapabilities([file], { env: {} });
        for (const d of prepared.diagnostics) {
          // prepareCapabilities turns an exception in a stage into CAP_INTERNAL: for the fuzz test that is an escape.
          if (d.code === 'CAP_INTERNAL') escaped.push(`#${i} (${seed.name}): ${d.message}`);
          if (typeof d.file !== 'string' || !d.file || !(Number.isInteger(d.line) && d.line >= 1) || !(Number.isInteger(d.col) && d.col >= 1)) {
            unpositioned.push(`#${i} (${seed.name}): ${JSON.stringify(d)}`);
          }
        }
      } catch (err) {
        escaped.push(`#${i} (${seed.name}): ${(err as Error)?.stack?.split('\n').slice(0, 3).join(' | ') ?? String(err)}`);
      }
      const elapsed = performance.now() - started;
      if (process.env.FUZZ_DOCS && (i + 1) % 1000 === 0) console.log(`fuzz: ${i + 1} documents, ${escaped.length} uncaught exceptions so far`);
      if (elapsed > bound.get(seed)!) slow.push(`#${i} (${seed.name}): ${Math.round(elapsed)} ms (bound ${Math.round(bound.get(seed)!)} ms)`);
    }
    if (process.env.FUZZ_DOCS) console.log(`fuzz: ${DOCS} documents, ${escaped.length} uncaught exceptions, ${unpositioned.length} unpositioned diagnostics, ${slow.length} slow`);
    expect(escaped.slice(0, 20)).toEqual([]);
    expect(unpositioned.slice(0, 20)).toEqual([]);
    expect(slow.slice(0, 20)).toEqual([]);
  }, Math.max(20_000, DOCS * 400));
});
