// Rule ref-target-exists: a `ref` that names no aggregate function is a load error at the `ref`, listing the functions.
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { loadCapability } from '../../load/load.js';
import { refTargetExists } from './ref-target-exists.js';

const dir = mkdtempSync(join(tmpdir(), 'cap-ref-'));
async function check(ref: string, aggregates = true) {
  const file = join(dir, `${ref}-${aggregates}.yaml`);
  writeFileSync(file, `naftiko: "1.0.0-alpha3"
capability:
${aggregates ? `  aggregates:
    - label: Data
      namespace: data
      functions:
        - name: read-items
          description: Read items
          call: api.get-items
` : ''}  exposes:
    - type: mcp
      port: 9103
      namespace: tools
      tools:
        - name: read
          description: Read
          ref: ${ref}
`);
  return refTargetExists(await loadCapability(file));
}

describe('ref-target-exists', () => {
  it('accepts a ref to a declared function', async () => {
    expect(await check('data.read-items')).toEqual([]);
  });

  it('reports an unknown ref at its position with the functions that exist', async () => {
    const [d] = await check('data.write-items');
    expect(d).toMatchObject({ severity: 'error', code: 'CAP_RULE_UNKNOWN_REF', message: '"data.write-items" names no aggregate function', hint: 'aggregate functions: data.read-items', pointer: '/capability/exposes/0/tools/0/ref', line: 17, col: 16 });
  });

  it('says when there are no aggregates at all', async () => {
    const [d] = await check('data.read-items', false);
    expect(d?.hint).toBe('the capability declares no `aggregates`');
  });
});
