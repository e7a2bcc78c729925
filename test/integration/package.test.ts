// The published package works on its own: `npm pack` holds the built CLI, the schemas and the shipped capabilities,
// and the packed `capability` command validates them. Dependencies are linked from this checkout (no network).
import { execFile } from 'node:child_process';
import { mkdtemp, readFile, symlink } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { promisify } from 'node:util';
import { describe, expect, it } from 'vitest';
import { ensureFreshBuild, ROOT } from '../helpers/cli.js';

const run = promisify(execFile);

describe('package', () => {
  it('npm pack contains what the command needs, and the packed command validates the shipped capabilities', async () => {
    await ensureFreshBuild();
    const dir = await mkdtemp(join(tmpdir(), 'cap-pack-'));
    const { stdout } = await run('npm', ['pack', ROOT, '--pack-destination', dir, '--ignore-scripts', '--json'], { cwd: dir });
    const [packed] = JSON.parse(stdout) as { filename: string; files: { path: string }[] }[];
    const paths = packed!.files.map((f) => f.path);
    for (const needed of ['bin/capability.js', 'dist/cli.js', 'dist/index.js', 'dist/index.d.ts', 'schemas/naftiko-1.0.0-alpha2.schema.json', 'capabilities/schematic.yaml', 'LICENSE', 'README.md', 'dist/validate/generated/naftiko-1.0.0-alpha3+runtime-extensions.cjs', 'dist/validate/generated/json-schema-2020-12.cjs', 'dist/bundle/cli.js', 'dist/bundle/shutdown-signals.js']) {
      expect(paths, needed).toContain(needed);
    }
    expect(paths.some((p) => p.startsWith('src/') || p.startsWith('test/'))).toBe(false);

    await run('tar', ['xzf', join(dir, packed!.filename), '-C', dir]);
    await symlink(join(ROOT, 'node_modules'), join(dir, 'package', 'node_modules'));
    const manifest = JSON.parse(await readFile(join(dir, 'package', 'package.json'), 'utf8')) as { exports: Record<string, unknown>; types: string };
    expect(manifest.types).toBe('./dist/index.d.ts');
    const validate = await run(process.execPath, [join(dir, 'package', 'bin', 'capability.js'), 'validate', 'capabilities/'], { cwd: join(dir, 'package'), env: { PATH: process.env.PATH ?? '' } });
    expect(validate.stdout).toMatch(/^valid: 4 file\(s\)/m);
    const api = await run(process.execPath, ['--input-type=module', '-e', "const m = await import('capability-runtime'); console.log(typeof m.prepareCapabilities, typeof m.startRuntime)"], { cwd: join(dir, 'package') });
    expect(api.stdout.trim()).toBe('function function');
    // Editors and tools can reach the JSON Schemas through the package's exports.
    const schema = await run(process.execPath, ['--input-type=module', '-e', "console.log(import.meta.resolve('capability-runtime/schemas/naftiko-1.0.0-alpha2.schema.json'))"], { cwd: join(dir, 'package') });
    expect(schema.stdout.trim()).toBe(`file://${join(dir, 'package', 'schemas', 'naftiko-1.0.0-alpha2.schema.json')}`);
  }, 60_000);
});
