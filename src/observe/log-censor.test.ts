import { describe, expect, it } from 'vitest';
import { censorHeaders } from './log-censor.js';
import { createLogger } from './log.js';

/** A real logger writing to memory: what a line carries once written. */
function written(fields: Record<string, unknown>, msg = 'm'): Record<string, unknown> {
  const lines: string[] = [];
  const logger = createLogger({ destination: { write: (line: string) => void lines.push(line) } });
  logger.info(fields, msg);
  return JSON.parse(lines[0]!) as Record<string, unknown>;
}

describe('credential headers in log lines', () => {
  it('a top-level headers object loses every value', () => {
    expect(written({ headers: { authorization: 'Bearer t', 'x-custom': 'v' } }).headers).toStrictEqual({ authorization: '[redacted]', 'x-custom': '[redacted]' });
  });

  it('any top-level object loses its credential headers, and so does its headers object', () => {
    const line = written({
      request: { authorization: 'Bearer t', cookie: 'c=1', 'x-api-key': 'k', 'proxy-authorization': 'p', 'set-cookie': 's', method: 'GET' },
      upstream: { status: 401, headers: { authorization: 'Basic x', 'x-api-key': 'k', accept: 'application/json' } },
    });
    expect(line.request).toStrictEqual({ authorization: '[redacted]', cookie: '[redacted]', 'x-api-key': '[redacted]', 'proxy-authorization': '[redacted]', 'set-cookie': '[redacted]', method: 'GET' });
    expect(line.upstream).toStrictEqual({ status: 401, headers: { authorization: '[redacted]', 'x-api-key': '[redacted]', accept: 'application/json' } });
  });

  it('an error keeps its message and stack for the serializer', () => {
    const err = Object.assign(new Error('refused'), { headers: { authorization: 'Bearer t' } });
    const line = written({ err });
    expect(line.err).toMatchObject({ type: 'Error', message: 'refused', headers: { authorization: '[redacted]' } });
    expect(String((line.err as { stack: string }).stack)).toContain('refused');
  });

  it('never changes what the caller logged, and costs no copy when nothing is sensitive', () => {
    const request = { headers: { authorization: 'Bearer t' } };
    const fields = { request, id: 1 };
    expect(censorHeaders(fields)).not.toBe(fields);
    expect(request.headers.authorization).toBe('Bearer t');
    const plain = { reqId: 'r', adapter: 'a', status: 200, upstream: { namespace: 'n', operation: 'o', status: 200, ms: 1 } };
    expect(censorHeaders(plain)).toBe(plain);
  });
});
