// The SDK's era verdict for a fast-path request (classifyInboundRequest), remembered. Once the message has the shape
// the fast path checks (only jsonrpc, id, method and params; an integer or string id; params an object; a plain
// progress token), the verdict depends only on the protocol-version and Mcp-Method headers, the method, and the
// reserved envelope keys of `params._meta` (protocol version, client info, client capabilities, log level): the SDK's
// envelope schema is loose, so other `_meta` keys pass through unchecked. A client sends the same envelope with
// every request, so the verdict (its schema checks cost far more than the rest of a call) is computed once per
// distinct envelope; keys that change with every request, like a W3C `traceparent`, do not defeat the memory.
import {
  classifyInboundRequest,
  CLIENT_CAPABILITIES_META_KEY,
  CLIENT_INFO_META_KEY,
  LOG_LEVEL_META_KEY,
  PROTOCOL_VERSION_META_KEY,
} from '@modelcontextprotocol/server';

export type Era = 'legacy' | 'modern';

/** null: the SDK would refuse the request, or serve it on a revision the fast path does not answer. */
export interface Classifier {
  (version: string, mcpMethod: string | undefined, mcpName: string | undefined, body: Record<string, unknown>, method: string, meta: Record<string, unknown> | undefined): Era | null;
  /** How many verdicts are remembered (for tests: a per-request `_meta` key must not add one per request). */
  readonly remembered: number;
}

/** The only 2026-era revision the SDK serves. */
export const MODERN_REVISION = '2026-07-28';

const ENVELOPE_KEYS = [PROTOCOL_VERSION_META_KEY, CLIENT_INFO_META_KEY, CLIENT_CAPABILITIES_META_KEY, LOG_LEVEL_META_KEY] as const;
const ABSENT = Symbol('absent');

interface Verdict {
  /** The envelope keys' values (copies), ABSENT for a key the request did not carry. */
  envelope: unknown[];
  era: Era | null;
}

// Bounded: callers choose headers and envelopes. Past the bound, verdicts are computed every time (still correct).
const MAX_HEADER_COMBINATIONS = 64;
const MAX_ENVELOPES_PER_COMBINATION = 32;

export function createClassifier(): Classifier {
  const byHeaders = new Map<string, Verdict[]>();
  let remembered = 0;
  const classify = (version: string, mcpMethod: string | undefined, mcpName: string | undefined, body: Record<string, unknown>, method: string, meta: Record<string, unknown> | undefined): Era | null => {
    // Header values hold no line breaks, and `method` is one of the fast path's own method names.
    const key = `${version}\n${mcpMethod === undefined ? '\u0000' : mcpMethod}\n${method}`;
    let verdicts = byHeaders.get(key);
    if (verdicts) for (const verdict of verdicts) if (sameEnvelope(verdict.envelope, meta)) return verdict.era;
    const outcome = classifyInboundRequest({ httpMethod: 'POST', protocolVersionHeader: version, mcpMethodHeader: mcpMethod, mcpNameHeader: mcpName, body });
    const era: Era | null =
      outcome.kind === 'legacy'
        ? 'legacy'
        : outcome.kind === 'modern' && outcome.messageKind === 'request' && outcome.classification.revision === MODERN_REVISION
          ? 'modern'
          : null;
    if (!verdicts && byHeaders.size < MAX_HEADER_COMBINATIONS) byHeaders.set(key, (verdicts = []));
    if (verdicts && verdicts.length < MAX_ENVELOPES_PER_COMBINATION) {
      verdicts.push({ envelope: ENVELOPE_KEYS.map((k) => (meta !== undefined && Object.hasOwn(meta, k) ? structuredClone(meta[k]) : ABSENT)), era });
      remembered++;
    }
    return era;
  };
  return Object.defineProperty(classify, 'remembered', { get: () => remembered }) as Classifier;
}

function sameEnvelope(envelope: readonly unknown[], meta: Record<string, unknown> | undefined): boolean {
  for (let i = 0; i < ENVELOPE_KEYS.length; i++) {
    const key = ENVELOPE_KEYS[i]!;
    const present = meta !== undefined && Object.hasOwn(meta, key);
    if (present ? !sameJson(envelope[i], meta[key]) : envelope[i] !== ABSENT) return false;
  }
  return true;
}

/** Equality of two parsed JSON values (key order aside). The depth is bounded by the endpoint's nesting limit. */
function sameJson(a: unknown, b: unknown): boolean {
  if (a === b) return true;
  if (a === null || b === null || typeof a !== 'object' || typeof b !== 'object') return false;
  if (Array.isArray(a)) {
    if (!Array.isArray(b) || a.length !== b.length) return false;
    for (let i = 0; i < a.length; i++) if (!sameJson(a[i], b[i])) return false;
    return true;
  }
  if (Array.isArray(b)) return false;
  let keys = 0;
  for (const key in a) {
    if (!Object.hasOwn(b, key) || !sameJson((a as Record<string, unknown>)[key], (b as Record<string, unknown>)[key])) return false;
    keys++;
  }
  for (const _ in b) keys--;
  return keys === 0;
}
