// Child processes for the benchmark: every server and the load generator run in their own process, so none shares
// an event loop with another. Helpers to start them, wait for their ports, read their RSS and stop them.
import { execFile, spawn } from 'node:child_process';
import { once } from 'node:events';
import { readFileSync } from 'node:fs';
import { readFile } from 'node:fs/promises';
import { connect, createServer } from 'node:net';
import { performance } from 'node:perf_hooks';
import { createInterface } from 'node:readline';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
export const CLI = fileURLToPath(new URL('../../bin/capability.js', import.meta.url));
const children = new Set();

/** Only PATH and what the bench gives: the outer environment's secrets never reach a child. */
const childEnv = (extra) => ({ PATH: process.env.PATH ?? '', ...extra });

function track(child) {
  children.add(child);
  let stderr = '';
  child.stderr?.setEncoding('utf8').on('data', (chunk) => (stderr = (stderr + chunk).slice(-4000)));
  child.on('exit', () => children.delete(child));
  return () => stderr;
}

/** Starts `node servers/<script> [args]`, waits for its first stdout line (JSON) and returns { child, info, stderr }. */
export async function startServer(script, env = {}, { args = [], timeoutMs = 60_000 } = {}) {
  const child = spawn(process.execPath, [fileURLToPath(new URL(`../servers/${script}`, import.meta.url)), ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = track(child);
  const lines = createInterface({ input: child.stdout });
  const first = await Promise.race([
    once(lines, 'line').then(([line]) => line),
    once(child, 'exit').then(([code]) => Promise.reject(new Error(`${script} exited (${code}) before it was ready:\n${stderr()}`))),
    new Promise((_, reject) => setTimeout(() => reject(new Error(`${script} was not ready within ${timeoutMs} ms:\n${stderr()}`)), timeoutMs).unref()),
  ]);
  return { child, info: JSON.parse(first), stderr };
}

/** Node flags for every runtime process (BENCH_RUNTIME_NODE_FLAGS), e.g. to compare V8 settings; none by default. */
const RUNTIME_NODE_FLAGS = (process.env.BENCH_RUNTIME_NODE_FLAGS ?? '').split(' ').filter(Boolean);

/** Runs `capability <args>` (the real CLI), e.g. serve with --port and --upstream overrides; does not wait for the ports. */
export function startCli(args, env = {}, nodeFlags = []) {
  const child = spawn(process.execPath, [...RUNTIME_NODE_FLAGS, ...nodeFlags, CLI, ...args], { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'ignore', 'pipe'] });
  return { child, stderr: track(child) };
}

export const overrideArgs = (ports, upstreams) => [
  ...[...ports].flatMap(([ns, port]) => ['--port', `${ns}=${port}`]),
  ...[...upstreams].flatMap(([ns, url]) => ['--upstream', `${ns}=${url}`]),
];

/** A port that was free a moment ago (listen on 0, read it, close). */
export async function freePort() {
  const server = createServer();
  await new Promise((resolve) => server.listen(0, '127.0.0.1', resolve));
  const { port } = server.address();
  await new Promise((resolve) => server.close(resolve));
  return port;
}

const accepts = (port) =>
  new Promise((resolve) => {
    const socket = connect(port, '127.0.0.1');
    socket.once('connect', () => {
      socket.destroy();
      resolve(true);
    });
    socket.once('error', () => resolve(false));
  });

/** Polls until every port accepts a TCP connection; resolves with performance.now() at that moment. */
export async function waitForPorts(ports, child, timeoutMs = 30_000) {
  const deadline = performance.now() + timeoutMs;
  const pending = new Set(ports);
  while (pending.size > 0) {
    if (child.exitCode !== null || child.signalCode !== null) throw new Error(`the process exited (${child.exitCode ?? child.signalCode}) before ports ${[...pending].join(', ')} accepted`);
    if (performance.now() > deadline) throw new Error(`ports ${[...pending].join(', ')} did not accept within ${timeoutMs} ms`);
    for (const port of [...pending]) if (await accepts(port)) pending.delete(port);
    if (pending.size > 0) await new Promise((resolve) => setTimeout(resolve, 2));
  }
  return performance.now();
}

/** Resident set size of a process in bytes (Linux /proc; elsewhere `ps`). */
export async function rssOf(pid) {
  try {
    const status = await readFile(`/proc/${pid}/status`, 'utf8');
    const kb = Number(/VmRSS:\s+(\d+)/.exec(status)?.[1]);
    if (Number.isFinite(kb)) return kb * 1024;
  } catch {
    // not Linux: fall back to ps
  }
  const out = await new Promise((resolve, reject) => execFile('ps', ['-o', 'rss=', '-p', String(pid)], (err, stdout) => (err ? reject(err) : resolve(stdout))));
  return Number(out.trim()) * 1024;
}

/**
 * CPU time (user + system) a process has used so far, in µs, from /proc/<pid>/stat (Linux; clock ticks of 10 ms);
 * undefined elsewhere or when the process is gone. Read before and after a load, it gives the CPU per request of a
 * server, which holds on a shared machine where req/s does not.
 */
export function cpuMicros(pid) {
  if (pid === undefined) return undefined;
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    return (Number(fields[11]) + Number(fields[12])) * (1e6 / CLOCK_TICKS_PER_S);
  } catch {
    return undefined;
  }
}
const CLOCK_TICKS_PER_S = 100; // USER_HZ: 100 on every Linux architecture Node runs on

/** SIGTERM, then SIGKILL if the process is still there after 5 s. */
export async function stop(child) {
  if (child.exitCode !== null || child.signalCode !== null) return;
  const exited = once(child, 'exit');
  child.kill('SIGTERM');
  const timer = setTimeout(() => child.kill('SIGKILL'), 5000);
  await exited;
  clearTimeout(timer);
}

export async function stopAll() {
  await Promise.all([...children].map(stop));
}

/** Runs the load generator process (../load.mjs) against one target; resolves with its JSON result. */
export async function runLoad(target) {
  const child = spawn(process.execPath, [fileURLToPath(new URL('../load.mjs', import.meta.url)), JSON.stringify(target)], { cwd: ROOT, env: childEnv({}), stdio: ['ignore', 'pipe', 'pipe'] });
  const stderr = track(child);
  let stdout = '';
  child.stdout.setEncoding('utf8').on('data', (chunk) => (stdout += chunk));
  // 'close', not 'exit': stdout may still hold the result when the process has exited.
  const [code] = await once(child, 'close');
  const line = stdout.trim().split('\n').pop();
  if (code !== 0 || !line) throw new Error(`the load generator failed (${code}):\n${stderr()}`);
  return JSON.parse(line);
}

/** Wall time in ms of `node <args>` from spawn to exit; rejects on a non-zero exit. */
export async function timeNode(args, env = {}) {
  const start = performance.now();
  const child = spawn(process.execPath, args, { cwd: ROOT, env: childEnv(env), stdio: ['ignore', 'ignore', 'pipe'] });
  const stderr = track(child);
  const [code] = await once(child, 'exit');
  const ms = performance.now() - start;
  if (code !== 0) throw new Error(`node ${args.join(' ')} exited ${code}:\n${stderr()}`);
  return ms;
}
