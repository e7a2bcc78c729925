// Turns recorded proxy exchanges into one line per request that the vendor contract (Prism) rejected.
import type { Exchange, Violation } from './recording-proxy.js';

/** Statuses Prism answers when a request breaks the contract (bad input, auth, routing, method). */
export const REJECTION_STATUSES = new Set([400, 401, 404, 405, 422]);

/**
 * Prism's `sl-violations` header is a JSON array of
 * `{ location: string[], severity, code, message }`, e.g.
 *   [{"location":["request","body"],"severity":"Error","code":"required","message":"... 'event'"}]
 *   [{"location":["request"],"severity":"Error","code":401,"message":"Invalid security scheme used"}]
 * Prism also validates the response *it generated* from the spec's own examples and lists those
 * failures in the same header with location ["response", ...] (e.g. Togai POST /credits answers an
 * array where the schema says object). Such entries are defects of the vendor document, not of the
 * request we sent, so only entries whose location starts with "request" count, at any severity.
 */
export function requestViolations(exchange: Exchange): Violation[] {
  return exchange.violations.filter((v) => Array.isArray(v.location) && v.location[0] === 'request');
}

/**
 * When the spec defines no matching 4xx response, Prism answers with its own
 * application/problem+json (422 with `validation[]`, 401, 404 NO_PATH_MATCHED, 405) and sends
 * no sl-violations header, so the reason is taken from that body.
 */
function problemDetails(body: unknown): string[] {
  if (!body || typeof body !== 'object') return [];
  const problem = body as { title?: unknown; detail?: unknown; validation?: unknown };
  if (Array.isArray(problem.validation) && problem.validation.length > 0) {
    return (problem.validation as Violation[]).map((v) => `${(v.location ?? []).join('.')}: ${v.message}`);
  }
  if (typeof problem.title !== 'string') return [];
  return [typeof problem.detail === 'string' ? `${problem.title} (${problem.detail})` : problem.title];
}

export function findRejections(exchanges: Exchange[]): string[] {
  const lines: string[] = [];
  for (const exchange of exchanges) {
    const violations = requestViolations(exchange);
    const rejectedStatus = REJECTION_STATUSES.has(exchange.status);
    if (!rejectedStatus && violations.length === 0 && exchange.proxyError === undefined) continue;

    const query = new URLSearchParams();
    for (const [key, value] of Object.entries(exchange.query)) {
      for (const item of Array.isArray(value) ? value : [value]) query.append(key, item);
    }
    const target = `${exchange.method} ${exchange.path}${query.size > 0 ? `?${query}` : ''}`;
    const details = violations.map((v) => `${v.location.join('.')}: ${v.message}`);
    if (exchange.proxyError !== undefined) details.push(`proxy: ${exchange.proxyError}`);
    if (details.length === 0) details.push(...problemDetails(exchange.responseBody));
    if (details.length === 0) details.push(`body ${(JSON.stringify(exchange.responseBody) ?? '(empty)').slice(0, 300)}`);
    lines.push(`${target} -> ${exchange.status}: ${details.join('; ')}`);
  }
  return lines;
}
