#!/usr/bin/env node
// Trims an OpenAPI 3.0 document to the listed operations plus everything they $ref (transitively).
// Usage: node scripts/trim-openapi.mjs <source-openapi> <out-file> "GET /flags" "POST /flags/{key}/check" ...
import { readFileSync, writeFileSync } from 'node:fs';
import { basename } from 'node:path';
import { parse, stringify } from 'yaml';

const METHODS = ['get', 'put', 'post', 'delete', 'options', 'head', 'patch', 'trace'];
const [source, outFile, ...opArgs] = process.argv.slice(2);
if (!source || !outFile || opArgs.length === 0) {
  console.error('usage: node scripts/trim-openapi.mjs <source-openapi> <out-file> "METHOD /path" ...');
  process.exit(2);
}

// yaml's parser also reads JSON; maxAliasCount -1 lifts the alias-expansion limit for big specs.
const doc = parse(readFileSync(source, 'utf8'), { maxAliasCount: -1 });

// 1. Pick the requested operations; refuse to write anything if one is missing.
const wanted = opArgs.map((arg) => {
  const m = /^\s*([A-Za-z]+)\s+(\/\S*)\s*$/.exec(arg);
  if (!m || !METHODS.includes(m[1].toLowerCase())) throw new Error(`bad operation "${arg}", want "METHOD /path"`);
  return { method: m[1].toLowerCase(), path: m[2], label: `${m[1].toUpperCase()} ${m[2]}` };
});
const missing = wanted.filter((w) => !doc.paths?.[w.path]?.[w.method]);
if (missing.length > 0) {
  console.error(`not in ${source}:\n${missing.map((w) => `  ${w.label}`).join('\n')}`);
  process.exit(1);
}

const paths = {};
for (const [path, item] of Object.entries(doc.paths)) {
  if (!wanted.some((w) => w.path === path)) continue;
  const kept = {};
  for (const [key, value] of Object.entries(item)) {
    // Path-level fields (parameters, summary, servers, ...) are kept; only unlisted methods go.
    if (!METHODS.includes(key) || wanted.some((w) => w.path === path && w.method === key)) kept[key] = value;
  }
  paths[path] = kept;
}

// 2. Transitive closure of local refs, keyed "type/name" under #/components.
const used = new Set();
const decode = (s) => s.replace(/~1/g, '/').replace(/~0/g, '~');
function addRef(ref) {
  if (typeof ref !== 'string') return;
  if (!ref.startsWith('#/components/')) throw new Error(`unsupported $ref ${ref} (only #/components/... is handled)`);
  const [type, name] = ref.slice('#/components/'.length).split('/').map(decode);
  const key = `${type}/${name}`;
  if (used.has(key)) return;
  const target = doc.components?.[type]?.[name];
  if (target === undefined) throw new Error(`dangling $ref ${ref}`);
  used.add(key);
  walk(target);
}
function walk(node) {
  if (Array.isArray(node)) return node.forEach(walk);
  if (!node || typeof node !== 'object') return;
  for (const [key, value] of Object.entries(node)) {
    if (key === '$ref' && typeof value === 'string') addRef(value);
    // Discriminator mappings name schemas by ref string without a $ref key.
    else if (key === 'discriminator' && value?.mapping) Object.values(value.mapping).forEach((v) => v.startsWith('#/') && addRef(v));
    else walk(value);
  }
}
walk(paths);

// 3. Security schemes and tags actually used.
const operations = wanted.map((w) => paths[w.path][w.method]);
const securityReqs = [...(doc.security ?? []), ...operations.flatMap((op) => op.security ?? [])];
for (const req of securityReqs) for (const name of Object.keys(req)) addRef(`#/components/securitySchemes/${name}`);
const tagNames = new Set(operations.flatMap((op) => op.tags ?? []));

const components = {};
for (const [type, entries] of Object.entries(doc.components ?? {})) {
  for (const [name, value] of Object.entries(entries)) {
    if (used.has(`${type}/${name}`)) (components[type] ??= {})[name] = value;
  }
}

const out = { openapi: doc.openapi, info: doc.info };
if (doc.servers) out.servers = doc.servers;
if (doc.security) out.security = doc.security;
const tags = (doc.tags ?? []).filter((t) => tagNames.has(t.name));
if (tags.length > 0) out.tags = tags;
out.paths = paths;
if (Object.keys(components).length > 0) out.components = components;

const text = outFile.endsWith('.json')
  ? `${JSON.stringify(out, null, 2)}\n`
  : `# Trimmed by scripts/trim-openapi.mjs from ${basename(source)} (${wanted.length} operations); do not edit by hand.\n` +
    `# Provenance and the exact command: SOURCE.md beside this file.\n` +
    stringify(out, { aliasDuplicateObjects: false, lineWidth: 0 });
writeFileSync(outFile, text);
const counts = Object.entries(components).map(([t, e]) => `${t}: ${Object.keys(e).length}`).join(', ');
console.error(`wrote ${outFile}: ${wanted.length} operations, ${Object.keys(paths).length} paths; ${counts}`);
