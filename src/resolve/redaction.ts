// Redaction of bound values (secrets) from everything the runtime sends back or logs. A secret can come back
// from an upstream in more than its raw form: JSON-escaped, percent-encoded (an API key echoed from a query
// string), or inside base64 (basic auth `user:password`, a token wrapped in a JWT or a blob). The matcher for every
// such form is built once per set of secrets and applied in one regular-expression pass per text.

export const REDACTED = '[redacted]';

/** Secrets shorter than this are redacted only where they stand alone, so that "ab" does not shred every word. */
const SHORT = 4;
/** A base64 fragment shorter than this is too likely to occur by chance to be redacted. */
const MIN_BASE64_CORE = 6;

export interface Redactor {
  (text: string): string;
  /** Whether the text holds any form of any secret (one scan, nothing built). */
  finds(text: string): boolean;
}

const cache = new WeakMap<readonly string[], Redactor>();

/** The matcher for a given secrets array, built on first use. */
function redactorFor(secrets: readonly string[]): Redactor {
  let redactor = cache.get(secrets);
  if (!redactor) {
    redactor = compileRedactor(secrets);
    cache.set(secrets, redactor);
  }
  return redactor;
}

/** Redacts every form of every secret in `text`. */
export function redactSecrets(text: string, secrets: readonly string[]): string {
  if (secrets.length === 0 || text.length === 0) return text;
  return redactorFor(secrets)(text);
}

export function compileRedactor(secrets: readonly string[]): Redactor {
  const long = new Set<string>();
  const short = new Set<string>();
  for (const secret of secrets) {
    if (!secret) continue;
    for (const form of secretForms(secret)) (form.length < SHORT ? short : long).add(form);
  }
  const alternatives = [...long].sort((a, b) => b.length - a.length).map(escapeRegExp);
  // A short secret counts only when it is not part of a longer word (letters, digits, _ and -).
  for (const form of [...short].sort((a, b) => b.length - a.length)) alternatives.push(`(?<![\\w-])${escapeRegExp(form)}(?![\\w-])`);
  if (alternatives.length === 0) return Object.assign((text: string) => text, { finds: () => false });
  const pattern = new RegExp(alternatives.join('|'), 'g');
  const probe = new RegExp(pattern.source);
  return Object.assign((text: string) => text.replace(pattern, REDACTED), { finds: (text: string) => probe.test(text) });
}

/** JSON text of a value with every secret redacted; the common case (no secret in it) costs one scan of the text. */
export function redactedJson(value: unknown, secrets: readonly string[]): string {
  return redactedJsonText(value, secrets).text;
}

/** Like redactedJson, and says whether anything was redacted (when not, the text is exactly the value's JSON). */
export function redactedJsonText(value: unknown, secrets: readonly string[]): { text: string; redacted: boolean } {
  if (value === undefined) return { text: '', redacted: false };
  const text = JSON.stringify(value);
  if (secrets.length === 0 || !redactorFor(secrets).finds(text)) return { text, redacted: false };
  return { text: JSON.stringify(redactValue(value, secrets)), redacted: true };
}

/** The raw value and the encoded forms in which it can appear in a response, a problem or a log line. */
export function secretForms(secret: string): Set<string> {
  const forms = new Set<string>([secret]);
  const json = JSON.stringify(secret).slice(1, -1);
  forms.add(json);
  forms.add(json.replace(/\//g, '\\/'));
  forms.add(json.replace(/[\u007f-\uffff]/g, (c) => `\\u${c.charCodeAt(0).toString(16).padStart(4, '0')}`));
  const uri = encodeURIComponent(secret);
  forms.add(uri);
  forms.add(uri.replace(/%[0-9A-F]{2}/g, (h) => h.toLowerCase()));
  forms.add(new URLSearchParams({ v: secret }).toString().slice(2)); // form encoding: space as +, more escaped
  for (const core of base64Cores(secret)) if (core.length >= MIN_BASE64_CORE) forms.add(core);
  forms.delete('');
  return forms;
}

/**
 * The parts of a base64 text that depend only on the secret's bytes, for each of the three alignments the secret
 * can have inside a longer encoded value (so `base64("user:" + secret)` is caught too), in standard and URL alphabets.
 */
function base64Cores(secret: string): string[] {
  const bytes = Buffer.from(secret, 'utf8');
  const cores: string[] = [];
  for (let offset = 0; offset < 3; offset++) {
    const encoded = Buffer.concat([Buffer.alloc(offset), bytes]).toString('base64');
    const first = Math.ceil((offset * 8) / 6);
    const end = Math.floor(((offset + bytes.length) * 8) / 6);
    const core = encoded.slice(first, end);
    cores.push(core, core.replace(/\+/g, '-').replace(/\//g, '_'));
  }
  return cores;
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');

/**
 * Redacts a JSON value leaf by leaf, so the result stays valid JSON whatever the secrets are: strings and keys are
 * redacted like text, and a number or boolean whose text is a secret becomes the string `[redacted]`.
 */
export function redactValue(value: unknown, secrets: readonly string[]): unknown {
  if (secrets.length === 0) return value;
  const exact = new Set(secrets);
  const walk = (node: unknown): unknown => {
    if (typeof node === 'string') return redactSecrets(node, secrets);
    if (typeof node === 'number' || typeof node === 'boolean' || typeof node === 'bigint') return exact.has(String(node)) ? REDACTED : node;
    if (Array.isArray(node)) return node.map(walk);
    if (node !== null && typeof node === 'object') {
      const out: Record<string, unknown> = {};
      for (const [key, child] of Object.entries(node)) out[redactSecrets(key, secrets)] = walk(child);
      return out;
    }
    return node;
  };
  return walk(value);
}
