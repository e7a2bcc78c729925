// The error catalogue, docs/errors.md and the source agree: every code is documented, every documented
// code exists, and every code is raised somewhere in src/.
import { readFileSync, readdirSync, statSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { CAP_ERRORS } from '../src/errors/codes.js';

const root = new URL('..', import.meta.url).pathname;
const documented = [...readFileSync(join(root, 'docs/errors.md'), 'utf8').matchAll(/^## (CAP_[A-Z_]+)$/gm)].map((m) => m[1]);

function sources(dir: string): string[] {
  return readdirSync(dir).flatMap((name) => {
    const path = join(dir, name);
    if (statSync(path).isDirectory()) return sources(path);
    return name.endsWith('.ts') && !name.endsWith('.test.ts') && !path.endsWith('errors/codes.ts') ? [readFileSync(path, 'utf8')] : [];
  });
}

describe('error catalogue', () => {
  it('documents every code and nothing else', () => {
    expect(documented.sort()).toEqual(Object.keys(CAP_ERRORS).sort());
  });

  it('raises every code somewhere in src/', () => {
    const text = sources(join(root, 'src')).join('\n');
    const unused = Object.keys(CAP_ERRORS).filter((code) => !text.includes(`'${code}'`));
    expect(unused).toEqual([]);
  });
});
