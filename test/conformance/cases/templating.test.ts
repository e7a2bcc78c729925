// Conformance cases 1 and 6–10 (naftiko-semantics §7): templating of consumed requests and the exposed inputs that
// feed it, over the wire (REST with fetch, MCP with both client generations) against a recording upstream.
// SOURCE: templating-capability.yaml, written for this project after the reference tests named in each case.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { resultText } from '../../helpers/mcp-clients.js';
import { serveFixture, type Conformance } from '../orchestration/harness.js';

// serveFixture names files relative to test/conformance/orchestration/.
const FILE = '../cases/templating-capability.yaml';
let c: Conformance;
beforeAll(async () => {
  c = await serveFixture(FILE, (request) => (request.path === '/voyages' ? { status: 201, body: request.bodyText, headers: { 'content-type': 'application/json' } } : undefined), {
    env: { API_VERSION: '2026-01' },
  });
});
afterAll(() => c?.close());

const post = (path: string, body: unknown, headers: Record<string, string> = {}) =>
  fetch(`${c.served.rest}${path}`, { method: 'POST', headers: { 'content-type': 'application/json', ...headers }, body: JSON.stringify(body) });

describe('case 01: Mustache rendering of a consumed template', () => {
  it('case 01: missing → empty, numbers as text, repeated placeholders, a list as JSON array text, non-ASCII kept (both MCP generations)', async () => {
    for (const client of c.clients) {
      c.upstream.reset();
      const result = await client.callTool('greet', { name: 'alice', n: 42, list: ['CREW-001', 'CREW-003'], word: 'Grüße 船' });
      expect(result.isError ?? false, resultText(result)).toBe(false);
      const sent = c.upstream.only();
      expect(sent.bodyText).toBe('hello alice/ n=42 again=alice list=["CREW-001","CREW-003"] word=Grüße 船');
      expect(sent.headers['content-type']).toMatch(/^text\/plain/);
    }
  });

  it('case 01: with no argument at all every placeholder renders empty (the reference engine sends the template unchanged, braces included)', async () => {
    for (const client of c.clients) {
      c.upstream.reset();
      const result = await client.callTool('greet', {});
      expect(result.isError ?? false, resultText(result)).toBe(false);
      expect(c.upstream.only().bodyText).toBe('hello / n= again= list= word=');
    }
  });
});

describe('case 06: a with reference to a body input of the REST adapter', () => {
  it('case 06: POST /voyages {"shipImo"} → upstream body exactly {"shipImo": "IMO-9321483"} and a newline; the upstream 201 and its body come back', async () => {
    c.upstream.reset();
    const response = await post('/voyages', { shipImo: 'IMO-9321483' });
    expect(response.status).toBe(201);
    // The upstream's JSON comes back as JSON (re-serialized: the same value, not necessarily the same bytes).
    expect(await response.json()).toEqual({ shipImo: 'IMO-9321483' });
    const sent = c.upstream.only();
    expect(sent).toMatchObject({ method: 'POST', path: '/voyages', bodyText: '{"shipImo": "IMO-9321483"}\n' });
  });
});

describe('case 07: a path input rendered into the consumed path through with', () => {
  it('case 07: GET /ships/IMO-9321483 with `with: imo_number: "{{imo}}"` → upstream /ships/IMO-9321483, 200', async () => {
    c.upstream.reset();
    const response = await fetch(`${c.served.rest}/ships/IMO-9321483`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual({ ok: true, echo: 'GET /ships/IMO-9321483' });
    expect(c.upstream.only()).toMatchObject({ method: 'GET', path: '/ships/IMO-9321483' });
  });

  it('case 07: a path value is percent-encoded into one segment (the reference engine inserts it raw)', async () => {
    c.upstream.reset();
    await fetch(`${c.served.rest}/ships/${encodeURIComponent('IMO 1?x')}`);
    expect(c.upstream.only().path).toBe('/ships/IMO%201%3Fx');
  });
});

describe('case 08: consumed header and query parameters rendered from the input', () => {
  it('case 08: header trace-{{requestId}} → trace-abc, query "ice class" form-encoded, rendered values usable by the body', async () => {
    c.upstream.reset();
    const response = await fetch(`${c.served.rest}/search?term=${encodeURIComponent('ice class')}`, { method: 'POST', headers: { requestId: 'abc' } });
    expect(response.status).toBe(200);
    const sent = c.upstream.only();
    expect(sent.headers['x-trace']).toBe('trace-abc');
    expect(sent.query.get('search')).toBe('ice class');
    expect(/[?&]search=ice(\+|%20)class(&|$)/.test(new URL(`http://x${sent.path}?${sent.query}`).search)).toBe(true);
    expect(sent.bodyText).toBe('searched=ice class');
  });
});

describe('case 09: exposed REST inputs by location', () => {
  it('case 09: path, query, header, $.name, $.meta (an object), a constant winning over the query, a missing JSONPath left out', async () => {
    c.upstream.reset();
    const response = await post('/inputs/42?q=find&fixed=from-query', { name: 'Nina', meta: { tier: 'gold', tags: ['a'] } }, { trace: 't-1' });
    expect(response.status).toBe(200);
    expect(c.upstream.only().json).toEqual({ id: '42', q: 'find', trace: 't-1', who: 'Nina', meta: { tier: 'gold', tags: ['a'] }, fixed: 'constant' });
  });

  it('case 09: a body input without value and without a field of its name is the whole body', async () => {
    c.upstream.reset();
    const body = { ship: { imo: 'IMO-1' }, tags: ['x'] };
    expect((await post('/whole', body)).status).toBe(200);
    expect(c.upstream.only().json).toEqual(body);
  });
});

describe('case 10: consumed adapter-level headers', () => {
  it('case 10: a constant header survives beside the operation headers; a templated adapter-level header is rendered (the reference engine overwrites it with its raw {{…}} text)', async () => {
    c.upstream.reset();
    await fetch(`${c.served.rest}/search?term=x`, { method: 'POST', headers: { requestId: 'r-1' } });
    const sent = c.upstream.only();
    expect(sent.headers['x-const']).toBe('fixed-1');
    expect(sent.headers['x-api-version']).toBe('2026-01');
    expect(sent.headers['x-op-version']).toBe('op-2026-01');
    expect(sent.headers['x-trace']).toBe('trace-r-1');
  });
});
