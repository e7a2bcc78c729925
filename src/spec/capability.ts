// Types mirroring the capability YAML (names = YAML keys). No behaviour lives here.

export interface NaftikoDocument {
  naftiko: string;
  info?: Info;
  binds?: Bind[];
  capability?: Capability;
  /** Root-level consumes: a shared consumes document meant to be imported. */
  consumes?: ConsumesEntry[];
}

export interface Info {
  label: string;
  description: string;
  tags?: string[];
}

export interface Bind {
  namespace: string;
  description?: string;
  location?: string;
  /** VARIABLE_NAME → provider key (environment variable or key in the location file). */
  keys: Record<string, string>;
}

export interface Capability {
  consumes?: ConsumesEntry[];
  exposes?: Exposes[];
  aggregates?: Aggregate[];
}

/** Reusable functions that tools and REST operations reference with `ref: <namespace>.<function>`. */
export interface Aggregate {
  label?: string;
  namespace: string;
  description?: string;
  functions?: AggregateFunction[];
}

export interface AggregateFunction extends Invocable {
  name: string;
  semantics?: { safe?: boolean; idempotent?: boolean; cacheable?: boolean };
}

export type ConsumesEntry = ConsumesHttp | ImportedConsumes;

export interface ImportedConsumes {
  import: string;
  location: string;
  as?: string;
  description?: string;
}

export interface ConsumesHttp {
  type: 'http';
  namespace: string;
  baseUri: string;
  description?: string;
  authentication?: Authentication;
  inputParameters?: ConsumedInputParameter[];
  resources?: ConsumedResource[];
  /** Runtime extension: cap on this upstream's response body, in bytes. */
  'x-max-response-bytes'?: number;
}

export type Authentication =
  | { type: 'bearer'; token: string }
  | { type: 'apikey'; key: string; value: string; placement?: 'header' | 'query' }
  | { type: 'basic' | 'digest'; username: string; password: string }
  | { type: 'oauth2'; [k: string]: unknown };

export interface ConsumedResource {
  name: string;
  path: string;
  description?: string;
  operations?: ConsumedOperation[];
}

export interface ConsumedOperation {
  name: string;
  method: HttpMethod;
  description?: string;
  inputParameters?: ConsumedInputParameter[];
  body?: RequestBody;
  outputRawFormat?: string;
  /** html: CSS selector scoping the tables; markdown: heading prefix (naftiko-semantics §3.6). */
  outputSchema?: unknown;
  outputParameters?: OutputParameter[];
  /** Runtime extension: how this list operation pages, so one call collects several pages (README "Pagination"). */
  pagination?: Pagination;
}

/** Runtime extension on a consumed operation (schemas/runtime-extensions.json). */
export interface Pagination {
  style: 'cursor' | 'offset' | 'page' | 'link';
  /** Dot path of the array of items in a page (default `$`: the body is the array). */
  items?: string;
  /** cursor: the parameter the cursor is sent in, and where the next one is read (a body path or a header). */
  cursorParam?: string;
  nextCursor?: string;
  nextCursorHeader?: string;
  /** offset: the parameter holding the position of the first item. */
  offsetParam?: string;
  /** page: the parameter holding the page number, and the number of the first page (default 1). */
  pageParam?: string;
  firstPage?: number;
  /** The parameter holding the page size, and the size sent when the caller gives none. */
  limitParam?: string;
  pageSize?: number;
  /** Caps on one call (defaults 10 pages, 1000 items). */
  maxPages?: number;
  maxItems?: number;
}

export type HttpMethod = 'GET' | 'POST' | 'PUT' | 'PATCH' | 'DELETE';

export type ParameterLocation = 'query' | 'header' | 'path' | 'cookie' | 'body' | 'environment';

/** Input parameter shape shared by consumed, exposed and tool parameters (each uses a subset). */
export interface InputParameter extends JsonSchemaKeywords {
  name: string;
  in?: ParameterLocation;
  type?: JsonType;
  description?: string;
  required?: boolean;
  value?: unknown;
}

export type ConsumedInputParameter = InputParameter;

/** JSON Schema keywords our runtime accepts on input parameters (an extension to the Naftiko spec). */
export interface JsonSchemaKeywords {
  pattern?: string;
  items?: unknown;
  properties?: unknown;
  additionalProperties?: unknown;
  enum?: unknown[];
  format?: string;
  minimum?: number;
  maximum?: number;
  minLength?: number;
  maxLength?: number;
  minItems?: number;
  maxItems?: number;
  default?: unknown;
  examples?: unknown[];
  /** Required fields of an object-typed parameter (emitted as the property schema's `required`). */
  requiredProperties?: string[];
}

export type JsonType = 'string' | 'number' | 'integer' | 'boolean' | 'array' | 'object';

export type RequestBody = string | { type: 'json' | 'text' | 'xml' | 'sparql' | 'formUrlEncoded' | 'multipartForm' | 'raw'; data: unknown };

export interface OutputParameter {
  name?: string;
  type?: JsonType;
  mapping?: string;
  value?: unknown;
  properties?: Record<string, OutputParameter>;
  items?: OutputParameter;
  values?: OutputParameter;
  maxLength?: number;
  in?: string;
}

export type Exposes = ExposesRest | ExposesMcp | ExposesSkill | ExposesControl;

/** A read-only catalog of agent skills (naftiko-semantics §6.1). */
export interface ExposesSkill {
  type: 'skill';
  port: number;
  namespace: string;
  address?: string;
  description?: string;
  authentication?: Authentication;
  skills?: ExposedSkill[];
}

export interface ExposedSkill {
  name: string;
  description: string;
  license?: string;
  compatibility?: string;
  metadata?: Record<string, string>;
  'allowed-tools'?: string;
  'argument-hint'?: string;
  'user-invocable'?: boolean;
  'disable-model-invocation'?: boolean;
  /** `file:///abs/dir` or `file:///./dir` (relative to the capability file): the folder holding SKILL.md and instruction files. */
  location?: string;
  tools?: SkillTool[];
}

/** Exactly one of `from` (a tool or operation of a sibling rest/mcp adapter) or `instruction` (a file under `location`). */
export interface SkillTool {
  name: string;
  description?: string;
  from?: { sourceNamespace: string; action: string };
  instruction?: string;
}

/** The management plane (naftiko-semantics §6.2): health, status, and later metrics and reload. */
export interface ExposesControl {
  type: 'control';
  port: number;
  /** Not in the Naftiko schema: control adapters have no namespace; the runtime calls them `control`. */
  namespace?: undefined;
  address?: string;
  authentication?: Authentication;
  management?: {
    health?: boolean;
    info?: boolean;
    reload?: boolean;
    validate?: boolean;
    logs?: boolean | Record<string, unknown>;
    scripting?: Record<string, unknown>;
  };
  observability?: {
    enabled?: boolean;
    metrics?: { local?: { enabled?: boolean } };
    traces?: { local?: { enabled?: boolean; 'buffer-size'?: number }; [k: string]: unknown };
    exporters?: unknown;
  };
}

export interface ExposesRest {
  type: 'rest';
  port: number;
  namespace: string;
  address?: string;
  description?: string;
  authentication?: Authentication;
  resources?: ExposedResource[];
}

export interface ExposedResource {
  path: string;
  name?: string;
  description?: string;
  inputParameters?: InputParameter[];
  operations?: ExposedOperation[];
  forward?: Forward;
}

/** Requests no operation handles go to the consumed adapter `targetNamespace`, with only the trusted headers. */
export interface Forward {
  targetNamespace: string;
  trustedHeaders?: string[];
}

/** What an exposed REST operation and an MCP tool share: the call, its arguments and the output shape. */
export interface Invocable {
  name?: string;
  label?: string;
  description?: string;
  inputParameters?: InputParameter[];
  call?: string;
  with?: Record<string, unknown>;
  steps?: OperationStep[];
  mappings?: StepOutputMapping[];
  ref?: string;
  outputParameters?: OutputParameter[];
}

export type OperationStep = CallStep | LookupStep | { type: 'script'; name: string; [k: string]: unknown };

export interface CallStep {
  type: 'call';
  name: string;
  call: string;
  with?: Record<string, unknown>;
}

/** Finds in step `index`'s output the entry whose `match` field equals `lookupValue`; keeps `outputParameters` fields. */
export interface LookupStep {
  type: 'lookup';
  name: string;
  index: string;
  match: string;
  lookupValue: string;
  outputParameters?: string[];
}

/** `targetName` (dots build nested objects) ← `value` (`$.<step>.<field>…`). */
export interface StepOutputMapping {
  targetName: string;
  value: string;
}

export interface ExposedOperation extends Invocable {
  method: HttpMethod;
}

export interface ExposesMcp {
  type: 'mcp';
  namespace: string;
  port?: number;
  address?: string;
  transport?: 'http' | 'stdio';
  description?: string;
  authentication?: Authentication;
  tools?: McpTool[];
  resources?: McpResource[];
  prompts?: McpPrompt[];
}

/** An MCP resource: dynamic (`call` or `steps`, with `with` and `outputParameters`) or static (`location`, a directory). */
export interface McpResource extends Invocable {
  name: string;
  uri: string;
  mimeType?: string;
  location?: string;
}

export interface McpPrompt {
  name: string;
  label?: string;
  description?: string;
  arguments?: { name: string; label?: string; description?: string; required?: boolean }[];
  template?: { role: 'user' | 'assistant'; content: string }[];
  location?: string;
}

export interface McpTool extends Invocable {
  name: string;
  hints?: { readOnly?: boolean; destructive?: boolean; idempotent?: boolean; openWorld?: boolean };
}
