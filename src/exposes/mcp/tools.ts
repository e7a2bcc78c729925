// MCP tool calls over invoke(): a result carries a JSON text block and, for JSON objects, structuredContent;
// a tool with an outputSchema sends only structuredContent that conforms to it;
// every failure after the tool is found is an isError result that starts with its CAP_* code.
import type { CompiledTool } from '../../compile/compile.js';
import { asCapError, CapError } from '../../errors/cap-error.js';
import { invoke } from '../../invoke/invoke.js';
import type { UpstreamClient } from '../../invoke/upstream.js';
import type { Logger } from '../../observe/log.js';
import { currentObservation, noteFailure, noteTool } from '../../observe/observation.js';
import { observeToolCall } from '../../observe/stdio-calls.js';
import { logFailure, problemOf, resultText } from '../respond.js';

export interface ToolResult {
  [key: string]: unknown;
  content: { type: 'text'; text: string }[];
  structuredContent?: Record<string, unknown>;
  isError?: boolean;
}

export async function callTool(tool: CompiledTool, args: unknown, upstream: UpstreamClient, secrets: readonly string[], logger: Logger, adapter: string): Promise<ToolResult> {
  // Over HTTP the request hooks observe the call; on stdio it is observed here.
  return observeToolCall(logger, adapter, tool.listing.name, () => runTool(tool, args, upstream, secrets, logger, adapter));
}

async function runTool(tool: CompiledTool, args: unknown, upstream: UpstreamClient, secrets: readonly string[], logger: Logger, adapter: string): Promise<ToolResult> {
  noteTool(tool.listing.name);
  const input = args !== null && typeof args === 'object' && !Array.isArray(args) ? (args as Record<string, unknown>) : {};
  try {
    const { value } = await invoke(tool.invoker, input, upstream);
    const text = resultText(value, secrets);
    const result: ToolResult = { content: [{ type: 'text', text }] };
    if (value !== null && typeof value === 'object' && !Array.isArray(value)) result.structuredContent = JSON.parse(text) as Record<string, unknown>;
    if (tool.output) {
      // A declared outputSchema is a promise: a result that breaks it is an error, never unchecked structuredContent.
      if (!tool.output.conforms(result.structuredContent)) {
        throw new CapError('CAP_UPSTREAM_BODY_INVALID', `the upstream response does not match the outputs declared for tool "${tool.listing.name}"`);
      }
    }
    return result;
  } catch (err) {
    const failure = asCapError(err);
    logFailure(logger, failure, { adapter, tool: tool.listing.name, reqId: currentObservation()?.id });
    const { problem, text } = problemOf(failure, secrets);
    noteFailure(problem.status, problem.code);
    return { content: [{ type: 'text', text: `${problem.code}: ${problem.detail}\n${text}` }], isError: true };
  }
}
