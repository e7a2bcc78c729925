// Verdicts on the Host and Origin headers for the request guard (./request-guard.ts), port-agnostic, against a list
// of allowed host names (IPv6 in brackets). Same verdicts and messages as the MCP SDK's validateHostHeader and
// validateOriginHeader, kept here so that an adapter without MCP never loads the SDK (issue 9).

export type HeaderVerdict = { ok: true } | { ok: false; message: string };

const OK: HeaderVerdict = { ok: true };

/** The Host header must be present, parse as a URL authority and name an allowed host. */
export function checkHostHeader(header: string | undefined, allowed: readonly string[]): HeaderVerdict {
  if (!header) return { ok: false, message: 'Missing Host header' };
  let hostname: string;
  try {
    hostname = new URL(`http://${header}`).hostname;
  } catch {
    return { ok: false, message: `Invalid Host header: ${header}` };
  }
  return allowed.includes(hostname) ? OK : { ok: false, message: `Invalid Host: ${hostname}` };
}

/**
 * An absent or empty Origin passes (only browsers send one); anything else must parse as an origin naming an allowed
 * host, or use a non-web scheme allowed as a whole with `<scheme>://*` (browser extensions). `null` is refused.
 */
export function checkOriginHeader(header: string | undefined, allowed: readonly string[]): HeaderVerdict {
  if (header === undefined || header === '') return OK;
  let url: URL;
  try {
    url = new URL(header);
  } catch {
    return { ok: false, message: `Invalid Origin header: ${header}` };
  }
  if (url.hostname === '') return { ok: false, message: `Invalid Origin header: ${header}` };
  const web = url.protocol === 'http:' || url.protocol === 'https:';
  if (!web && allowed.includes(`${url.protocol}//*`)) return OK;
  return allowed.includes(url.hostname) ? OK : { ok: false, message: `Invalid Origin: ${url.hostname}` };
}
