// outputRawFormat → a body reader compiled once per consumed operation: it turns the upstream's bytes into the JSON
// tree the output mapping reads (naftiko-semantics §3.6). Unknown formats are refused at load time.
import { yamlLib } from '../../load/yaml-lib.js';
import { CapError } from '../../errors/cap-error.js';
import { exceedsDepth, MAX_JSON_DEPTH } from '../json-depth.js';
import { compileAvro, compileProtobuf, SchemaFileError, type BinaryParser } from './binary.js';
import { compileDelimited, DELIMITERS } from './delimited.js';
import { compileHtml } from './html.js';
import { compileMarkdown } from './markdown.js';
import { compileXml } from './xml.js';

export const OUTPUT_FORMATS = ['json', 'yaml', 'xml', 'csv', 'tsv', 'psv', 'html', 'markdown', 'protobuf', 'avro'] as const;

/** The Accept header each format asks the upstream for (JSON stays the fallback some APIs need to answer at all). */
const ACCEPT: Record<string, string> = {
  json: 'application/json',
  yaml: 'application/yaml, application/x-yaml;q=0.9, text/yaml;q=0.9, */*;q=0.1',
  xml: 'application/xml, text/xml;q=0.9, */*;q=0.1',
  csv: 'text/csv, */*;q=0.1',
  tsv: 'text/tab-separated-values, */*;q=0.1',
  psv: 'text/plain, */*;q=0.1',
  html: 'text/html, */*;q=0.1',
  markdown: 'text/markdown, text/plain;q=0.9, */*;q=0.1',
  protobuf: 'application/x-protobuf, application/protobuf;q=0.9, */*;q=0.1',
  avro: 'application/avro, avro/binary;q=0.9, */*;q=0.1',
};

export const acceptFor = (format: unknown): string => ACCEPT[format === undefined || format === null ? 'json' : String(format).toLowerCase()] ?? 'application/json';

export interface RawResponse {
  status: number;
  contentType: string;
  text: string;
  /** The body's bytes (the binary formats decode these, not the text). */
  bytes?: Uint8Array;
}

/** Upstream response → JSON value; `undefined` for an empty body. Throws CAP_UPSTREAM_BODY_INVALID on bad bytes. */
export type BodyReader = (response: RawResponse) => unknown;

/** A load-time refusal of an operation's format, with the diagnostic code to report it under. */
export class FormatError extends Error {
  constructor(
    message: string,
    readonly code: 'CAP_COMPILE' | 'CAP_COMPILE_UNSUPPORTED',
  ) {
    super(message);
  }
}

/** `schemaDir`: the folder of the file declaring the operation, where relative protobuf/avro schema paths start. */
export function compileBodyReader(format: unknown, outputSchema: unknown, namespace: string, schemaDir?: string): BodyReader {
  const name = format === undefined || format === null ? 'json' : String(format).toLowerCase();
  const schema = typeof outputSchema === 'string' && outputSchema.trim() !== '' ? outputSchema.trim() : undefined;
  const binary = compileBinary(name, schema, schemaDir);
  const parse: (response: RawResponse) => unknown = binary ? (response) => binary(response.bytes ?? Buffer.from(response.text, 'utf8')) : compileTextParser(name, schema);
  return (response) => {
    if (response.text.length === 0 && !response.bytes?.length) return undefined;
    // JSON keeps the historical leniency: a non-JSON media type (an HTML error page) passes through as text.
    if (name === 'json' && response.contentType !== '' && !/json/i.test(response.contentType)) return response.text;
    let body: unknown;
    try {
      body = parse(response);
    } catch (err) {
      // An error answer in another format is still worth showing to the caller as it came.
      if (response.status >= 400) return response.text;
      throw new CapError('CAP_UPSTREAM_BODY_INVALID', `upstream "${namespace}" sent a body that is not valid ${name}`, { upstream: namespace, upstreamStatus: response.status }, err);
    }
    // Every format yields a tree the output mapping walks: a hostile nesting depth is refused whatever the format.
    if (exceedsDepth(body)) {
      throw new CapError('CAP_UPSTREAM_BODY_INVALID', `upstream "${namespace}" sent a body nested deeper than ${MAX_JSON_DEPTH} levels`, { upstream: namespace, upstreamStatus: response.status });
    }
    return body;
  };
}

function compileBinary(name: string, schema: string | undefined, schemaDir: string | undefined): BinaryParser | undefined {
  if (name !== 'protobuf' && name !== 'avro') return undefined;
  try {
    return name === 'protobuf' ? compileProtobuf(schema, schemaDir) : compileAvro(schema, schemaDir);
  } catch (err) {
    if (err instanceof SchemaFileError) throw new FormatError(err.message, 'CAP_COMPILE');
    throw err;
  }
}

function compileTextParser(name: string, schema: string | undefined): (response: RawResponse) => unknown {
  const parse = compileParser(name, schema);
  return (response) => parse(response.text);
}

function compileParser(name: string, schema: string | undefined): (text: string) => unknown {
  switch (name) {
    case 'json':
      return (text) => JSON.parse(text);
    case 'yaml':
      return (text) => yamlLib().parse(text);
    case 'xml':
      return compileXml();
    case 'csv':
    case 'tsv':
    case 'psv':
      return compileDelimited(DELIMITERS[name]);
    case 'html':
      try {
        return compileHtml(schema);
      } catch (err) {
        throw new FormatError(`outputSchema "${schema}" is not a CSS selector the html format can use: ${(err as Error).message}`, 'CAP_COMPILE');
      }
    case 'markdown':
      return compileMarkdown(schema);
    default:
      throw new FormatError(`unsupported outputRawFormat "${String(name)}"; use one of ${OUTPUT_FORMATS.join(', ')}`, 'CAP_COMPILE');
  }
}
