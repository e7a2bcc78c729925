// A unit's execution plan, built once per load (naftiko-semantics §4.3, §4.5, §4.8): one call, or steps (call and
// lookup) with their mappings, or a mock. invoke/ runs it; nothing here runs per request except the closures it returns.
import type { CallStep, Invocable, LookupStep, OutputParameter, StepOutputMapping } from '../spec/capability.js';
import { compileJsonPath, type Extractor } from './jsonpath.js';
import { compileInputKey, type Getter, type NameScope, type Params } from './names.js';
import { compileMock, compileOutputMapper, listsFromSinglesFor, type MockBuilder, type OutputMapper } from './output-mapper.js';
import type { PaginationPlan } from './pagination.js';
import type { RequestTemplate } from './request-template.js';
import { compileText, TemplateError } from './template.js';

/** A consumed operation as compiled once per capability: its request template and how its body reads. */
export interface CallTarget {
  readonly request: RequestTemplate;
  readonly outputRawFormat?: string;
  /** The consumed operation's own outputParameters: they project a step's output (§3.7). */
  readonly outputParameters?: readonly OutputParameter[];
  /** How the operation pages (runtime extension), if it declares it. */
  readonly pagination?: PaginationPlan;
}

/** One upstream call: its request and the `with` values merged over the parameters it is given. */
export interface CompiledCall {
  readonly call: string;
  readonly request: RequestTemplate;
  readonly outputRawFormat: string;
  readonly pagination?: PaginationPlan;
  withParams(params: Params): Params;
}

export interface CallStepPlan {
  readonly kind: 'call';
  readonly name: string;
  readonly call: CompiledCall;
  /** Projection by the consumed operation's named outputParameters; null keeps the body as it is. */
  readonly project: ((body: unknown) => unknown) | null;
}

export interface LookupStepPlan {
  readonly kind: 'lookup';
  readonly name: string;
  readonly index: string;
  readonly match: string;
  readonly fields: readonly string[];
  /** The value(s) to look up, from the stored step outputs or the parameters. */
  lookupValue(outputs: Readonly<Record<string, unknown>>, params: Params): unknown;
}

export type StepPlan = CallStepPlan | LookupStepPlan;

export interface CompiledMapping {
  /** `route.from` → ['route', 'from']. */
  readonly target: readonly string[];
  readonly select: Extractor;
}

export type ExecutionPlan =
  | { readonly kind: 'call'; readonly call: CompiledCall; readonly mapOutput: OutputMapper | null }
  | { readonly kind: 'steps'; readonly steps: readonly StepPlan[]; readonly mappings: readonly CompiledMapping[]; readonly mapOutput: OutputMapper | null }
  | { readonly kind: 'mock'; readonly build: MockBuilder };

/** A plan that cannot be built, with the JSON pointer (relative to the unit) of what is wrong. */
export class PlanError extends TemplateError {
  constructor(
    message: string,
    readonly at: string,
    /** A feature this runtime does not run yet (CAP_COMPILE_UNSUPPORTED), rather than a mistake in the file. */
    readonly unsupported = false,
  ) {
    super(message);
  }
}

/** Runs `build`, re-throwing its failure as a PlanError located at `at` (below it, if the failure knows a deeper place). */
function located<T>(at: string, build: () => T): T {
  try {
    return build();
  } catch (err) {
    if (!(err instanceof PlanError)) throw new PlanError((err as Error).message, at);
    throw new PlanError(err.message, `${at}${err.at}`, err.unsupported);
  }
}

export interface PlanSource {
  unit: Invocable;
  /** Prefixes that mean "the caller's input" in `with` values (`tools`/`rest` and the unit's namespace). */
  inputPrefixes: ReadonlySet<string>;
}

export interface CompiledPlan {
  plan: ExecutionPlan;
  /** `with` key → caller input it reads, and every `with` key: for input schemas derived when none is declared. */
  withInputs: Map<string, string>;
  withKeys: Set<string>;
  /** The request of the single call (for derived input schemas and listings). */
  request?: RequestTemplate;
  /** Every consumed operation the plan calls, in order. */
  calls: string[];
}

export function compilePlan(source: PlanSource, targets: ReadonlyMap<string, CallTarget>, scope: NameScope): CompiledPlan {
  const { unit } = source;
  const unitScope: NameScope = { ...scope, inputPrefixes: source.inputPrefixes };
  const withInputs = new Map<string, string>();
  const withKeys = new Set<string>();

  if (Array.isArray(unit.steps) && unit.steps.length > 0) {
    const steps: StepPlan[] = [];
    const calls: string[] = [];
    const names = new Set<string>();
    unit.steps.forEach((step, i) => {
      if (!step || typeof step !== 'object') return;
      const at = `/steps/${i}`;
      if (names.has(step.name)) throw new PlanError(`step "${step.name}" is declared twice; step names must be unique within a unit`, `${at}/name`);
      if (step.type === 'call') {
        const target = located(`${at}/call`, () => targetOf(targets, (step as CallStep).call, `step "${step.name}"`));
        const call = located(`${at}/with`, () => compileCall((step as CallStep).call, target, (step as CallStep).with, unitScope, withInputs, withKeys, names));
        steps.push({ kind: 'call', name: step.name, call, project: located(at, () => compileProjection(target.outputParameters)) });
        calls.push(call.call);
      } else if (step.type === 'lookup') {
        steps.push(located(at, () => compileLookup(step as LookupStep, names, unitScope)));
      } else {
        throw new PlanError(`step "${step.name}" has type "${String(step.type)}", which this runtime does not run yet; use call or lookup steps`, `${at}/type`, true);
      }
      names.add(step.name);
    });
    const mappings = (unit.mappings ?? []).map((m, j) => located(`/mappings/${j}/value`, () => compileMapping(m, names)));
    return { plan: { kind: 'steps', steps, mappings, mapOutput: compileOutputMapper(unit.outputParameters, unitScope) }, withInputs, withKeys, calls };
  }
  if (unit.call) {
    const target = targetOf(targets, unit.call, 'call');
    const call = compileCall(unit.call, target, unit.with, unitScope, withInputs, withKeys, new Set());
    const mapOutput = compileOutputMapper(unit.outputParameters, unitScope, { listsFromSingles: listsFromSinglesFor(target.outputRawFormat) });
    return { plan: { kind: 'call', call, mapOutput }, withInputs, withKeys, request: target.request, calls: [unit.call] };
  }
  return { plan: { kind: 'mock', build: compileMock(unit.outputParameters, unitScope) }, withInputs, withKeys, calls: [] };
}

function targetOf(targets: ReadonlyMap<string, CallTarget>, call: string, what: string): CallTarget {
  const target = targets.get(call);
  if (!target) throw new TemplateError(`${what} names "${call}", which is not a consumed operation`);
  return target;
}

function compileCall(
  name: string,
  target: CallTarget,
  withMap: Record<string, unknown> | undefined,
  scope: NameScope,
  withInputs: Map<string, string>,
  withKeys: Set<string>,
  stepNames: ReadonlySet<string>,
): CompiledCall {
  const entries = Object.entries(withMap ?? {}).map(([key, value]) => [key, compileWithValue(value, scope)] as const);
  for (const [key, compiled] of entries) {
    withKeys.add(key);
    // A step output (`{{get-ship.imo}}`) is not a caller input.
    for (const input of compiled.inputs) if (!stepNames.has(input.split('.')[0]!)) withInputs.set(key, input);
  }
  return {
    call: name,
    request: target.request,
    outputRawFormat: target.outputRawFormat ?? 'json',
    pagination: target.pagination,
    withParams(params) {
      if (entries.length === 0) return params;
      const out: Record<string, unknown> = { ...params };
      for (const [key, compiled] of entries) {
        const value = compiled.get(params);
        // An unresolved reference leaves the key unset, so an argument of the same name survives (§2.5).
        if (value !== undefined) out[key] = value;
      }
      return out;
    },
  };
}

/**
 * A `with` value: `tools.x` / `rest.x` / `<namespace>.x` is the caller's input `x` with its JSON type; any other
 * string is a template over the parameters; numbers and booleans are constants (naftiko-semantics §2.5).
 */
export function compileWithValue(value: unknown, scope: NameScope): { get: Getter; inputs: string[] } {
  if (typeof value !== 'string') return { get: () => value, inputs: [] };
  const ref = /^([A-Za-z0-9_-]+)\.([A-Za-z0-9_.-]+)$/.exec(value);
  if (ref && scope.inputPrefixes.has(ref[1]!)) return { get: compileInputKey(ref[2]!), inputs: [ref[2]!] };
  const template = compileText(value, scope);
  if (template.names.length === 0) return { get: () => value, inputs: [] };
  const inputs = template.names.filter((n) => !scope.bindings.names.has(n)).map((n) => n.replace(/^[^.]+\./, (p) => (scope.inputPrefixes.has(p.slice(0, -1)) ? '' : p)));
  return { get: template.single ?? ((params) => template.render(params)), inputs };
}

/**
 * Consumed `outputParameters` with a name and a JSONPath project a step's output (§3.7): an object becomes
 * `{name: value}`; each element of an array keeps its fields and gains the projected ones.
 */
function compileProjection(outputs: readonly OutputParameter[] | undefined): ((body: unknown) => unknown) | null {
  const fields = (outputs ?? [])
    .filter((o) => o && typeof o.name === 'string')
    .map((o) => {
      const path = o.mapping ?? (typeof o.value === 'string' && o.value.startsWith('$') ? o.value : undefined);
      return path === undefined ? undefined : ([o.name!, compileJsonPath(path)] as const);
    })
    .filter((f): f is readonly [string, Extractor] => f !== undefined);
  if (fields.length === 0) return null;
  const project = (node: unknown) => Object.fromEntries(fields.map(([name, select]) => [name, select(node) ?? null]));
  return (body) => (Array.isArray(body) ? body.map((el) => (isObject(el) ? { ...el, ...project(el) } : el)) : project(body));
}

function compileLookup(step: LookupStep, earlier: ReadonlySet<string>, scope: NameScope): LookupStepPlan {
  if (!earlier.has(step.index)) {
    throw new PlanError(`lookup step "${step.name}" searches step "${step.index}", which is not an earlier step (earlier: ${[...earlier].join(', ') || 'none'})`, '/index');
  }
  const value = String(step.lookupValue ?? '');
  let lookupValue: LookupStepPlan['lookupValue'];
  if (value.startsWith('$')) {
    // `$.get-ship.assignedCrew`: a node of a stored step output.
    const select = compileJsonPath(value);
    lookupValue = (outputs) => select(outputs);
  } else {
    const template = compileText(value, scope);
    lookupValue = (_outputs, params) => template.render(params);
  }
  const fields = (step.outputParameters ?? []).map((f) => String(typeof f === 'object' && f !== null ? (f as { name?: string }).name : f));
  return { kind: 'lookup', name: step.name, index: step.index, match: String(step.match), fields, lookupValue };
}

function compileMapping(mapping: StepOutputMapping, steps: ReadonlySet<string>): CompiledMapping {
  const value = String(mapping.value ?? '');
  const head = /^\$\.([^.[]+)/.exec(value)?.[1];
  if (!head || !steps.has(head)) {
    throw new TemplateError(`mapping "${mapping.targetName}" reads ${JSON.stringify(value)}; a mapping value is $.<step>.<field> and the steps are: ${[...steps].join(', ') || 'none'}`);
  }
  return { target: String(mapping.targetName).split('.'), select: compileJsonPath(value) };
}

const isObject = (v: unknown): v is Record<string, unknown> => v !== null && typeof v === 'object' && !Array.isArray(v);
