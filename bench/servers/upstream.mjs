// The local upstream every target calls: GET /items/{id} answers { data: { id, ... } }, only with the bench token
// (so a target that forgets the bearer header fails the correctness check). Prints {"url"} once listening.
// With BENCH_UPSTREAM_KEY set it stands in for the shipped capabilities' APIs instead: any method and path is
// answered { data: { id, name: "Widget", ... } } (id: the last path segment), when some request header carries that
// key (bearer token or API key header alike); a list path (no id-like last segment) gets `data` as a one-item array.
import http from 'node:http';

const TOKEN = `Bearer ${process.env.BENCH_TOKEN ?? 'bench-token'}`;
const KEY = process.env.BENCH_UPSTREAM_KEY;

const carriesKey = (headers) => Object.values(headers).some((v) => typeof v === 'string' && v.includes(KEY));

/** Answers once the request body (POST calls send one) has been read, so the connection stays reusable. */
function answerAfterBody(req, res, status, body) {
  req.resume();
  req.on('end', () => {
    res.writeHead(status, { 'content-type': 'application/json' });
    res.end(body);
  });
}

const server = http.createServer((req, res) => {
  const path = (req.url ?? '').split('?')[0];
  if (KEY !== undefined) {
    if (!carriesKey(req.headers)) return answerAfterBody(req, res, 401, '{"error":"unauthorized"}');
    const last = decodeURIComponent(path.split('/').filter(Boolean).pop() ?? '');
    const item = { id: last, name: 'Widget', price: 12.5, tags: ['a', 'b'] };
    return answerAfterBody(req, res, 200, JSON.stringify({ data: /[0-9]/.test(last) ? item : [item] }));
  }
  if (req.headers.authorization !== TOKEN) {
    res.writeHead(401, { 'content-type': 'application/json' });
    res.end('{"error":"unauthorized"}');
    return;
  }
  const id = decodeURIComponent(path.split('/')[2] ?? '');
  res.setHeader('content-type', 'application/json');
  res.end(JSON.stringify({ data: { id, name: 'Widget', price: 12.5, tags: ['a', 'b'] } }));
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}` })));
process.on('SIGTERM', () => server.close(() => process.exit(0)));
