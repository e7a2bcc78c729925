import { describe, expect, it } from 'vitest';
import { CallDeadline } from './call-deadline.js';

describe('CallDeadline', () => {
  it('aborts with its reason when the time passes, telling every listener still attached', async () => {
    const deadline = new CallDeadline(5, () => new Error('too slow'));
    const heard: string[] = [];
    const removed = () => heard.push('removed');
    deadline.addEventListener('abort', () => heard.push('kept'));
    deadline.addEventListener('abort', removed);
    deadline.removeEventListener('abort', removed);
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(deadline.aborted).toBe(true);
    expect((deadline.reason as Error).message).toBe('too slow');
    expect(heard).toStrictEqual(['kept']);
  });

  it('never aborts once cleared', async () => {
    const deadline = new CallDeadline(5, () => new Error('too slow'));
    let heard = false;
    deadline.addEventListener('abort', () => (heard = true));
    deadline.clear();
    await new Promise((resolve) => setTimeout(resolve, 30));
    expect(deadline.aborted).toBe(false);
    expect(heard).toBe(false);
  });
});
