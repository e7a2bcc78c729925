import { createServer, type IncomingHttpHeaders, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { UpstreamObserver } from '../observe/observer.js';
import { createUpstreamClient } from './upstream.js';

let server: Server;
let origin: string;
const seen: IncomingHttpHeaders[] = [];

beforeAll(async () => {
  server = createServer((req, res) => {
    seen.push(req.headers);
    res.setHeader('content-type', 'application/json');
    res.end('{"ok":true}');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

/** The upstream client's collaborator: hands over the headers a request carries upstream (as src/observe/observer.ts does). */
const observing = (headers: Record<string, string>): UpstreamObserver => ({ start: () => ({ headers, answered: () => {}, failed: () => {} }) });

describe('the upstream client', () => {
  it("adds the request id and trace context to what it sends, without changing the caller's headers object", async () => {
    const client = createUpstreamClient({ observer: observing({ 'x-request-id': 'req-1', traceparent: '00-aa-bb-01' }) });
    try {
      const headers = { accept: 'application/json', tracestate: 'caller=1' };
      const answer = await client.send('ns', origin, { method: 'GET', path: '/a', headers });
      expect(answer).toMatchObject({ status: 200, text: '{"ok":true}', contentType: 'application/json' });
      expect(headers).toStrictEqual({ accept: 'application/json', tracestate: 'caller=1' });
      expect(seen.at(-1)).toMatchObject({ accept: 'application/json', 'x-request-id': 'req-1', traceparent: '00-aa-bb-01' });
      // The trace context is ours alone: a tracestate that does not belong to our traceparent is not sent.
      expect(seen.at(-1)!.tracestate).toBeUndefined();
      // A request id the capability sets itself is kept.
      await client.send('ns', origin, { method: 'GET', path: '/b', headers: { 'x-request-id': 'declared' } });
      expect(seen.at(-1)!['x-request-id']).toBe('declared');
    } finally {
      await client.close();
    }
  });
});
