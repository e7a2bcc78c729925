// Times load → validate → resolve → compile (prepareCapabilities from dist/) of one capability file, twice in this
// process: the first run pays the one-time costs (schema compilation), the second shows the per-file cost.
// Prints {"firstMs", "warmMs"} or {"error"}. Args: the file. Env: what its binds need.
import { performance } from 'node:perf_hooks';

const file = process.argv[2];
try {
  const { prepareCapabilities } = await import('../../dist/prepare.js');
  const time = async () => {
    const start = performance.now();
    const prepared = await prepareCapabilities([file], { env: process.env });
    const ms = performance.now() - start;
    if (!prepared.ok) throw new Error(prepared.diagnostics.slice(0, 3).map((d) => `${d.line}:${d.col} ${d.message}`).join('; '));
    return ms;
  };
  const firstMs = await time();
  const warmMs = await time();
  console.log(JSON.stringify({ firstMs, warmMs }));
} catch (err) {
  console.log(JSON.stringify({ error: err instanceof Error ? err.message : String(err) }));
}
