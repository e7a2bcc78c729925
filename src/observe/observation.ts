// What the runtime learns about one inbound request while it runs: its id, what it called (the route's or tool's
// operation), how its upstream calls went, and its trace span. The HTTP hooks (./http-hooks.ts) create it and run
// the handler inside it (AsyncLocalStorage), so the MCP tool path and the upstream client can add to it without any
// parameter threading. Reading it never changes a result.
import { AsyncLocalStorage } from 'node:async_hooks';
import type { ServerSpan } from './tracing.js';

export interface UpstreamNote {
  namespace: string;
  operation: string;
  /** HTTP status, or the failure kind (timeout, connect, ...) when there was no answer. */
  status: number | string;
  ms: number;
}

export interface Observation {
  readonly id: string;
  /** The id is the caller's own (x-request-id), not one the runtime generated. */
  readonly idFromCaller?: boolean;
  /** process.hrtime.bigint() at arrival. */
  readonly start: bigint;
  /** Epoch milliseconds at arrival (span start time). */
  readonly startedAt: number;
  /** The capability's name for what was called (route operation, tool name); set by the adapter. */
  operation?: string;
  /** The capability's route (`GET /ships/{imo}`), set by the REST adapter when its route runs. */
  route?: string;
  /** MCP: the tool was called (a tools/call whose tool exists). */
  tool?: string;
  /** MCP: the JSON-RPC method. */
  rpc?: string;
  /** The status the caller saw, when it is not the HTTP status (an MCP isError result carries its CAP_* status). */
  status?: number;
  /** The CAP_* code of a failure. */
  code?: string;
  upstream?: UpstreamNote[];
  span?: ServerSpan;
}

const storage = new AsyncLocalStorage<Observation>();
/** By request object too: hooks that run before the handler (Host guard, authentication) answer outside the store. */
const byRequest = new WeakMap<object, Observation>();

export const currentObservation = (): Observation | undefined => storage.getStore();

export const attachObservation = (request: object, observation: Observation): void => void byRequest.set(request, observation);

export const observationOf = (request: object): Observation | undefined => byRequest.get(request);

// On Node 20 the store's async-context hooks, once its first run() turned them on, run for every promise and
// async resource of the process (about 10 % of a request's CPU) and stay on. So requests that need the store hold it
// until they end, and when none holds it any more it is turned off again (the next run() turns it back on). Paths
// that pass the observation along themselves (REST, the MCP fast path) never turn it on.
const holding = new WeakSet<Observation>();
let holders = 0;

/** Runs `fn` (the rest of the request's life) with `observation` as the current one, and keeps the store on until
 * releaseObserved(observation). */
export function holdObserved<T>(observation: Observation, fn: () => T): T {
  if (!holding.has(observation)) {
    holding.add(observation);
    holders++;
  }
  return storage.run(observation, fn);
}

/** The request of `observation` no longer needs the store (once per hold; a request never held is ignored). */
export function releaseObserved(observation: Observation): void {
  if (!holding.delete(observation)) return;
  if (--holders === 0) storage.disable();
}

/** The MCP tool path names the tool it runs (only tools that exist: the label set stays the capability's). */
export function noteTool(name: string, observation = storage.getStore()): void {
  if (observation) {
    observation.tool = name;
    observation.operation = name;
  }
}

/** A failure the protocol answers with a success status (MCP isError) is counted with the status REST would send. */
export function noteFailure(status: number, code: string, request?: object, observation = (request && byRequest.get(request)) ?? storage.getStore()): void {
  if (observation) {
    observation.status = status;
    observation.code = code;
  }
}

export const elapsedMs = (start: bigint): number => Number(process.hrtime.bigint() - start) / 1e6;

/** Milliseconds to two decimals, as logged. */
export const round = (ms: number): number => Math.round(ms * 100) / 100;
