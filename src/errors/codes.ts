// The catalogue of request-phase error codes: one entry per failure, with its title, HTTP status and
// how MCP surfaces it. Codes are stable: never reuse one for a new meaning. docs/errors.md mirrors this list.

export const CAP_ERRORS = {
  CAP_INPUT_INVALID: { title: 'Invalid input', status: 400 },
  CAP_INPUT_TOO_LARGE: { title: 'Request body too large', status: 413 },
  CAP_INPUT_MEDIA_TYPE: { title: 'Unsupported media type', status: 415 },
  CAP_REQUEST_FORBIDDEN: { title: 'Request refused', status: 403 },
  CAP_AUTH_UNAUTHORIZED: { title: 'Authentication required', status: 401 },
  CAP_AUTH_FORBIDDEN: { title: 'Insufficient scope', status: 403 },
  CAP_AUTH_UNAVAILABLE: { title: 'Authentication unavailable', status: 503 },
  CAP_SECRET_MISSING: { title: 'Required secret is not set', status: 503 },
  CAP_SECRET_INVALID: { title: 'Bound value cannot be sent', status: 503 },
  CAP_UPSTREAM_STATUS: { title: 'Upstream returned an error', status: 502 },
  CAP_UPSTREAM_UNREACHABLE: { title: 'Upstream unreachable', status: 502 },
  CAP_UPSTREAM_TIMEOUT: { title: 'Upstream timed out', status: 504 },
  CAP_UPSTREAM_AUTH: { title: 'Upstream authentication failed', status: 502 },
  CAP_UPSTREAM_BODY_INVALID: { title: 'Upstream response could not be read', status: 502 },
  CAP_STEP_OUTPUT_MISSING: { title: 'A step has no output to use', status: 502 },
  CAP_UPSTREAM_TOO_LARGE: { title: 'Upstream response too large', status: 502 },
  CAP_UPSTREAM_REDIRECT: { title: 'Upstream redirect not followed', status: 502 },
  CAP_UPSTREAM_PAGINATION: { title: 'Upstream pages could not be followed', status: 502 },
  CAP_ROUTE_NOT_FOUND: { title: 'No such route', status: 404 },
  CAP_METHOD_NOT_ALLOWED: { title: 'Method not allowed', status: 405 },
  CAP_SKILL_NOT_FOUND: { title: 'No such skill or skill file', status: 404 },
  CAP_SKILL_PATH_INVALID: { title: 'Invalid skill file path', status: 400 },
  CAP_CONTROL_UNAVAILABLE: { title: 'Control endpoint not available', status: 503 },
  CAP_INTERNAL: { title: 'Internal error', status: 500 },
} as const;

export type CapErrorCode = keyof typeof CAP_ERRORS;
