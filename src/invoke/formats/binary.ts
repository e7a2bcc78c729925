// protobuf and avro → JSON with the schema file the operation names in `outputSchema` (naftiko-semantics §3.6), read
// and compiled once at load time; per response only the compiled decoder runs, on the body's bytes.
// - protobuf: a .proto file (parsed by protobufjs); the message type is the first one the file declares, or the one
//   named after `#` (`schemas/records.proto#test.records.Record`). Field names become lowerCamelCase and 64-bit
//   integers strings, as protobuf's JSON mapping writes them.
// - avro: an .avsc schema (avsc); the body is one binary-encoded datum (not an object container file). Unions of null
//   and a type are unwrapped; bytes become base64 strings.
import { readFileSync } from 'node:fs';
import { createRequire } from 'node:module';
import { isAbsolute, resolve } from 'node:path';
import type avroModule from 'avsc';
import type protobufModule from 'protobufjs';

// Loaded on first use, so that start-up does not pay for two decoders most capabilities never need.
const require = createRequire(import.meta.url);
let protobufLib: typeof protobufModule | undefined;
let avroLib: typeof avroModule | undefined;
const protobuf = (): typeof protobufModule => (protobufLib ??= require('protobufjs') as typeof protobufModule);
const avro = (): typeof avroModule => (avroLib ??= require('avsc') as typeof avroModule);

export type BinaryParser = (bytes: Uint8Array) => unknown;

/** Thrown at load time: the schema cannot be read or used (the caller reports it as a diagnostic). */
export class SchemaFileError extends Error {}

export function compileProtobuf(outputSchema: string | undefined, baseDir: string | undefined): BinaryParser {
  const [file, typeName] = splitType(required(outputSchema, 'protobuf', 'schemas/records.proto'));
  const root = parseOrFail(() => protobuf().parse(readSchema(file, baseDir), { keepCase: false }).root, file);
  const type = typeName ? lookup(root, typeName, file) : firstType(root, file);
  const options: protobufModule.IConversionOptions = { longs: String, enums: String, bytes: String, json: true };
  return (bytes) => type.toObject(type.decode(bytes), options);
}

export function compileAvro(outputSchema: string | undefined, baseDir: string | undefined): BinaryParser {
  const file = required(outputSchema, 'avro', 'schemas/records.avsc');
  const type = parseOrFail(() => avro().Type.forSchema(JSON.parse(readSchema(file, baseDir)) as avroModule.Schema), file);
  return (bytes) => plain(type.fromBuffer(Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength)));
}

function required(outputSchema: string | undefined, format: string, example: string): string {
  if (!outputSchema) throw new SchemaFileError(`outputRawFormat "${format}" needs outputSchema naming its schema file (e.g. outputSchema: ${example})`);
  return outputSchema;
}

function splitType(outputSchema: string): [string, string | undefined] {
  const hash = outputSchema.lastIndexOf('#');
  return hash > 0 ? [outputSchema.slice(0, hash), outputSchema.slice(hash + 1)] : [outputSchema, undefined];
}

/** A relative schema path is relative to the file that declares the operation. */
function readSchema(file: string, baseDir: string | undefined): string {
  const path = isAbsolute(file) || !baseDir ? resolve(file) : resolve(baseDir, file);
  try {
    return readFileSync(path, 'utf8');
  } catch (err) {
    throw new SchemaFileError(`cannot read the schema file ${file}: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
  }
}

function parseOrFail<T>(parse: () => T, file: string): T {
  try {
    return parse();
  } catch (err) {
    throw new SchemaFileError(`the schema file ${file} cannot be used: ${(err as Error).message}`);
  }
}

function firstType(root: protobufModule.Root, file: string): protobufModule.Type {
  const { Type, Namespace } = protobuf();
  let found: protobufModule.Type | undefined;
  const walk = (node: protobufModule.ReflectionObject): void => {
    if (found) return;
    if (node instanceof Type) found = node;
    else if (node instanceof Namespace) node.nestedArray.forEach(walk);
  };
  root.nestedArray.forEach(walk);
  if (!found) throw new SchemaFileError(`the schema file ${file} declares no message type`);
  return found;
}

function lookup(root: protobufModule.Root, name: string, file: string): protobufModule.Type {
  try {
    return root.lookupType(name);
  } catch {
    throw new SchemaFileError(`the schema file ${file} has no message type "${name}"`);
  }
}

/** avsc values → plain JSON values (record instances become objects, Buffers base64 strings). */
function plain(value: unknown): unknown {
  if (Buffer.isBuffer(value)) return value.toString('base64');
  if (Array.isArray(value)) return value.map(plain);
  if (value instanceof Map) return Object.fromEntries([...value].map(([k, v]) => [String(k), plain(v)]));
  if (value !== null && typeof value === 'object') return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, plain(v)]));
  return value;
}
