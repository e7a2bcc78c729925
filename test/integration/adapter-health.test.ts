// Health probes on every adapter's own port (issue 10 §2 "Health"): `/health/live` and `/health/ready` answer on a
// REST, an MCP and a skill adapter's port without the adapter's token (probes carry none), status only; the
// Host/Origin guard still applies; a REST adapter that declares `/health/live` itself keeps its route (and the runtime
// says so once, at start); ready answers 503 while the runtime drains. Real sockets, plain HTTP.
import { connect } from 'node:net';
import { fileURLToPath } from 'node:url';
import { Client } from 'undici';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createLogger } from '../../src/observe/log.js';
import { serveCapability, type Served } from '../helpers/runtime.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const FILE = fileURLToPath(new URL('../fixtures/ops/health-probes.yaml', import.meta.url));
const SHIPYARD = fileURLToPath(new URL('../conformance/skill-adapter/shipyard-skills.yaml', import.meta.url));
const TOKEN = 'health-test-token-7d1e';

let upstream: Upstream;
let served: Served;
const lines: string[] = [];
beforeAll(async () => {
  upstream = await startUpstream((request) => ({ status: 200, body: { from: 'upstream', path: request.path } }));
  const logger = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  served = await serveCapability(FILE, { env: {}, upstreamUrl: upstream.url, logger });
});
afterAll(async () => {
  await served?.close();
  await upstream?.close();
});

const origin = (namespace: string) => new URL(served.urlOf(namespace)).origin;

describe('health probes on each adapter port', () => {
  it('REST and MCP adapters behind a bearer token answer /health/live and /health/ready without it, status only', async () => {
    for (const namespace of ['notes-api', 'notes-mcp']) {
      for (const path of ['/health/live', '/health/ready']) {
        const res = await fetch(`${origin(namespace)}${path}`);
        expect(res.status, `${namespace} ${path}`).toBe(200);
        expect(res.headers.get('content-type')).toMatch(/^application\/json/);
        expect(res.headers.get('cache-control')).toBe('no-store');
        expect(await res.text()).toBe('{"status":"UP"}');
      }
    }
    // Everything else on those ports still needs the token.
    expect((await fetch(`${origin('notes-api')}/notes`)).status).toBe(401);
    expect((await fetch(`${origin('notes-api')}/notes`, { headers: { authorization: `Bearer ${TOKEN}` } })).status).toBe(200);
    const mcp = await fetch(`${origin('notes-mcp')}/mcp`, {
      method: 'POST',
      headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream' },
      body: JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'ping' }),
    });
    expect(mcp.status).toBe(401);
    // Other methods on a probe path are not let through either.
    expect((await fetch(`${origin('notes-api')}/health/ready`, { method: 'POST' })).status).toBe(401);
  });

  it('a foreign Host or Origin is refused on a probe like on any other path', async () => {
    for (const namespace of ['notes-api', 'notes-mcp']) {
      const client = new Client(origin(namespace));
      try {
        const foreignHost = await client.request({ method: 'GET', path: '/health/ready', headers: { host: 'evil.example' } });
        expect(foreignHost.statusCode, namespace).toBe(403);
        await foreignHost.body.text();
        const foreignOrigin = await client.request({ method: 'GET', path: '/health/live', headers: { origin: 'https://evil.example' } });
        expect(foreignOrigin.statusCode, namespace).toBe(403);
        await foreignOrigin.body.text();
      } finally {
        await client.close();
      }
    }
  });

  it("a REST adapter that declares /health/live keeps its own route, and the runtime says so once at start", async () => {
    upstream.reset();
    const res = await fetch(`${origin('own-health')}/health/live`);
    expect(res.status).toBe(200);
    expect(await res.json()).toStrictEqual({ from: 'upstream', path: '/status' });
    expect(upstream.only().path).toBe('/status');
    // The path it does not declare is still the runtime's probe.
    expect(await (await fetch(`${origin('own-health')}/health/ready`)).json()).toStrictEqual({ status: 'UP' });
    const notes = lines.map((l) => JSON.parse(l) as { msg: string; adapter?: string; paths?: string[] }).filter((l) => l.msg.includes('health probe'));
    expect(notes).toHaveLength(1);
    expect(notes[0]).toMatchObject({ adapter: 'own-health', paths: ['/health/live'] });
  });

  it('a skill adapter answers the probes too', async () => {
    const shipyard = await serveCapability(SHIPYARD, { env: {}, upstreamUrl: upstream.url });
    try {
      const skill = new URL(shipyard.urlOf('shipyard-skills')).origin;
      const res = await fetch(`${skill}/health/ready`);
      expect(res.status).toBe(200);
      expect(await res.json()).toStrictEqual({ status: 'UP' });
    } finally {
      await shipyard.close();
    }
  });

  it('ready answers 503 once the runtime drains (a probe already on the wire), then the port closes', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    upstream.handle(async (request) => {
      if (request.path === '/notes') await held;
      return { status: 200, body: { held: true } };
    });
    const s = await serveCapability(FILE, { env: {}, upstreamUrl: upstream.url });
    const rest = new URL(s.urlOf('notes-api'));
    const mcp = new URL(s.urlOf('notes-mcp'));
    try {
      expect((await fetch(`${rest.origin}/health/ready`)).status).toBe(200);
      // Probes whose request line is on the wire before the drain begins (an idle connection is closed by the drain,
      // a new one refused): they finish after it began.
      const probes = [rest, mcp].map((url) => slowProbe(Number(url.port), '/health/ready'));
      await Promise.all(probes.map((p) => p.started));
      const inFlight = fetch(`${rest.origin}/notes`, { headers: { authorization: `Bearer ${TOKEN}` } });
      await expect.poll(() => upstream.requests.some((r) => r.path === '/notes')).toBe(true);
      const closing = s.close();
      for (const probe of probes) expect(await probe.finish()).toBe(503);
      release();
      expect((await inFlight).status).toBe(200);
      await closing;
      await expect(fetch(`${rest.origin}/health/live`)).rejects.toThrow();
    } finally {
      upstream.handle(undefined);
      release();
    }
  });
});

/** A GET whose request line is sent now and whose last header line later: `finish()` resolves to the status code. */
function slowProbe(port: number, path: string): { started: Promise<void>; finish(): Promise<number> } {
  const socket = connect(port, '127.0.0.1');
  let answer = '';
  socket.setEncoding('utf8').on('data', (chunk: string) => (answer += chunk));
  const ended = new Promise<void>((resolve) => socket.once('close', () => resolve()));
  const started = new Promise<void>((resolve, reject) => {
    socket.once('error', reject);
    socket.once('connect', () => socket.write(`GET ${path} HTTP/1.1\r\nHost: 127.0.0.1:${port}\r\n`, () => resolve()));
  });
  return {
    started,
    async finish() {
      socket.end('Connection: close\r\n\r\n');
      await ended;
      return Number(/^HTTP\/1\.1 (\d{3})/.exec(answer)?.[1] ?? 0);
    },
  };
}
