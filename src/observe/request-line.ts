// The one log line per request, written as text in exactly the form pino gives it (`{"level":30,"time":…,…,"msg":…}`),
// straight to the logger's destination. Through pino, the line was an object, a pass over its keys, the header
// censor, and then a scan of the whole line for every form of every bound value: the largest part of what a request
// cost on top of its upstream call. Here the line's strings are of two kinds:
// - the capability's own and the runtime's fixed names (adapter, route, operation, tool, upstream namespace, CAP_*
//   code, failure kinds): their JSON text, redacted, is kept per set of bound values, so each is scanned once;
// - what comes from outside (the request id a caller sent, an unmatched path): scanned on every line.
// Numbers (time, status, durations) are the runtime's own and are not scanned.
import type { Logger } from './log.js';
import { lineWriterOf } from './log.js';
import type { UpstreamNote } from './observation.js';
import { redactSecrets } from '../resolve/redaction.js';

export interface RequestLine {
  reqId: string;
  /** The id is the caller's (scanned for bound values); a generated one is written as it is. */
  reqIdFromCaller: boolean;
  adapter: string;
  kind: string;
  /** Absent on stdio (then `"transport":"stdio"`). */
  method?: string;
  route?: string;
  /** An unmatched path (the caller's). */
  path?: string;
  /** REST: the operation; MCP: rpc and tool instead. */
  operation?: string;
  rpc?: string;
  tool?: string;
  status: number;
  httpStatus?: number;
  code?: string;
  ms: number;
  upstream?: readonly UpstreamNote[];
  aborted?: boolean;
  /** The message's leading words (route, path, rpc and tool, method); `outside`: they hold the caller's path. */
  name: string;
  nameFromOutside: boolean;
}

/** The level pino numbers `info` with. */
const INFO = 30;
/** Memoized JSON texts per logger; bounded, since a capability has finitely many names (a reload may bring new ones). */
const MAX_KNOWN = 4096;

interface Known {
  secrets: readonly string[];
  texts: Map<string, string>;
  heads: Map<string, string>;
}

const knownByLogger = new WeakMap<Logger, Known>();

/** Writes the request line at info level (nothing when the logger's level is above info). */
export function writeRequestLine(logger: Logger, line: RequestLine): void {
  if (logger.levelVal > INFO) return;
  const writer = lineWriterOf(logger);
  const secrets = writer.secrets();
  let known = knownByLogger.get(logger);
  if (!known || known.secrets !== secrets) knownByLogger.set(logger, (known = { secrets, texts: new Map(), heads: new Map() }));
  /** The JSON text of one of the capability's (or the runtime's) own strings, redacted once (`head`: as a message head). */
  const own = (value: string, head = false): string => {
    const texts = head ? known!.heads : known!.texts;
    let text = texts.get(value);
    if (text === undefined) {
      text = head ? messageHead(value, secrets) : redactSecrets(JSON.stringify(value), secrets);
      if (texts.size < MAX_KNOWN) texts.set(value, text);
    }
    return text;
  };
  const outside = (value: string): string => redactSecrets(JSON.stringify(value), secrets);

  let text = `{"level":30,"time":${nowText()},"reqId":${line.reqIdFromCaller ? outside(line.reqId) : `"${line.reqId}"`},"adapter":${own(line.adapter)},"kind":${own(line.kind)}`;
  text += line.method !== undefined ? `,"method":${own(line.method)}` : ',"transport":"stdio"';
  if (line.route !== undefined) text += `,"route":${own(line.route)}`;
  else if (line.path !== undefined) text += `,"path":${outside(line.path)}`;
  if (line.operation !== undefined) text += `,"operation":${own(line.operation)}`;
  if (line.rpc !== undefined) text += `,"rpc":${own(line.rpc)}`;
  if (line.tool !== undefined) text += `,"tool":${own(line.tool)}`;
  text += `,"status":${line.status}`;
  if (line.httpStatus !== undefined) text += `,"httpStatus":${line.httpStatus}`;
  if (line.code !== undefined) text += `,"code":${own(line.code)}`;
  const ms = msText(line.ms);
  text += `,"ms":${ms}`;
  const upstream = line.upstream;
  if (upstream !== undefined) {
    if (upstream.length === 1) text += `,"upstream":${noteText(upstream[0]!, own)}`;
    else {
      text += ',"upstream":[';
      for (let i = 0; i < upstream.length; i++) text += (i ? ',' : '') + noteText(upstream[i]!, own);
      text += ']';
    }
  }
  if (line.aborted) text += ',"aborted":true';
  // The message: the name, then status and duration (the JSON text of `name + ' '` without its closing quote).
  const head = line.nameFromOutside ? messageHead(line.name, secrets) : own(line.name, true);
  text += `,"msg":${head}${line.status} ${ms}ms"}\n`;
  writer.write(text);
}

const messageHead = (name: string, secrets: readonly string[]): string => redactSecrets(JSON.stringify(`${name} `).slice(0, -1), secrets);

const noteText = (note: UpstreamNote, own: (value: string) => string): string =>
  `{"namespace":${own(note.namespace)},"operation":${own(note.operation)},"status":${typeof note.status === 'number' ? note.status : own(note.status)},"ms":${msText(note.ms)}}`;

// Numbers as text, as JSON.stringify writes them, without V8's general double-to-text conversion (a visible share of
// the line): the time (13 digits, beyond small integers) is turned into text once per millisecond, and durations
// (milliseconds rounded to two decimals) from their whole hundredths.
let lastNow = 0;
let lastNowText = '0';

function nowText(): string {
  const now = Date.now();
  if (now !== lastNow) {
    lastNow = now;
    lastNowText = String(now);
  }
  return lastNowText;
}

/** `ms` as JSON writes it; `ms` is already rounded to two decimals (./observation.ts `round`). */
export function msText(ms: number): string {
  const hundredths = Math.round(ms * 100);
  // Outside small non-negative values (never seen in practice) the general conversion is exact.
  if (!(hundredths >= 0 && hundredths < 1e9) || hundredths / 100 !== ms) return String(ms);
  const whole = Math.floor(hundredths / 100);
  const fraction = hundredths - whole * 100;
  if (fraction === 0) return String(whole);
  if (fraction % 10 === 0) return `${whole}.${fraction / 10}`;
  return `${whole}.${fraction < 10 ? '0' : ''}${fraction}`;
}
