// The fast YAML path must be invisible: for every YAML file of this repository (capabilities, fixtures, conformance
// cases), as written and with CRLF line ends, and for hand-made awkward documents, it gives the exact path's value
// and problems, and the exact path's line:col for every node and every key. What it cannot vouch for goes to the
// exact path (so the comparison there is trivially equal, which is the point).
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { parseYamlFast } from './fast-yaml.js';
import { exactParse, parseYaml } from './parse-yaml.js';
import { escapePointer } from './source.js';

const ROOT = join(import.meta.dirname, '..', '..');

function yamlFiles(dir: string): string[] {
  return readdirSync(dir, { withFileTypes: true }).flatMap((entry) => {
    const path = join(dir, entry.name);
    if (entry.isDirectory()) return entry.name === 'node_modules' || entry.name.startsWith('.') || entry.name === 'dist' ? [] : yamlFiles(path);
    return /\.ya?ml$/.test(entry.name) ? [path] : [];
  });
}

/** Every pointer into `value`, as a value and (for mapping members) as a key, plus some that lead nowhere. */
function pointers(value: unknown, base = ''): [string, boolean][] {
  const found: [string, boolean][] = [[base, false]];
  if (value && typeof value === 'object') {
    for (const [key, child] of Object.entries(value)) {
      const pointer = `${base}/${escapePointer(key)}`;
      found.push([pointer, true], ...pointers(child, pointer));
    }
  }
  return found;
}

function expectSame(text: string, label: string): void {
  const exact = exactParse(text);
  const fast = parseYaml(text);
  expect(fast.value, label).toStrictEqual(exact.value);
  expect(fast.problems, label).toStrictEqual(exact.problems);
  // One comparison per file (hundreds of thousands of expect() calls would be slow); a mismatch names its pointer.
  const at = (positions: typeof exact.positions) => (pointer: string, onKey: boolean) => {
    const { line, col } = positions.position(pointer, onKey);
    return `${pointer}${onKey ? ' (key)' : ''} ${line}:${col}`;
  };
  // Every pointer of small files; an even spread of 1,500 in large ones (each lookup walks from the root).
  const every = pointers(exact.value);
  const stride = Math.ceil(every.length / 1_500);
  const all = [...every.filter((_, i) => i % stride === 0), ['/nowhere', false], ['/nowhere/deeper', true], ['/0', false]] as [string, boolean][];
  expect(all.map(([p, k]) => at(fast.positions)(p, k)), label).toStrictEqual(all.map(([p, k]) => at(exact.positions)(p, k)));
}

const AWKWARD = [
  'a: 1\nb: "two"\nc: \'three\'\nd: |\n  lit\n  eral\ne: >-\n  folded\n  text\nf:\ng: ~\nh: [1, "x", {i: j}]\nk: {l: m, "n": [o]}\n',
  '200: ok\n"404": missing\n0x1F: hex\n1.50: float\ntrue: yes\n~: nothing\nnull: again\n-1: minus\n.5: half\n',
  'list:\n  - plain\n  - "quoted"\n  -\n  - - nested\n    - seq\n  - key: value\n    other: |\n      block\n',
  'anchor: &a {x: 1}\nplain: 2\n',
  'a: 1\na: 2\n',
  'a: *missing\n',
  'a: &x 1\nb: *x\n',
  'a: !!str 5\n',
  '? [complex]\n: key\n',
  'a: [unclosed\nb: 1\n',
  '--- \na: 1\n---\nb: 2\n',
  '- not\n- a mapping\n',
  'just a string',
  '',
  '# only a comment\n',
  'key: "multi\n  line"\nother: plain\n  continued\n',
  'tabs:\t1\n"quoted key": 2\n\'single\': 3\n',
  '__proto__: {polluted: true}\n',
  '\uFEFFbom: 1\n',
  'lone: 1\rcr: 2\n',
  'deep: ' + '['.repeat(70) + ']'.repeat(70) + '\n',
  'unicode: "\\u00e9t\\u00e9"\nemoji: 😀\nk😀: v\n',
  'a:\n  b:\n    c:\n      d: |+\n        keep\n\n      e: 1\n',
];

describe('fast YAML path', () => {
  it('reads the shipped capabilities without the exact path', () => {
    for (const file of yamlFiles(join(ROOT, 'capabilities'))) {
      expect(parseYamlFast(readFileSync(file, 'utf8'), () => expect.fail('no position lookup expected')), file).toBeDefined();
    }
  });

  it("matches the exact path on every YAML file of the repository (and with CRLF line ends)", () => {
    const files = [...yamlFiles(join(ROOT, 'capabilities')), ...yamlFiles(join(ROOT, 'test')), ...yamlFiles(join(ROOT, 'bench'))];
    expect(files.length).toBeGreaterThan(50);
    for (const file of files) {
      const text = readFileSync(file, 'utf8');
      expectSame(text, file);
      // CRLF on the capability files and the fixtures (the large contract documents only as written: time).
      if (!text.includes('\r') && !file.includes(`${join('test', 'contracts')}`) && !file.includes(join('test', 'conformance'))) expectSame(text.replace(/\n/g, '\r\n'), `${file} (CRLF)`);
    }
  }, 120_000);

  it('matches the exact path on awkward documents', () => {
    for (const text of AWKWARD) expectSame(text, JSON.stringify(text.slice(0, 60)));
  });

  it('hands over to the exact path what it cannot vouch for', () => {
    for (const text of ['a: 1\na: 2\n', 'a: &x 1\nb: *x\n', 'a: !!str 5\n', '? [k]\n: v\n', 'a: [\n', '- a\n', '__proto__: 1\n', '\uFEFFa: 1\n']) {
      expect(parseYamlFast(text, () => expect.fail('not reached')), JSON.stringify(text)).toBeUndefined();
    }
  });
});
