// MCP resources (naftiko-semantics §5.5): listing, templates and reads. A dynamic read runs the resource's invoker
// through invoke(), like a tool call; a static read serves one regular file of the declared folder, refusing
// anything outside it (case 34: every segment [a-zA-Z0-9._-]+, no `.`/`..`, no folders, no symlink escape).
import { lstat, readdir, readFile, realpath, stat } from 'node:fs/promises';
import { join, sep } from 'node:path';
import { ProtocolError, ProtocolErrorCode } from '@modelcontextprotocol/server';
import type { CompiledResource, ResourceListing, ResourceTemplateListing } from '../../compile/mcp-resources.js';
import { asCapError } from '../../errors/cap-error.js';
import { invoke } from '../../invoke/invoke.js';
import type { UpstreamClient } from '../../invoke/upstream.js';
import { problemOf, redact, resultText } from '../respond.js';
import { isTextMediaType, mediaTypeOf } from '../media-types.js';

type StaticResource = Extract<CompiledResource, { kind: 'static' }>;
export type ResourceContents = { uri: string; mimeType: string; text: string } | { uri: string; mimeType: string; blob: string };

const SEGMENT = /^[a-zA-Z0-9._-]+$/;
/** How deep resources/list looks into a static folder, and how many files it lists per folder at most. */
const MAX_DEPTH = 8;
const MAX_FILES = 1000;

export function templateListings(resources: readonly CompiledResource[]): ResourceTemplateListing[] {
  return resources.flatMap((r) => (r.kind === 'dynamic' && r.template ? [r.template.listing] : []));
}

/** Exact dynamic resources, then every readable file of each static folder. Template URIs are not listed. */
export async function listResources(resources: readonly CompiledResource[]): Promise<ResourceListing[]> {
  const listed: ResourceListing[] = [];
  for (const r of resources) {
    if (r.kind === 'dynamic') {
      if (r.listing) listed.push(r.listing);
      continue;
    }
    for (const relative of await filesUnder(r.root)) {
      const entry: ResourceListing = { uri: `${r.baseUri}/${relative}`, name: `${r.name}/${relative}`, title: `${r.title}: ${relative}`, mimeType: r.mimeType ?? mediaTypeOf(relative) };
      if (r.description) entry.description = r.description;
      listed.push(entry);
    }
  }
  return listed;
}

export interface ReadContext {
  upstream: UpstreamClient;
  secrets: readonly string[];
}

export async function readResource(resources: readonly CompiledResource[], uri: unknown, context: ReadContext): Promise<{ contents: ResourceContents[] }> {
  if (typeof uri !== 'string' || uri.length === 0) throw new ProtocolError(ProtocolErrorCode.InvalidParams, 'resources/read: params.uri is required');
  // First matching declaration wins, in the order of the file.
  for (const r of resources) {
    if (r.kind === 'static') {
      if (uri === r.baseUri || uri.startsWith(`${r.baseUri}/`)) return { contents: [await readStatic(r, uri)] };
      continue;
    }
    const variables = r.listing ? (r.listing.uri === uri ? {} : null) : r.template!.match(uri);
    if (variables) return { contents: [await readDynamic(r, uri, variables, context)] };
  }
  throw new ProtocolError(ProtocolErrorCode.InvalidParams, `unknown resource URI "${uri}"`);
}

async function readDynamic(r: Extract<CompiledResource, { kind: 'dynamic' }>, uri: string, variables: Record<string, string>, { upstream, secrets }: ReadContext): Promise<ResourceContents> {
  try {
    const { value } = await invoke(r.invoker, variables, upstream);
    // Raw text bodies are redacted like JSON ones: a bound value never leaves the runtime.
    return { uri, mimeType: r.mimeType, text: typeof value === 'string' ? redact(value, secrets) : resultText(value, secrets) };
  } catch (err) {
    // resources/read has no isError result: the failure is a JSON-RPC error carrying the same problem a tool would.
    const { problem } = problemOf(asCapError(err), secrets);
    throw new ProtocolError(ProtocolErrorCode.InternalError, `${problem.code}: ${problem.detail ?? problem.title}`, problem);
  }
}

async function readStatic(r: StaticResource, uri: string): Promise<ResourceContents> {
  const relative = uri.slice(r.baseUri.length + 1);
  const refuse = (why: string): never => {
    throw new ProtocolError(ProtocolErrorCode.InvalidParams, `resource "${uri}" cannot be read: ${why}`);
  };
  if (uri === r.baseUri || relative === '') refuse('it is a folder');
  const segments = relative.split('/');
  if (segments.some((s) => !SEGMENT.test(s) || s === '.' || s === '..')) refuse('each path segment must match [a-zA-Z0-9._-]+ (no "." or "..")');
  let real: string;
  try {
    real = await realpath(join(r.root, ...segments));
  } catch {
    return refuse('no such file');
  }
  if (!real.startsWith(r.root + sep)) refuse('it leaves the resource folder');
  const info = await stat(real);
  if (!info.isFile()) refuse('it is not a regular file');
  const mimeType = r.mimeType ?? mediaTypeOf(real);
  const bytes = await readFile(real);
  return isTextMediaType(mimeType) ? { uri, mimeType, text: bytes.toString('utf8') } : { uri, mimeType, blob: bytes.toString('base64') };
}

/** Relative paths of the regular files a read would serve (no symlinks, names that pass the segment rule). */
async function filesUnder(root: string): Promise<string[]> {
  const found: string[] = [];
  const walk = async (dir: string, prefix: string, depth: number): Promise<void> => {
    if (depth > MAX_DEPTH) return;
    let entries;
    try {
      entries = await readdir(dir, { withFileTypes: true });
    } catch {
      return;
    }
    entries.sort((a, b) => a.name.localeCompare(b.name));
    for (const entry of entries) {
      if (found.length >= MAX_FILES) return;
      if (!SEGMENT.test(entry.name) || entry.name === '.' || entry.name === '..') continue;
      const path = join(dir, entry.name);
      const rel = prefix ? `${prefix}/${entry.name}` : entry.name;
      if (entry.isDirectory()) await walk(path, rel, depth + 1);
      else if (entry.isFile() || (entry.isSymbolicLink() && (await insideRoot(path, root)))) found.push(rel);
    }
  };
  await walk(root, '', 0);
  return found;
}

async function insideRoot(path: string, root: string): Promise<boolean> {
  try {
    const real = await realpath(path);
    return real.startsWith(root + sep) && (await lstat(real)).isFile();
  } catch {
    return false;
  }
}
