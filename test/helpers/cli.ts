// Runs the real `capability` CLI (bin/capability.js → dist/) as a child process: one-shot commands, and `serve`
// read line by line until its adapters are printed. Also rebuilds dist/ when it is older than src/.
import { execFile, spawn, type ChildProcess } from 'node:child_process';
import { readdirSync, statSync } from 'node:fs';
import { createServer } from 'node:net';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';

export const ROOT = fileURLToPath(new URL('../../', import.meta.url));
const BIN = join(ROOT, 'bin', 'capability.js');
const TSC = join(ROOT, 'node_modules', 'typescript', 'bin', 'tsc');

function newestMtime(dir: string): number {
  let newest = 0;
  for (const entry of readdirSync(dir, { withFileTypes: true })) {
    const path = join(dir, entry.name);
    newest = Math.max(newest, entry.isDirectory() ? newestMtime(path) : statSync(path).mtimeMs);
  }
  return newest;
}

const mtimeOf = (path: string): number => {
  try {
    return statSync(path).mtimeMs;
  } catch {
    return 0;
  }
};

const runNode = (args: string[], what: string) =>
  new Promise<void>((resolve, reject) => {
    execFile(process.execPath, args, { cwd: ROOT }, (err, stdout, stderr) => {
      if (err) reject(new Error(`${what} failed:\n${stdout}${stderr}`));
      else resolve();
    });
  });

/**
 * What `npm run build` does, when needed: compiles src/ into dist/ (tsc -p tsconfig.build.json) when dist/cli.js is
 * missing or older than any source file, and regenerates the standalone schema validators (dist/validate/generated)
 * when they are missing or older than the schemas or the generator, and bundles the CLI (scripts/bundle.mjs) when
 * dist/bundle/ is older than dist/ or than the bundling scripts.
 */
export async function ensureFreshBuild(): Promise<'fresh' | 'rebuilt'> {
  const built = mtimeOf(join(ROOT, 'dist', 'cli.js'));
  const compiled = built > newestMtime(join(ROOT, 'src'));
  if (!compiled) await runNode([TSC, '-p', 'tsconfig.build.json'], 'tsc -p tsconfig.build.json');
  const generator = join(ROOT, 'scripts', 'generate-validators.mjs');
  const generated = mtimeOf(join(ROOT, 'dist', 'validate', 'generated', 'json-schema-2020-12.cjs'));
  // (A validator older than the schemas is never used wrongly: its digest no longer matches and the schema is compiled.)
  const stale = generated === 0 || generated < Math.max(newestMtime(join(ROOT, 'schemas')), mtimeOf(generator));
  if (stale) await runNode([generator], 'scripts/generate-validators.mjs');
  // The CLI bundle (bin/capability.js runs it only when it is at least as new as dist/cli.js) and its code caches.
  const bundler = Math.max(mtimeOf(join(ROOT, 'scripts', 'bundle.mjs')), newestMtime(join(ROOT, 'scripts', 'bundle')));
  const bundled = mtimeOf(join(ROOT, 'dist', 'bundle', 'cli.js')) >= Math.max(mtimeOf(join(ROOT, 'dist', 'cli.js')), bundler);
  if (!bundled) await runNode([join(ROOT, 'scripts', 'bundle.mjs')], 'scripts/bundle.mjs');
  return compiled && !stale && bundled ? 'fresh' : 'rebuilt';
}

/** A child environment with only PATH and what the test gives (never the outer process's secrets). */
export const childEnv = (extra: Record<string, string> = {}): NodeJS.ProcessEnv => ({ PATH: process.env.PATH ?? '', ...extra });

export interface CliResult {
  code: number | null;
  signal: NodeJS.Signals | null;
  stdout: string;
  stderr: string;
}

const running = new Set<ChildProcess>();

/** Runs `capability <args>` to completion. */
export function runCli(args: readonly string[], options: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, ...args], { cwd: options.cwd ?? ROOT, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => (stdout += chunk));
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    const timer = setTimeout(() => {
      child.kill('SIGKILL');
      reject(new Error(`capability ${args.join(' ')} did not finish within ${options.timeoutMs ?? 30_000} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.on('error', reject);
    child.on('close', (code, signal) => {
      clearTimeout(timer);
      running.delete(child);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

export interface ServeProcess {
  /** The stdout lines printed so far. */
  lines: string[];
  stderr(): string;
  /** Sends a signal without waiting (e.g. SIGHUP: reload). */
  signal(signal: NodeJS.Signals): void;
  /** Sends a signal and waits for the process to exit. */
  stop(signal?: NodeJS.Signals): Promise<CliResult>;
}

/** Starts `capability serve <args>` and resolves once `expectedLines` stdout lines are printed. */
export function startServe(args: readonly string[], expectedLines: number, options: { env?: Record<string, string>; timeoutMs?: number; cwd?: string } = {}): Promise<ServeProcess> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, [BIN, 'serve', ...args], { cwd: options.cwd ?? ROOT, env: childEnv(options.env), stdio: ['ignore', 'pipe', 'pipe'] });
    running.add(child);
    let stdout = '';
    let stderr = '';
    const lines: string[] = [];
    let settled = false;
    const exited = new Promise<CliResult>((done) => {
      child.on('close', (code, signal) => {
        running.delete(child);
        done({ code, signal, stdout, stderr });
      });
    });
    const handle: ServeProcess = {
      lines,
      stderr: () => stderr,
      signal: (signal) => void child.kill(signal),
      async stop(signal = 'SIGTERM') {
        if (child.exitCode === null && child.signalCode === null) child.kill(signal);
        return exited;
      },
    };
    const timer = setTimeout(() => {
      if (settled) return;
      settled = true;
      child.kill('SIGKILL');
      reject(new Error(`serve printed ${lines.length} of ${expectedLines} lines within ${options.timeoutMs ?? 30_000} ms\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    }, options.timeoutMs ?? 30_000);
    child.stdout!.setEncoding('utf8').on('data', (chunk: string) => {
      stdout += chunk;
      lines.splice(0, lines.length, ...stdout.split('\n').filter((l) => l.length > 0));
      if (!settled && lines.length >= expectedLines) {
        settled = true;
        clearTimeout(timer);
        resolve(handle);
      }
    });
    child.stderr!.setEncoding('utf8').on('data', (chunk: string) => (stderr += chunk));
    void exited.then((result) => {
      if (settled) return;
      settled = true;
      clearTimeout(timer);
      reject(new Error(`serve exited (code ${result.code}, signal ${result.signal}) after ${lines.length} of ${expectedLines} lines\nstdout:\n${stdout}\nstderr:\n${stderr}`));
    });
  });
}

/** Kills every child this module started that is still running (for afterAll/afterEach). */
export function killRunningChildren(): void {
  for (const child of running) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
  running.clear();
}

/** True when every port can be bound on 127.0.0.1 right now. */
export async function portsFree(ports: readonly number[]): Promise<boolean> {
  for (const port of ports) {
    const free = await new Promise<boolean>((resolve) => {
      const server = createServer();
      server.once('error', () => resolve(false));
      server.listen(port, '127.0.0.1', () => server.close(() => resolve(true)));
    });
    if (!free) return false;
  }
  return true;
}
