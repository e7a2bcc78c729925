// Correctness checks for benchmark responses: a response counts as a success only when its status is the expected
// one and its body carries the expected item. A wrong or error answer is a failure, never a fast request.
// A check is described by plain data (it crosses from run.mjs to the load process as JSON) and built here.

/**
 * The JSON-RPC message of an MCP answer: the whole body (JSON) or the last non-empty `data:` line of an SSE stream.
 * Read with one scan over the lines, without the arrays a split would build (the load process shares the cores with
 * the server under test).
 */
export function rpcMessage(body) {
  const text = String(body ?? '');
  let pos = 0;
  while (pos < text.length && isSpace(text.charCodeAt(pos))) pos++;
  if (text.charCodeAt(pos) === 123 /* { */) return JSON.parse(text);
  let last;
  while (pos < text.length) {
    let end = text.indexOf('\n', pos);
    if (end === -1) end = text.length;
    if (text.startsWith('data:', pos)) {
      const data = text.slice(pos + 5, end).trim();
      if (data !== '') last = data;
    }
    pos = end + 1;
  }
  if (last === undefined) throw new Error('no JSON body and no SSE data line');
  return JSON.parse(last);
}

// What String.prototype.trim removes at the start, for the characters an HTTP body starts with in practice.
const isSpace = (code) => code === 32 || code === 10 || code === 13 || code === 9 || code === 0xfeff;

const isObject = (v) => v !== null && typeof v === 'object' && !Array.isArray(v);

/** The item a tool result holds: its structuredContent, or the JSON in its first text block. */
function toolItem(result) {
  if (isObject(result.structuredContent)) return result.structuredContent;
  const text = Array.isArray(result.content) ? result.content.find((c) => c?.type === 'text')?.text : undefined;
  return typeof text === 'string' ? JSON.parse(text) : undefined;
}

/** Why a JSON-RPC answer is not a successful tool result for request `rpcId`, or undefined when it is one. */
function rpcResultProblem(message, rpcId) {
  if (message.id !== rpcId) return `JSON-RPC id ${JSON.stringify(message.id)}, expected ${JSON.stringify(rpcId)}`;
  if (message.error) return `JSON-RPC error ${message.error.code}: ${message.error.message}`;
  if (!isObject(message.result)) return 'no JSON-RPC result';
  if (message.result.isError) return 'tool result is an error (isError)';
  return undefined;
}

const itemMatches = (item, expect) => isObject(item) && Object.entries(expect).every(([k, v]) => item[k] === v);

/**
 * Builds `(status, body) => string | undefined`: undefined for a correct answer, else why it is wrong.
 * Kinds: `json-item` (the body, or the value at `at`, holds the `expect` fields), `mcp-tool-item` (a JSON-RPC result
 * for `rpcId`, not isError, whose item holds `expect`), `mcp-tools-list` (a result whose tools start with `firstTool`),
 * `json-contains` (a JSON body whose text holds `text`) and `mcp-tool-contains` (a JSON-RPC result for `rpcId`, not
 * isError, whose content or structuredContent holds `text`): the last two for the shipped capabilities, whose
 * mappings differ (an unwrapped item, an envelope, a page) but all carry the upstream's item.
 */
export function buildCheck(spec) {
  const status = spec.status ?? 200;
  const judge = bodyJudge(spec);
  const judgeBody = (body) => {
    try {
      return judge(body);
    } catch (err) {
      return `unreadable body (${err instanceof Error ? err.message : String(err)})`;
    }
  };
  // Every response is checked, but a verdict depends on the body text alone: a server under load answers the same
  // text again and again, so the verdicts of the last few distinct texts are remembered (comparing a text with a
  // remembered one costs far less than parsing it, and the load process shares the cores with the server under test).
  const verdicts = new Map();
  return (statusCode, body) => {
    if (statusCode !== status) return `status ${statusCode}, expected ${status}`;
    const text = String(body ?? '');
    if (text.length > MAX_REMEMBERED_TEXT) return judgeBody(text);
    if (verdicts.has(text)) return verdicts.get(text);
    const verdict = judgeBody(text);
    if (verdicts.size >= MAX_REMEMBERED_VERDICTS) verdicts.delete(verdicts.keys().next().value);
    verdicts.set(text, verdict);
    return verdict;
  };
}

/** Distinct body texts whose verdicts a check remembers (the oldest is forgotten first), and the longest one kept. */
export const MAX_REMEMBERED_VERDICTS = 16;
const MAX_REMEMBERED_TEXT = 16 * 1024;

function bodyJudge(spec) {
  switch (spec.kind) {
    case 'json-item':
      return (body) => {
        let item = JSON.parse(body);
        for (const key of spec.at ?? []) item = isObject(item) ? item[key] : undefined;
        return itemMatches(item, spec.expect) ? undefined : `body does not hold ${JSON.stringify(spec.expect)}`;
      };
    case 'mcp-tool-item':
      return (body) => {
        const message = rpcMessage(body);
        const wrong = rpcResultProblem(message, spec.rpcId);
        if (wrong) return wrong;
        return itemMatches(toolItem(message.result), spec.expect) ? undefined : `tool result does not hold ${JSON.stringify(spec.expect)}`;
      };
    case 'json-contains':
      return (body) => (JSON.stringify(JSON.parse(body)).includes(spec.text) ? undefined : `body does not hold ${JSON.stringify(spec.text)}`);
    case 'mcp-tool-contains':
      return (body) => {
        const message = rpcMessage(body);
        const wrong = rpcResultProblem(message, spec.rpcId);
        if (wrong) return wrong;
        const { content, structuredContent } = message.result;
        return JSON.stringify({ content, structuredContent }).includes(spec.text) ? undefined : `tool result does not hold ${JSON.stringify(spec.text)}`;
      };
    case 'mcp-tools-list':
      return (body) => {
        const message = rpcMessage(body);
        if (message.error) return `JSON-RPC error ${message.error.code}: ${message.error.message}`;
        const tools = message.result?.tools;
        if (!Array.isArray(tools) || tools.length === 0) return 'no tools in the result';
        return tools[0]?.name === spec.firstTool ? undefined : `first tool is ${JSON.stringify(tools[0]?.name)}, expected ${spec.firstTool}`;
      };
    default:
      throw new Error(`unknown check kind: ${spec.kind}`);
  }
}
