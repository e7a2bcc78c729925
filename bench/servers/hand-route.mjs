// Anchor: the REST route a developer would write by hand for what bench/capability.yaml declares: Fastify,
// an undici Pool to the upstream (UPSTREAM_URL), the bearer header added, `$.data` picked. Prints {"url"}.
import Fastify from 'fastify';
import { Pool } from 'undici';

const pool = new Pool(process.env.UPSTREAM_URL, { connections: 128 });
const authorization = `Bearer ${process.env.BENCH_TOKEN}`;
const app = Fastify({ logger: false });
app.get('/v1/items/:id', async (req, reply) => {
  const res = await pool.request({ method: 'GET', path: `/items/${encodeURIComponent(req.params.id)}`, headers: { authorization } });
  const body = await res.body.json();
  if (res.statusCode !== 200) return reply.code(502).send({ error: 'upstream', status: res.statusCode });
  return body.data;
});
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ url: `http://127.0.0.1:${app.server.address().port}` }));
process.on('SIGTERM', () => app.close().then(() => pool.close()).then(() => process.exit(0)));
