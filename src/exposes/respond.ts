// What both adapters send back, built in one place: JSON text of a result or a problem, with bound secrets
// redacted in every form they can take (a misbehaving upstream that echoes a key must not leak it to callers).
import { asCapError, toProblem, type CapError, type Problem } from '../errors/cap-error.js';
import type { Logger } from '../observe/log.js';
import { redactedJson, redactSecrets, redactValue } from '../resolve/redaction.js';

/** Every form of every bound value (raw, JSON-escaped, percent-encoded, base64) becomes `[redacted]`. */
export function redact(text: string, secrets: readonly string[]): string {
  return redactSecrets(text, secrets);
}

export function resultText(value: unknown, secrets: readonly string[]): string {
  return value === undefined ? '' : redactedJson(value, secrets);
}

export function problemOf(err: unknown, secrets: readonly string[]): { problem: Problem; text: string } {
  const problem = redactValue(toProblem(asCapError(err)), secrets) as Problem;
  return { problem, text: JSON.stringify(problem) };
}

/**
 * Every 5xx the runtime answers is logged with its cause, so an operator can act on it: the runtime's own failures
 * at error level (with the underlying exception), an upstream's 5xx passed through at warn level. The logger
 * redacts bound values from the whole line.
 */
export function logFailure(logger: Logger, err: CapError, where: Record<string, unknown>): void {
  if (err.status < 500) return;
  const fields = { ...where, code: err.code, status: err.status, upstream: err.data.upstream };
  if (err.code === 'CAP_UPSTREAM_STATUS') logger.warn(fields, err.message);
  else logger.error(err.cause === undefined ? fields : { ...fields, err: err.cause }, err.message);
}
