// Pagination (issue 11 §3): a consumed list operation declaring `pagination` is collected across pages up to its
// caps, by cursor (body or header), offset, page number or Link rel=next, through REST and MCP. A local upstream
// pages a known list; the tests assert every page request that reached it and the items that came back.
import { mkdtempSync, readFileSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../../src/prepare.js';
import { CLIENT_GENERATIONS, connectMcp } from '../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../helpers/runtime.js';
import { startUpstream, type RecordedRequest, type Upstream } from '../helpers/upstream.js';

const FIXTURE = fileURLToPath(new URL('../fixtures/pagination/pages.yaml', import.meta.url));
const TOKEN = 'pg_live_7f3e9d1c5b';
const item = (i: number) => ({ id: `i${i}` });
const range = (from: number, to: number) => Array.from({ length: Math.max(0, to - from) }, (_, k) => item(from + k));
const ids = (list: unknown) => (list as { id: string }[]).map((x) => x.id);

let upstream: Upstream;
let served: Served;
/** What the Link style's second page points at (a test swaps it for another origin). */
let linkOrigin = '';
let failPage: number | undefined;

function pageOf(request: RecordedRequest) {
  const q = (name: string) => request.query.get(name);
  switch (request.path) {
    case '/cursor': {
      const at = Number(q('next_page') ?? 0);
      const limit = Number(q('limit'));
      if (failPage !== undefined && at / limit + 1 === failPage) return { status: 503, body: { error: 'busy' } };
      const end = Math.min(at + limit, 9);
      return { body: { data: range(at, end), next_page: end < 9 ? String(end) : null } };
    }
    case '/header-cursor': {
      const at = Number(request.headers['x-page-token'] ?? 0);
      const end = Math.min(at + 2, 5);
      return { body: range(at, end), headers: end < 5 ? { 'x-next-page-token': String(end) } : {} };
    }
    case '/offset': {
      const at = Number(q('offset') ?? 0);
      return { body: { data: range(at, Math.min(at + Number(q('limit')), 7)), params: { offset: at } } };
    }
    case '/page': {
      const page = Number(q('page') ?? 1);
      const size = Number(q('per_page'));
      return { body: { results: range((page - 1) * size, Math.min(page * size, 5)), page } };
    }
    case '/link': {
      const at = Number(q('cursor') ?? 0);
      const end = Math.min(at + 3, 8);
      const next = end < 8 ? { link: `<${linkOrigin}/link?cursor=${end}>; rel="next", <${linkOrigin}/link?cursor=0>; rel="first"` } : {};
      return { body: { data: range(at, end) }, headers: next };
    }
  }
  return { status: 404, body: {} };
}

beforeAll(async () => {
  upstream = await startUpstream((request) => pageOf(request));
  linkOrigin = upstream.url;
  served = await serveCapability(FIXTURE, { env: { ITEMS_TOKEN: TOKEN }, upstreamUrl: upstream.url });
});

afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

beforeEach(() => {
  upstream.reset();
  linkOrigin = upstream.url;
  failPage = undefined;
});

const get = async (path: string) => {
  const response = await fetch(served.rest + path);
  return { status: response.status, body: (await response.json()) as Record<string, unknown> };
};

describe('pagination over REST', () => {
  it('cursor in the body: follows next_page until maxItems (7) is reached, keeps the cursor of the last page so the caller can continue', async () => {
    const first = await get('/cursor');
    expect(first.status).toBe(200);
    expect(ids(first.body.data)).toEqual(ids(range(0, 8)));
    expect(first.body.next_page).toBe('8');
    expect(upstream.requests.map((r) => r.queryRecord)).toEqual([{ limit: '2' }, { limit: '2', next_page: '2' }, { limit: '2', next_page: '4' }, { limit: '2', next_page: '6' }]);
    for (const r of upstream.requests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);

    upstream.reset();
    const rest = await get('/cursor?next_page=8');
    expect(ids(rest.body.data)).toEqual(['i8']);
    expect(rest.body.next_page).toBeNull();
    expect(upstream.only().queryRecord).toEqual({ limit: '2', next_page: '8' });
  });

  it('a caller who sets the page size pages by hand: one page, answered as it came, cursor included', async () => {
    const answer = await get('/cursor?limit=4');
    expect(ids(answer.body.data)).toEqual(ids(range(0, 4)));
    expect(answer.body.next_page).toBe('4');
    expect(upstream.only().queryRecord).toEqual({ limit: '4' });
  });

  it('maxItems stops asking for pages once reached; the last page is kept whole so its cursor stays exact', async () => {
    const answer = await get('/cursor?next_page=1');
    // Pages of 2 from 1: 1-2, 3-4, 5-6 are 6 items; 7-8 makes 8 ≥ maxItems (7), so no fifth page is asked for.
    expect(ids(answer.body.data)).toEqual(ids(range(1, 9)));
    expect(answer.body.next_page).toBeNull();
    expect(upstream.requests).toHaveLength(4);
  });

  it('cursor in a response header, sent back in a request header; the body is the array', async () => {
    const response = await fetch(`${served.rest}/header-cursor`);
    expect(ids(await response.json())).toEqual(ids(range(0, 5)));
    expect(upstream.requests.map((r) => r.headers['x-page-token'])).toEqual([undefined, '2', '4']);
  });

  it('offset: advances by the items received and stops at a short page', async () => {
    const answer = await get('/offset');
    expect(ids(answer.body.data)).toEqual(ids(range(0, 7)));
    expect(answer.body.params).toEqual({ offset: 0 }); // the first page's envelope, items merged in
    expect(upstream.requests.map((r) => r.queryRecord)).toEqual([{ limit: '3' }, { limit: '3', offset: '3' }, { limit: '3', offset: '6' }]);
  });

  it('offset: starts where the caller says', async () => {
    const answer = await get('/offset?offset=4');
    expect(ids(answer.body.data)).toEqual(ids(range(4, 7)));
    // A full page (3 of 3) may not be the last one, so one more is asked for; it is empty.
    expect(upstream.requests.map((r) => r.queryRecord.offset)).toEqual(['4', '7']);
  });

  it('page number: counts from the first page, and maxPages (2) stops it', async () => {
    const answer = await get('/page');
    expect(ids(answer.body.results)).toEqual(ids(range(0, 4)));
    expect(upstream.requests.map((r) => r.queryRecord)).toEqual([{ per_page: '2' }, { per_page: '2', page: '2' }]);
  });

  it('Link rel=next on the same origin is followed with the same credentials', async () => {
    const answer = await get('/link');
    expect(ids(answer.body.data)).toEqual(ids(range(0, 8)));
    expect(upstream.requests.map((r) => r.query.get('cursor'))).toEqual([null, '3', '6']);
    for (const r of upstream.requests) expect(r.headers.authorization).toBe(`Bearer ${TOKEN}`);
  });

  it('Link rel=next to another origin is never followed: 502 CAP_UPSTREAM_PAGINATION, nothing sent there', async () => {
    linkOrigin = 'http://127.0.0.2:9';
    const answer = await get('/link');
    expect(answer.status).toBe(502);
    expect(answer.body.code).toBe('CAP_UPSTREAM_PAGINATION');
    expect(answer.body.detail).toMatch(/page 2 of list-by-link leaves http:\/\/127\.0\.0\.1/);
    expect(upstream.requests).toHaveLength(1);
    expect(JSON.stringify(answer.body)).not.toContain(TOKEN);
  });

  it('a later page that fails fails the call and says which page', async () => {
    failPage = 3;
    const answer = await get('/cursor');
    expect(answer.status).toBe(503); // the upstream's status passes through, as for a single call
    expect(answer.body.code).toBe('CAP_UPSTREAM_STATUS');
    expect(answer.body.detail).toMatch(/^page 3: upstream "items" answered 503 to list-by-cursor/);
    expect(upstream.requests).toHaveLength(3);
  });
});

describe.each(CLIENT_GENERATIONS)('pagination over MCP (%s client)', (generation) => {
  it('a tool collects the pages, and passing the returned cursor continues the list', async () => {
    const client = await connectMcp(generation, served.mcp);
    try {
      const all = await client.callTool('list-by-cursor');
      expect(all.isError).toBeFalsy();
      const body = all.structuredContent as Record<string, unknown>;
      expect(ids(body.data)).toEqual(ids(range(0, 8)));
      expect(body.next_page).toBe('8');
      upstream.reset();
      const rest = await client.callTool('list-by-cursor', { next_page: '8' });
      expect(ids((rest.structuredContent as Record<string, unknown>).data)).toEqual(['i8']);
      expect(upstream.only().queryRecord).toEqual({ limit: '2', next_page: '8' });
    } finally {
      await client.close();
    }
  });
});

describe('pagination mistakes are load errors at the key that is wrong', () => {
  const variant = (from: string, to: string) => {
    const dir = mkdtempSync(join(tmpdir(), 'pages-'));
    const file = join(dir, 'pages.yaml');
    const text = readFileSync(FIXTURE, 'utf8');
    expect(text).toContain(from);
    writeFileSync(file, text.replace(from, to));
    return file;
  };

  it.each([
    ['a cursor parameter the operation does not send', 'cursorParam: next_page,', 'cursorParam: cursor,', /cursorParam "cursor" is not a parameter list-by-cursor sends.*next_page, limit/, '/pagination/cursorParam'],
    ['a cursor style without a next cursor', 'nextCursor: $.next_page,', '', /needs exactly one of nextCursor/, '/pagination/nextCursor'],
    ['an items path that cannot be written back', 'items: $.results,', 'items: "$.results[*]",', /must be a plain path/, '/pagination/items'],
    ['an offset style without its parameter', 'style: offset, items: $.data, offsetParam: offset,', 'style: offset, items: $.data,', /needs offsetParam/, '/pagination/offsetParam'],
  ])('%s', async (_name, from, to, message, pointer) => {
    const prepared = await prepareCapabilities([variant(from, to)], { env: { ITEMS_TOKEN: TOKEN } });
    expect(prepared.ok).toBe(false);
    const found = prepared.diagnostics.find((d) => d.code === 'CAP_COMPILE' && message.test(d.message));
    expect(found, JSON.stringify(prepared.diagnostics, null, 2)).toBeDefined();
    expect(found!.pointer.endsWith(pointer)).toBe(true);
    expect(found!.line).toBeGreaterThan(1);
  });

  it('an unknown pagination key is a schema finding', async () => {
    const prepared = await prepareCapabilities([variant('maxPages: 5,', 'maxPages: 5, pages: 3,')], { env: { ITEMS_TOKEN: TOKEN } });
    expect(prepared.diagnostics.some((d) => d.pointer.includes('/pagination') && /pages/.test(d.message))).toBe(true);
  });
});
