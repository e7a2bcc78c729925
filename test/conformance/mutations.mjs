// Deterministic mutations of a Naftiko document, to compare our --strict verdict with the official schema's beyond the
// (valid) fixtures: add an unknown key to an object, remove a key, or give a value the wrong type. Shared by
// scripts/official-verdicts.mjs (which records the official verdict of each) and test/conformance/verdicts.test.ts.

const UNKNOWN_KEY = 'x-unknown-key';

/** Every candidate mutation id of a document, in document order: `+<ptr>` add, `-<ptr>` remove, `~<ptr>` retype. */
function candidates(value, pointer, out) {
  if (Array.isArray(value)) {
    value.forEach((item, i) => {
      out.push(`~${pointer}/${i}`);
      candidates(item, `${pointer}/${i}`, out);
    });
  } else if (value && typeof value === 'object') {
    out.push(`+${pointer}`);
    for (const key of Object.keys(value)) {
      const child = `${pointer}/${escape(key)}`;
      out.push(`-${child}`, `~${child}`);
      candidates(value[key], child, out);
    }
  }
  return out;
}

/** At most `max` mutation ids, evenly spread over the document. */
export function mutationIds(document, max) {
  const all = candidates(document, '', []);
  if (all.length <= max) return all;
  return Array.from({ length: max }, (_, i) => all[Math.floor((i * all.length) / max)]);
}

/** A mutated deep copy of the document. */
export function applyMutation(document, id) {
  const copy = structuredClone(document);
  const [kind, pointer] = [id[0], id.slice(1)];
  const segments = pointer === '' ? [] : pointer.slice(1).split('/').map(unescape);
  if (kind === '+') {
    resolve(copy, segments)[UNKNOWN_KEY] = true;
    return copy;
  }
  const parent = resolve(copy, segments.slice(0, -1));
  const last = segments[segments.length - 1];
  if (kind === '-') delete parent[last];
  else parent[last] = retyped(parent[last]);
  return copy;
}

function retyped(value) {
  if (typeof value === 'string') return 42;
  if (typeof value === 'number' || typeof value === 'boolean') return 'text';
  if (Array.isArray(value)) return { item: value };
  if (value && typeof value === 'object') return 'text';
  return 42;
}

const resolve = (value, segments) => segments.reduce((node, s) => node[s], value);
const escape = (s) => String(s).replace(/~/g, '~0').replace(/\//g, '~1');
const unescape = (s) => s.replace(/~1/g, '/').replace(/~0/g, '~');
