import { Ajv2020 } from 'ajv/dist/2020.js'; import addFormats from 'ajv-formats'; import sc from 'ajv/dist/standalone/index.js';
import { writeFileSync } from 'node:fs';
import { schemaFor } from '../dist/validate/schema-sources.js';
for (const [label, extra] of [['inline', {}], ['noinline', { inlineRefs: false }]]) {
  const ajv = new Ajv2020({ allErrors: true, strict: false, ...extra, code: { source: true } }); addFormats(ajv);
  const v = ajv.compile(schemaFor('1.0.0-alpha3', true));
  const code = (sc.default ?? sc)(ajv, v); writeFileSync(`.scratch/${label}.cjs`, code); console.log(label, code.length);
}
