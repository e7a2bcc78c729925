// Editor support: every shipped capability file starts with a `# yaml-language-server: $schema=` line pointing at the
// JSON Schema of its own Naftiko version in this package (a relative path, valid in a clone and in node_modules),
// and the loader treats that line as the comment it is (the file loads with the same findings as without it).
import { readdirSync, existsSync, readFileSync } from 'node:fs';
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../../src/prepare.js';
import { ROOT } from '../helpers/cli.js';

const shipped = ['capabilities', 'capabilities/shared'].flatMap((d) =>
  readdirSync(join(ROOT, d))
    .filter((f) => f.endsWith('.yaml'))
    .map((f) => join(ROOT, d, f)),
);
const LINE = /^# yaml-language-server: \$schema=(\S+)\n/;

describe('editor schema line', () => {
  it.each(shipped.map((f) => [f.slice(ROOT.length)] as const))('%s points at the schema of its Naftiko version', (relativePath) => {
    const file = join(ROOT, relativePath);
    const text = readFileSync(file, 'utf8');
    const match = LINE.exec(text);
    expect(match, 'first line').not.toBeNull();
    const target = resolve(dirname(file), match![1]!);
    expect(existsSync(target)).toBe(true);
    const version = /^naftiko: "?([\w.-]+)"?$/m.exec(text)![1]!;
    expect(target).toBe(join(ROOT, 'schemas', `naftiko-${version}.schema.json`));
  });

  it('is a comment to the loader: the same findings, at the same positions shifted by one line', async () => {
    const dir = await mkdtemp(join(tmpdir(), 'cap-schema-line-'));
    const original = readFileSync(join(ROOT, 'capabilities/togai.yaml'), 'utf8').replace(LINE, '');
    await writeFile(join(dir, 'without.yaml'), original + 'unknownSection: 1\n');
    await writeFile(join(dir, 'with.yaml'), '# yaml-language-server: $schema=../schemas/naftiko-1.0.0-alpha2.schema.json\n' + original + 'unknownSection: 1\n');
    const env = { TOGAI_API_TOKEN: 'x' };
    const [without, withLine] = await Promise.all([prepareCapabilities([join(dir, 'without.yaml')], { env }), prepareCapabilities([join(dir, 'with.yaml')], { env })]);
    const shape = (p: typeof without) => p.diagnostics.map((d) => ({ code: d.code, severity: d.severity, line: d.line, col: d.col, message: d.message }));
    expect(withLine.ok).toBe(without.ok);
    expect(shape(without).length).toBeGreaterThan(0);
    expect(shape(withLine)).toStrictEqual(shape(without).map((d) => ({ ...d, line: d.line + 1 })));
  });
});
