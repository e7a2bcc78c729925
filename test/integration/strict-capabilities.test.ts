// The shipped capabilities pass `capability validate --strict` with no findings (they declare the runtime-extensions
// dialect); without that declaration the same file fails --strict (with a hint to declare it) and still passes by default.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, killRunningChildren, ROOT, runCli } from '../helpers/cli.js';

// Values for the binds, so that no "unset variable" warning hides among the findings (dummy: nothing is called).
const env = { SCHEMATIC_API_KEY: 'k1', METRONOME_API_KEY: 'k2', STIGG_API_KEY: 'k3', TOGAI_API_TOKEN: 'k4' };

let dir: string;
beforeAll(async () => {
  await ensureFreshBuild();
  dir = await mkdtemp(join(tmpdir(), 'cap-strict-'));
});
afterAll(async () => {
  killRunningChildren();
  await rm(dir, { recursive: true, force: true });
});

describe('capability validate --strict capabilities/', () => {
  it('reports nothing', async () => {
    const result = await runCli(['validate', '--strict', 'capabilities/'], { env });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('valid: 4 file(s), 0 warning(s)\n');
    expect(result.code).toBe(0);
  });

  it('reports nothing in the default mode either', async () => {
    const result = await runCli(['validate', 'capabilities/'], { env });
    expect(result.stderr).toBe('');
    expect(result.stdout).toBe('valid: 4 file(s), 0 warning(s)\n');
  });

  it('without `x-dialect: runtime-extensions` the same file fails --strict, with a hint, and passes by default', async () => {
    const text = await readFile(join(ROOT, 'capabilities', 'schematic.yaml'), 'utf8');
    expect(text).toMatch(/^x-dialect: runtime-extensions\b/m);
    const file = join(dir, 'schematic-plain.yaml');
    await writeFile(file, text.replace(/^x-dialect: .*\n/m, ''));

    const strict = await runCli(['validate', '--strict', file], { env });
    expect(strict.code).toBe(1);
    expect(strict.stderr).toMatch(/error {2}CAP_SCHEMA_REQUIRED {2}missing required property "properties"/);
    expect(strict.stderr).toMatch(/error {2}CAP_SCHEMA_UNKNOWN_PROPERTY {2}property "format" is not in the Naftiko 1\.0\.0-alpha2 schema[^\n]*\n {4}hint: a runtime extension \(the default mode accepts it\); declare `x-dialect: runtime-extensions`/);

    const lenient = await runCli(['validate', file], { env });
    expect(lenient.code).toBe(0);
    expect(lenient.stderr).toBe('');
  });
});
