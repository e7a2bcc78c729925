// `.ci/build-image` (run by .ci/run after the tests): builds the container image only with a working builder and
// never fails CI for the environment (no builder, a docker CLI without a daemon, no registry access), but does for a
// build that ran and failed on our Dockerfile. The builders here are small stand-in scripts on PATH that answer as
// docker does in each situation (this machine's docker has no daemon and no network), and record how they were called.
import { execFile } from 'node:child_process';
import { chmodSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { ROOT } from '../helpers/cli.js';

const SCRIPT = join(ROOT, '.ci', 'build-image');
const dirs: string[] = [];
afterAll(() => {
  for (const dir of dirs) rmSync(dir, { recursive: true, force: true });
});

interface Behaviour {
  info?: number;
  inspect?: number;
  pull?: number;
  /** Exit status and output of `build`. */
  build?: { status: number; output: string };
}

/** A folder holding a stand-in `docker` that answers as told and appends each call's arguments to calls.log. */
function fakeDocker(behaviour: Behaviour): string {
  const dir = mkdtempSync(join(tmpdir(), 'cap-ci-image-'));
  dirs.push(dir);
  const build = behaviour.build ?? { status: 0, output: 'Successfully built' };
  writeFileSync(
    join(dir, 'docker'),
    `#!/bin/sh
echo "$*" >> "${join(dir, 'calls.log')}"
case "$1" in
  info) exit ${behaviour.info ?? 0} ;;
  image) exit ${behaviour.inspect ?? 0} ;;
  pull) exit ${behaviour.pull ?? 0} ;;
  build) printf '%s\\n' ${JSON.stringify(build.output)}; exit ${build.status} ;;
esac
exit 0
`,
  );
  chmodSync(join(dir, 'docker'), 0o755);
  return dir;
}

function run(pathDir: string | undefined, builders: string): Promise<{ code: number; stdout: string }> {
  const PATH = [pathDir, '/usr/bin', '/bin'].filter(Boolean).join(':');
  return new Promise((resolve) => {
    execFile('bash', [SCRIPT], { cwd: ROOT, env: { PATH, IMAGE_BUILDERS: builders, IMAGE_PROBE_TIMEOUT: '5' } }, (err, stdout) => {
      resolve({ code: err ? Number((err as { code?: number }).code ?? 1) : 0, stdout });
    });
  });
}

const calls = (dir: string): string[] => readFileSync(join(dir, 'calls.log'), 'utf8').trim().split('\n');

describe('.ci/build-image', () => {
  it('skips (exit 0) when no builder is installed, naming what it looked for', async () => {
    const { code, stdout } = await run(undefined, 'no-such-builder-a no-such-builder-b');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('image: skipped: no working container builder (no-such-builder-a not installed; no-such-builder-b not installed)');
  });

  it('skips when docker is installed but `docker info` fails (no daemon), without trying to build', async () => {
    const dir = fakeDocker({ info: 1 });
    const { code, stdout } = await run(dir, 'docker');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^image: skipped: no working container builder \(docker installed but 'docker info' fails/);
    expect(calls(dir)).toStrictEqual(['info']);
  });

  it('skips when the base image is not present and cannot be pulled (no registry access)', async () => {
    const dir = fakeDocker({ inspect: 1, pull: 1 });
    const { code, stdout } = await run(dir, 'docker');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('image: skipped: docker cannot pull the base image node:20-bookworm-slim (no registry access?)');
    expect(calls(dir)).toStrictEqual(['info', 'image inspect node:20-bookworm-slim', 'pull node:20-bookworm-slim']);
  });

  it('skips when the build itself cannot reach the network (npm ci inside the build)', async () => {
    const dir = fakeDocker({ build: { status: 1, output: 'npm error code EAI_AGAIN\nnpm error request to https://registry.npmjs.org/fastify failed' } });
    const { code, stdout } = await run(dir, 'docker');
    expect(code).toBe(0);
    expect(stdout).toMatch(/^image: skipped: the docker build needs the network .*EAI_AGAIN/);
  });

  it('builds with the first working builder and says so', async () => {
    const dir = fakeDocker({});
    const { code, stdout } = await run(dir, 'no-such-builder docker');
    expect(code).toBe(0);
    expect(stdout.trim()).toBe('image: built capability-runtime:ci with docker');
    expect(calls(dir)).toContain('build -t capability-runtime:ci .');
  });

  it('fails (exit 1) with the end of the log when the builder worked and the build failed on our files', async () => {
    const dir = fakeDocker({ build: { status: 1, output: 'COPY failed: file not found in build context: scripts/missing.mjs' } });
    const { code, stdout } = await run(dir, 'docker');
    expect(code).toBe(1);
    expect(stdout).toMatch(/^image: FAILED: docker build -t capability-runtime:ci \. exited 1; the end of its log:\n {2}COPY failed: file not found/);
  });
});
