// The x-max-response-bytes extension on a consumes adapter: accepted without a warning in lenient mode, reported
// under --strict, and a value that is not a positive integer is a load error at its position.
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../prepare.js';

const FIXTURE = new URL('../../test/fixtures/hostile/items.yaml', import.meta.url);

describe('x-max-response-bytes', () => {
  let dir: string;
  let text: string;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'cap-ext-'));
    text = await readFile(FIXTURE, 'utf8');
  });
  afterAll(() => rm(dir, { recursive: true, force: true }));

  const prepare = async (yaml: string, strict = false) => {
    const file = join(dir, `c${Math.random().toString(36).slice(2)}.yaml`);
    await writeFile(file, yaml);
    return { file, prepared: await prepareCapabilities([file], { env: { ITEMS_API_KEY: 'k' }, strict }) };
  };

  it('is accepted without an unknown-property warning and reaches the request template', async () => {
    const { prepared } = await prepare(text);
    expect(prepared.ok).toBe(true);
    expect(prepared.diagnostics.filter((d) => d.message.includes('x-max-response-bytes'))).toStrictEqual([]);
    const rest = prepared.capabilities[0]!.adapters.find((a) => a.type === 'rest');
    const routes = rest?.type === 'rest' ? rest.routes : [];
    expect(routes.find((r) => r.path === '/v1/thumbnails')?.invoker.request?.maxResponseBytes).toBe(512);
    expect(routes.find((r) => r.path === '/v1/items')?.invoker.request?.maxResponseBytes).toBeUndefined();
  });

  it('is reported as outside the Naftiko schema under --strict', async () => {
    const { prepared } = await prepare(text, true);
    expect(prepared.diagnostics).toContainEqual(expect.objectContaining({ code: 'CAP_SCHEMA_UNKNOWN_PROPERTY', severity: 'error', pointer: '/capability/consumes/1/x-max-response-bytes' }));
  });

  it('must be a positive integer, reported at its line', async () => {
    const { file, prepared } = await prepare(text.replace('x-max-response-bytes: 512', 'x-max-response-bytes: -5'));
    expect(prepared.ok).toBe(false);
    const line = text.split('\n').findIndex((l) => l.includes('x-max-response-bytes')) + 1;
    expect(prepared.diagnostics).toContainEqual(
      expect.objectContaining({ code: 'CAP_COMPILE', severity: 'error', file, line, message: 'x-max-response-bytes must be a positive integer (bytes), got -5' }),
    );
  });
});
