// Runs a consumed operation's pagination (compile/pagination.ts): asks for pages until the list ends or a cap is
// reached, and answers the first page's body with every item collected (runtime extension, README "Pagination").
// A caller who sets the page size pages by hand and gets that one page. Pages are fetched one after another: each
// needs the cursor of the one before.
import type { Params } from '../compile/names.js';
import type { PaginationPlan } from '../compile/pagination.js';
import type { UpstreamRequest } from '../compile/request-template.js';
import { CapError } from '../errors/cap-error.js';

export interface Page {
  status: number;
  body: unknown;
  headers: Readonly<Record<string, string | string[] | undefined>>;
}

export type FetchPage = (request: UpstreamRequest) => Promise<Page>;

export async function collectPages(
  plan: PaginationPlan,
  params: Params,
  build: (params: Params) => UpstreamRequest,
  fetchPage: FetchPage,
  where: { namespace: string; operation: string; origin: string },
): Promise<{ status: number; body: unknown }> {
  if (plan.pagesByHand(params)) return fetchPage(build(params));
  let pageParams = plan.first(params);
  let request = build(pageParams);
  const first = await fetchPage(request);
  const firstItems = plan.items(first.body);
  // Not a list (an error envelope, a single object): answered as it came.
  if (!firstItems) return first;
  const items = [...firstItems];
  let last = first;
  let count = firstItems.length;
  for (let pages = 1; pages < plan.maxPages && items.length < plan.maxItems; pages++) {
    const next = plan.next({ params: pageParams, body: last.body, headers: last.headers, count });
    if (!next) break;
    if ('params' in next) {
      pageParams = next.params;
      request = build(pageParams);
    } else {
      request = { ...request, path: sameOriginPath(next.link, request, where, pages + 1) };
    }
    last = await inPage(pages + 1, () => fetchPage(request));
    const found = plan.items(last.body);
    if (!found) {
      throw new CapError('CAP_UPSTREAM_PAGINATION', `upstream "${where.namespace}": page ${pages + 1} of ${where.operation} holds no list of items where pagination.items says`, {
        upstream: where.namespace,
      });
    }
    items.push(...found);
    count = found.length;
  }
  return { status: first.status, body: plan.merge(first.body, items, last.body) };
}

/** A Link target on the upstream's own origin, as a path; another origin would receive the credentials, so never. */
function sameOriginPath(link: string, request: UpstreamRequest, where: { namespace: string; operation: string; origin: string }, page: number): string {
  let target: URL | undefined;
  try {
    target = new URL(link, where.origin + request.path);
  } catch {
    target = undefined;
  }
  if (!target || target.origin !== where.origin) {
    throw new CapError('CAP_UPSTREAM_PAGINATION', `upstream "${where.namespace}": the Link to page ${page} of ${where.operation} leaves ${where.origin}; pages on another origin are never followed`, {
      upstream: where.namespace,
    });
  }
  return target.pathname + target.search;
}

/** The same failure, its message saying which page it happened on. */
async function inPage<T>(page: number, run: () => Promise<T>): Promise<T> {
  try {
    return await run();
  } catch (err) {
    if (!(err instanceof CapError)) throw err;
    throw new CapError(err.code, `page ${page}: ${err.message}`, err.data, err.cause ?? err);
  }
}
