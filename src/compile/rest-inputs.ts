// How a REST operation reads each declared input from the request (naftiko-semantics §4.2, case 9), compiled once:
// a `value` that is not JSONPath is a constant whatever `in` says; `path`, `query`, `header` and `cookie` read their
// location; a body input takes its `value: $…` JSONPath on the body, else the body field of its name, else the whole
// body. Deliberate difference: the reference hands the whole body to *every* body input missing from it (an optional
// `cargoIds` left out becomes the whole request); here only the operation's sole body input without `value` does.
import type { InputParameter } from '../spec/capability.js';
import { compileJsonPath, type Extractor } from './jsonpath.js';

export interface RestInputSource {
  readonly name: string;
  readonly in: string;
  /** A constant `value`: the input is this, whatever the request carries. */
  readonly constant?: unknown;
  /** `value: $…`: a JSONPath on the body. */
  readonly select?: Extractor;
  /** Takes the whole body when the body has no field of its name. */
  readonly wholeBody: boolean;
}

const isJsonPath = (value: unknown): value is string => typeof value === 'string' && value.trim().startsWith('$');

export function compileRestInputs(declared: readonly InputParameter[]): RestInputSource[] {
  const bodyInputs = declared.filter((p) => (p.in ?? 'body') === 'body' && p.value === undefined);
  return declared.map((p) => {
    const where = p.in ?? 'body';
    if (p.value !== undefined && !isJsonPath(p.value)) return { name: p.name, in: where, constant: p.value, wholeBody: false };
    const select = isJsonPath(p.value) ? compileJsonPath(p.value) : undefined;
    return { name: p.name, in: where, select, wholeBody: where === 'body' && !select && bodyInputs.length === 1 };
  });
}
