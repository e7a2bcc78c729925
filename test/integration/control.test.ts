// Case 45 (naftiko-semantics §6.2, ControlIntegrationTest / HealthLiveResourceTest): the control adapter over real
// sockets with plain HTTP. The endpoint set follows the management/observability flags; readiness follows the
// runtime's adapters (ready once all listen, not ready while draining on shutdown).
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCapability, type Served } from '../helpers/runtime.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const DIR = fileURLToPath(new URL('../conformance/control-adapter/', import.meta.url));
const SHIPYARD = fileURLToPath(new URL('../conformance/skill-adapter/shipyard-skills.yaml', import.meta.url));

let upstream: Upstream;
const served: Served[] = [];
beforeAll(async () => {
  upstream = await startUpstream();
});
afterAll(async () => {
  await Promise.allSettled(served.map((s) => s.close()));
  await upstream?.close();
});

async function serve(file: string): Promise<{ served: Served; control: string }> {
  const s = await serveCapability(file, { env: {}, upstreamUrl: upstream.url });
  served.push(s);
  return { served: s, control: s.adapters.find((a) => a.type === 'control')!.url };
}

const getJson = async (url: string) => {
  const res = await fetch(url);
  return { status: res.status, type: res.headers.get('content-type') ?? '', body: (await res.json()) as Record<string, unknown> };
};

describe('case 45: control endpoints follow the management and observability flags', () => {
  it('case 45: /health/live answers {"status":"UP"} and /health/ready lists the adapters', async () => {
    const { control } = await serve(`${DIR}control-capability.yaml`);
    const live = await fetch(`${control}/health/live`);
    expect(live.status).toBe(200);
    expect(live.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await live.text()).toBe('{"status":"UP"}');
    const ready = await getJson(`${control}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body).toStrictEqual({ status: 'UP', adapters: [{ type: 'control', namespace: 'control', port: Number(new URL(control).port), state: 'started' }] });
  });

  it('case 45: /status (management.info: true) gives the capability, engine, ISO-8601 uptime and adapters', async () => {
    const { control } = await serve(`${DIR}control-capability.yaml`);
    const status = await getJson(`${control}/status`);
    expect(status.status).toBe(200);
    expect(status.body.capability).toStrictEqual({ label: 'Control Port Test Capability', specVersion: '1.0.0-alpha3' });
    expect(status.body.engine).toStrictEqual({ name: 'capability-runtime', version: expect.stringMatching(/^\d+\.\d+\.\d+/), node: process.versions.node });
    expect(status.body.uptime).toMatch(/^PT(\d+H)?(\d+M)?(\d+(\.\d+)?S)?$/);
    expect(status.body.adapters).toStrictEqual([{ type: 'control', namespace: 'control', port: Number(new URL(control).port), state: 'started' }]);
  });

  it('case 45: metrics (observability on by default) answer Prometheus text; traces answer 503 until this runtime provides them', async () => {
    const { control } = await serve(`${DIR}control-capability.yaml`);
    const metrics = await fetch(`${control}/metrics`);
    expect(metrics.status).toBe(200);
    expect(metrics.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    expect(await metrics.text()).toMatch(/^# TYPE capability_requests_total counter$/m);
    for (const path of ['/traces', '/traces/abc123']) {
      const res = await getJson(`${control}${path}`);
      expect(res.status, path).toBe(503);
      expect(res.type).toMatch(/^application\/problem\+json/);
      expect(res.body).toMatchObject({ code: 'CAP_CONTROL_UNAVAILABLE', detail: expect.stringContaining('does not provide it yet') });
    }
  });

  it('case 45: observability.enabled: false turns /metrics and /traces off (404 naming the flag)', async () => {
    const { control } = await serve(`${DIR}control-observability-disabled.yaml`);
    expect((await getJson(`${control}/health/live`)).status).toBe(200);
    expect((await getJson(`${control}/status`)).status).toBe(200);
    for (const path of ['/metrics', '/traces']) {
      const res = await getJson(`${control}${path}`);
      expect(res.status, path).toBe(404);
      expect(res.body).toMatchObject({ code: 'CAP_ROUTE_NOT_FOUND', detail: expect.stringContaining(`observability.${path.slice(1)}.local.enabled is off`) });
    }
  });

  it('case 45: without management.info there is no /status; scripting is declared but not provided (503); reload is off', async () => {
    const { control } = await serve(`${DIR}control-scripting-capability.yaml`);
    expect(await (await fetch(`${control}/health/live`)).json()).toStrictEqual({ status: 'UP' });
    const status = await getJson(`${control}/status`);
    expect(status.status).toBe(404);
    expect(status.body.detail).toBe('GET /status is not enabled on this control adapter (management.info is off)');
    expect((await getJson(`${control}/scripting`)).body).toMatchObject({ status: 503, code: 'CAP_CONTROL_UNAVAILABLE' });
    expect((await fetch(`${control}/reload`, { method: 'POST' })).status).toBe(404);
    expect((await getJson(`${control}/nothing-here`)).body).toMatchObject({ status: 404, code: 'CAP_ROUTE_NOT_FOUND' });
  });

  it('case 45: a foreign Host or Origin is refused with 403 (same guard as every adapter)', async () => {
    const { control } = await serve(`${DIR}control-capability.yaml`);
    const res = await fetch(`${control}/health/ready`, { headers: { origin: 'http://attacker.example' } });
    expect(res.status).toBe(403);
    expect(await res.json()).toMatchObject({ code: 'CAP_REQUEST_FORBIDDEN' });
  });
});

describe('case 45: readiness across the adapters of a capability', () => {
  it('case 45: ready (UP) once every adapter listens; DEGRADED with 503 while the runtime drains on shutdown', async () => {
    let release!: () => void;
    const held = new Promise<void>((resolve) => (release = resolve));
    upstream.handle(async (request) => {
      if (request.path === '/ships/HOLD') await held;
      return { status: 200, body: { imo_number: 'HOLD' } };
    });
    const s = await serveCapability(SHIPYARD, { env: {}, upstreamUrl: upstream.url });
    const control = s.adapters.find((a) => a.type === 'control')!.url;
    const ready = await getJson(`${control}/health/ready`);
    expect(ready.status).toBe(200);
    expect(ready.body.status).toBe('UP');
    const adapters = ready.body.adapters as { type: string; namespace: string; port: number; state: string }[];
    expect(adapters.map((a) => [a.type, a.namespace, a.state])).toStrictEqual([
      ['mcp', 'shipyard-tools', 'started'],
      ['skill', 'shipyard-skills', 'started'],
      ['rest', 'shipyard-api', 'started'],
      ['control', 'control', 'started'],
    ]);
    expect(adapters.map((a) => a.port)).toStrictEqual(s.adapters.map((a) => a.port));

    const rest = s.adapters.find((a) => a.type === 'rest')!.url;
    const inFlight = fetch(`${rest}/ships/HOLD`);
    await expect.poll(() => upstream.requests.some((r) => r.path === '/ships/HOLD')).toBe(true);
    const closing = s.close();
    const draining = await getJson(`${control}/health/ready`);
    expect(draining.status).toBe(503);
    expect(draining.body.status).toBe('DEGRADED');
    expect((draining.body.adapters as { type: string; state: string }[]).find((a) => a.type === 'rest')!.state).toBe('stopping');
    expect((await getJson(`${control}/health/live`)).body).toStrictEqual({ status: 'UP' });
    release();
    expect((await inFlight).status).toBe(200);
    await closing;
    await expect(fetch(`${control}/health/live`)).rejects.toThrow();
    upstream.handle(undefined);
  });
});
