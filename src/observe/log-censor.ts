// Header values that may carry credentials never reach a log line, whatever a caller logs: a `headers` object at the
// top of a line loses every value, and any object at the top of a line (or its `headers`) loses its authorization,
// cookie, x-api-key, proxy-authorization and set-cookie values. This does what pino's wildcard `redact` paths did,
// as a pino `formatters.log` hook: the request line (no such key) costs a handful of `in` checks and no allocation,
// where the wildcard paths walked every value of every line.

export const CENSORED = '[redacted]';

const SENSITIVE = ['authorization', 'cookie', 'x-api-key', 'proxy-authorization', 'set-cookie'] as const;

type Fields = Record<string, unknown>;

const isObject = (value: unknown): value is Fields => value !== null && typeof value === 'object' && !Array.isArray(value);

/** The line's fields with credential headers censored: the very object when there is nothing to censor. */
export function censorHeaders(fields: Fields): Fields {
  let out: Fields | undefined;
  for (const key in fields) {
    const value = fields[key];
    if (!isObject(value)) continue;
    const censored = key === 'headers' ? censorAll(value) : censorObject(value);
    if (censored !== value) (out ??= { ...fields })[key] = censored;
  }
  return out ?? fields;
}

/** `value` with its sensitive keys (and those of its `headers`) censored, or `value` itself when it has none. */
function censorObject(value: Fields): Fields {
  let out: Fields | undefined;
  for (const name of SENSITIVE) if (name in value && value[name] !== undefined) set((out ??= copy(value)), name, CENSORED);
  const headers = value.headers;
  if (isObject(headers)) {
    let censoredHeaders: Fields | undefined;
    for (const name of SENSITIVE) if (name in headers && headers[name] !== undefined) set((censoredHeaders ??= copy(headers)), name, CENSORED);
    if (censoredHeaders) set((out ??= copy(value)), 'headers', censoredHeaders);
  }
  return out ?? value;
}

/** Every value of a top-level `headers` object censored. */
function censorAll(headers: Fields): Fields {
  let out: Fields | undefined;
  for (const name in headers) if (headers[name] !== undefined) set((out ??= copy(headers)), name, CENSORED);
  return out ?? headers;
}

/** A copy that keeps the prototype and every own property (an Error keeps its message and stack for pino's serializer). */
const copy = (value: Fields): Fields => Object.create(Object.getPrototypeOf(value) as object | null, Object.getOwnPropertyDescriptors(value)) as Fields;

const set = (target: Fields, key: string, value: unknown): void =>
  void Object.defineProperty(target, key, { value, enumerable: true, writable: true, configurable: true });
