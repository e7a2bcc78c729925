// The load generator process: autocannon against one target, every response checked (./lib/checks.mjs).
// Input: one JSON argument { url, method, path, headers, body, check, connections, durationS }.
// Output: one JSON line on stdout { responses, ok, failures, wrongStatus, wrongBody, errors, timeouts, durationS,
// rps (correct answers per second), p50, p99 (ms, every response), sample (the first wrong answer, cut short) }.
import autocannon from 'autocannon';
import { buildCheck } from './lib/checks.mjs';
import { percentile } from './lib/report.mjs';

const target = JSON.parse(process.argv[2]);
const check = buildCheck(target.check);
const latencies = [];
let ok = 0;
let wrongStatus = 0;
let wrongBody = 0;
let sample;

const instance = autocannon({
  url: target.url,
  connections: target.connections,
  duration: target.durationS,
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
        if (wrong === undefined) ok += 1;
        else {
          if (wrong.startsWith('status')) wrongStatus += 1;
          else wrongBody += 1;
          sample ??= `${wrong}: ${String(body).slice(0, 300)}`;
        }
      },
    },
  ],
});
instance.on('response', (_client, _status, _bytes, responseTime) => latencies.push(responseTime));
const result = await instance;
latencies.sort((a, b) => a - b);
const durationS = result.duration || target.durationS;
const failures = wrongStatus + wrongBody + result.errors;
console.log(
  JSON.stringify({
    responses: latencies.length,
    ok,
    failures,
    wrongStatus,
    wrongBody,
    errors: result.errors,
    timeouts: result.timeouts,
    durationS,
    rps: Math.round(ok / durationS),
    p50: percentile(latencies, 50),
    p99: percentile(latencies, 99),
    sample,
  }),
);
