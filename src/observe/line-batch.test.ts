import { describe, expect, it } from 'vitest';
import { batchLines, FLUSH_MS, MAX_PENDING } from './line-batch.js';

describe('batchLines', () => {
  it('writes the lines that came within FLUSH_MS in one write, after at most FLUSH_MS', async () => {
    const writes: string[] = [];
    const stream = batchLines({ write: (data: string) => void writes.push(data), flushSync: () => {} }, 2);
    stream.write('a\n');
    await new Promise((resolve) => setImmediate(resolve));
    stream.write('b\n');
    expect(writes).toStrictEqual([]);
    await new Promise((resolve) => setTimeout(resolve, FLUSH_MS + 20));
    expect(writes).toStrictEqual(['a\nb\n']);
    stream.write('c\n');
    await new Promise((resolve) => setTimeout(resolve, FLUSH_MS + 20));
    expect(writes).toStrictEqual(['a\nb\n', 'c\n']);
  });

  it('writes at once when MAX_PENDING characters wait', () => {
    const writes: string[] = [];
    const stream = batchLines({ write: (data: string) => void writes.push(data), flushSync: () => {} }, 2);
    const line = `${'x'.repeat(1023)}\n`;
    for (let i = 0; i < MAX_PENDING / line.length; i++) stream.write(line);
    expect(writes).toHaveLength(1);
    expect(writes[0]).toHaveLength(MAX_PENDING);
  });
});
