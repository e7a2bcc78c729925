// Logs and metrics of the real CLI process (`capability serve`): JSON log lines on stderr (start-up, one per request,
// shutdown), `--log-level` and LOG_LEVEL, `--metrics-port` serving /metrics alone, and stdout left to the CLI's output.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { join } from 'node:path';
import { ensureFreshBuild, killRunningChildren, ROOT, runCli, startServe } from '../../helpers/cli.js';
import { connectMcpStdio } from '../../helpers/mcp-clients.js';
import { startUpstream, type Upstream } from '../../helpers/upstream.js';
import { FLEET_KEY, OBSERVED, parsePrometheus, sampleValue, until } from './support.js';

let upstream: Upstream;

beforeAll(async () => {
  await ensureFreshBuild();
  upstream = await startUpstream((r) => ({ status: 200, body: { imo: r.path, echoedKey: r.headers['x-registry-key'] } }));
});
afterAll(async () => {
  killRunningChildren();
  await upstream?.close();
});

const serveArgs = (...extra: string[]) => [OBSERVED, '--port', 'fleet-api=0', '--port', 'fleet-tools=0', '--port', 'control=0', '--upstream', `registry=${upstream.url}`, ...extra];
const urlOf = (lines: string[], namespace: string) => lines.find((l) => l.includes(` ${namespace} `))!.trim().split(/\s+/)[2]!;
const jsonLines = (stderr: string) =>
  stderr
    .split('\n')
    .filter((l) => l.startsWith('{'))
    .map((l) => JSON.parse(l) as Record<string, unknown>);

// Each test starts the CLI one to three times: slow on a busy machine.
describe('capability serve: logs and metrics', { timeout: 90_000 }, () => {
  it('logs start-up, one JSON line per request and shutdown on stderr; --metrics-port serves /metrics alone', async () => {
    const serve = await startServe(serveArgs('--metrics-port', '0'), 3, { env: { FLEET_KEY } });
    const rest = urlOf(serve.lines, 'fleet-api');
    const res = await fetch(`${rest}/ships/9321483`, { headers: { 'x-request-id': 'cli-req-1' } });
    expect(res.status).toBe(200);
    expect(res.headers.get('x-request-id')).toBe('cli-req-1');
    await until(() => /metrics http:\/\/127\.0\.0\.1:\d+\/metrics/.test(serve.stderr()) && serve.stderr().includes('cli-req-1'), 'metrics URL and request line');
    const metricsUrl = /metrics (http:\/\/127\.0\.0\.1:\d+\/metrics)/.exec(serve.stderr())![1]!;
    const scraped = await fetch(metricsUrl);
    expect(scraped.headers.get('content-type')).toMatch(/^text\/plain; version=0\.0\.4/);
    const samples = parsePrometheus(await scraped.text());
    expect(sampleValue(samples, 'capability_requests_total', { adapter: 'fleet-api', operation: 'get-ship', status: '200' })).toBe(1);
    expect(sampleValue(samples, 'capability_upstream_requests_total', { namespace: 'registry', operation: 'get-ship', status: '200' })).toBe(1);
    expect((await fetch(metricsUrl.replace('/metrics', '/other'))).status).toBe(404);
    const stopped = await serve.stop('SIGTERM');
    expect(stopped.code).toBe(0);
    // stdout carries the CLI's own listing only; every log line is JSON on stderr.
    expect(stopped.stdout.split('\n').filter(Boolean).every((l) => /^(rest|mcp |control)/.test(l))).toBe(true);
    const lines = jsonLines(stopped.stderr);
    const messages = lines.map((l) => l.msg);
    expect(messages).toContain('runtime started');
    expect(messages).toContain('runtime stopping');
    expect(messages).toContain('runtime stopped');
    const started = lines.find((l) => l.msg === 'runtime started')!;
    expect(started).toMatchObject({ level: 30, metrics: metricsUrl, tracing: 'off' });
    expect(started.adapters).toEqual(expect.arrayContaining([expect.objectContaining({ type: 'rest', namespace: 'fleet-api', url: rest })]));
    expect(lines.find((l) => l.reqId === 'cli-req-1')).toMatchObject({ adapter: 'fleet-api', route: 'GET /ships/{imo}', status: 200, upstream: { status: 200 } });
    // The upstream echoed the bound key into its answer: neither the logs nor the caller see it.
    expect(stopped.stderr + stopped.stdout).not.toContain(FLEET_KEY);
  });

  it('--log-level warn drops request lines; LOG_LEVEL works the same; a bad level is a usage error', async () => {
    for (const how of [{ args: ['--log-level', 'warn'], env: {} }, { args: [], env: { LOG_LEVEL: 'warn' } }]) {
      const serve = await startServe(serveArgs(...how.args), 3, { env: { FLEET_KEY, ...how.env } });
      expect((await fetch(`${urlOf(serve.lines, 'fleet-api')}/ships/1`)).status).toBe(200);
      const stopped = await serve.stop('SIGTERM');
      expect(jsonLines(stopped.stderr).filter((l) => (l.level as number) < 40), JSON.stringify(how)).toStrictEqual([]);
    }
    const bad = await runCli(['serve', OBSERVED, '--log-level', 'loud']);
    expect(bad.code).toBe(1);
    expect(bad.stderr).toContain('--log-level must be one of fatal, error, warn, info, debug, trace, silent, got "loud"');
  });

  it('MCP on stdio: tool calls are logged and counted like HTTP ones, on stderr only (stdout carries protocol messages)', async () => {
    const client = await connectMcpStdio('2026-07-28', {
      command: process.execPath,
      args: [join(ROOT, 'bin', 'capability.js'), 'serve', ...serveArgs('--stdio', '--metrics-port', '0')],
      env: { PATH: process.env.PATH ?? '', FLEET_KEY },
      cwd: ROOT,
    });
    try {
      const result = await client.callTool('get-ship', { imo: 'STDIO-1' });
      expect(result.isError).toBeFalsy();
      await until(() => client.stderr().includes('"tool":"get-ship"') && /metrics (http:\S+)/.test(client.stderr()), 'the tool call line');
      const line = jsonLines(client.stderr()).find((l) => l.tool === 'get-ship')!;
      expect(line).toMatchObject({ adapter: 'fleet-tools', kind: 'mcp', transport: 'stdio', rpc: 'tools/call', status: 200, upstream: { namespace: 'registry', operation: 'get-ship', status: 200 } });
      expect(upstream.requests.at(-1)!.headers['x-request-id']).toBe(line.reqId);
      const metricsUrl = /metrics (http:\S+)/.exec(client.stderr())![1]!;
      const samples = parsePrometheus(await (await fetch(metricsUrl)).text());
      expect(sampleValue(samples, 'capability_requests_total', { adapter: 'fleet-tools', operation: 'get-ship', status: '200' })).toBe(1);
    } finally {
      await client.close();
    }
  });

  it('LOG_FORMAT=pretty writes readable lines instead of JSON', async () => {
    const serve = await startServe(serveArgs(), 3, { env: { FLEET_KEY, LOG_FORMAT: 'pretty', NO_COLOR: '1' } });
    await fetch(`${urlOf(serve.lines, 'fleet-api')}/ships/7`, { headers: { 'x-request-id': 'pretty-1' } });
    await until(() => serve.stderr().includes('pretty-1'), 'the request line');
    const stopped = await serve.stop('SIGTERM');
    expect(stopped.stderr).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  GET \/ships\/\{imo\} 200 [\d.]+ms {2}reqId=pretty-1 adapter=fleet-api kind=rest/m);
    expect(stopped.stderr).not.toMatch(/^\{/m);
  });
});
