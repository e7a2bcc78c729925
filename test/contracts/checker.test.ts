// Proves the contract checker both ways against a real Prism mock of the Togai contract:
// wrong requests sent through the recording proxy are reported, a correct one is not.
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { findRejections } from './support/checker.js';
import { startPrism, type PrismServer } from './support/prism.js';
import { startRecordingProxy, type RecordingProxy } from './support/recording-proxy.js';

const TOGAI_SPEC = fileURLToPath(new URL('./togai/openapi.yaml', import.meta.url));

const event = {
  schemaName: 'api_calls',
  timestamp: '2026-11-22T10:00:00Z',
  accountId: 'acc_1',
  attributes: [{ name: 'calls', value: '1' }],
  dimensions: {},
};

describe('contract checker (Togai contract on Prism)', () => {
  let prism: PrismServer | undefined;
  let proxy: RecordingProxy | undefined;

  beforeAll(async () => {
    prism = await startPrism(TOGAI_SPEC);
    proxy = await startRecordingProxy(prism.url);
  }, 60_000);

  afterAll(async () => {
    await proxy?.close();
    await prism?.close();
  });

  beforeEach(() => {
    proxy!.exchanges.length = 0;
  });

  async function post(path: string, body: unknown, headers: Record<string, string>) {
    const response = await fetch(`${proxy!.url}${path}`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', ...headers },
      body: JSON.stringify(body),
    });
    return { status: response.status, body: await response.text() };
  }

  it('reports a body the contract rejects (batch shape on POST /ingest)', async () => {
    const answer = await post('/ingest', { events: [event] }, { authorization: 'Bearer test' });

    expect(answer.status).toBe(422);
    const [exchange] = proxy!.exchanges;
    expect(exchange).toMatchObject({
      method: 'POST',
      path: '/ingest',
      requestBody: { events: [event] },
      status: 422,
    });
    expect(exchange.requestHeaders.authorization).toBe('Bearer test');
    expect(exchange.violations.map((v) => v.location[0])).toContain('request');

    const rejections = findRejections(proxy!.exchanges);
    expect(rejections).toHaveLength(1);
    expect(rejections[0]).toMatch(/^POST \/ingest -> 422: .*'event'/);
  });

  it('reports a request without the bearer auth header', async () => {
    const answer = await post('/ingest', { event }, {});

    expect(answer.status).toBe(401);
    expect(proxy!.exchanges).toHaveLength(1);
    expect(proxy!.exchanges[0].requestHeaders.authorization).toBeUndefined();
    expect(findRejections(proxy!.exchanges)).toEqual([
      'POST /ingest -> 401: request: Invalid security scheme used',
    ]);
  });

  it('reports an unknown path with its query string', async () => {
    const response = await fetch(`${proxy!.url}/accounts/acc_1/invoices?pageSize=5`, {
      headers: { authorization: 'Bearer test' },
    });

    expect(response.status).toBe(404);
    expect(proxy!.exchanges[0]).toMatchObject({ path: '/accounts/acc_1/invoices', query: { pageSize: '5' } });
    expect(findRejections(proxy!.exchanges)).toEqual([
      expect.stringMatching(/^GET \/accounts\/acc_1\/invoices\?pageSize=5 -> 404: Route not resolved, no path matched/),
    ]);
  });

  it('accepts a correct POST /ingest and passes the answer through unchanged', async () => {
    const answer = await post('/ingest', { event }, { authorization: 'Bearer test' });

    expect(answer.status).toBe(202);
    const [exchange] = proxy!.exchanges;
    expect(exchange).toMatchObject({ method: 'POST', path: '/ingest', requestBody: { event }, status: 202 });
    expect(exchange.requestHeaders.authorization).toBe('Bearer test');
    expect(exchange.responseHeaders['content-type']).toMatch(/json/);
    expect(JSON.parse(answer.body)).toEqual(exchange.responseBody);
    expect(findRejections(proxy!.exchanges)).toEqual([]);
  });

  it('ignores violations Prism reports about its own generated response', async () => {
    const credit = { accountId: 'acc_1', purpose: 'GRANT', effectiveFrom: '2026-11-01', priority: 1, creditAmount: 100 };
    const answer = await post('/credits', { creditRequests: [credit] }, { authorization: 'Bearer test' });

    expect(answer.status).toBe(200);
    const [exchange] = proxy!.exchanges;
    expect(exchange.violations.length).toBeGreaterThan(0);
    expect(exchange.violations.every((v) => v.location[0] === 'response')).toBe(true);
    expect(findRejections(proxy!.exchanges)).toEqual([]);
  });
});
