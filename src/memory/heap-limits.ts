// Keeps V8's heap close to what the runtime really holds. V8's defaults are made for large heaps: the young
// generation grows to 16 MB per semi-space (32 MB resident once both halves were used, and it never shrinks under
// load), and after a full collection the old generation may grow to several times its live size before the next.
// For this runtime (about 30 MB live, short requests) that was half of its RSS. Node reads --max-semi-space-size only
// when it starts, so the CLI keeps the cap from inside the process instead (bin/capability.js calls this first):
// - V8 grows the young generation by `--semi-space-growth-factor` after a scavenge in which much survived, and reads
//   that flag each time; after every collection the factor is set to 2 while the young generation is under the cap
//   and to 1 once it reaches it (a GC observer: one callback per collection, nothing per request);
// - `--heap-growing-percent` (also read at each full collection) lets the old generation grow by a fifth over its
//   live size before the next full collection, instead of up to four times.
// Flags the operator gives node (on its command line or in NODE_OPTIONS) win: a setting they name is left alone.
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics, setFlagsFromString } from 'node:v8';

/**
 * Megabytes per semi-space the young generation may grow to (V8: 16 on 64-bit machines). 4, not 8, after
 * interleaved A/B runs (docs/performance.md, "Memory", second pass): 8 MB added 8 MB of RSS after the minute of load
 * (109 against 101 MB: over the 100 MB goal) and saved about 40 ms of GC per 1,000 requests at full rate (61 against
 * 99 ms), some 5 % of the CPU a request costs. An operator who prefers throughput sets --max-semi-space-size.
 */
export const YOUNG_SEMI_SPACE_MB = 4;
/** How far the old generation may grow over its live size before a full collection, in percent. */
export const HEAP_GROWING_PERCENT = 20;

const MB = 1024 * 1024;

export interface HeapLimits {
  /** The young-generation cap in force (MB per semi-space), or undefined when the operator's flags decide. */
  readonly youngSemiSpaceMb?: number;
  /** The heap growing percent in force, or undefined when the operator's flags decide. */
  readonly heapGrowingPercent?: number;
  /** Stops adjusting (the flags keep their last values). */
  stop(): void;
}

/** The node flags the operator gave, from the command line and NODE_OPTIONS. */
const operatorFlags = (execArgv: readonly string[], nodeOptions: string | undefined): string => [...execArgv, nodeOptions ?? ''].join(' ').replaceAll('_', '-');

export function keepHeapSmall(options: { execArgv?: readonly string[]; nodeOptions?: string } = {}): HeapLimits {
  const given = operatorFlags(options.execArgv ?? process.execArgv, options.nodeOptions ?? process.env.NODE_OPTIONS);
  const capYoung = !/--(max|min)-semi-space-size|--semi-space-growth-factor/.test(given);
  const capOld = !/--heap-growing-percent/.test(given);
  if (capOld) setFlagsFromString(`--heap-growing-percent=${HEAP_GROWING_PERCENT}`);
  if (!capYoung) return { heapGrowingPercent: capOld ? HEAP_GROWING_PERCENT : undefined, stop: () => undefined };

  // new_space's size counts both semi-spaces.
  const cap = 2 * YOUNG_SEMI_SPACE_MB * MB;
  let factor = 0;
  const adjust = (): void => {
    const next = youngGenerationBytes() >= cap ? 1 : 2;
    if (next === factor) return;
    setFlagsFromString(`--semi-space-growth-factor=${next}`);
    factor = next;
  };
  adjust();
  const observer = new PerformanceObserver(adjust);
  observer.observe({ entryTypes: ['gc'] });
  return { youngSemiSpaceMb: YOUNG_SEMI_SPACE_MB, heapGrowingPercent: capOld ? HEAP_GROWING_PERCENT : undefined, stop: () => observer.disconnect() };
}

/** The young generation's reserved size now (both semi-spaces), in bytes. */
export function youngGenerationBytes(): number {
  return getHeapSpaceStatistics().find((space) => space.space_name === 'new_space')?.space_size ?? 0;
}
