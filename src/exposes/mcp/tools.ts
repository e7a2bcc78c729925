// MCP tool calls over invoke(): a result carries a JSON text block and, for JSON objects, structuredContent;
// a tool with an outputSchema sends only structuredContent that conforms to it;
// every failure after the tool is found is an isError result that starts with its CAP_* code.
// runTool() is shared by the SDK handler (callTool, wants an object) and the fast path (answerToolJson, wants text),
// so both answer the same JSON. The fast path hands over the request's observation; the SDK path finds it in the
// async context.
import type { CompiledTool } from '../../compile/compile.js';
import { asCapError, CapError } from '../../errors/cap-error.js';
import { invoke } from '../../invoke/invoke.js';
import type { UpstreamClient } from '../../invoke/upstream.js';
import type { Logger } from '../../observe/log.js';
import { currentObservation, noteFailure, noteTool, type Observation } from '../../observe/observation.js';
import { observeToolCall } from '../../observe/stdio-calls.js';
import { redactedJsonText } from '../../resolve/redaction.js';
import { logFailure, problemOf } from '../respond.js';

export interface ToolResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export interface ToolCallContext {
  upstream: UpstreamClient;
  secrets: readonly string[];
  logger: Logger;
  /** The adapter's namespace, for logs. */
  adapter: string;
}

/**
 * What a call produced: the result's JSON text and, for an object result, its structured value. `structured` is the
 * value itself when nothing was redacted (so `text` is its JSON), else the redacted copy parsed back from `text`.
 */
type ToolOutcome = { ok: true; text: string; structured?: Record<string, unknown> } | { ok: false; result: ToolResult };

/**
 * Runs a tool call and builds its answer with `shape` inside the same async function: the fast path answers a call
 * with no promise layer beyond this one (each layer costs a promise, a microtask and the async-context hooks, per
 * request). Over HTTP the request hooks already observe the call; on stdio it is observed here.
 */
function runTool<T>(tool: CompiledTool, args: unknown, context: ToolCallContext, shape: (outcome: ToolOutcome) => T, observation?: Observation): Promise<T> {
  const observed = observation ?? currentObservation();
  if (observed) return runToolObserved(tool, args, context, shape, observed);
  return observeToolCall(context.logger, context.adapter, tool.listing.name, () => runToolObserved(tool, args, context, shape, currentObservation()));
}

async function runToolObserved<T>(
  tool: CompiledTool,
  args: unknown,
  { upstream, secrets, logger, adapter }: ToolCallContext,
  shape: (outcome: ToolOutcome) => T,
  observation: Observation | undefined,
): Promise<T> {
  noteTool(tool.listing.name, observation);
  const input = args !== null && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
  let outcome: ToolOutcome;
  try {
    const { value } = await invoke(tool.invoker, input, upstream, observation);
    const { text, redacted } = redactedJsonText(value, secrets);
    const isObject = value !== null && typeof value === 'object' && !Array.isArray(value);
    const structured = isObject ? ((redacted ? JSON.parse(text) : value) as Record<string, unknown>) : undefined;
    // A declared outputSchema is a promise: a result that breaks it is an error, never unchecked structuredContent.
    if (tool.output && !tool.output.conforms(structured)) {
      throw new CapError('CAP_UPSTREAM_BODY_INVALID', `the upstream response does not match the outputs declared for tool "${tool.listing.name}"`);
    }
    outcome = { ok: true, text, structured };
  } catch (err) {
    const failure = asCapError(err);
    logFailure(logger, failure, { adapter, tool: tool.listing.name, reqId: observation?.id });
    const { problem, text } = problemOf(failure, secrets);
    noteFailure(problem.status, problem.code, undefined, observation);
    outcome = { ok: false, result: { content: [{ type: 'text', text: `${problem.code}: ${problem.detail}\n${text}` }], isError: true } };
  }
  return shape(outcome);
}

/** The tool result as an object, for the SDK's request handler. */
export const callTool = (tool: CompiledTool, args: unknown, context: ToolCallContext): Promise<ToolResult> => runTool(tool, args, context, resultObject);

function resultObject(outcome: ToolOutcome): ToolResult {
  if (!outcome.ok) return outcome.result;
  const result: ToolResult = { content: [{ type: 'text', text: outcome.text }] };
  if (outcome.structured) result.structuredContent = outcome.structured;
  return result;
}

/**
 * The same result as JSON text, passed to `answer` (the fast path frames and sends it there), written without
 * serializing the value twice: `structuredContent` is the very JSON text the content block carries. `extra` is
 * appended inside the result object (already JSON, with a leading comma). `observation`: the HTTP request's, passed
 * along rather than found in the async context (the fast path runs outside it).
 */
export const answerToolJson = <T>(tool: CompiledTool, args: unknown, context: ToolCallContext, extra: string, answer: (resultJson: string) => T, observation?: Observation): Promise<T> =>
  runTool(tool, args, context, (outcome) => answer(resultJson(outcome, extra)), observation);

function resultJson(outcome: ToolOutcome, extra: string): string {
  if (!outcome.ok) return extra === '' ? JSON.stringify(outcome.result) : `${JSON.stringify(outcome.result).slice(0, -1)}${extra}}`;
  const text = JSON.stringify(outcome.text);
  return outcome.structured ? `{"content":[{"type":"text","text":${text}}],"structuredContent":${outcome.text}${extra}}` : `{"content":[{"type":"text","text":${text}}]${extra}}`;
}
