// What both adapters send back, built in one place: JSON text of a result or a problem, with bound secrets
// redacted (a misbehaving upstream that echoes a key must not leak it to callers).
import { asCapError, toProblem, type Problem } from '../errors/cap-error.js';

export function redact(text: string, secrets: readonly string[]): string {
  let out = text;
  for (const secret of secrets) if (out.includes(secret)) out = out.split(secret).join('[redacted]');
  return out;
}

export function resultText(value: unknown, secrets: readonly string[]): string {
  return value === undefined ? '' : redact(JSON.stringify(value), secrets);
}

export function problemOf(err: unknown, secrets: readonly string[]): { problem: Problem; text: string } {
  const problem = toProblem(asCapError(err));
  const text = redact(JSON.stringify(problem), secrets);
  return { problem: JSON.parse(text) as Problem, text };
}
