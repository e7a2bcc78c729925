// Apps made with NO_SCHEMA_COMPILERS load neither Fastify's ajv-based validator compiler nor fast-json-stringify (a
// default app does, as the child process below shows), serve routes without schemas, and refuse a route that
// declares one when the app gets ready instead of checking it with a compiler nobody configured.
import { execFileSync } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import Fastify from 'fastify';
import { describe, expect, it } from 'vitest';
import { NO_SCHEMA_COMPILERS } from './no-schema-compilers.js';

const ROOT = fileURLToPath(new URL('../../', import.meta.url));

/** The schema-compiler packages a fresh process has loaded after making two apps (with our option or without). */
function compilersLoaded(withOption: boolean): string[] {
  const script = `
    const Fastify = require('fastify');
    const option = ${withOption ? `{ compilersFactory: { buildValidator: () => () => { throw new Error('x'); }, buildSerializer: () => () => { throw new Error('x'); } } }` : 'undefined'};
    (async () => {
      for (let i = 0; i < 2; i++) {
        const app = Fastify({ logger: false, schemaController: option });
        app.get('/items/:id', async () => ({ ok: true }));
        await app.ready();
      }
      // (Fastify's error serializer always loads fast-json-stringify/lib/serializer.js, a small runtime helper.)
      const found = Object.keys(require.cache).filter((p) => !p.endsWith('fast-json-stringify/lib/serializer.js') && !p.endsWith('fast-json-stringify/lib/v8.js'));
      const packages = found.map((p) => /node_modules\\/((?:@[^/]+\\/)?[^/]+)\\//.exec(p)?.[1]).filter((p) => /ajv|fast-json-stringify/.test(p ?? ''));
      console.log(JSON.stringify([...new Set(packages)].sort()));
    })();`;
  return JSON.parse(execFileSync(process.execPath, ['-e', script], { cwd: ROOT }).toString()) as string[];
}

describe('NO_SCHEMA_COMPILERS', () => {
  it('keeps Fastify from loading its schema compilers', () => {
    expect(compilersLoaded(false)).toEqual(expect.arrayContaining(['@fastify/ajv-compiler', '@fastify/fast-json-stringify-compiler', 'ajv', 'fast-json-stringify']));
    expect(compilersLoaded(true)).toEqual([]);
  });

  it('serves routes without schemas and refuses one with a schema when the app gets ready', async () => {
    const app = Fastify({ logger: false, schemaController: NO_SCHEMA_COMPILERS });
    app.post('/items', async (req) => ({ got: req.body }));
    expect((await app.inject({ method: 'POST', url: '/items', payload: { a: 1 } })).json()).toEqual({ got: { a: 1 } });
    const withSchema = Fastify({ logger: false, schemaController: NO_SCHEMA_COMPILERS });
    withSchema.post('/items', { schema: { body: { type: 'object' } } }, async () => ({}));
    await expect(withSchema.ready()).rejects.toThrow(/compiles no Fastify schemas/);
  });
});
