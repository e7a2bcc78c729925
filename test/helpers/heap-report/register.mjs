// `node --import <this file>` (test-only, never imported by the runtime): after every garbage collection, notes the
// size of V8's young generation (new_space, both semi-spaces); at exit writes the largest size seen and the last one
// as JSON to the file named by CAPABILITY_HEAP_REPORT (test/integration/heap-limits.test.ts).
import { writeFileSync } from 'node:fs';
import { PerformanceObserver } from 'node:perf_hooks';
import { getHeapSpaceStatistics } from 'node:v8';

const file = process.env.CAPABILITY_HEAP_REPORT;
if (file) {
  const young = () => getHeapSpaceStatistics().find((s) => s.space_name === 'new_space')?.space_size ?? 0;
  let maxYoungBytes = young();
  let collections = 0;
  new PerformanceObserver((list) => {
    collections += list.getEntries().length;
    maxYoungBytes = Math.max(maxYoungBytes, young());
  }).observe({ entryTypes: ['gc'] });
  process.on('exit', () => writeFileSync(file, JSON.stringify({ maxYoungBytes: Math.max(maxYoungBytes, young()), lastYoungBytes: young(), collections })));
}
