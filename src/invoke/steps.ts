// Runs an orchestrated plan (naftiko-semantics §4.5): steps in order over one parameter map, each call step's
// output stored under its name (and visible to later templates as {{step.field}}), lookups joined on stored outputs,
// then `mappings` build the result. A failure names the step it happened in.
import type { Params } from '../compile/names.js';
import { stringify } from '../compile/names.js';
import type { CompiledCall, CompiledMapping, ExecutionPlan, LookupStepPlan } from '../compile/plan.js';
import { CapError } from '../errors/cap-error.js';
import type { InvokeResult } from './invoke.js';

type StepsPlan = Extract<ExecutionPlan, { kind: 'steps' }>;
export type SendCall = (call: CompiledCall, params: Params) => Promise<{ status: number; body: unknown }>;

export async function runSteps(plan: StepsPlan, input: Params, send: SendCall): Promise<InvokeResult> {
  const params: Record<string, unknown> = { ...input };
  const outputs: Record<string, unknown> = {};
  let last: { status: number; body: unknown; params: Params } | undefined;

  for (const step of plan.steps) {
    if (step.kind === 'call') {
      const callParams = step.call.withParams(params);
      let answer: { status: number; body: unknown };
      try {
        answer = await send(step.call, callParams);
      } catch (err) {
        throw inStep(step.name, err);
      }
      last = { ...answer, params: callParams };
      // Only JSON output is stored; a text body cannot be searched or mapped (the reference skips it too).
      if (answer.body !== undefined && typeof answer.body !== 'string') {
        const output = step.project ? step.project(answer.body) : answer.body;
        outputs[step.name] = output;
        params[step.name] = output;
      }
    } else {
      const output = lookup(step, outputs, params);
      if (output !== undefined) {
        outputs[step.name] = output;
        params[step.name] = output;
      }
    }
  }

  const mapped = applyMappings(plan.mappings, outputs);
  if (mapped !== undefined) return { status: 200, value: mapped };
  // Nothing mapped: the last call's answer, through the unit's outputParameters as in a single call.
  if (!last || last.body === undefined) return { status: last?.status ?? 204, value: undefined };
  return { status: last.status, value: plan.mapOutput ? plan.mapOutput(last.body, last.params) : last.body };
}

/** The entry (or, for an array lookup value, entries) of step `index` whose `match` field reads as the value. */
function lookup(step: LookupStepPlan, outputs: Readonly<Record<string, unknown>>, params: Params): unknown {
  if (!(step.index in outputs)) {
    throw new CapError('CAP_STEP_OUTPUT_MISSING', `step "${step.name}": step "${step.index}" returned no JSON output to look up in`);
  }
  const index = outputs[step.index];
  const candidates = Array.isArray(index) ? index : [index];
  const project = (entry: Record<string, unknown>) => Object.fromEntries(step.fields.map((f) => [f, entry[f] ?? null]));
  const find = (value: unknown) => {
    if (value === undefined || value === null) return undefined;
    const text = stringify(value);
    const entry = candidates.find((c) => c !== null && typeof c === 'object' && stringify((c as Record<string, unknown>)[step.match]) === text && (c as Record<string, unknown>)[step.match] != null);
    return entry ? project(entry as Record<string, unknown>) : undefined;
  };
  const value = step.lookupValue(outputs, params);
  if (Array.isArray(value)) {
    const found = value.map(find).filter((f) => f !== undefined);
    return found.length > 0 ? found : undefined;
  }
  return find(value) ?? null;
}

/** Builds the result from the mappings; undefined when none resolves (or none is declared). */
function applyMappings(mappings: readonly CompiledMapping[], outputs: Readonly<Record<string, unknown>>): Record<string, unknown> | undefined {
  let result: Record<string, unknown> | undefined;
  for (const mapping of mappings) {
    const value = mapping.select(outputs);
    if (value === undefined) continue;
    result ??= {};
    let node = result;
    for (const key of mapping.target.slice(0, -1)) {
      const next = node[key];
      node = (next !== null && typeof next === 'object' && !Array.isArray(next) ? next : (node[key] = {})) as Record<string, unknown>;
    }
    node[mapping.target[mapping.target.length - 1]!] = value;
  }
  return result;
}

/** The same failure, its message prefixed with the step it happened in. */
function inStep(step: string, err: unknown): unknown {
  if (!(err instanceof CapError)) return err;
  return new CapError(err.code, `step "${step}": ${err.message}`, err.data, err.cause ?? err);
}
