// The era of a fast-path request decided without the MCP SDK: the SDK's classifyInboundRequest verdict, for the
// envelopes real clients send, computed by our own rules so that answering tools/call and tools/list loads neither
// the SDK nor zod (issue 9). It vouches only where it is sure to agree with the SDK (envelope-era.test.ts compares
// both over many envelopes); anything else is `undefined`, and the SDK's own verdict decides (./era-classifier.ts).
//
// Precondition (the fast path checks it first): the body has only jsonrpc, id, method and params; jsonrpc is "2.0";
// the id is a string or a safe integer (absent for notifications/initialized); the method is one the fast path
// answers; params is a plain object.
import type { Era } from './era-verdicts.js';
import {
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  isModernRevision,
  LOG_LEVEL_META_KEY,
  MODERN_REVISION,
  PROTOCOL_VERSION_META_KEY,
  RELATED_TASK_META_KEY,
} from './protocol.js';

/**
 * 'legacy': the SDK serves the request on a 2025-era revision; 'modern': as a 2026-07-28 request; undefined: not
 * vouched for (the SDK may refuse it, or accept it for reasons these rules do not check).
 */
export function envelopeEra(version: string, mcpMethod: string | undefined, method: string, meta: Record<string, unknown> | undefined): Era | undefined {
  if (meta !== undefined) {
    // The JSON-RPC request schema's checks of `_meta` (every revision).
    const token = meta.progressToken;
    if (token !== undefined && typeof token !== 'string' && !(typeof token === 'number' && Number.isSafeInteger(token))) return undefined;
    const task = meta[RELATED_TASK_META_KEY];
    if (task !== undefined && !(isPlainObject(task) && typeof task.taskId === 'string')) return undefined;
  }
  // No envelope claim: a 2025-era request, unless the header names a 2026 revision (the SDK refuses that).
  if (meta === undefined || !(PROTOCOL_VERSION_META_KEY in meta)) return isModernRevision(stripOws(version)) ? undefined : 'legacy';
  // A claim: a valid envelope naming the revision the headers name.
  if (meta[PROTOCOL_VERSION_META_KEY] !== MODERN_REVISION || stripOws(version) !== MODERN_REVISION) return undefined;
  if (mcpMethod !== undefined && stripOws(mcpMethod) !== method) return undefined;
  return validEnvelope(meta) ? 'modern' : undefined;
}

/** The 2026-07-28 envelope schema's checks of the reserved keys (other keys pass through unread). */
function validEnvelope(meta: Record<string, unknown>): boolean {
  const info = meta[CLIENT_INFO_META_KEY];
  const level = meta[LOG_LEVEL_META_KEY];
  return (
    CLIENT_CAPABILITIES_META_KEY in meta &&
    validCapabilities(meta[CLIENT_CAPABILITIES_META_KEY]) &&
    (info === undefined || validImplementation(info)) &&
    (level === undefined || (typeof level === 'string' && LOG_LEVELS.has(level)))
  );
}

const LOG_LEVELS = new Set(['debug', 'info', 'notice', 'warning', 'error', 'critical', 'alert', 'emergency']);

/** Client info: name and version, and the optional display fields, each of its type. */
export function validImplementation(info: unknown): boolean {
  if (!isPlainObject(info) || typeof info.name !== 'string' || typeof info.version !== 'string') return false;
  for (const key of ['title', 'websiteUrl', 'description']) if (info[key] !== undefined && typeof info[key] !== 'string') return false;
  return info.icons === undefined || (Array.isArray(info.icons) && info.icons.every(validIcon));
}

function validIcon(icon: unknown): boolean {
  if (!isPlainObject(icon) || typeof icon.src !== 'string') return false;
  if (icon.mimeType !== undefined && typeof icon.mimeType !== 'string') return false;
  if (icon.sizes !== undefined && !(Array.isArray(icon.sizes) && icon.sizes.every((s) => typeof s === 'string'))) return false;
  return icon.theme === undefined || icon.theme === 'light' || icon.theme === 'dark';
}

/**
 * The 2026-07-28 client capabilities: the five it defines, each of its shape; other keys are ignored by the schema.
 * The 2025-era ones are the same five and `tasks` (which the caller checks).
 */
export function validCapabilities(caps: unknown): boolean {
  if (!isPlainObject(caps)) return false;
  const { experimental, sampling, elicitation, roots, extensions } = caps;
  if (experimental !== undefined && !recordOfObjects(experimental)) return false;
  if (extensions !== undefined && !recordOfObjects(extensions)) return false;
  if (sampling !== undefined && !(isPlainObject(sampling) && optionalJsonObject(sampling.context) && optionalJsonObject(sampling.tools))) return false;
  if (roots !== undefined && !(isPlainObject(roots) && (roots.listChanged === undefined || typeof roots.listChanged === 'boolean'))) return false;
  return elicitation === undefined || validElicitation(elicitation);
}

/** Elicitation: a JSON object; `form` (an empty object means form) and `url` JSON objects, form.applyDefaults a boolean. */
function validElicitation(elicitation: unknown): boolean {
  if (!isJsonObject(elicitation) || !optionalJsonObject(elicitation.url)) return false;
  const { form } = elicitation;
  return form === undefined || (isJsonObject(form) && (form.applyDefaults === undefined || typeof form.applyDefaults === 'boolean'));
}

const recordOfObjects = (value: unknown): boolean => isPlainObject(value) && Object.values(value).every(isJsonObject);
const optionalJsonObject = (value: unknown): boolean => value === undefined || isJsonObject(value);
const isJsonObject = (value: unknown): value is Record<string, unknown> => isPlainObject(value) && Object.values(value).every(isJsonValue);

/** A JSON value as the schemas take it: a number must be finite (JSON.parse turns 1e999 into Infinity). */
function isJsonValue(value: unknown): boolean {
  if (value === null || typeof value === 'string' || typeof value === 'boolean') return true;
  if (typeof value === 'number') return Number.isFinite(value);
  if (Array.isArray(value)) return value.every(isJsonValue);
  return isJsonObject(value);
}

const isPlainObject = (value: unknown): value is Record<string, unknown> => value !== null && typeof value === 'object' && !Array.isArray(value);

/** RFC 9110 optional whitespace (spaces and tabs) around a header value, removed as the SDK does before comparing. */
function stripOws(value: string): string {
  const isOws = (code: number) => code === 32 || code === 9;
  return isOws(value.charCodeAt(0)) || isOws(value.charCodeAt(value.length - 1)) ? value.replace(/^[ \t]+|[ \t]+$/g, '') : value;
}
