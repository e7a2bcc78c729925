// The load generator process: autocannon against one target, every response checked (./lib/checks.mjs).
// Input: one JSON argument { url, method, path, headers, body, check, connections, durationS } (or `amount`: that many
// requests instead of a duration), or a mix
// { mix: [{ url, method, path, headers, body, check }, ...], connections, durationS }: one autocannon instance per
// entry, all at once in this process, each with `connections` connections; the figures add up over the mix.
// Output: one JSON line on stdout { responses, ok, failures, wrongStatus, wrongBody, errors, timeouts, durationS,
// rps (correct answers per second), p50, p99 (ms, every response), cpuUsPerResponse (this process's CPU, user +
// system, from the first request to the last answer, per response: what the load generator takes from the cores it
// shares with the server under test), sample (the first wrong answer, cut short) }.
import autocannon from 'autocannon';
import { buildCheck } from './lib/checks.mjs';
import { percentile } from './lib/report.mjs';

const spec = JSON.parse(process.argv[2]);
const latencies = [];
const tally = { ok: 0, wrongStatus: 0, wrongBody: 0, sample: undefined };

/** One autocannon instance against `target`; resolves with autocannon's result. */
function load(target) {
  const check = buildCheck(target.check);
  const instance = autocannon({
    url: target.url,
    connections: spec.connections,
    ...(spec.amount ? { amount: spec.amount } : { duration: spec.durationS }),
    pipelining: 1,
    timeout: 10,
    requests: [
      {
        method: target.method,
        path: target.path,
        headers: target.headers,
        body: target.body,
        onResponse: (status, body) => {
          const wrong = check(status, body);
          if (wrong === undefined) tally.ok += 1;
          else {
            if (wrong.startsWith('status')) tally.wrongStatus += 1;
            else tally.wrongBody += 1;
            tally.sample ??= `${target.method} ${target.path}: ${wrong}: ${String(body).slice(0, 300)}`;
          }
        },
      },
    ],
  });
  instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
  return instance;
}

const cpuBefore = process.cpuUsage();
const results = await Promise.all((spec.mix ?? [spec]).map(load));
const cpu = process.cpuUsage(cpuBefore);
latencies.sort((a, b) => a - b);
const durationS = Math.max(...results.map((r) => r.duration || 0)) || spec.durationS;
const errors = results.reduce((n, r) => n + r.errors, 0);
const failures = tally.wrongStatus + tally.wrongBody + errors;
console.log(
  JSON.stringify({
    responses: latencies.length,
    ok: tally.ok,
    failures,
    wrongStatus: tally.wrongStatus,
    wrongBody: tally.wrongBody,
    errors,
    timeouts: results.reduce((n, r) => n + r.timeouts, 0),
    durationS,
    rps: Math.round(tally.ok / durationS),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    cpuUsPerResponse: latencies.length ? Math.round((cpu.user + cpu.system) / latencies.length) : undefined,
    sample: tally.sample,
  }),
);
