// Cursor pagination for MCP list methods (tools, resources, templates, prompts): pages of PAGE_SIZE, an opaque
// cursor naming the next offset and the list it belongs to; a cursor we did not issue is -32602 Invalid params (the
// SDK's handlers turn InvalidCursorError into that: ./factory.ts). No SDK import: the fast path pages tools/list too.

/** A cursor this server did not issue, or one for another list. */
export class InvalidCursorError extends Error {}

export const PAGE_SIZE = 100;

export function paginate<T>(items: readonly T[], list: string, cursor: string | undefined, pageSize = PAGE_SIZE): { page: T[]; nextCursor?: string } {
  const offset = cursor === undefined ? 0 : offsetOf(cursor, list, items.length);
  const page = items.slice(offset, offset + pageSize);
  const next = offset + pageSize;
  return next < items.length ? { page, nextCursor: encode(list, next) } : { page };
}

const encode = (list: string, offset: number): string => Buffer.from(JSON.stringify({ l: list, o: offset })).toString('base64url');

function offsetOf(cursor: string, list: string, length: number): number {
  let decoded: unknown;
  try {
    decoded = JSON.parse(Buffer.from(cursor, 'base64url').toString('utf8'));
  } catch {
    decoded = undefined;
  }
  const { l, o } = (decoded ?? {}) as { l?: unknown; o?: unknown };
  if (l !== list || typeof o !== 'number' || !Number.isInteger(o) || o <= 0 || o >= length) {
    throw new InvalidCursorError(`invalid cursor for ${list}: pass the nextCursor of a previous page, or no cursor for the first page`);
  }
  return o;
}
