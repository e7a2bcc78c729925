// One upstream's gate, built once per upstream and policy: circuit breaker, then rate limit, then concurrency cap,
// before a call goes out; the outcome goes back to the breaker. It knows the upstream only by name and key, never
// which adapter or tool made the call.
//
// The happy path is synchronous: with the per-process store, a closed circuit, a token in the bucket and a free slot,
// `admit` answers at once (no promise, no timer, no allocation). Only a call that must wait (a reserved token, a full
// concurrency cap) or ask Redis takes the asynchronous path.
import { CapError } from '../../errors/cap-error.js';
import { Semaphore } from './concurrency.js';
import { RetryBudget } from './retry-budget.js';
import { LocalStore, type BreakerAdmission, type PolicyStore, type Reservation } from './store.js';
import type { UpstreamPolicy } from './types.js';

export interface Admission {
  /** This call is the half-open probe: its outcome closes or re-opens the circuit. */
  readonly probe: boolean;
}

// A call's admission carries no per-call state (the concurrency slot is the guard's), so two constants do.
const ADMITTED: Admission = Object.freeze({ probe: false });
const PROBING: Admission = Object.freeze({ probe: true });

const retryAfterSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class UpstreamGuard {
  readonly budget?: RetryBudget;
  private readonly semaphore?: Semaphore;
  /** The store when it answers synchronously (per process); undefined with Redis. */
  private readonly local?: LocalStore;

  constructor(
    readonly policy: UpstreamPolicy,
    /** Names this upstream in the store (shared by replicas): consumes namespace and origin. */
    private readonly key: string,
    private readonly namespace: string,
    private readonly store: PolicyStore,
  ) {
    if (policy.retry && policy.retry.retries > 0) this.budget = new RetryBudget(policy.retry.budgetPercent);
    if (policy.concurrency) this.semaphore = new Semaphore(policy.concurrency.max);
    if (store instanceof LocalStore) this.local = store;
  }

  /**
   * Lets this call through once the policies allow it (never past `deadline`), or throws the CapError the caller
   * gets. Answers synchronously when nothing has to wait; a promise otherwise. Every admission is ended by `finish`.
   */
  admit(deadline: number): Admission | Promise<Admission> {
    const local = this.local;
    if (!local) return this.admitShared(deadline);
    const { circuitBreaker, rateLimit } = this.policy;
    const admission = circuitBreaker ? this.admitted(local.admitNow(this.key, Math.max(1, deadline - Date.now()))) : ADMITTED;
    let waitMs = 0;
    if (rateLimit) {
      const maxWait = this.maxTokenWait(deadline);
      waitMs = this.granted(local.reserveNow(this.key, rateLimit.requestsPerSecond, rateLimit.burst, maxWait), maxWait);
    }
    if (waitMs === 0 && (!this.semaphore || this.semaphore.tryAcquire())) return admission;
    return this.admitLater(admission, waitMs, deadline);
  }

  /** A token from the rate limit, waiting for it if it frees in time; a retry uses this too. */
  async takeToken(deadline: number): Promise<void> {
    const limit = this.policy.rateLimit;
    if (!limit) return;
    const maxWait = this.maxTokenWait(deadline);
    const waitMs = this.granted(await this.store.reserve(this.key, limit.requestsPerSecond, limit.burst, maxWait), maxWait);
    if (waitMs > 0) await sleep(waitMs);
  }

  /**
   * Ends an admission: frees its concurrency slot and tells the breaker the outcome (a failure is an unreachable or
   * timed-out upstream, or a 500/502/503/504). A promise only when the shared store has to be told.
   */
  finish(admission: Admission, failed: boolean): void | Promise<void> {
    this.semaphore?.release();
    const breaker = this.policy.circuitBreaker;
    if (!breaker || (!failed && !admission.probe)) return;
    const local = this.local;
    if (local) {
      if (failed) local.failureNow(this.key, admission.probe, breaker.failures, breaker.windowMs, breaker.coolDownMs);
      else local.closeCircuitNow(this.key);
      return;
    }
    const told = failed ? this.store.failure(this.key, admission.probe, breaker.failures, breaker.windowMs, breaker.coolDownMs) : this.store.closeCircuit(this.key);
    return told.catch(() => undefined);
  }

  /** The same gates in the same order, each store operation awaited (Redis). */
  private async admitShared(deadline: number): Promise<Admission> {
    const admission = this.policy.circuitBreaker ? this.admitted(await this.store.admit(this.key, Math.max(1, deadline - Date.now()))) : ADMITTED;
    await this.takeToken(deadline);
    if (this.semaphore && !this.semaphore.tryAcquire()) await this.waitForSlot(deadline);
    return admission;
  }

  /** The rest of an admission that has to wait: for its reserved token, then for a concurrency slot. */
  private async admitLater(admission: Admission, waitMs: number, deadline: number): Promise<Admission> {
    if (waitMs > 0) await sleep(waitMs);
    if (this.semaphore && !this.semaphore.tryAcquire()) await this.waitForSlot(deadline);
    return admission;
  }

  private async waitForSlot(deadline: number): Promise<void> {
    const { max, maxWaitMs } = this.policy.concurrency!;
    const wait = Math.min(maxWaitMs, Math.max(0, deadline - Date.now()));
    if (await this.semaphore!.acquire(wait)) return;
    throw new CapError('CAP_UPSTREAM_BUSY', `upstream "${this.namespace}" already has ${max} calls in flight and none finished within ${wait} ms`, {
      upstream: this.namespace,
      retryAfterSeconds: 1,
    });
  }

  /** The breaker's answer as an admission, or the refusal of an open circuit. */
  private admitted(answer: BreakerAdmission): Admission {
    if (answer.state === 'closed') return ADMITTED;
    if (answer.state === 'probe') return PROBING;
    throw new CapError('CAP_UPSTREAM_CIRCUIT_OPEN', `upstream "${this.namespace}" is failing: its circuit is open, calls are refused for ${retryAfterSeconds(answer.retryAfterMs)} s without reaching it`, {
      upstream: this.namespace,
      retryAfterSeconds: retryAfterSeconds(answer.retryAfterMs),
    });
  }

  private maxTokenWait(deadline: number): number {
    return Math.min(this.policy.rateLimit!.maxWaitMs, Math.max(0, deadline - Date.now()));
  }

  /** The wait before a reserved token may be used, or the refusal when none frees in time. */
  private granted(reservation: Reservation, maxWait: number): number {
    if (reservation.ok) return reservation.waitMs;
    const limit = this.policy.rateLimit!;
    throw new CapError('CAP_UPSTREAM_RATE_LIMITED', `upstream "${this.namespace}" is limited to ${limit.requestsPerSecond} calls per second (burst ${limit.burst}); no call slot frees within ${maxWait} ms`, {
      upstream: this.namespace,
      retryAfterSeconds: retryAfterSeconds(reservation.retryAfterMs),
    });
  }
}

/** Upstream statuses that count as the upstream failing (for the breaker) and that a retry may cure. */
export const FAILURE_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);
