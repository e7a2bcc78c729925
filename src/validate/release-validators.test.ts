// A serving process releases the schema validators once it has checked its files (src/cli.ts, src/reload/reloader.ts):
// nothing else holds their generated code (it runs outside Node's module cache, src/code-cache.ts), so it can be
// collected (about 1.4 MB of source for the shipped files), and the next check loads it again with the same verdicts.
import { setFlagsFromString } from 'node:v8';
import { runInNewContext } from 'node:vm';
import { describe, expect, it } from 'vitest';
import { releaseSchemaValidators, schemaValidator, schemaValidatorOrigin } from './schema-validators.js';


setFlagsFromString('--expose-gc');
const gc = runInNewContext('gc') as () => void;

describe('releaseSchemaValidators', () => {
  it('lets the validator code be collected, and the next check loads it again', async () => {
    let validate: ((data: unknown) => boolean) | undefined = schemaValidator('1.0.0-alpha2', false);
    expect(schemaValidatorOrigin('1.0.0-alpha2', false)).toBe('generated');
    const verdict = validate({ naftiko: '1.0.0-alpha2' });
    const released = new WeakRef(validate);
    validate = undefined;
    releaseSchemaValidators();
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
