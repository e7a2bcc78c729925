// MCP tool calls that arrive without an HTTP request (the stdio transport): observed here instead of by the HTTP
// hooks, so they get the same log line, metrics and server span. The runtime's observer is found through the logger
// the MCP adapter already holds, which keeps the MCP code path free of extra parameters.
import { randomUUID } from 'node:crypto';
import type { Logger } from './log.js';
import { currentObservation, holdObserved, releaseObserved, type Observation } from './observation.js';
import type { Observer } from './observer.js';
import { recordRequest } from './record.js';

const observers = new WeakMap<Logger, Observer>();

export const registerObserver = (observer: Observer): void => void observers.set(observer.logger, observer);

/** Runs a tool call observed, unless it already runs inside an observed (HTTP) request. */
export async function observeToolCall<T>(logger: Logger, adapter: string, tool: string, run: () => Promise<T>): Promise<T> {
  const observer = observers.get(logger);
  if (!observer || currentObservation()) return run();
  const observation: Observation = { id: randomUUID(), idFromCaller: false, start: process.hrtime.bigint(), startedAt: Date.now(), rpc: 'tools/call', tool, operation: tool };
  const inFlight = observer.metrics.inFlight.labels(adapter);
  inFlight.inc();
  if (observer.tracing) observation.span = observer.tracing.startServer({}, observation.startedAt, 'mcp');
  try {
    return await holdObserved(observation, run);
  } finally {
    releaseObserved(observation);
    inFlight.dec();
    recordRequest(observer, { namespace: adapter, type: 'mcp' }, observation, { httpStatus: 200, aborted: false, carrier: {} });
  }
}
