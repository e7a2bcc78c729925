// The local upstream every target calls: GET /items/{id} answers { data: { id, ... } }, only with the bench token
// (so a target that forgets the bearer header fails the correctness check). Prints {"url"} once listening.
import http from 'node:http';

const TOKEN = `Bearer ${process.env.BENCH_TOKEN ?? 'bench-token'}`;

const server = http.createServer((req, res) => {
  if (req.headers.authorization !== TOKEN) {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"error":"unauthorized"}');
    return;
  }
  const id = decodeURIComponent((req.url ?? '').split('?')[0].split('/')[2] ?? '');
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ data: { id, name: 'Widget', price: 12.5, tags: ['a', 'b'] } }));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
