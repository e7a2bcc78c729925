// Nesting limit for JSON that crosses the runtime (caller arguments, upstream bodies). Several steps after parsing
// (input validation, the MCP SDK's schemas, redaction, output mapping) recurse, so a hostile document nested a few
// thousand levels deep would overflow the stack; it is refused up front instead. The check itself recurses at most
// `max + 1` levels (it stops there), so it cannot overflow; it allocates nothing (it runs on every MCP request body
// and every upstream JSON body).

export const MAX_JSON_DEPTH = 100;

/** True when `value` nests objects/arrays deeper than `max` levels. */
export function exceedsDepth(value: unknown, max = MAX_JSON_DEPTH): boolean {
  return value !== null && typeof value === 'object' && deeper(value, 1, max);
}

function deeper(node: object, depth: number, max: number): boolean {
  if (depth > max) return true;
  if (Array.isArray(node)) {
    for (let i = 0; i < node.length; i++) {
      const child: unknown = node[i];
      if (child !== null && typeof child === 'object' && deeper(child, depth + 1, max)) return true;
    }
    return false;
  }
  for (const key in node) {
    if (!Object.hasOwn(node, key)) continue;
    const child: unknown = (node as Record<string, unknown>)[key];
    if (child !== null && typeof child === 'object' && deeper(child, depth + 1, max)) return true;
  }
  return false;
}
