import { describe, expect, it } from 'vitest';
import { addLogSecrets, createLogger, type Logger } from './log.js';
import { writeRequestLine, type RequestLine } from './request-line.js';

function memory(options: { level?: 'info' | 'warn'; pretty?: boolean } = {}): { logger: Logger; lines: string[] } {
  const lines: string[] = [];
  return { logger: createLogger({ ...options, destination: { write: (line: string) => void lines.push(line) } }), lines };
}

/** What pino writes for the same fields as an object (the form the request line had before it was built as text). */
function throughPino(line: RequestLine, secrets: string[] = []): string {
  const { logger, lines } = memory();
  addLogSecrets(logger, secrets);
  const fields: Record<string, unknown> = { reqId: line.reqId, adapter: line.adapter, kind: line.kind };
  if (line.method !== undefined) fields.method = line.method;
  else fields.transport = 'stdio';
  if (line.route !== undefined) fields.route = line.route;
  else if (line.path !== undefined) fields.path = line.path;
  fields.operation = line.operation;
  fields.rpc = line.rpc;
  fields.tool = line.tool;
  fields.status = line.status;
  fields.httpStatus = line.httpStatus;
  fields.code = line.code;
  fields.ms = line.ms;
  if (line.upstream) fields.upstream = line.upstream.length === 1 ? line.upstream[0] : line.upstream;
  if (line.aborted) fields.aborted = true;
  logger.info(fields, `${line.name} ${line.status} ${line.ms}ms`);
  return lines[0]!;
}

function asText(line: RequestLine, secrets: string[] = []): string {
  const { logger, lines } = memory();
  addLogSecrets(logger, secrets);
  writeRequestLine(logger, line);
  return lines[0]!;
}

const sameTime = (text: string): string => text.replace(/"time":\d+/, '"time":0');

const REST: RequestLine = {
  reqId: 'order-42.retry-1',
  reqIdFromCaller: true,
  adapter: 'fleet-api',
  kind: 'rest',
  method: 'GET',
  route: 'GET /ships/{imo}',
  operation: 'get-ship',
  status: 200,
  ms: 3.17,
  upstream: [{ namespace: 'registry', operation: 'get-ship', status: 200, ms: 2.5 }],
  name: 'GET /ships/{imo}',
  nameFromOutside: false,
};

describe('the request line as text', () => {
  it.each<[string, RequestLine]>([
    ['a REST call with one upstream call', REST],
    ['an unmatched path', { ...REST, route: undefined, path: '/nowhere/"quoted"\\', operation: 'unmatched', status: 404, code: 'CAP_ROUTE_NOT_FOUND', upstream: undefined, name: '/nowhere/"quoted"\\', nameFromOutside: true }],
    ['an upstream failure, several calls, an aborted request', { ...REST, status: 499, upstream: [REST.upstream![0]!, { namespace: 'registry', operation: 'get-ship', status: 'timeout', ms: 30000 }], aborted: true }],
    ['an MCP tools/call with an isError result', { ...REST, kind: 'mcp', method: 'POST', route: 'POST /mcp', operation: undefined, rpc: 'tools/call', tool: 'get-ship', status: 502, httpStatus: 200, code: 'CAP_UPSTREAM_STATUS', name: 'tools/call get-ship' }],
    ['an MCP call over stdio', { ...REST, kind: 'mcp', method: undefined, route: undefined, operation: undefined, rpc: 'tools/call', tool: 'get-ship', upstream: undefined, name: 'tools/call get-ship' }],
    ['a generated request id', { ...REST, reqId: '0d7c6a5e-2f0e-4f9b-9d1a-3b8e2c1f4a6d', reqIdFromCaller: false }],
    ['non-ASCII and control characters', { ...REST, reqId: 'ü\u0001', path: 'x', name: 'é\u2028', route: 'GET /é', nameFromOutside: true }],
  ])('is what pino wrote for the same fields: %s', (_what, line) => {
    const text = asText(line);
    expect(sameTime(text)).toBe(sameTime(throughPino(line)));
    expect(text.endsWith('}\n')).toBe(true);
  });

  it('bound values are redacted wherever they can occur: caller values on every line, the capability names once', () => {
    const secret = 'k3y-v4lu3-s3cr3t';
    const line: RequestLine = { ...REST, reqId: `id-${secret}`, route: undefined, path: `/x/${encodeURIComponent(secret)}`, name: `/x/${secret}`, nameFromOutside: true, adapter: `a-${secret}` };
    const text = asText(line, [secret]);
    expect(text).not.toContain(secret);
    expect(text).not.toContain(encodeURIComponent(secret));
    expect(sameTime(text)).toBe(sameTime(throughPino(line, [secret])));
    // A value bound later (a reload) reaches names already written once.
    const { logger, lines } = memory();
    writeRequestLine(logger, { ...REST, adapter: secret });
    addLogSecrets(logger, [secret]);
    writeRequestLine(logger, { ...REST, adapter: secret });
    expect(lines[0]).toContain(secret);
    expect(lines[1]).not.toContain(secret);
  });

  it('honours the logger level and its pretty rendering', () => {
    const quiet = memory({ level: 'warn' });
    writeRequestLine(quiet.logger, REST);
    expect(quiet.lines).toStrictEqual([]);
    const pretty = memory({ pretty: true });
    writeRequestLine(pretty.logger, REST);
    expect(pretty.lines[0]!.replace(/\x1b\[\d+m/g, '')).toMatch(/^\d\d:\d\d:\d\d\.\d{3} INFO  GET \/ships\/\{imo\} 200 3\.17ms {2}reqId=order-42\.retry-1 adapter=fleet-api/);
  });
});

describe('durations as text', () => {
  it('writes every two-decimal duration exactly as JSON does', async () => {
    const { msText } = await import('./request-line.js');
    const { round } = await import('./observation.js');
    for (let h = 0; h < 20_000; h++) if (msText(h / 100) !== JSON.stringify(h / 100)) expect(msText(h / 100)).toBe(JSON.stringify(h / 100));
    for (let h = 0; h < 1e9; h += 9973) if (msText(h / 100) !== JSON.stringify(h / 100)) expect(msText(h / 100)).toBe(JSON.stringify(h / 100));
    for (const ms of [0.004, 0.005, 1.005, 12.345, 99999.999, 30000, 1e12 + 0.5, -1, Number.MAX_SAFE_INTEGER, 1e21]) {
      expect(msText(round(ms)), String(ms)).toBe(JSON.stringify(round(ms)));
    }
  });
});
