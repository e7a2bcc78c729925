// Anchor: the MCP server a developer would write by hand on SDK v2: McpServer + createMcpHandler (stateless), one
// tool doing the same upstream call as bench/capability.yaml (undici Pool, bearer header, `$.data`), served by
// node:http through toNodeHandler. Prints {"url"} (the /mcp endpoint) once listening.
import http from 'node:http';
import { createMcpHandler, fromJsonSchema, McpServer } from '@modelcontextprotocol/server';
import { toNodeHandler } from '@modelcontextprotocol/node';
import { Pool } from 'undici';

const pool = new Pool(process.env.UPSTREAM_URL, { connections: 128 });
const authorization = `Bearer ${process.env.BENCH_TOKEN}`;
const inputSchema = fromJsonSchema({ type: 'object', properties: { id: { type: 'string', description: 'Item id' } }, required: ['id'] });

const handler = createMcpHandler(() => {
  const server = new McpServer({ name: 'hand-written', version: '1.0.0' });
  server.registerTool('get-item', { description: 'Get an item', inputSchema }, async ({ id }) => {
    const res = await pool.request({ method: 'GET', path: `/items/${encodeURIComponent(id)}`, headers: { authorization } });
    const body = await res.body.json();
    if (res.statusCode !== 200) return { content: [{ type: 'text', text: `upstream answered ${res.statusCode}` }], isError: true };
    return { content: [{ type: 'text', text: JSON.stringify(body.data) }], structuredContent: body.data };
  });
  return server;
});
const serve = toNodeHandler(handler);
const server = http.createServer((req, res) => {
  if (req.url !== '/mcp') {
    res.writeHead(404).end();
    return;
  }
  serve(req, res).catch((err) => {
    if (!res.headersSent) res.writeHead(500);
    res.end(String(err));
  });
});
server.keepAliveTimeout = 60_000;
server.listen(0, '127.0.0.1', () => console.log(JSON.stringify({ url: `http://127.0.0.1:${server.address().port}/mcp` })));
process.on('SIGTERM', () => handler.close().then(() => server.close(() => process.exit(0))));
