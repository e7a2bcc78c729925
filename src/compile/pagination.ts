// A consumed list operation's `pagination` (runtime extension), compiled once: where a page's items are, how the
// next page is asked for (a cursor from the body or a header, an offset, a page number, or RFC 8288 `Link: rel=next`),
// and how many pages and items one call collects. invoke/pages.ts runs it.
import type { Pagination } from '../spec/capability.js';
import type { Params } from './names.js';
import { PlanError } from './plan.js';
import type { RequestTemplate } from './request-template.js';

export const DEFAULT_MAX_PAGES = 10;
export const DEFAULT_MAX_ITEMS = 1000;

/** What a page told us, as pages.ts reads it. */
export interface PageSeen {
  params: Params;
  body: unknown;
  headers: Readonly<Record<string, string | string[] | undefined>>;
  /** Items this page held. */
  count: number;
}

/** Where the next page is: other parameters for the same request, or (Link) a path on the same origin. */
export type NextPage = { params: Params } | { link: string };

export interface PaginationPlan {
  readonly style: Pagination['style'];
  readonly maxPages: number;
  readonly maxItems: number;
  /** The items of a page, or undefined when the page holds no array there. */
  items(body: unknown): unknown[] | undefined;
  /** The first page's body with the collected items (and, for a body cursor, the last cursor) written back. */
  merge(first: unknown, items: unknown[], last: unknown): unknown;
  /** True when the caller sets the page size: they page themselves, so one page is fetched and answered as it came. */
  pagesByHand(params: Params): boolean;
  /** Parameters of the first request: the caller's, with the page size filled in. */
  first(params: Params): Params;
  /** The next page after `page`, or undefined when it was the last one. */
  next(page: PageSeen): NextPage | undefined;
}

/** A dot path (`$`, `$.data`, `$.page.items`): it is read and also written back when pages are merged. */
function compileDotPath(expression: string | undefined, at: string): readonly string[] {
  const text = (expression ?? '$').trim();
  if (!/^\$(\.[A-Za-z_$][\w$-]*)*$/.test(text)) {
    throw new PlanError(`${JSON.stringify(expression)} must be a plain path such as $ or $.data (it is written back when pages are merged)`, at);
  }
  return text.split('.').slice(1);
}

const readPath = (value: unknown, path: readonly string[]): unknown =>
  path.reduce<unknown>((node, key) => (node !== null && typeof node === 'object' && !Array.isArray(node) ? (node as Record<string, unknown>)[key] : undefined), value);

/** A copy of `value` with `path` set to `next` (objects along the path are copied, never mutated). */
function writePath(value: unknown, path: readonly string[], next: unknown): unknown {
  if (path.length === 0) return next;
  const node = value !== null && typeof value === 'object' && !Array.isArray(value) ? (value as Record<string, unknown>) : {};
  const [head, ...rest] = path as [string, ...string[]];
  return { ...node, [head]: writePath(node[head], rest, next) };
}

const positiveInteger = (value: unknown, fallback: number, at: string): number => {
  if (value === undefined) return fallback;
  if (Number.isSafeInteger(value) && (value as number) > 0) return value as number;
  throw new PlanError(`must be a positive integer, got ${JSON.stringify(value)}`, at);
};

const headerValue = (headers: PageSeen['headers'], name: string): string | undefined => {
  const value = headers[name];
  return Array.isArray(value) ? value[0] : value;
};

/** `<https://api.example.com/items?page=2>; rel="next", <…>; rel="last"` → the rel=next target. */
export function linkNext(header: string | string[] | undefined): string | undefined {
  for (const value of Array.isArray(header) ? header : header ? [header] : []) {
    for (const link of value.split(/,(?=\s*<)/)) {
      const match = /^\s*<([^>]*)>(.*)$/.exec(link);
      const rels = match?.[2]!.split(';').map((p) => /^\s*rel\s*=\s*"?([^"]*)"?\s*$/i.exec(p)?.[1]).find((r) => r !== undefined);
      if (rels?.toLowerCase().split(/\s+/).includes('next')) return match![1];
    }
  }
  return undefined;
}

export function compilePagination(spec: Pagination, request: RequestTemplate): PaginationPlan {
  if (spec === null || typeof spec !== 'object') throw new PlanError('pagination must be an object with a style (cursor, offset, page or link)', '');
  const sent = new Set(request.inputs.map((i) => i.name));
  const param = (key: 'cursorParam' | 'offsetParam' | 'pageParam' | 'limitParam', required: boolean): string | undefined => {
    const name = spec[key];
    if (name === undefined) {
      if (required) throw new PlanError(`pagination style ${spec.style} needs ${key}: the parameter the next page's position is sent in`, `/${key}`);
      return undefined;
    }
    if (typeof name !== 'string' || !sent.has(name)) {
      throw new PlanError(`${key} ${JSON.stringify(name)} is not a parameter ${request.operation} sends, so the upstream would never see it (it sends: ${[...sent].join(', ') || 'none'})`, `/${key}`);
    }
    return name;
  };
  const itemsPath = compileDotPath(spec.items, '/items');
  const maxPages = positiveInteger(spec.maxPages, DEFAULT_MAX_PAGES, '/maxPages');
  const maxItems = positiveInteger(spec.maxItems, DEFAULT_MAX_ITEMS, '/maxItems');
  const limitParam = param('limitParam', false);
  const pageSize = spec.pageSize === undefined ? undefined : positiveInteger(spec.pageSize, 0, '/pageSize');
  if (pageSize !== undefined && !limitParam) throw new PlanError('pageSize needs limitParam: the parameter the page size is sent in', '/pageSize');

  const items = (body: unknown) => {
    const found = readPath(body, itemsPath);
    return Array.isArray(found) ? found : undefined;
  };
  const pagesByHand = (params: Params) => limitParam !== undefined && params[limitParam] != null;
  const first = (params: Params): Params => (limitParam && pageSize !== undefined && params[limitParam] == null ? { ...params, [limitParam]: pageSize } : params);
  // A page shorter than the size asked for is the last one (offset and page styles).
  const short = (page: PageSeen) => {
    const size = limitParam ? Number(page.params[limitParam]) : NaN;
    return page.count === 0 || (Number.isFinite(size) && page.count < size);
  };
  const merge = (path: readonly string[] | undefined) => (firstBody: unknown, collected: unknown[], last: unknown) => {
    const merged = writePath(firstBody, itemsPath, collected);
    return path ? writePath(merged, path, readPath(last, path) ?? null) : merged;
  };
  const base = { style: spec.style, maxPages, maxItems, items, pagesByHand, first };

  switch (spec.style) {
    case 'cursor': {
      const cursorParam = param('cursorParam', true)!;
      if ((spec.nextCursor === undefined) === (spec.nextCursorHeader === undefined)) {
        throw new PlanError('pagination style cursor needs exactly one of nextCursor (a path in the body, e.g. $.next_page) or nextCursorHeader', '/nextCursor');
      }
      const cursorPath = spec.nextCursor === undefined ? undefined : compileDotPath(spec.nextCursor, '/nextCursor');
      const header = spec.nextCursorHeader?.toLowerCase();
      return {
        ...base,
        merge: merge(cursorPath),
        next(page) {
          const cursor = cursorPath ? readPath(page.body, cursorPath) : headerValue(page.headers, header!);
          // No cursor, or the same one again (a server that would loop forever), ends the list.
          if (cursor === undefined || cursor === null || cursor === '' || cursor === page.params[cursorParam]) return undefined;
          return { params: { ...page.params, [cursorParam]: cursor } };
        },
      };
    }
    case 'offset': {
      const offsetParam = param('offsetParam', true)!;
      return {
        ...base,
        merge: merge(undefined),
        next: (page) => (short(page) ? undefined : { params: { ...page.params, [offsetParam]: (Number(page.params[offsetParam]) || 0) + page.count } }),
      };
    }
    case 'page': {
      const pageParam = param('pageParam', true)!;
      const firstPage = spec.firstPage === undefined ? 1 : Number(spec.firstPage);
      if (!Number.isSafeInteger(firstPage) || firstPage < 0) throw new PlanError(`firstPage must be 0 or a positive integer, got ${JSON.stringify(spec.firstPage)}`, '/firstPage');
      return {
        ...base,
        merge: merge(undefined),
        next: (page) => {
          if (short(page)) return undefined;
          const current = page.params[pageParam] == null ? firstPage : Number(page.params[pageParam]);
          return Number.isFinite(current) ? { params: { ...page.params, [pageParam]: current + 1 } } : undefined;
        },
      };
    }
    case 'link':
      return {
        ...base,
        merge: merge(undefined),
        next: (page) => {
          const target = linkNext(page.headers.link);
          return target ? { link: target } : undefined;
        },
      };
    default:
      throw new PlanError(`pagination style ${JSON.stringify((spec as { style?: unknown }).style)} is not one of cursor, offset, page, link`, '/style');
  }
}
