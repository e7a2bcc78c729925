// Shared by the observability tests: the observed capability served in-process with a logger writing to memory,
// and small readers for log lines and the Prometheus text format.
import { fileURLToPath } from 'node:url';
import { createLogger, type Logger } from '../../../src/observe/log.js';
import { serveCapability, type Served } from '../../helpers/runtime.js';
import type { RuntimeOptions } from '../../../src/runtime.js';

export const OBSERVED = fileURLToPath(new URL('../../fixtures/observe/observed-fleet.yaml', import.meta.url));
/** The bound API key: it must never show up in a log line, a metric or a span. */
export const FLEET_KEY = 'fleet-key-5up3r-s3cr3t-7d1e';

export interface Logged {
  logger: Logger;
  lines: string[];
  /** Every line parsed. */
  entries(): Record<string, unknown>[];
  /** Request lines (one per request: those with a duration). */
  requests(): Record<string, unknown>[];
}

export function memoryLogger(level: 'info' | 'debug' = 'info'): Logged {
  const lines: string[] = [];
  const logger = createLogger({ level, destination: { write: (line: string) => void lines.push(line) } });
  const entries = () => lines.map((l) => JSON.parse(l) as Record<string, unknown>);
  return { logger, lines, entries, requests: () => entries().filter((e) => typeof e.reqId === 'string' && typeof e.ms === 'number') };
}

export async function serveObserved(upstreamUrl: string, logger: Logger, runtime: Omit<RuntimeOptions, 'ports' | 'timeoutMs' | 'logger'> = {}, timeoutMs?: number): Promise<Served> {
  return serveCapability(OBSERVED, { env: { FLEET_KEY }, upstreamUrl, logger, timeoutMs, runtime: { otelEnv: {}, ...runtime } });
}

/** Waits until `predicate` holds (log lines are written when the response closes, just after the client has it). */
export async function until(predicate: () => boolean, what: string, timeoutMs = 5_000): Promise<void> {
  const deadline = Date.now() + timeoutMs;
  while (!predicate()) {
    if (Date.now() > deadline) throw new Error(`timed out waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 10));
  }
}

export interface Sample {
  name: string;
  labels: Record<string, string>;
  value: number;
}

/** Parses the Prometheus text exposition format (one sample per line; comments skipped). */
export function parsePrometheus(text: string): Sample[] {
  const samples: Sample[] = [];
  for (const line of text.split('\n')) {
    if (line === '' || line.startsWith('#')) continue;
    const match = /^([a-zA-Z_:][a-zA-Z0-9_:]*)(?:\{(.*)\})? (\S+)$/.exec(line);
    if (!match) throw new Error(`not a Prometheus sample line: ${line}`);
    const labels: Record<string, string> = {};
    for (const [, key, value] of (match[2] ?? '').matchAll(/([a-zA-Z_][a-zA-Z0-9_]*)="((?:[^"\\]|\\.)*)"/g)) labels[key!] = value!.replace(/\\(.)/g, '$1');
    samples.push({ name: match[1]!, labels, value: Number(match[3]) });
  }
  return samples;
}

/** The value of the one sample with this name whose labels include `labels` (0 when there is none). */
export function sampleValue(samples: readonly Sample[], name: string, labels: Record<string, string> = {}): number {
  const found = samples.filter((s) => s.name === name && Object.entries(labels).every(([k, v]) => s.labels[k] === v));
  if (found.length > 1) throw new Error(`${found.length} samples of ${name} match ${JSON.stringify(labels)}`);
  return found[0]?.value ?? 0;
}
