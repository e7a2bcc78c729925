// One upstream's gate, built once per upstream and policy: circuit breaker, then rate limit, then concurrency cap,
// before a call goes out; the outcome goes back to the breaker. It knows the upstream only by name and key, never
// which adapter or tool made the call.
import { CapError } from '../../errors/cap-error.js';
import { Semaphore } from './concurrency.js';
import { RetryBudget } from './retry-budget.js';
import type { PolicyStore } from './store.js';
import type { UpstreamPolicy } from './types.js';

export interface Admission {
  /** This call is the half-open probe: its outcome closes or re-opens the circuit. */
  probe: boolean;
  release(): void;
}

const retryAfterSeconds = (ms: number) => Math.max(1, Math.ceil(ms / 1000));
const sleep = (ms: number) => new Promise<void>((resolve) => setTimeout(resolve, ms));

export class UpstreamGuard {
  readonly budget?: RetryBudget;
  private readonly semaphore?: Semaphore;

  constructor(
    readonly policy: UpstreamPolicy,
    /** Names this upstream in the store (shared by replicas): consumes namespace and origin. */
    private readonly key: string,
    private readonly namespace: string,
    private readonly store: PolicyStore,
  ) {
    if (policy.retry && policy.retry.retries > 0) this.budget = new RetryBudget(policy.retry.budgetPercent);
    if (policy.concurrency) this.semaphore = new Semaphore(policy.concurrency.max);
  }

  /** Waits for the policies to let this call through (never past `deadline`), or throws the CapError the caller gets. */
  async admit(deadline: number): Promise<Admission> {
    const { circuitBreaker, concurrency } = this.policy;
    let probe = false;
    if (circuitBreaker) {
      const admission = await this.store.admit(this.key, Math.max(1, deadline - Date.now()));
      if (admission.state === 'open') {
        throw new CapError('CAP_UPSTREAM_CIRCUIT_OPEN', `upstream "${this.namespace}" is failing: its circuit is open, calls are refused for ${retryAfterSeconds(admission.retryAfterMs)} s without reaching it`, {
          upstream: this.namespace,
          retryAfterSeconds: retryAfterSeconds(admission.retryAfterMs),
        });
      }
      probe = admission.state === 'probe';
    }
    await this.takeToken(deadline);
    let release = () => {};
    if (this.semaphore && concurrency) {
      const wait = Math.min(concurrency.maxWaitMs, Math.max(0, deadline - Date.now()));
      const granted = await this.semaphore.acquire(wait);
      if (!granted) {
        throw new CapError('CAP_UPSTREAM_BUSY', `upstream "${this.namespace}" already has ${concurrency.max} calls in flight and none finished within ${wait} ms`, {
          upstream: this.namespace,
          retryAfterSeconds: 1,
        });
      }
      release = granted;
    }
    return { probe, release };
  }

  /** A token from the rate limit, waiting for it if it frees in time; a retry uses this too. */
  async takeToken(deadline: number): Promise<void> {
    const limit = this.policy.rateLimit;
    if (!limit) return;
    const maxWait = Math.min(limit.maxWaitMs, Math.max(0, deadline - Date.now()));
    const reservation = await this.store.reserve(this.key, limit.requestsPerSecond, limit.burst, maxWait);
    if (!reservation.ok) {
      throw new CapError('CAP_UPSTREAM_RATE_LIMITED', `upstream "${this.namespace}" is limited to ${limit.requestsPerSecond} calls per second (burst ${limit.burst}); no call slot frees within ${maxWait} ms`, {
        upstream: this.namespace,
        retryAfterSeconds: retryAfterSeconds(reservation.retryAfterMs),
      });
    }
    if (reservation.waitMs > 0) await sleep(reservation.waitMs);
  }

  /** The call's outcome, for the breaker: a failure is an unreachable or timed-out upstream, or a 500/502/503/504. */
  async record(admission: Admission, failed: boolean): Promise<void> {
    const breaker = this.policy.circuitBreaker;
    if (!breaker) return;
    if (failed) await this.store.failure(this.key, admission.probe, breaker.failures, breaker.windowMs, breaker.coolDownMs);
    else if (admission.probe) await this.store.closeCircuit(this.key);
  }
}

/** Upstream statuses that count as the upstream failing (for the breaker) and that a retry may cure. */
export const FAILURE_STATUSES: ReadonlySet<number> = new Set([500, 502, 503, 504]);
