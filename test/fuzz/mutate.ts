// Seeded mutations of capability YAML for the loader fuzz test: structural ones on the parsed tree (delete,
// duplicate, retype and swap keys) and textual ones on the source (aliases, truncation, junk characters).
import { parse, stringify } from 'yaml';

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)]!;

type Container = Record<string, unknown> | unknown[];
interface Slot {
  parent: Container;
  key: string | number;
}

/** Every (container, key) pair in the tree, so a mutation can pick any node uniformly. */
function slots(value: unknown, out: Slot[] = []): Slot[] {
  if (Array.isArray(value)) value.forEach((v, i) => (out.push({ parent: value, key: i }), slots(v, out)));
  else if (value && typeof value === 'object') for (const [k, v] of Object.entries(value)) (out.push({ parent: value as Record<string, unknown>, key: k }), slots(v, out));
  return out;
}

const get = (s: Slot): unknown => (s.parent as Record<string | number, unknown>)[s.key];
const set = (s: Slot, v: unknown): void => void ((s.parent as Record<string | number, unknown>)[s.key] = v);

const ODD_VALUES: unknown[] = [
  null, 0, -1, 1.5, true, '', 'x', '{{x}}', '{{', '$..[', '$.a[?(@.b', 'file://%zz', 'ns.op', '{a}', [], [null], {}, { a: 1 }, [1, 'a', null], 'GET', 99999999999999999999,
];

const TREE_MUTATIONS: ((tree: unknown, random: Random) => void)[] = [
  // delete a key or an item
  (tree, random) => {
    const s = pick(random, slots(tree));
    if (Array.isArray(s.parent)) s.parent.splice(Number(s.key), 1);
    else delete s.parent[s.key as string];
  },
  // duplicate a node into another place
  (tree, random) => {
    const all = slots(tree);
    set(pick(random, all), structuredClone(get(pick(random, all))));
  },
  // retype a value
  (tree, random) => set(pick(random, slots(tree)), structuredClone(pick(random, ODD_VALUES))),
  // swap two values
  (tree, random) => {
    const all = slots(tree);
    const a = pick(random, all);
    const b = pick(random, all);
    const va = get(a);
    const vb = get(b);
    set(a, structuredClone(vb));
    set(b, structuredClone(va));
  },
  // rename a key (a misspelt section)
  (tree, random) => {
    const s = pick(random, slots(tree).filter((x) => !Array.isArray(x.parent)));
    if (!s) return;
    const parent = s.parent as Record<string, unknown>;
    parent[`${String(s.key).slice(0, -1)}_`] = parent[s.key as string];
    delete parent[s.key as string];
  },
  // wrap a value in a list or a mapping
  (tree, random) => {
    const s = pick(random, slots(tree));
    set(s, random() < 0.5 ? [get(s)] : { value: get(s) });
  },
];

const JUNK = ['[', ']', '{', '}', ':', ': ', '\t', '&a ', '*a', '*nope', '%', '!', '!!binary ', '"', "'", '{{x}}', '#', '- ', '\n  ', '|', '>', '\u0000', '\uFFFD', '\\', '? ', '<<: *a\n', '---\n'];

const TEXT_MUTATIONS: ((text: string, random: Random) => string)[] = [
  (text, random) => text.slice(0, Math.floor(random() * text.length)),
  (text, random) => {
    const at = Math.floor(random() * text.length);
    return text.slice(0, at) + pick(random, JUNK) + text.slice(at);
  },
  (text, random) => {
    const lines = text.split('\n');
    const at = Math.floor(random() * lines.length);
    if (random() < 0.5) lines.splice(at, 1);
    else lines.splice(at, 0, lines[at] ?? '');
    return lines.join('\n');
  },
  // an unresolved alias in place of a value
  (text, random) => replaceValue(text, random, '*nope'),
  // an anchor then an alias to it further down (valid YAML, odd shapes)
  (text, random) => {
    const lines = text.split('\n');
    const candidates = lines.map((l, i) => [l, i] as const).filter(([l]) => /^\s*[\w-]+:\s*\S/.test(l));
    if (candidates.length < 2) return text;
    const [first, second] = [pick(random, candidates), pick(random, candidates)].sort((a, b) => a[1] - b[1]);
    lines[first![1]] = first![0].replace(/:\s*/, ': &anc ');
    lines[second![1]] = second![0].replace(/:\s*.*$/, ': *anc');
    return lines.join('\n');
  },
  // a small alias bomb
  (text) => `a: &a [x, x, x, x, x, x, x, x, x]\nb: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a]\nc: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b]\nd: [*c, *c, *c, *c, *c, *c, *c, *c, *c]\n${text}`,
];

function replaceValue(text: string, random: Random, value: string): string {
  const lines = text.split('\n');
  const candidates = lines.map((l, i) => i).filter((i) => /^\s*(- )?[\w-]+:\s*\S/.test(lines[i]!));
  if (candidates.length === 0) return text;
  const at = pick(random, candidates);
  lines[at] = lines[at]!.replace(/:\s*.*$/, `: ${value}`);
  return lines.join('\n');
}

/** One to three mutations of a document, tree-level or text-level. */
export function mutate(text: string, random: Random): string {
  let out = text;
  const rounds = 1 + Math.floor(random() * 3);
  for (let i = 0; i < rounds; i++) {
    if (random() < 0.55) {
      let tree: unknown;
      try {
        tree = parse(out);
      } catch {
        tree = undefined;
      }
      if (tree && typeof tree === 'object') {
        pick(random, TREE_MUTATIONS)(tree, random);
        out = stringify(tree, { aliasDuplicateObjects: false });
        continue;
      }
    }
    out = pick(random, TEXT_MUTATIONS)(out, random);
  }
  return out;
}
