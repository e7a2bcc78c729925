// Where rate-limit buckets and circuit-breaker state live: per process (LocalStore, the default) or shared by every
// replica through Redis (redis-store.ts). Both implement the same small set of atomic operations, named by key.
// LocalStore also answers synchronously (the *Now methods), which the guard's fast path uses: no promise per call.

/** A token reservation: wait `waitMs` then send; or refused, with the time after which a token would be free. */
export type Reservation = { ok: true; waitMs: number } | { ok: false; retryAfterMs: number };

/** closed: send; probe: send, and this call alone decides whether the circuit closes; open: refuse for `retryAfterMs`. */
export type BreakerAdmission = { state: 'closed' } | { state: 'probe' } | { state: 'open'; retryAfterMs: number };

// The answers of the happy path, shared rather than allocated per call.
const SEND_NOW: Reservation = Object.freeze({ ok: true, waitMs: 0 });
const CLOSED: BreakerAdmission = Object.freeze({ state: 'closed' });
const PROBE: BreakerAdmission = Object.freeze({ state: 'probe' });

export interface PolicyStore {
  /** Token bucket (rate per second, burst): takes a token now, or reserves the next one if it frees within `maxWaitMs`. */
  reserve(key: string, requestsPerSecond: number, burst: number, maxWaitMs: number): Promise<Reservation>;
  /** Whether a call may go to the upstream; after the cool-down one caller at a time gets a probe, held for `probeLeaseMs`. */
  admit(key: string, probeLeaseMs: number): Promise<BreakerAdmission>;
  /** A failed call: counts it in the window and opens the circuit at the threshold (a failed probe re-opens it at once). */
  failure(key: string, probe: boolean, failures: number, windowMs: number, coolDownMs: number): Promise<void>;
  /** A successful probe closes the circuit. */
  closeCircuit(key: string): Promise<void>;
  close(): Promise<void>;
}

interface Bucket {
  tokens: number;
  at: number;
}

interface Circuit {
  /** Failures counted since `windowStart`. */
  count: number;
  windowStart: number;
  /** Set while the circuit is open (or cooled and waiting for a probe). */
  openUntil?: number;
  probeUntil?: number;
}

/** The bucket arithmetic, shared in meaning with the Lua script of redis-store.ts. */
export function reserveToken(bucket: Bucket, now: number, requestsPerSecond: number, burst: number, maxWaitMs: number): Reservation {
  const perMs = requestsPerSecond / 1000;
  bucket.tokens = Math.min(burst, bucket.tokens + (now - bucket.at) * perMs);
  bucket.at = now;
  const waitMs = bucket.tokens >= 1 ? 0 : Math.ceil((1 - bucket.tokens) / perMs);
  if (waitMs > maxWaitMs) return { ok: false, retryAfterMs: waitMs };
  // Tokens may go below zero: the debt is what later callers wait for, so queued calls leave in order.
  bucket.tokens -= 1;
  return waitMs === 0 ? SEND_NOW : { ok: true, waitMs };
}

export class LocalStore implements PolicyStore {
  private readonly buckets = new Map<string, Bucket>();
  private readonly circuits = new Map<string, Circuit>();

  async reserve(key: string, requestsPerSecond: number, burst: number, maxWaitMs: number): Promise<Reservation> {
    return this.reserveNow(key, requestsPerSecond, burst, maxWaitMs);
  }

  reserveNow(key: string, requestsPerSecond: number, burst: number, maxWaitMs: number): Reservation {
    const now = Date.now();
    let bucket = this.buckets.get(key);
    if (!bucket) this.buckets.set(key, (bucket = { tokens: burst, at: now }));
    return reserveToken(bucket, now, requestsPerSecond, burst, maxWaitMs);
  }

  async admit(key: string, probeLeaseMs: number): Promise<BreakerAdmission> {
    return this.admitNow(key, probeLeaseMs);
  }

  admitNow(key: string, probeLeaseMs: number): BreakerAdmission {
    const circuit = this.circuits.get(key);
    if (circuit?.openUntil === undefined) return CLOSED;
    const now = Date.now();
    if (now < circuit.openUntil) return { state: 'open', retryAfterMs: circuit.openUntil - now };
    if (circuit.probeUntil !== undefined && now < circuit.probeUntil) return { state: 'open', retryAfterMs: circuit.probeUntil - now };
    circuit.probeUntil = now + probeLeaseMs;
    return PROBE;
  }

  async failure(key: string, probe: boolean, failures: number, windowMs: number, coolDownMs: number): Promise<void> {
    this.failureNow(key, probe, failures, windowMs, coolDownMs);
  }

  failureNow(key: string, probe: boolean, failures: number, windowMs: number, coolDownMs: number): void {
    const now = Date.now();
    let circuit = this.circuits.get(key);
    if (!circuit) this.circuits.set(key, (circuit = { count: 0, windowStart: now }));
    if (!probe) {
      if (now - circuit.windowStart >= windowMs) Object.assign(circuit, { count: 0, windowStart: now });
      circuit.count++;
      if (circuit.count < failures) return;
    }
    Object.assign(circuit, { count: 0, windowStart: now, openUntil: now + coolDownMs, probeUntil: undefined });
  }

  async closeCircuit(key: string): Promise<void> {
    this.closeCircuitNow(key);
  }

  closeCircuitNow(key: string): void {
    this.circuits.delete(key);
  }

  async close(): Promise<void> {}
}
