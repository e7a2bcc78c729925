// A raw string body that is JSON text with placeholders (the tutorial's `"crewIds": {{crewIds}}`, step 6), rendered so
// the result stays JSON: a placeholder inside a string literal gets its value JSON-escaped (a quote in the data does
// not end the string), one outside gets the value's JSON text, and a missing value there is `null`. The reference
// engine renders missing values as "" (naftiko-semantics §2.1), which leaves `"cargoIds": ,` and an upstream 400 when
// an optional array is not given; §2.7 RECOMMENDED asks for JSON-encoded values, which is what the authors meant.
import { stringify, type NameScope, type Params } from './names.js';
import { compileText, type TextTemplate } from './template.js';

/**
 * Null when the text is not a JSON object or array once its placeholders are filled (then it keeps the plain text
 * rendering). Decided once, at load time.
 */
export function compileJsonText(text: string, scope: NameScope): TextTemplate | null {
  const template = compileText(text, scope);
  if (template.names.length === 0) return null;
  const parts = splitParts(text, template);
  if (!parts) return null;
  // The shape must be a JSON object or array with any value in place of every placeholder, else this is not JSON
  // text (a body that is one bare placeholder keeps the plain rendering: missing is "", case 2).
  const filled = parts.map((p) => (typeof p === 'string' ? p : p.inString ? 'x' : 'null')).join('');
  try {
    const shape = JSON.parse(filled) as unknown;
    if (shape === null || typeof shape !== 'object') return null;
  } catch {
    return null;
  }
  return {
    names: template.names,
    render(params: Params): string {
      let out = '';
      for (const part of parts) {
        if (typeof part === 'string') out += part;
        else out += part.inString ? escapeInString(part.get(params)) : outsideString(part.get(params));
      }
      return out;
    },
  };
}

interface Slot {
  inString: boolean;
  get(params: Params): unknown;
}

/** The text split at its placeholders, each placeholder told whether it stands inside a JSON string literal. */
function splitParts(text: string, template: TextTemplate): (string | Slot)[] | null {
  const getters = template.getters;
  if (!getters) return null;
  const out: (string | Slot)[] = [];
  let inString = false;
  let escaped = false;
  let i = 0;
  let slot = 0;
  let literal = '';
  // Mustache's reading: `{{{x}}}` is one (triple) placeholder, `{{x}}}` a placeholder and a brace.
  const placeholder = /\{\{\{[^{}]+\}\}\}|\{\{[^{}]+\}\}/y;
  while (i < text.length) {
    placeholder.lastIndex = i;
    const match = placeholder.exec(text);
    if (match) {
      if (literal) out.push(literal);
      literal = '';
      const get = getters[slot++];
      if (!get) return null;
      out.push({ inString, get });
      i += match[0].length;
      continue;
    }
    const c = text[i]!;
    if (inString) {
      if (escaped) escaped = false;
      else if (c === '\\') escaped = true;
      else if (c === '"') inString = false;
    } else if (c === '"') inString = true;
    literal += c;
    i++;
  }
  if (literal) out.push(literal);
  return slot === getters.length ? out : null;
}

function escapeInString(value: unknown): string {
  const text = stringify(value);
  return JSON.stringify(text).slice(1, -1);
}

function outsideString(value: unknown): string {
  if (value === undefined || value === null) return 'null';
  // A string stands as written (a number or a JSON fragment the caller passed as text), like the reference.
  if (typeof value === 'string') return value === '' ? 'null' : value;
  return JSON.stringify(value);
}
