import { Ajv2020 } from 'ajv/dist/2020.js'; import addFormats from 'ajv-formats';
const mk = (i) => ({ type: 'object', properties: { id: { type: 'string', description: 'Item id' }, [`filter-${i}`]: { type: 'string', description: 'A filter' } }, required: ['id'] });
for (const [label, opts] of [['default', {}], ['optimize:false', { code: { optimize: false } }], ['optimize:false,lines', { code: { optimize: false, lines: false } }]]) {
  const ajv = new Ajv2020({ allErrors: true, strict: false, validateSchema: false, ...opts }); addFormats(ajv);
  const t0 = process.cpuUsage(); const w = performance.now();
  for (let i = 0; i < 2000; i++) ajv.compile(mk(i));
  const c = process.cpuUsage(t0); console.log(label.padEnd(24), ((c.user + c.system) / 1000).toFixed(0), 'ms cpu', (performance.now() - w).toFixed(0), 'wall');
}
