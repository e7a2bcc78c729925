const mods = process.argv.slice(2);
const c = process.cpuUsage(); const w = performance.now();
for (const m of mods) await import(m);
const u = process.cpuUsage(c); console.log(mods.join(' '), ((u.user + u.system) / 1000).toFixed(0), 'ms cpu', (performance.now() - w).toFixed(0), 'ms wall');
