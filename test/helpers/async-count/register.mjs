// `node --import <this file>`: counts the async resources the process creates (async_hooks `init`, by type: PROMISE,
// TickObject, Timeout, ...) and, on SIGUSR2, appends the counts since the previous signal as one JSON line to the file
// named by CAPABILITY_ASYNC_COUNT, so that a test can see what requests cost in promises and ticks
// (test/integration/mcp-per-request.test.ts). Test-only; never imported by the runtime.
// It also reports `storesOn`: how many AsyncLocalStorage instances that were ever entered are on at that moment
// (Node 20: while one is, its hooks run for every promise of the process).
import { AsyncLocalStorage, createHook } from 'node:async_hooks';
import { appendFileSync } from 'node:fs';

const file = process.env.CAPABILITY_ASYNC_COUNT;
if (file) {
  let counts = {};
  createHook({ init: (_id, type) => void (counts[type] = (counts[type] ?? 0) + 1) }).enable();
  const stores = new Set();
  const run = AsyncLocalStorage.prototype.run;
  AsyncLocalStorage.prototype.run = function (...args) {
    stores.add(this);
    return run.apply(this, args);
  };
  process.on('SIGUSR2', () => {
    const storesOn = [...stores].filter((store) => store.enabled === true).length;
    appendFileSync(file, JSON.stringify({ ...counts, storesOn, storesEntered: stores.size }) + '\n');
    counts = {};
  });
}
