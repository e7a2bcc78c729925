import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { Agent, request } from 'undici';
import { bufferedCall } from './buffered-call.js';
import { CallDeadline } from './call-deadline.js';

let server: Server;
let origin: string;
const agent = new Agent();

beforeAll(async () => {
  server = createServer((req, res) => {
    if (req.url === '/headers') {
      res.setHeader('set-cookie', ['a=1', 'b=2']);
      res.setHeader('x-one', 'v');
      res.setHeader('content-type', 'application/json');
      return res.end('{"ok":true}');
    }
    if (req.url === '/declared') {
      res.setHeader('content-length', '100');
      return res.end('x'.repeat(100));
    }
    if (req.url === '/chunked') {
      res.write('x'.repeat(60));
      setTimeout(() => res.end('y'.repeat(60)), 5);
      return;
    }
    if (req.url === '/redirect') {
      res.writeHead(302, { location: '/headers' });
      return res.end('z'.repeat(500));
    }
    // /stall: headers, then nothing
    res.writeHead(200);
    res.write('partial');
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  origin = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await agent.destroy();
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
});

const call = (path: string, cap = 1000, ms = 5000) => {
  const signal = new CallDeadline(ms, () => new DOMException('deadline', 'TimeoutError'));
  const started = bufferedCall(agent, { origin, path, method: 'GET' }, { signal, cap, tooLarge: (seen, status) => new Error(`too large (${seen}) ${status}`), discard: (s) => s >= 300 && s < 400 });
  return { ...started, done: started.done.finally(() => signal.clear()) };
};

describe('bufferedCall', () => {
  it('gives the status, the body and the headers exactly as undici request() parses them', async () => {
    const { done, answered } = call('/headers');
    const response = await done;
    expect(answered()).toBe(true);
    expect(response.statusCode).toBe(200);
    expect(response.body.toString()).toBe('{"ok":true}');
    const viaRequest = await request(`${origin}/headers`, { dispatcher: agent });
    await viaRequest.body.dump();
    const { date: _a, ...ours } = response.headers;
    const { date: _b, ...theirs } = viaRequest.headers;
    expect(ours).toStrictEqual(theirs);
    expect(ours['set-cookie']).toStrictEqual(['a=1', 'b=2']);
  });

  it('refuses a body over the cap, by its declared length or once it is read past the cap', async () => {
    await expect(call('/declared', 50).done).rejects.toThrow('too large (content-length 100) 200');
    await expect(call('/chunked', 100).done).rejects.toThrow('too large (stopped reading) 200');
    expect((await call('/chunked', 120).done).body.toString()).toBe('x'.repeat(60) + 'y'.repeat(60));
  });

  it('reads and drops the body of an answer it is told to discard (a redirect), whatever its size', async () => {
    const response = await call('/redirect', 10).done;
    expect(response.statusCode).toBe(302);
    expect(response.headers.location).toBe('/headers');
    expect(response.body.length).toBe(0);
  });

  it('settles with the deadline reason when the deadline passes; answered says whether the status line had come', async () => {
    const stalled = call('/stall', 1000, 50);
    await expect(stalled.done).rejects.toMatchObject({ name: 'TimeoutError' });
    expect(stalled.answered()).toBe(true);
  });
});
