// Starts a Prism mock server (node_modules/.bin/prism) for one OpenAPI file on a free 127.0.0.1 port.
// Waits until it answers HTTP; close() (or process exit) stops it. Works offline.
import { spawn, type ChildProcess } from 'node:child_process';
import { createServer } from 'node:net';
import { fileURLToPath } from 'node:url';

const PRISM_BIN = fileURLToPath(new URL('../../../node_modules/.bin/prism', import.meta.url));
const START_TIMEOUT_MS = 75_000; // generous: Prism parses a large OpenAPI file, slow on a busy 2-core machine
const LOG_LIMIT = 20_000; // characters of Prism output kept for error messages

// One exit hook for all running Prism children, so none outlives the test process.
const running = new Set<ChildProcess>();
process.once('exit', () => running.forEach((child) => child.kill('SIGKILL')));

export interface PrismServer {
  url: string;
  close(): Promise<void>;
}

/** Asks the OS for a free port by listening on port 0, then releases it for Prism. */
export function freePort(): Promise<number> {
  return new Promise((resolve, reject) => {
    const server = createServer();
    server.once('error', reject);
    server.listen(0, '127.0.0.1', () => {
      const address = server.address();
      const port = typeof address === 'object' && address ? address.port : 0;
      server.close(() => resolve(port));
    });
  });
}

export async function startPrism(specPath: string): Promise<PrismServer> {
  const port = await freePort();
  const url = `http://127.0.0.1:${port}`;
  const child = spawn(PRISM_BIN, ['mock', '-h', '127.0.0.1', '-p', String(port), specPath], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, FORCE_COLOR: '0', NO_COLOR: '1' },
  });

  // Prism logs every request; keep draining both pipes so it never blocks, keep only the tail.
  let stdout = '';
  let stderr = '';
  child.stdout.on('data', (chunk: Buffer) => (stdout = (stdout + chunk.toString()).slice(-LOG_LIMIT)));
  child.stderr.on('data', (chunk: Buffer) => (stderr = (stderr + chunk.toString()).slice(-LOG_LIMIT)));

  let exited: string | undefined;
  const exitedPromise = new Promise<void>((resolve) => {
    child.once('exit', (code, signal) => {
      exited = `exited with code ${code} signal ${signal}`;
      resolve();
    });
    child.once('error', (error) => {
      exited = `failed to spawn ${PRISM_BIN}: ${error.message}`;
      resolve();
    });
  });
  running.add(child);
  void exitedPromise.then(() => running.delete(child));

  const close = async () => {
    if (exited === undefined) {
      child.kill('SIGTERM');
      const timer = setTimeout(() => child.kill('SIGKILL'), 5_000);
      await exitedPromise;
      clearTimeout(timer);
    }
  };

  const deadline = Date.now() + START_TIMEOUT_MS;
  for (;;) {
    if (exited !== undefined) break;
    try {
      // Any HTTP answer (Prism says 404 for "/") means it is listening.
      const answer = await fetch(`${url}/`, { signal: AbortSignal.timeout(1_000) });
      await answer.arrayBuffer();
      return { url, close };
    } catch {
      if (Date.now() > deadline) break;
      await new Promise((resolve) => setTimeout(resolve, 200));
    }
  }
  const reason = exited ?? `no HTTP answer within ${START_TIMEOUT_MS / 1000} s`;
  await close();
  throw new Error(
    `Prism did not start for ${specPath} on ${url} (${reason}).\n` +
      `--- prism stderr ---\n${stderr}\n--- prism stdout ---\n${stdout}`,
  );
}
