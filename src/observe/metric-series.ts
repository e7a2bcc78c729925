// One labelled series of a prom-client metric, bound once so that a request updates it without prom-client's
// per-call label work (label validation, the label hash, an object per call): on the request path that work cost more
// than the rest of the metrics together. The first update of a series goes through prom-client's public API, which
// creates the series as it always does; later updates add to that series' own record. prom-client is pinned (see
// package.json) and src/observe/metric-series.test.ts checks that a bound series scrapes exactly like an unbound one.
// Should prom-client drop or replace the series (reset(), remove()), the next update binds again.
import type { Counter, Gauge, Histogram } from 'prom-client';

type Labels = Record<string, string>;

/** What prom-client keeps per series: a value (counter, gauge), or a sum, a count and bucket counts (histogram). */
interface SeriesRecord {
  labels: Labels;
  value?: number;
  sum?: number;
  count?: number;
  bucketValues?: Record<number, number>;
}

/** The prom-client internals a bound series reads (prom-client 15). */
interface Internals {
  hashMap: Record<string, SeriesRecord>;
  upperBounds?: number[];
}

/** Finds the record prom-client made for `labels` (once per series: a scan of the metric's series). */
function recordOf(metric: Internals, labels: Labels): { key: string; record: SeriesRecord } | undefined {
  const names = Object.keys(labels);
  for (const key in metric.hashMap) {
    const record = metric.hashMap[key]!;
    if (names.every((name) => record.labels[name] === labels[name]) && Object.keys(record.labels).length === names.length) return { key, record };
  }
  return undefined;
}

/** A series updated in place once bound; `first` performs an update through prom-client itself. */
function bound(metric: Internals, labels: Labels, first: (delta: number) => void, add: (record: SeriesRecord, delta: number) => void): (delta: number) => void {
  let map: Record<string, SeriesRecord> | undefined;
  let key = '';
  let record: SeriesRecord | undefined;
  return (delta) => {
    if (record && metric.hashMap === map && map[key] === record) return add(record, delta);
    first(delta);
    const found = recordOf(metric, labels);
    map = metric.hashMap;
    key = found?.key ?? '';
    record = found?.record;
  };
}

export const boundCounter = (counter: Counter<string>, labels: Labels): (() => void) => {
  const inc = bound(
    counter as unknown as Internals,
    labels,
    () => counter.inc(labels),
    (record) => void (record.value! += 1),
  );
  return () => inc(1);
};

export const boundGauge = (gauge: Gauge<string>, labels: Labels): { inc(): void; dec(): void } => {
  const add = bound(
    gauge as unknown as Internals,
    labels,
    (delta) => gauge.inc(labels, delta),
    (record, delta) => void (record.value! += delta),
  );
  return { inc: () => add(1), dec: () => add(-1) };
};

export const boundHistogram = (histogram: Histogram<string>, labels: Labels): ((value: number) => void) => {
  const bounds = (histogram as unknown as Internals).upperBounds!;
  // The bucket records are keyed by the bounds' text: converted once here, not on every observation.
  const keys = bounds.map(String);
  return bound(
    histogram as unknown as Internals,
    labels,
    (value) => histogram.observe(labels, value),
    (record, value) => {
      // What prom-client's observe does to the series: the sum, the count, and the first bucket the value fits in
      // (buckets are cumulated when scraped).
      record.sum! += value;
      record.count! += 1;
      for (let i = 0; i < bounds.length; i++) {
        if (value <= bounds[i]!) {
          (record.bucketValues as unknown as Record<string, number>)[keys[i]!]! += 1;
          return;
        }
      }
    },
  );
};

/**
 * Bound series by key, made on first use: the label sets come from the capability, so the map stays small. Nest one
 * per label rather than joining labels into one key: a joined key is a new string per request, hashed every time,
 * where the label strings themselves (adapter, operation names) keep their hash.
 */
export function seriesCache<T>(make: (key: string) => T): (key: string) => T {
  const cache = new Map<string, T>();
  return (key) => {
    let series = cache.get(key);
    if (series === undefined) cache.set(key, (series = make(key)));
    return series;
  };
}
