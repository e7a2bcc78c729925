// A serving process releases the schema validators once it has checked its files (src/cli.ts, src/reload/reloader.ts):
// their generated modules leave the module cache with every link Node keeps to them, so the code can be collected
// (about 1.4 MB of source for the shipped files), and the next check loads them again with the same verdicts.
import { createRequire } from 'node:module';
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { GENERATED_DIR } from '../generated-code.js';
import { releaseSchemaValidators, schemaValidator, schemaValidatorOrigin } from './schema-validators.js';

const require = createRequire(import.meta.url);
const cachedGenerated = () => Object.keys(require.cache).filter((path) => path.startsWith(GENERATED_DIR));

setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('releaseSchemaValidators', () => {
  it('lets the validator code be collected, and the next check loads it again', async () => {
    let validate: ((data: unknown) => boolean) | undefined = schemaValidator('1.0.0-alpha2', false);
    expect(schemaValidatorOrigin('1.0.0-alpha2', false)).toBe('generated');
    expect(cachedGenerated().length).toBeGreaterThan(0);
    const verdict = validate({ naftiko: '1.0.0-alpha2' });
    const released = new WeakRef(validate);
    validate = undefined;
    releaseSchemaValidators();
    expect(cachedGenerated()).toEqual([]);
    for (let i = 0; i < 10 && released.deref(); i++) {
      await new Promise((resolve) => setTimeout(resolve, 10));
      gc();
    }
    expect(released.deref(), 'the released validator is collected').toBeUndefined();
    // Loaded again, from the build's code, with the same verdict.
    expect(schemaValidator('1.0.0-alpha2', false)({ naftiko: '1.0.0-alpha2' })).toBe(verdict);
    expect(schemaValidatorOrigin('1.0.0-alpha2', false)).toBe('generated');
  });
});
