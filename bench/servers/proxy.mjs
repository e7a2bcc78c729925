// Anchor: a bare reverse proxy (@fastify/http-proxy) in front of the upstream (UPSTREAM_URL). The client sends the
// bearer header itself; the proxy passes everything through. Prints {"url"} once listening.
import Fastify from 'fastify';
import proxy from '@fastify/http-proxy';

const app = Fastify({ logger: false });
await app.register(proxy, { upstream: process.env.UPSTREAM_URL });
await app.listen({ port: 0, host: '127.0.0.1' });
console.log(JSON.stringify({ url: `http://127.0.0.1:${app.server.address().port}` }));
process.on('SIGTERM', () => app.close().then(() => process.exit(0)));
