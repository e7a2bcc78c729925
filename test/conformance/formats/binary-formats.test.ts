// Case 21, binary formats (naftiko-semantics §3.6): protobuf and avro bodies decoded with the schema file the operation
// names in outputSchema, end to end over REST and MCP. The bytes are written out by hand from each format's wire
// encoding (not produced by the decoding library), so the test checks the decoder against the formats themselves.
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../../../src/prepare.js';
import { connectMcp, resultJson, resultText, type McpTestClient } from '../../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../../helpers/runtime.js';
import { startUpstream, type Upstream } from '../../helpers/upstream.js';

const here = (name: string) => new URL(name, import.meta.url).pathname;

// RecordsList { records: [ Record { id: "1", title: "A", description: "d" }, Record { id: "2", title: "B", description: "" } ] }
// Each record: field 1 (id, tag 0x0a), 2 (title, 0x12), 3 (description, 0x1a), each length-delimited.
const record1 = [0x0a, 0x01, 0x31, 0x12, 0x01, 0x41, 0x1a, 0x01, 0x64];
const record2 = [0x0a, 0x01, 0x32, 0x12, 0x01, 0x42, 0x1a, 0x00];
const PROTO = Buffer.from([0x0a, record1.length, ...record1, 0x0a, record2.length, ...record2]);

// RecordsList { records: [ {id: "1", title: "A", description: "d"}, {id: "2", title: "B", description: null} ] }
// An array block of 2 items (zig-zag count 0x04), strings as zig-zag length + bytes, the description union as its
// branch index (0 = null, 1 = string, zig-zag encoded), then the closing empty block (0x00).
const AVRO = Buffer.from([0x04, 0x02, 0x31, 0x02, 0x41, 0x02, 0x02, 0x64, 0x02, 0x32, 0x02, 0x42, 0x00, 0x00]);

let upstream: Upstream;
let served: Served;
let mcp: McpTestClient;

beforeAll(async () => {
  upstream = await startUpstream((request) => {
    if (request.path === '/api/records/proto') return { body: PROTO, headers: { 'content-type': 'application/x-protobuf' } };
    if (request.path === '/api/records/avro') return { body: AVRO, headers: { 'content-type': 'application/avro' } };
    return { status: 404, body: { error: 'no such sample' } };
  });
  served = await serveCapability(here('binary-formats-capability.yaml'), { env: {}, upstreamUrl: upstream.url });
  mcp = await connectMcp('2026-07-28', served.mcp);
});

afterAll(async () => {
  await mcp?.close();
  await served?.close();
  await upstream?.close();
});

async function tool(name: string): Promise<unknown> {
  const result = await mcp.callTool(name, {});
  expect(result.isError ?? false, resultText(result)).toBe(false);
  return resultJson(result);
}

describe('case 21: binary outputRawFormats decoded with their schema files', () => {
  it('case 21: protobuf → the first message type of the .proto (RecordsList), mapped like the reference fixture (REST)', async () => {
    upstream.reset();
    const response = await fetch(`${served.rest}/proto/records`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual([
      { id: '1', title: 'A', description: 'd' },
      { id: '2', title: 'B', description: '' },
    ]);
    expect(upstream.only().headers.accept).toMatch(/^application\/x-protobuf/);
  });

  it('case 21: protobuf over MCP; `file.proto#Type` picks another message type', async () => {
    expect(await tool('proto-records')).toEqual({ records: [{ id: '1', title: 'A', description: 'd' }, { id: '2', title: 'B', description: '' }] });
    // The same bytes read as one Record lack its required title and description (proto2): a decode error, so the type named after # was used.
    const result = await mcp.callTool('proto-record', {});
    expect(result.isError).toBe(true);
    expect(resultText(result)).toContain('CAP_UPSTREAM_BODY_INVALID');
  });

  it('case 21: avro → the datum of the .avsc record, the null branch of a union as null (REST and MCP)', async () => {
    upstream.reset();
    const expected = [
      { id: '1', title: 'A', description: 'd' },
      { id: '2', title: 'B', description: null },
    ];
    const response = await fetch(`${served.rest}/avro/records`);
    expect(response.status).toBe(200);
    expect(await response.json()).toEqual(expected);
    expect(upstream.only().headers.accept).toMatch(/^application\/avro/);
    expect(await tool('avro-records')).toEqual({ records: expected });
  });

  it('case 21: a schema file that is missing or unusable, or no outputSchema, is a load error naming it', async () => {
    const { mkdtemp, writeFile } = await import('node:fs/promises');
    const { join } = await import('node:path');
    const { tmpdir } = await import('node:os');
    const dir = await mkdtemp(join(tmpdir(), 'cap-binary-'));
    await writeFile(join(dir, 'broken.avsc'), '{"type": "record"');
    const cases: [string, RegExp][] = [
      ['outputRawFormat: protobuf, outputSchema: missing.proto', /cannot read the schema file missing\.proto/],
      ['outputRawFormat: avro, outputSchema: broken.avsc', /broken\.avsc cannot be used/],
      ['outputRawFormat: avro', /needs outputSchema/],
    ];
    for (const [format, message] of cases) {
      await writeFile(
        join(dir, 'cap.yaml'),
        `naftiko: "1.0.0-alpha2"
info: {label: Binary, description: Binary format errors}
capability:
  consumes:
    - type: http
      namespace: records
      baseUri: https://api.example.com
      resources:
        - name: records
          path: /records
          operations:
            - {name: get-records, method: GET, ${format}}
  exposes:
    - type: rest
      port: 18097
      namespace: api
      resources:
        - path: /records
          operations:
            - {method: GET, call: records.get-records}
`,
      );
      const prepared = await prepareCapabilities([join(dir, 'cap.yaml')], { env: {} });
      expect(prepared.ok, format).toBe(false);
      const error = prepared.diagnostics.find((d) => d.severity === 'error')!;
      expect(error.code).toBe('CAP_COMPILE');
      expect(error.message).toMatch(message);
      expect(error.line).toBe(12);
    }
  });
});
