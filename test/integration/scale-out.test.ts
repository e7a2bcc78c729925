// Scale-out (issue 10 §3): MCP is stateless Streamable HTTP, so any replica answers any request. One capability is
// served by two runtime processes (the real CLI) behind a round-robin HTTP proxy written here with node:http; an MCP
// session of each client generation runs through the proxy, its requests alternating between the replicas, and every
// request succeeds.
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, request as httpRequest, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, killRunningChildren, startServe, type ServeProcess } from '../helpers/cli.js';
import { CLIENT_GENERATIONS, connectMcp, resultJson } from '../helpers/mcp-clients.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const CAPABILITY = `naftiko: "1.0.0-alpha3"
info:
  label: "Scale-out test"
  description: "One capability served by two processes"
capability:
  consumes:
    - type: http
      namespace: api
      baseUri: "http://127.0.0.1:9"
      resources:
        - name: items
          path: "/items/{{id}}"
          operations:
            - name: get-item
              method: GET
              inputParameters:
                - { name: id, in: path }
  exposes:
    - type: mcp
      port: 9000
      namespace: scale-mcp
      tools:
        - name: get-item
          description: "Reads one item"
          inputParameters:
            - { name: id, type: string, description: "Item id" }
          call: api.get-item
          with: { id: scale-mcp.id }
`;

/** A round-robin reverse proxy: each request goes to the next backend; bodies (SSE included) are streamed both ways. */
function startRoundRobin(backends: readonly string[]): Promise<{ url: string; served: number[]; close(): Promise<void> }> {
  const served = backends.map(() => 0);
  let next = 0;
  const server: Server = createServer((req, res) => {
    const index = next++ % backends.length;
    served[index]!++;
    const target = new URL(req.url ?? '/', backends[index]);
    const upstream = httpRequest(target, { method: req.method, headers: req.headers }, (answer) => {
      res.writeHead(answer.statusCode ?? 502, answer.headers);
      answer.pipe(res);
    });
    upstream.on('error', () => {
      if (!res.headersSent) res.writeHead(502);
      res.end();
    });
    req.pipe(upstream);
  });
  return new Promise((resolve) => {
    server.listen(0, '127.0.0.1', () => {
      const { port } = server.address() as AddressInfo;
      resolve({
        url: `http://127.0.0.1:${port}`,
        served,
        close: () => {
          server.closeAllConnections();
          return new Promise((done) => server.close(() => done()));
        },
      });
    });
  });
}

let upstream: Upstream;
let dir: string;
const replicas: ServeProcess[] = [];
beforeAll(async () => {
  await ensureFreshBuild();
  upstream = await startUpstream((req) => ({ status: 200, body: { id: req.path.split('/').pop(), servedBy: 'upstream' } }));
  dir = mkdtempSync(join(tmpdir(), 'cap-scale-'));
  writeFileSync(join(dir, 'scale.yaml'), CAPABILITY);
  for (let i = 0; i < 2; i++) {
    replicas.push(await startServe([join(dir, 'scale.yaml'), '--port', 'scale-mcp=0', '--upstream', `api=${upstream.url}`], 1, { timeoutMs: 60_000 }));
  }
}, 120_000);
afterAll(async () => {
  await Promise.allSettled(replicas.map((r) => r.stop()));
  killRunningChildren();
  await upstream?.close();
  if (dir) rmSync(dir, { recursive: true, force: true });
});

describe('two replicas behind a round-robin proxy', () => {
  for (const generation of CLIENT_GENERATIONS) {
    it(`a ${generation} MCP session runs across both replicas`, async () => {
      const backends = replicas.map((r) => new URL(r.lines[0]!.split(/\s+/)[2]!).origin);
      expect(new Set(backends).size).toBe(2);
      const proxy = await startRoundRobin(backends);
      upstream.reset();
      try {
        const client = await connectMcp(generation, `${proxy.url}/mcp`);
        expect((await client.listTools()).map((t) => t.name)).toEqual(['get-item']);
        for (let i = 1; i <= 6; i++) {
          const result = await client.callTool('get-item', { id: `item-${i}` });
          expect(result.isError, JSON.stringify(result.content)).toBeFalsy();
          expect(resultJson(result)).toEqual({ id: `item-${i}`, servedBy: 'upstream' });
        }
        await client.close();
        // Both replicas answered part of the one session (handshake, list and calls alternate).
        expect(proxy.served.every((n) => n >= 3), JSON.stringify(proxy.served)).toBe(true);
        expect(upstream.requests.map((r) => r.path)).toEqual([1, 2, 3, 4, 5, 6].map((i) => `/items/item-${i}`));
      } finally {
        await proxy.close();
      }
    }, 60_000);
  }
});
