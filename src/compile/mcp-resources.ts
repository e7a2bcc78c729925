// MCP resources → CompiledResource, once per load (naftiko-semantics §5.5): dynamic resources get an invoker (the
// same one tools use) and, for `{var}` URIs, a matcher; static resources get their folder's real path.
import { realpathSync, statSync } from 'node:fs';
import type { McpResource } from '../spec/capability.js';
import type { CompiledInvoker } from './invoker.js';
import { locationPath } from './locations.js';

export interface ResourceListing {
  uri: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

export interface ResourceTemplateListing {
  uriTemplate: string;
  name: string;
  title?: string;
  description?: string;
  mimeType?: string;
}

export type CompiledResource =
  | {
      readonly kind: 'dynamic';
      readonly name: string;
      readonly mimeType: string;
      /** Set for an exact URI (listed in resources/list). */
      readonly listing?: ResourceListing;
      /** Set for a `{var}` URI (listed in resources/templates/list). */
      readonly template?: { readonly listing: ResourceTemplateListing; match(uri: string): Record<string, string> | null };
      readonly invoker: CompiledInvoker;
    }
  | {
      readonly kind: 'static';
      readonly name: string;
      readonly title: string;
      readonly description?: string;
      /** The declared mime type (else detected per file). */
      readonly mimeType?: string;
      /** The base URI without a trailing slash; files are `<baseUri>/<relative path>`. */
      readonly baseUri: string;
      /** Real path of the folder (symlinks resolved), the boundary no read may leave. */
      readonly root: string;
    };

/** `{var}` in a resource URI; each stands for exactly one path segment. */
const VARIABLE = /\{([A-Za-z0-9_-]+)\}/g;

export function isTemplateUri(uri: string): boolean {
  return /\{[A-Za-z0-9_-]+\}/.test(uri);
}

export function compileStaticResource(resource: McpResource, baseDir: string): CompiledResource {
  const path = locationPath(String(resource.location), baseDir);
  let root: string;
  try {
    root = realpathSync(path);
  } catch {
    throw new Error(`resource folder ${path} does not exist`);
  }
  if (!statSync(root).isDirectory()) throw new Error(`resource location ${path} is not a folder`);
  if (isTemplateUri(resource.uri)) throw new Error(`a static resource's uri cannot have {variables}: "${resource.uri}"`);
  const resourceDescription = resource.description?.trim();
  return {
    kind: 'static',
    name: resource.name,
    title: resource.label ?? resource.name,
    ...(resourceDescription ? { description: resourceDescription } : {}),
    ...(resource.mimeType ? { mimeType: resource.mimeType } : {}),
    baseUri: resource.uri.replace(/\/+$/, ''),
    root,
  };
}

export function compileDynamicResource(resource: McpResource, invoker: CompiledInvoker): CompiledResource {
  const mimeType = resource.mimeType ?? 'application/json';
  const common = { name: resource.name, title: resource.label ?? resource.name, ...(resource.description ? { description: resource.description.trim() } : {}), mimeType };
  if (!isTemplateUri(resource.uri)) return { kind: 'dynamic', name: resource.name, mimeType, listing: { uri: resource.uri, ...common }, invoker };
  return { kind: 'dynamic', name: resource.name, mimeType, template: { listing: { uriTemplate: resource.uri, ...common }, match: compileUriTemplate(resource.uri) }, invoker };
}

/** `data://users/{userId}/profile` → a matcher; a variable never spans a `/` (naftiko-semantics §7 case 33). */
export function compileUriTemplate(uriTemplate: string): (uri: string) => Record<string, string> | null {
  const names: string[] = [];
  let pattern = '';
  let last = 0;
  for (const m of uriTemplate.matchAll(VARIABLE)) {
    pattern += escapeRegExp(uriTemplate.slice(last, m.index)) + '([^/?#]+)';
    names.push(m[1]!);
    last = m.index + m[0].length;
  }
  pattern += escapeRegExp(uriTemplate.slice(last));
  const regexp = new RegExp(`^${pattern}$`);
  return (uri) => {
    const m = regexp.exec(uri);
    if (!m) return null;
    const values: Record<string, string> = {};
    names.forEach((name, i) => (values[name] = safeDecode(m[i + 1]!)));
    return values;
  };
}

function safeDecode(segment: string): string {
  try {
    return decodeURIComponent(segment);
  } catch {
    return segment;
  }
}

const escapeRegExp = (s: string): string => s.replace(/[.*+?^${}()|[\]\\]/g, '\\$&');
