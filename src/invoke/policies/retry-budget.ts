// Retry budget: retries may add at most `percent`% to the calls made to an upstream over a sliding window (two
// buckets of WINDOW_MS), plus a small floor so a quiet upstream can still retry. When every call fails, retries
// therefore add a fifth to the load instead of multiplying it by the retry count.

const WINDOW_MS = 10_000;
/** Retries always allowed per window, whatever the traffic. */
export const MIN_RETRIES_PER_WINDOW = 20;

export class RetryBudget {
  private start = Date.now();
  private calls = 0;
  private retries = 0;
  private previousCalls = 0;
  private previousRetries = 0;

  constructor(private readonly percent: number) {}

  /** A first attempt. */
  recordCall(): void {
    this.roll();
    this.calls++;
  }

  /** Takes one retry from the budget if it has one left. */
  tryRetry(): boolean {
    this.roll();
    // The previous bucket counts in proportion to how much of it is still inside the sliding window.
    const weight = 1 - (Date.now() - this.start) / WINDOW_MS;
    const calls = this.calls + this.previousCalls * weight;
    const retries = this.retries + this.previousRetries * weight;
    if (retries + 1 > Math.max(MIN_RETRIES_PER_WINDOW, (calls * this.percent) / 100)) return false;
    this.retries++;
    return true;
  }

  private roll(): void {
    const elapsed = Date.now() - this.start;
    if (elapsed < WINDOW_MS) return;
    const skipped = elapsed >= 2 * WINDOW_MS;
    this.previousCalls = skipped ? 0 : this.calls;
    this.previousRetries = skipped ? 0 : this.retries;
    this.calls = 0;
    this.retries = 0;
    this.start += skipped ? elapsed - (elapsed % WINDOW_MS) : WINDOW_MS;
  }
}
