import { Counter, Gauge, Histogram, Registry } from 'prom-client';
import { describe, expect, it } from 'vitest';
import { boundCounter, boundGauge, boundHistogram } from './metric-series.js';

const BUCKETS = [0.001, 0.01, 0.1, 1];
const VALUES = [0.0005, 0.002, 0.002, 0.05, 0.7, 3];

/** One registry with a counter, a gauge and a histogram, updated by `update`; the scrape text. */
async function scrapeAfter(update: (m: { counter: Counter<string>; gauge: Gauge<string>; histogram: Histogram<string> }) => void): Promise<string> {
  const registers = [new Registry()];
  const counter = new Counter({ name: 't_total', help: 'h', labelNames: ['a', 'status'], registers });
  const gauge = new Gauge({ name: 't_in_flight', help: 'h', labelNames: ['a'], registers });
  const histogram = new Histogram({ name: 't_seconds', help: 'h', labelNames: ['a'], buckets: BUCKETS, registers });
  update({ counter, gauge, histogram });
  return registers[0]!.metrics();
}

describe('bound metric series', () => {
  it('scrape exactly like the same updates made through prom-client', async () => {
    const plain = await scrapeAfter(({ counter, gauge, histogram }) => {
      for (const v of VALUES) {
        counter.inc({ a: 'x', status: '200' });
        histogram.observe({ a: 'x' }, v);
        gauge.inc({ a: 'x' });
      }
      counter.inc({ a: 'y', status: '500' });
      gauge.dec({ a: 'x' });
    });
    const bound = await scrapeAfter(({ counter, gauge, histogram }) => {
      const ok = boundCounter(counter, { a: 'x', status: '200' });
      const observe = boundHistogram(histogram, { a: 'x' });
      const inFlight = boundGauge(gauge, { a: 'x' });
      for (const v of VALUES) {
        ok();
        observe(v);
        inFlight.inc();
      }
      boundCounter(counter, { a: 'y', status: '500' })();
      inFlight.dec();
    });
    expect(bound).toBe(plain);
    expect(bound).toContain('t_seconds_bucket{le="0.01",a="x"} 3');
    expect(bound).toContain('t_seconds_count{a="x"} 6');
  });

  it('a series prom-client dropped (reset) is bound again on its next update', async () => {
    const text = await scrapeAfter(({ counter, histogram }) => {
      const ok = boundCounter(counter, { a: 'x', status: '200' });
      const observe = boundHistogram(histogram, { a: 'x' });
      ok();
      observe(0.5);
      counter.reset();
      histogram.reset();
      ok();
      observe(0.002);
    });
    expect(text).toContain('t_total{a="x",status="200"} 1');
    expect(text).toContain('t_seconds_count{a="x"} 1');
    expect(text).toContain('t_seconds_sum{a="x"} 0.002');
  });
});
