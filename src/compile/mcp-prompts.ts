// MCP prompts → CompiledPrompt: the listing and each message split once into literal text and `{{argument}}`
// slots (naftiko-semantics §5.6). Rendering only joins the parts, so an argument value is never re-scanned for
// placeholders and `$` or `\` in it are plain characters.
import { readFileSync } from 'node:fs';
import type { McpPrompt } from '../spec/capability.js';
import { locationPath } from './locations.js';

export interface PromptListing {
  name: string;
  title?: string;
  description?: string;
  arguments?: { name: string; title?: string; description?: string; required: boolean }[];
}

export type PromptPart = string | { readonly argument: string };

export interface CompiledPrompt {
  readonly listing: PromptListing;
  readonly messages: readonly { readonly role: 'user' | 'assistant'; readonly parts: readonly PromptPart[] }[];
}

/** `{{name}}` with a plain name; anything else (`{{ a b }}`, `{{#x}}`) is literal text. */
const PLACEHOLDER = /\{\{([A-Za-z0-9_-]+)\}\}/g;

export function compilePrompt(prompt: McpPrompt, baseDir: string): CompiledPrompt {
  const listing: PromptListing = { name: prompt.name };
  if (prompt.label) listing.title = prompt.label;
  if (prompt.description) listing.description = prompt.description.trim();
  if (prompt.arguments?.length) {
    listing.arguments = prompt.arguments.map((a) => {
      const argument: NonNullable<PromptListing['arguments']>[number] = { name: a.name, required: a.required ?? true };
      if (a.label) argument.title = a.label;
      if (a.description) argument.description = a.description;
      return argument;
    });
  }
  if (prompt.location !== undefined) {
    const path = locationPath(prompt.location, baseDir);
    let text: string;
    try {
      text = readFileSync(path, 'utf8');
    } catch (err) {
      throw new Error(`prompt file ${path} cannot be read: ${(err as NodeJS.ErrnoException).code ?? (err as Error).message}`);
    }
    return { listing, messages: [{ role: 'user', parts: splitTemplate(text) }] };
  }
  return { listing, messages: (prompt.template ?? []).map((m) => ({ role: m.role, parts: splitTemplate(String(m.content ?? '')) })) };
}

export function splitTemplate(text: string): PromptPart[] {
  const parts: PromptPart[] = [];
  let last = 0;
  for (const m of text.matchAll(PLACEHOLDER)) {
    if (m.index > last) parts.push(text.slice(last, m.index));
    parts.push({ argument: m[1]! });
    last = m.index + m[0].length;
  }
  if (last < text.length) parts.push(text.slice(last));
  return parts;
}

/** Missing arguments leave their placeholder as written (naftiko-semantics §5.6). */
export function renderParts(parts: readonly PromptPart[], args: Readonly<Record<string, unknown>>): string {
  let out = '';
  for (const part of parts) {
    if (typeof part === 'string') out += part;
    else {
      const value = args[part.argument];
      out += value === undefined || value === null ? `{{${part.argument}}}` : typeof value === 'string' ? value : JSON.stringify(value);
    }
  }
  return out;
}
