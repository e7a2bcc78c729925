import { readFileSync } from 'node:fs';
const { SourceFile } = await import('../dist/load/source.js');
const text = readFileSync(process.argv[2], 'utf8');
for (let i = 0; i < 4; i++) { const c = process.cpuUsage(); const w = performance.now(); new SourceFile('x.yaml', text); const u = process.cpuUsage(c); console.log(i, ((u.user+u.system)/1000).toFixed(0), 'cpu', (performance.now()-w).toFixed(0), 'wall'); }
const Y = await import('yaml');
for (let i = 0; i < 3; i++) { const c = process.cpuUsage(); Y.parse(text); const u = process.cpuUsage(c); console.log('plain parse', ((u.user+u.system)/1000).toFixed(0)); }
