// What both adapters send back, built in one place: JSON text of a result or a problem, with bound secrets
// redacted in every form they can take (a misbehaving upstream that echoes a key must not leak it to callers).
import { asCapError, toProblem, type Problem } from '../errors/cap-error.js';
import { redactSecrets, redactValue } from '../resolve/redaction.js';

/** Every form of every bound value (raw, JSON-escaped, percent-encoded, base64) becomes `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  return redactSecrets(text, secrets);
}

export function resultText(value: unknown, secrets: readonly string[]): string {
  return value === undefined ? '' : JSON.stringify(redactValue(value, secrets));
}

export function problemOf(err: unknown, secrets: readonly string[]): { problem: Problem; text: string } {
  const problem = redactValue(toProblem(asCapError(err)), secrets) as Problem;
  return { problem, text: JSON.stringify(problem) };
}
