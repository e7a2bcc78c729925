// The per-process policy state: token-bucket arithmetic (burst, steady rate, queued reservations, refusal with the
// time a token frees) and the breaker's closed → open → half-open (one probe) → closed/open cycle.
import { describe, expect, it } from 'vitest';
import { RetryBudget, MIN_RETRIES_PER_WINDOW } from './retry-budget.js';
import { LocalStore, reserveToken } from './store.js';

describe('token bucket', () => {
  it('lets the burst through, then queues at the steady rate and refuses past the wait', () => {
    const bucket = { tokens: 3, at: 0 };
    const at = (now: number) => reserveToken(bucket, now, 10, 3, 250);
    expect([at(0), at(0), at(0)]).toEqual([{ ok: true, waitMs: 0 }, { ok: true, waitMs: 0 }, { ok: true, waitMs: 0 }]);
    // 10 per second: the next tokens free at 100 ms, 200 ms; 300 ms is past the 250 ms wait.
    expect(at(0)).toEqual({ ok: true, waitMs: 100 });
    expect(at(0)).toEqual({ ok: true, waitMs: 200 });
    expect(at(0)).toEqual({ ok: false, retryAfterMs: 300 });
    // Half a second later two of the reserved tokens were due, and refilling goes on from there.
    expect(at(500)).toEqual({ ok: true, waitMs: 0 });
  });

  it('never holds more than the burst after a quiet period', () => {
    const bucket = { tokens: 0, at: 0 };
    for (let i = 0; i < 5; i++) expect(reserveToken(bucket, 60_000, 10, 5, 0).ok).toBe(true);
    expect(reserveToken(bucket, 60_000, 10, 5, 0).ok).toBe(false);
  });
});

describe('circuit breaker state (per process)', () => {
  it('opens at the threshold, lets one probe through after the cool-down, and closes on its success', async () => {
    const store = new LocalStore();
    expect(await store.admit('u', 1000)).toEqual({ state: 'closed' });
    await store.failure('u', false, 2, 10_000, 50);
    expect(await store.admit('u', 1000)).toEqual({ state: 'closed' });
    await store.failure('u', false, 2, 10_000, 50);
    expect(await store.admit('u', 1000)).toMatchObject({ state: 'open' });
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await store.admit('u', 1000)).toEqual({ state: 'probe' });
    expect(await store.admit('u', 1000)).toMatchObject({ state: 'open' }); // one probe at a time
    await store.failure('u', true, 2, 10_000, 50);
    expect(await store.admit('u', 1000)).toMatchObject({ state: 'open' }); // a failed probe re-opens at once
    await new Promise((resolve) => setTimeout(resolve, 60));
    expect(await store.admit('u', 1000)).toEqual({ state: 'probe' });
    await store.closeCircuit('u');
    expect(await store.admit('u', 1000)).toEqual({ state: 'closed' });
  });
});

describe('retry budget', () => {
  it('allows the floor, then a share of the calls', () => {
    const budget = new RetryBudget(20);
    let granted = 0;
    while (budget.tryRetry()) granted++;
    expect(granted).toBe(MIN_RETRIES_PER_WINDOW);
    for (let i = 0; i < 200; i++) budget.recordCall();
    // 20% of 200 calls = 40 retries in the window, 20 already taken.
    while (budget.tryRetry()) granted++;
    expect(granted).toBe(40);
  });
});
