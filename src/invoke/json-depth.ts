// Nesting limit for JSON that crosses the runtime (caller arguments, upstream bodies). Several steps after parsing
// (input validation, the MCP SDK's schemas, redaction, output mapping) recurse, so a hostile document nested a few
// thousand levels deep would overflow the stack; it is refused up front instead. Checked without recursion.

export const MAX_JSON_DEPTH = 100;

/** True when `value` nests objects/arrays deeper than `max` levels. */
export function exceedsDepth(value: unknown, max = MAX_JSON_DEPTH): boolean {
  if (value === null || typeof value !== 'object') return false;
  const stack: [unknown, number][] = [[value, 1]];
  while (stack.length > 0) {
    const [node, depth] = stack.pop()!;
    if (depth > max) return true;
    for (const child of Array.isArray(node) ? node : Object.values(node as object)) {
      if (child !== null && typeof child === 'object') stack.push([child, depth + 1]);
    }
  }
  return false;
}
