// The MCP protocol constants and the one header helper the fast path needs, of our own, so that serving tools/call
// and tools/list loads neither the MCP SDK nor zod (issue 9: memory and start-up). Same values and verdicts as the
// SDK's (src/exposes/mcp/protocol.test.ts compares them); the SDK is loaded when a request needs it (./sdk-loader.ts).

/** The 2025-era revisions the SDK negotiates (its SUPPORTED_PROTOCOL_VERSIONS, same order). */
export const SUPPORTED_PROTOCOL_VERSIONS: readonly string[] = ['2025-11-25', '2025-06-18', '2025-03-26', '2024-11-05', '2024-10-07'];

/** The only 2026-era revision the SDK serves; revisions are ISO dates, so it is also where the modern era starts. */
export const MODERN_REVISION = '2026-07-28';

/** Whether a revision belongs to the 2026-07-28 era (the SDK's rule: compared as strings). */
export const isModernRevision = (version: string): boolean => version >= MODERN_REVISION;

// Reserved `_meta` keys of the 2026-07-28 per-request envelope.
export const PROTOCOL_VERSION_META_KEY = 'io.modelcontextprotocol/protocolVersion';
export const CLIENT_INFO_META_KEY = 'io.modelcontextprotocol/clientInfo';
export const CLIENT_CAPABILITIES_META_KEY = 'io.modelcontextprotocol/clientCapabilities';
export const LOG_LEVEL_META_KEY = 'io.modelcontextprotocol/logLevel';
export const SERVER_INFO_META_KEY = 'io.modelcontextprotocol/serverInfo';
/** A 2025-11-25 task association in a request's `_meta` (the SDK still checks its shape). */
export const RELATED_TASK_META_KEY = 'io.modelcontextprotocol/related-task';

// RFC 9110 token characters, and a parameter: `; name=value` with a token or quoted-string value, spaces allowed
// around the parts (the grammar the SDK's content-type parser accepts).
const TOKEN = "[!#$%&'*+.^_`|~0-9A-Za-z-]+";
const QUOTED = '"(?:[\\u000b\\u0020\\u0021\\u0023-\\u005b\\u005d-\\u007e\\u0080-\\u00ff]|\\\\[\\u000b\\u0020-\\u00ff])*"';
const PARAMETERS = new RegExp(`^(?:; *${TOKEN} *= *(?:${QUOTED}|${TOKEN}) *)*$`);

/**
 * Whether a Content-Type header names `application/json` (parameters such as charset allowed), with the SDK's
 * verdict: a header whose parameters parse is judged by its media type; one whose parameters do not is still JSON when
 * the part before the first `;` says so and no `,` follows it (what browsers do with a sloppy parameter section).
 */
export function isJsonContentType(header: string | undefined): boolean {
  if (header === 'application/json') return true;
  if (!header) return false;
  const semicolon = header.indexOf(';');
  const essence = (semicolon === -1 ? header : header.slice(0, semicolon)).trim().toLowerCase();
  if (essence !== 'application/json') return false;
  if (semicolon === -1 || PARAMETERS.test(header.slice(semicolon))) return true;
  return !header.slice(essence.length).includes(',');
}
