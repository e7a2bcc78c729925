// Concurrency cap per upstream (per process): at most `max` calls in flight; later calls queue in order for up to
// `maxWaitMs`, then fail with CAP_UPSTREAM_BUSY (503 with Retry-After) instead of piling up on a slow upstream.

export class Semaphore {
  private active = 0;
  private readonly waiting: { grant: () => void }[] = [];

  constructor(private readonly max: number) {}

  /** Resolves with a release function, or with undefined when no slot freed within `maxWaitMs`. */
  acquire(maxWaitMs: number): Promise<(() => void) | undefined> {
    if (this.active < this.max) {
      this.active++;
      return Promise.resolve(this.releaser());
    }
    return new Promise((resolve) => {
      const entry = {
        grant: () => {
          clearTimeout(timer);
          resolve(this.releaser());
        },
      };
      const timer = setTimeout(() => {
        this.waiting.splice(this.waiting.indexOf(entry), 1);
        resolve(undefined);
      }, maxWaitMs);
      this.waiting.push(entry);
    });
  }

  private releaser(): () => void {
    let released = false;
    return () => {
      if (released) return;
      released = true;
      const next = this.waiting.shift();
      // The slot passes straight to the next caller in line.
      if (next) next.grant();
      else this.active--;
    };
  }
}
