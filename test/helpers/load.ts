// Load for the rate-limit tests: a few loops calling one path as fast as answers come back, and the arrivals an
// upstream saw within a window compared with what a token bucket allows.

/**
 * Calls `path` from `workers` loops for `ms`; the statuses seen and the Retry-After of each 429. A loop answered 429
 * pauses REFUSED_PAUSE_MS before calling again: the other loops keep the limiter's queue full, so demand still
 * exceeds the limit, while refused calls no longer spin and starve the processes being measured of CPU.
 */
const REFUSED_PAUSE_MS = 50;

export async function hammer(base: string, path: string, ms: number, workers: number): Promise<{ statuses: Map<number, number>; retryAfters: string[] }> {
  const statuses = new Map<number, number>();
  const retryAfters: string[] = [];
  const until = Date.now() + ms;
  await Promise.all(
    Array.from({ length: workers }, async () => {
      while (Date.now() < until) {
        const response = await fetch(base + path);
        await response.arrayBuffer();
        statuses.set(response.status, (statuses.get(response.status) ?? 0) + 1);
        if (response.status === 429) {
          retryAfters.push(response.headers.get('retry-after') ?? '');
          await new Promise((resolve) => setTimeout(resolve, REFUSED_PAUSE_MS));
        }
      }
    }),
  );
  return { statuses, retryAfters };
}

/** Arrivals within `ms` of the first one, and what the bucket allows in that time (burst + rate × seconds). */
export function measure(arrivals: readonly { at: number }[], ms: number, rate: number, burst: number): { inWindow: number; expected: number } {
  const start = arrivals[0]?.at ?? 0;
  return { inWindow: arrivals.filter((a) => a.at - start < ms).length, expected: burst + (rate * ms) / 1000 };
}
