// Case 44 (naftiko-semantics §6.1, SkillIntegrationTest): the skill adapter over real sockets with plain HTTP —
// catalog, detail, unknown skill 404, file list and bytes, traversal refused, ZIP download, and the SKILL.md derived
// from the capability when a skill gives no location.
import { request as httpRequest } from 'node:http';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { unzipSync, strFromU8 } from 'fflate';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { serveCapability, type Served } from '../helpers/runtime.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

const DIR = fileURLToPath(new URL('../conformance/skill-adapter/', import.meta.url));
const FOLDER = `${DIR}skills/order-management/`;

let upstream: Upstream;
let orders: Served;
let shipyard: Served;
const urlOf = (served: Served, type: string) => served.adapters.find((a) => a.type === type)!.url;

beforeAll(async () => {
  upstream = await startUpstream();
  orders = await serveCapability(`${DIR}skill-capability.yaml`, { env: {}, upstreamUrl: upstream.url });
  shipyard = await serveCapability(`${DIR}shipyard-skills.yaml`, { env: {}, upstreamUrl: upstream.url });
});

afterAll(async () => {
  await orders?.close();
  await shipyard?.close();
  await upstream?.close();
});

const skills = () => urlOf(orders, 'skill'); // http://127.0.0.1:<port>/skills

/** A GET with the path sent exactly as written (fetch would resolve `..` before sending). */
function rawGet(base: string, path: string): Promise<{ status: number; type: string; body: string }> {
  const { hostname, port } = new URL(base);
  return new Promise((resolve, reject) => {
    const req = httpRequest({ host: hostname, port, path, method: 'GET' }, (res) => {
      let body = '';
      res.setEncoding('utf8').on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, type: String(res.headers['content-type']), body }));
    });
    req.on('error', reject);
    req.end();
  });
}

describe('case 44: skill adapter catalog and detail', () => {
  it('case 44: GET /skills lists every skill with its description and tool names', async () => {
    const res = await fetch(skills());
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toMatch(/^application\/json/);
    expect(await res.json()).toStrictEqual({
      count: 2,
      skills: [
        { name: 'order-management', description: 'Tools for managing orders', tools: ['list-orders', 'order-guide'] },
        { name: 'onboarding-guide', description: 'A purely descriptive skill with no tools', tools: [] },
      ],
    });
  });

  it('case 44: GET /skills/{name} gives the metadata and each tool as derived (with its invocationRef) or instruction', async () => {
    const res = await fetch(`${skills()}/order-management`);
    expect(res.status).toBe(200);
    expect(await res.json()).toStrictEqual({
      name: 'order-management',
      description: 'Tools for managing orders',
      'argument-hint': 'Use for order operations',
      'allowed-tools': 'list-orders',
      tools: [
        { name: 'list-orders', description: 'List all orders in the system', type: 'derived', invocationRef: { targetNamespace: 'orders-rest', action: 'list-orders', mode: 'rest' } },
        { name: 'order-guide', description: 'Guide for working with orders', type: 'instruction', instruction: 'order-guide.md' },
      ],
    });
  });

  it('case 44: an unknown skill is a 404 problem naming the known skills', async () => {
    const res = await fetch(`${skills()}/no-such-skill`);
    expect(res.status).toBe(404);
    expect(res.headers.get('content-type')).toMatch(/^application\/problem\+json/);
    const problem = (await res.json()) as Record<string, unknown>;
    expect(problem).toMatchObject({ status: 404, code: 'CAP_SKILL_NOT_FOUND' });
    expect(problem.detail).toContain('order-management, onboarding-guide');
    for (const path of ['contents', 'contents/SKILL.md', 'download']) expect((await fetch(`${skills()}/no-such-skill/${path}`)).status).toBe(404);
  });

  it('case 44: MCP-derived tools say mode mcp; the same skill adapter can point at REST and MCP siblings', async () => {
    const base = urlOf(shipyard, 'skill');
    const fleet = (await (await fetch(`${base}/fleet-ops`)).json()) as { license: string; tools: { invocationRef: unknown }[] };
    expect(fleet.license).toBe('Apache-2.0');
    expect(fleet.tools.map((t) => t.invocationRef)).toStrictEqual([
      { targetNamespace: 'shipyard-tools', action: 'list-ships', mode: 'mcp' },
      { targetNamespace: 'shipyard-tools', action: 'get-ship', mode: 'mcp' },
    ]);
    const api = (await (await fetch(`${base}/ship-api`)).json()) as { tools: { invocationRef: unknown }[] };
    expect(api.tools[0]!.invocationRef).toStrictEqual({ targetNamespace: 'shipyard-api', action: 'get-ship', mode: 'rest' });
  });
});

describe('case 44: skill files', () => {
  it('case 44: GET /skills/{name}/contents lists the folder (sizes, media types), never hidden files', async () => {
    const res = await fetch(`${skills()}/order-management/contents`);
    expect(res.status).toBe(200);
    const size = (name: string) => readFileSync(`${FOLDER}${name}`).length;
    expect(await res.json()).toStrictEqual({
      name: 'order-management',
      files: [
        { path: 'SKILL.md', size: size('SKILL.md'), type: 'text/markdown' },
        { path: 'examples/usage.json', size: size('examples/usage.json'), type: 'application/json' },
        { path: 'order-guide.md', size: size('order-guide.md'), type: 'text/markdown' },
      ],
    });
  });

  it('case 44: GET /skills/{name}/contents/{file} sends the bytes with the media type, nested paths included', async () => {
    const guide = await fetch(`${skills()}/order-management/contents/order-guide.md`);
    expect(guide.status).toBe(200);
    expect(guide.headers.get('content-type')).toBe('text/markdown; charset=utf-8');
    expect(guide.headers.get('x-content-type-options')).toBe('nosniff');
    expect(await guide.text()).toBe(readFileSync(`${FOLDER}order-guide.md`, 'utf8'));
    const usage = await fetch(`${skills()}/order-management/contents/examples/usage.json`);
    expect(usage.headers.get('content-type')).toBe('application/json; charset=utf-8');
    expect(await usage.json()).toStrictEqual({ example: 'list every order', tool: 'list-orders' });
    const missing = await fetch(`${skills()}/order-management/contents/nothing.md`);
    expect(missing.status).toBe(404);
    expect(await missing.json()).toMatchObject({ code: 'CAP_SKILL_NOT_FOUND' });
  });

  it('case 44: traversal and unsafe segments are refused with 400, raw or percent-encoded, and hidden files are not served', async () => {
    const base = skills().replace(/\/skills$/, '');
    for (const path of [
      '/skills/order-management/contents/../../skill-capability.yaml',
      '/skills/order-management/contents/examples/../../../SOURCE.md',
      '/skills/order-management/contents/%2e%2e/%2e%2e/skill-capability.yaml',
      '/skills/order-management/contents/..%2f..%2fskill-capability.yaml',
      '/skills/order-management/contents/.hidden-notes.md',
      '/skills/order-management/contents/examples/%00usage.json',
    ]) {
      const res = await rawGet(base, path);
      expect(res.status, path).toBe(400);
      expect(res.type).toMatch(/^application\/problem\+json/);
      expect(JSON.parse(res.body)).toMatchObject({ code: 'CAP_SKILL_PATH_INVALID' });
      expect(res.body).not.toContain('NOT_FOR_CLIENTS');
    }
  });

  it('case 44: GET /skills/{name}/download is a ZIP of the skill folder', async () => {
    const res = await fetch(`${skills()}/order-management/download`);
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toBe('application/zip');
    expect(res.headers.get('content-disposition')).toBe('attachment; filename="order-management.zip"');
    const entries = unzipSync(new Uint8Array(await res.arrayBuffer()));
    expect(Object.keys(entries).sort()).toStrictEqual(['order-management/SKILL.md', 'order-management/examples/usage.json', 'order-management/order-guide.md']);
    for (const name of ['SKILL.md', 'examples/usage.json', 'order-guide.md']) {
      expect(strFromU8(entries[`order-management/${name}`]!)).toBe(readFileSync(`${FOLDER}${name}`, 'utf8'));
    }
  });
});

describe('case 44: SKILL.md derived from the capability when a skill gives no location', () => {
  it('case 44: a skill without location lists and serves a SKILL.md with frontmatter, and downloads it zipped', async () => {
    const list = (await (await fetch(`${skills()}/onboarding-guide/contents`)).json()) as { files: { path: string; type: string; size: number }[] };
    expect(list.files.map((f) => [f.path, f.type])).toStrictEqual([['SKILL.md', 'text/markdown']]);
    const md = await (await fetch(`${skills()}/onboarding-guide/contents/SKILL.md`)).text();
    expect(md.startsWith('---\nname: onboarding-guide\ndescription: A purely descriptive skill with no tools\n---\n')).toBe(true);
    expect(Buffer.byteLength(md)).toBe(list.files[0]!.size);
    expect(md).toContain('Part of the capability "Skill Test Capability"');
    const zip = unzipSync(new Uint8Array(await (await fetch(`${skills()}/onboarding-guide/download`)).arrayBuffer()));
    expect(strFromU8(zip['onboarding-guide/SKILL.md']!)).toBe(md);
  });

  it('case 44: the derived SKILL.md tells how to call each tool (the served MCP and REST URLs) and gives its input schema', async () => {
    const base = urlOf(shipyard, 'skill');
    const mcpUrl = urlOf(shipyard, 'mcp');
    const restUrl = urlOf(shipyard, 'rest');
    const fleet = await (await fetch(`${base}/fleet-ops/contents/SKILL.md`)).text();
    expect(fleet).toContain('license: Apache-2.0');
    expect(fleet).toContain(`Call the MCP tool \`get-ship\` (\`tools/call\`) on the MCP server \`shipyard-tools\` at ${mcpUrl}`);
    const schema = JSON.parse(/### get-ship[\s\S]*?```json\n([\s\S]*?)\n```/.exec(fleet)![1]!);
    expect(schema).toStrictEqual({ type: 'object', properties: { imo: { type: 'string', description: 'IMO number of the ship' } }, required: ['imo'] });
    const api = await (await fetch(`${base}/ship-api/contents/SKILL.md`)).text();
    expect(api).toContain(`Send \`GET ${restUrl}/ships/{{imo}}\` to the REST API \`shipyard-api\` (inputs: \`imo\` in path)`);
  });
});

describe('case 44: request guard', () => {
  it('case 44: a foreign Host header is refused with 403 before anything is read', async () => {
    const { hostname, port } = new URL(skills());
    const res = await new Promise<number>((resolve, reject) => {
      const req = httpRequest({ host: hostname, port, path: '/skills', headers: { host: 'attacker.example' } }, (r) => {
        r.resume();
        resolve(r.statusCode ?? 0);
      });
      req.on('error', reject);
      req.end();
    });
    expect(res).toBe(403);
  });
});

describe('case 44: a skill folder without SKILL.md, with symlinks', () => {
  let dir: string;
  let served: Served | undefined;
  beforeAll(async () => {
    dir = await mkdtemp(join(tmpdir(), 'skill-folder-'));
    await mkdir(join(dir, 'guide'));
    await writeFile(join(dir, 'guide', 'steps.md'), '# Steps\n');
    await writeFile(join(dir, 'outside-secret.txt'), 'NOT_FOR_CLIENTS\n');
    await symlink(join(dir, 'outside-secret.txt'), join(dir, 'guide', 'linked.txt'));
    await symlink(dir, join(dir, 'guide', 'parent'));
    await writeFile(
      join(dir, 'cap.yaml'),
      `naftiko: "1.0.0-alpha2"
info: { label: Guides, description: A guide skill }
capability:
  exposes:
    - type: skill
      port: 3002
      namespace: guides
      skills:
        - name: guide
          description: How to proceed
          location: file:///./guide
          tools:
            - { name: steps, description: The steps, instruction: steps.md }
`,
    );
    served = await serveCapability(join(dir, 'cap.yaml'), { env: {}, upstreamUrl: upstream.url });
  });
  afterAll(async () => {
    await served?.close();
    await rm(dir, { recursive: true, force: true });
  });

  it('case 44: lists the folder plus a derived SKILL.md, and never lists or follows a symlink', async () => {
    const base = urlOf(served!, 'skill');
    const list = (await (await fetch(`${base}/guide/contents`)).json()) as { files: { path: string }[] };
    expect(list.files.map((f) => f.path)).toStrictEqual(['SKILL.md', 'steps.md']);
    const md = await (await fetch(`${base}/guide/contents/SKILL.md`)).text();
    expect(md).toContain('### steps\n\nThe steps\n\nInstructions: [steps.md](steps.md)');
    for (const path of ['linked.txt', 'parent/outside-secret.txt']) {
      const res = await fetch(`${base}/guide/contents/${path}`);
      expect(res.status, path).toBe(404);
      expect(await res.text()).not.toContain('NOT_FOR_CLIENTS');
    }
    const zip = unzipSync(new Uint8Array(await (await fetch(`${base}/guide/download`)).arrayBuffer()));
    expect(Object.keys(zip).sort()).toStrictEqual(['guide/SKILL.md', 'guide/steps.md']);
  });
});
