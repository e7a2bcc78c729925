// CapError: the one typed failure that invoke() throws and the adapters turn into problem+json or isError results.
import { CAP_ERRORS, type CapErrorCode } from './codes.js';

/** One field that failed input validation, e.g. `{ field: 'keys', in: 'body', message: 'is required' }`. */
export interface FieldError {
  field: string;
  in?: string;
  message: string;
}

export interface CapErrorData {
  errors?: FieldError[];
  /** Consumed namespace of the upstream involved, e.g. `schematic`. */
  upstream?: string;
  /** Upstream HTTP status, for CAP_UPSTREAM_STATUS. */
  upstreamStatus?: number;
  /** Upstream response body (parsed JSON or text), for CAP_UPSTREAM_STATUS. */
  upstreamBody?: unknown;
  /** Seconds after which the caller may try again (sent as Retry-After), for the upstream policies' refusals. */
  retryAfterSeconds?: number;
}

export class CapError extends Error {
  readonly code: CapErrorCode;
  readonly data: CapErrorData;

  /** `detail` is shown to clients: it must never hold a secret. `cause` is for logs only. */
  constructor(code: CapErrorCode, detail: string, data: CapErrorData = {}, cause?: unknown) {
    super(detail, { cause });
    this.name = 'CapError';
    this.code = code;
    this.data = data;
  }

  get title(): string {
    return CAP_ERRORS[this.code].title;
  }

  /** HTTP status: an upstream error status passes through; everything else comes from the catalogue. */
  get status(): number {
    if (this.code === 'CAP_UPSTREAM_STATUS' && this.data.upstreamStatus) return this.data.upstreamStatus;
    return CAP_ERRORS[this.code].status;
  }
}

/** RFC 9457 problem object shared by REST (as the response body) and MCP (inside the isError text). */
export interface Problem {
  type: string;
  title: string;
  status: number;
  detail: string;
  code: CapErrorCode;
  errors?: FieldError[];
  upstream?: { namespace?: string; status?: number; body?: unknown };
}

export function toProblem(err: CapError): Problem {
  const problem: Problem = {
    type: `https://github.com/capability-runtime/capability-runtime/blob/main/docs/errors.md#${err.code.toLowerCase()}`,
    title: err.title,
    status: err.status,
    detail: err.message,
    code: err.code,
  };
  if (err.data.errors) problem.errors = err.data.errors;
  if (err.data.upstream || err.data.upstreamStatus) {
    problem.upstream = { namespace: err.data.upstream, status: err.data.upstreamStatus, body: err.data.upstreamBody };
  }
  return problem;
}

/** Anything thrown that is not a CapError is an internal fault; its message is not shown to clients. */
export function asCapError(err: unknown): CapError {
  if (err instanceof CapError) return err;
  return new CapError('CAP_INTERNAL', 'internal error while handling the call', {}, err);
}
