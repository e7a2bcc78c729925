import { describe, expect, it } from 'vitest';
import { prettyLine } from './pretty.js';

describe('prettyLine', () => {
  const time = Date.UTC(2026, 0, 2, 3, 4, 5, 678);

  it('renders time, level, message and the other fields as key=value', () => {
    const line = JSON.stringify({ level: 30, time, msg: 'GET /ships/{imo} 200 3.1ms', reqId: 'r1', status: 200, upstream: { status: 200 } });
    expect(prettyLine(line, false)).toBe('03:04:05.678 INFO  GET /ships/{imo} 200 3.1ms  reqId=r1 status=200 upstream={"status":200}\n');
  });

  it('colours the level only when asked', () => {
    expect(prettyLine(JSON.stringify({ level: 50, time, msg: 'boom' }), true)).toBe('03:04:05.678 \x1b[31mERROR\x1b[0m boom\n');
  });

  it('passes a line that is not JSON through unchanged', () => {
    expect(prettyLine('not json\n', false)).toBe('not json\n');
  });
});
