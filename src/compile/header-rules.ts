// What undici accepts in a request header, checked before anything is sent: names at compile time (a file that
// names a header undici refuses never loads), values per request (caller input may hold anything).
import { TemplateError } from './template.js';

// RFC 9110 field-value: visible ASCII, space, tab and obs-text (0x80-0xFF). Everything else (CR, LF, NUL, other
// controls, DEL, characters beyond Latin-1) makes undici refuse the whole request.
const INVALID_VALUE = /[^\t\x20-\x7e\x80-\xff]/;
const TOKEN = /^[!#$%&'*+\-.^_`|~0-9A-Za-z]+$/;
// Headers undici manages itself and refuses from callers (connection handling and framing).
const RESERVED = new Set(['connection', 'keep-alive', 'transfer-encoding', 'upgrade', 'expect', 'content-length']);

/** Why `value` cannot be sent in a header, or undefined when it can. Never quotes the value (it may be a secret). */
export function headerValueProblem(value: string): string | undefined {
  const match = INVALID_VALUE.exec(value);
  if (!match) return undefined;
  const code = match[0].codePointAt(0)!;
  const what = code === 0x0d ? 'a carriage return (CR)' : code === 0x0a ? 'a line feed (LF)' : code === 0 ? 'a NUL character' : code > 0xff ? 'a character beyond Latin-1' : 'a control character';
  return `contains ${what}, which an HTTP header cannot carry`;
}

/** Throws (a CAP_COMPILE diagnostic) for a header name that is not an HTTP token or that undici manages itself. */
export function checkHeaderName(name: string): void {
  if (!TOKEN.test(name)) throw new TemplateError(`"${name}" is not a valid HTTP header name`);
  if (RESERVED.has(name.toLowerCase())) throw new TemplateError(`header "${name}" is set by the HTTP client itself and cannot be declared`);
}
