// The request id: taken from the caller's `x-request-id` when it is a short printable token (so it can be echoed in
// a header, a log line and an upstream request without escaping), generated otherwise.
import { randomUUID } from 'node:crypto';

export const REQUEST_ID_HEADER = 'x-request-id';
export const MAX_REQUEST_ID_LENGTH = 128;

// Visible ASCII only: no spaces, no control characters, nothing a header or a log line would need to escape.
const ACCEPTABLE = /^[\x21-\x7e]{1,128}$/;

export function requestIdOf(header: string | string[] | undefined): string {
  return typeof header === 'string' && ACCEPTABLE.test(header) ? header : randomUUID();
}
