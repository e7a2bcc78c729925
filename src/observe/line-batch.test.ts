import { describe, expect, it } from 'vitest';
import { batchLines } from './line-batch.js';

describe('batchLines', () => {
  it('writes the lines of one event-loop turn in one write, at the end of that turn', async () => {
    const writes: string[] = [];
    const stream = batchLines({ write: (data: string) => void writes.push(data), flushSync: () => {} }, 2);
    stream.write('a\n');
    stream.write('b\n');
    expect(writes).toStrictEqual([]);
    await new Promise((resolve) => setImmediate(resolve));
    stream.write('c\n');
    await new Promise((resolve) => setImmediate(resolve));
    expect(writes).toStrictEqual(['a\nb\n', 'c\n']);
  });
});
