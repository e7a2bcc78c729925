// Concurrency cap per upstream (per process): at most `max` calls in flight; later calls queue in order for up to
// `maxWaitMs`, then fail with CAP_UPSTREAM_BUSY (503 with Retry-After) instead of piling up on a slow upstream.
// A free slot is taken synchronously (tryAcquire), so the happy path makes no promise and no closure.

interface Waiter {
  grant(): void;
}

export class Semaphore {
  private active = 0;
  private readonly waiting: Waiter[] = [];

  constructor(private readonly max: number) {}

  /** Takes a slot if one is free now. */
  tryAcquire(): boolean {
    if (this.active >= this.max) return false;
    this.active++;
    return true;
  }

  /** Resolves true once a slot is taken, false when none freed within `maxWaitMs`. */
  acquire(maxWaitMs: number): Promise<boolean> {
    if (this.tryAcquire()) return Promise.resolve(true);
    return new Promise((resolve) => {
      const entry: Waiter = {
        grant: () => {
          clearTimeout(timer);
          resolve(true);
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        resolve(false);
      }, maxWaitMs);
      this.waiting.push(entry);
    });
  }

  /** Gives a taken slot back (once per successful acquire). */
  release(): void {
    const next = this.waiting.shift();
    // The slot passes straight to the next caller in line.
    if (next) next.grant();
    else this.active--;
  }
}
