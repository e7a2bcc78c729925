// Cases 33 and 34 (naftiko-semantics §5.5, §5.6, §7): MCP resources and prompts served from capability files,
// through both MCP client generations and raw JSON-RPC, against the recording upstream.
import { mkdir, mkdtemp, rm, symlink, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../../../src/prepare.js';
import { CLIENT_GENERATIONS, connectMcp } from '../../helpers/mcp-clients.js';
import { serveCapability, type Served } from '../../helpers/runtime.js';
import { startUpstream, type Upstream } from '../../helpers/upstream.js';
import { rpc } from './rpc.js';

const USERS_TOKEN = 'tok_resource_secret_4242';
const FIXTURE = fileURLToPath(new URL('./mcp-resources-prompts-capability.yaml', import.meta.url));

let upstream: Upstream;
let served: Served;
let dir: string;
let staticServed: Served;

/** A capability with a static folder, a file prompt and a templated dynamic resource with output mapping (case 34). */
const staticCapability = (upstreamUrl: string) => `naftiko: "1.0.0-alpha2"
info: {label: Docs, description: Static resources and file prompts}
binds:
  - namespace: env
    keys: {USERS_TOKEN: USERS_TOKEN}
capability:
  consumes:
    - type: http
      namespace: users
      baseUri: ${upstreamUrl}
      authentication: {type: bearer, token: "{{USERS_TOKEN}}"}
      resources:
        - name: user
          path: /users/{{id}}
          operations:
            - {name: get-user, method: GET}
  exposes:
    - type: mcp
      port: 9
      namespace: docs-mcp
      tools:
        - name: noop
          description: Mock tool
          outputParameters:
            - {name: ok, type: string, value: "yes"}
      resources:
        - name: guides
          label: Guides
          uri: docs://guides
          description: Guides folder
          location: file:///./docs
        - name: profile
          label: Profile
          uri: users://{userId}/profile
          description: A user's profile, mapped
          call: users.get-user
          with: {id: "{{userId}}"}
          outputParameters:
            - type: object
              properties:
                name: {type: string, mapping: $.profile.name}
                city: {type: string, mapping: $.profile.address.city}
      prompts:
        - name: review
          label: Review
          description: Review a document (from a file)
          arguments:
            - {name: doc, description: The document}
          location: file:///./prompts/review.md
        - name: echo
          label: Echo
          description: Echo a value
          arguments:
            - {name: value, label: Value, description: Any text}
            - {name: other, description: Another text, required: false}
          template:
            - {role: user, content: "A={{value}} B={{other}}"}
`;

beforeAll(async () => {
  upstream = await startUpstream();
  served = await serveCapability(FIXTURE, { env: {}, upstreamUrl: upstream.url });

  dir = await mkdtemp(join(tmpdir(), 'cap-mcp-static-'));
  await mkdir(join(dir, 'docs', 'nested'), { recursive: true });
  await mkdir(join(dir, 'prompts'));
  await writeFile(join(dir, 'docs', 'guide.md'), '# Guide\n\nRead me.\n');
  await writeFile(join(dir, 'docs', 'data.json'), '{"a":1}');
  await writeFile(join(dir, 'docs', 'nested', 'notes.txt'), 'nested notes');
  await writeFile(join(dir, 'secret.txt'), 'outside the folder');
  await symlink(join(dir, 'secret.txt'), join(dir, 'docs', 'escape.txt'));
  await writeFile(join(dir, 'prompts', 'review.md'), 'Review {{doc}} carefully. Cost: $1 \\n {{missing}}');
  await writeFile(join(dir, 'capability.yaml'), staticCapability(upstream.url));
  staticServed = await serveCapability(join(dir, 'capability.yaml'), { env: { USERS_TOKEN }, upstreamUrl: upstream.url });
});

afterAll(async () => {
  await served?.close();
  await staticServed?.close();
  await upstream?.close();
  if (dir) await rm(dir, { recursive: true, force: true });
});

beforeEach(() => {
  upstream.reset();
  upstream.handle(undefined);
});

describe.each(CLIENT_GENERATIONS)('case 33: resources and prompts from mcp-resources-prompts-capability.yaml (%s client)', (generation) => {
  it('advertises resources and prompts, lists exact resources and templates apart, and lists prompts with argument titles and required flags', async () => {
    const client = await connectMcp(generation, served.mcp);
    try {
      const capabilities = client.capabilities() ?? {};
      expect(capabilities).toHaveProperty('resources');
      expect(capabilities).toHaveProperty('prompts');
      expect(capabilities.tools).toMatchObject({ listChanged: true });

      const resources = await client.listResources();
      expect(resources).toEqual([
        { uri: 'data://databases/pre-release/schema', name: 'database-schema', title: 'Database Schema', description: 'Schema of the pre-release participants database', mimeType: 'application/json' },
      ]);
      const templates = await client.listResourceTemplates();
      expect(templates).toEqual([{ uriTemplate: 'data://users/{userId}/profile', name: 'user-profile', title: 'User Profile', description: 'User profile by ID', mimeType: 'application/json' }]);

      const prompts = await client.listPrompts();
      expect(prompts.map((p) => p.name)).toEqual(['participant-outreach', 'summary-prompt']);
      expect(prompts[0]).toMatchObject({ title: 'Participant Outreach', description: 'Draft outreach message to pre-release participants' });
      expect(prompts[1]!.arguments).toEqual([
        { name: 'data', description: 'The raw data to summarize', required: true },
        { name: 'format', description: 'Output format: bullet-points, paragraph, or table', required: false },
      ]);
    } finally {
      await client.close();
    }
  });

  it('reads the exact and the templated resource through the upstream call, the template variable becoming the call parameter', async () => {
    upstream.handle((r) => ({ body: { results: [{ id: r.path }] } }));
    const client = await connectMcp(generation, served.mcp);
    try {
      const exact = await client.readResource('data://databases/pre-release/schema');
      expect(exact.contents).toEqual([{ uri: 'data://databases/pre-release/schema', mimeType: 'application/json', text: JSON.stringify({ results: [{ id: '/databases/test-db-id-123/query' }] }) }]);
      const templated = await client.readResource('data://users/u-42/profile');
      expect(JSON.parse(templated.contents[0]!.text!)).toEqual({ results: [{ id: '/databases/u-42/query' }] });
      expect(upstream.requests.map((r) => `${r.method} ${r.path}`)).toEqual(['POST /databases/test-db-id-123/query', 'POST /databases/u-42/query']);
      expect(upstream.requests[1]!.json).toEqual({ filter: { property: 'Status', select: { equals: 'Committed' } } });
    } finally {
      await client.close();
    }
  });

  it('renders inline prompts, multi-turn included; a missing argument keeps its placeholder', async () => {
    const client = await connectMcp(generation, served.mcp);
    try {
      const outreach = await client.getPrompt('participant-outreach', { participant_name: 'Ada', product_name: 'Engine' });
      expect(outreach.messages).toEqual([
        { role: 'user', content: { type: 'text', text: 'Draft a personalized outreach email to Ada about the upcoming Engine pre-release. Be professional but friendly.' } },
      ]);
      const summary = await client.getPrompt('summary-prompt', { data: 'x=1' });
      expect(summary.messages).toEqual([
        { role: 'user', content: { type: 'text', text: 'Summarize the following data in {{format}} format:\n\nx=1' } },
        { role: 'assistant', content: { type: 'text', text: "I'll summarize the data for you." } },
        { role: 'user', content: { type: 'text', text: 'Please focus on the key insights.' } },
      ]);
    } finally {
      await client.close();
    }
  });
});

describe('case 33: raw JSON-RPC details', () => {
  it('a template variable never spans a "/", and unknown URIs, prompts and missing params are -32602', async () => {
    const init = { protocolVersion: '2025-06-18' };
    const crossing = await rpc(served.mcp, 'resources/read', { uri: 'data://users/a/b/profile' }, init);
    expect(crossing.error).toMatchObject({ code: -32602 });
    expect(crossing.error!.message).toContain('unknown resource URI');
    expect(upstream.requests).toEqual([]);
    expect((await rpc(served.mcp, 'resources/read', { uri: 'data://nothing' }, init)).error).toMatchObject({ code: -32602 });
    expect((await rpc(served.mcp, 'resources/read', {}, init)).error).toMatchObject({ code: -32602 });
    expect((await rpc(served.mcp, 'prompts/get', { name: 'nope' }, init)).error).toMatchObject({ code: -32602 });
    expect((await rpc(served.mcp, 'prompts/get', {}, init)).error).toMatchObject({ code: -32602 });
  });

  it('an upstream failure of a dynamic read is a JSON-RPC error naming the CAP code', async () => {
    upstream.handle(() => ({ status: 503, body: { down: true } }));
    const answer = await rpc(served.mcp, 'resources/read', { uri: 'data://databases/pre-release/schema' }, { protocolVersion: '2025-06-18' });
    expect(answer.error).toMatchObject({ code: -32603 });
    expect(answer.error!.message).toContain('CAP_UPSTREAM_STATUS');
  });
});

describe('case 34: raw prompts/list', () => {
  it('sends an argument title from its label, and required defaults to true', async () => {
    const answer = await rpc(staticServed.mcp, 'prompts/list', {}, { protocolVersion: '2025-11-25' });
    const prompts = answer.result!.prompts as { name: string; arguments: unknown[] }[];
    expect(prompts.find((p) => p.name === 'echo')!.arguments).toEqual([
      { name: 'value', title: 'Value', description: 'Any text', required: true },
      { name: 'other', description: 'Another text', required: false },
    ]);
  });
});

describe.each(CLIENT_GENERATIONS)('case 34: resource and prompt safety (%s client)', (generation) => {
  it('lists the static folder files (no symlink escape), detects mime types (markdown too) and reads files', async () => {
    const client = await connectMcp(generation, staticServed.mcp);
    try {
      const resources = await client.listResources();
      expect(resources.map((r) => [r.uri, r.mimeType])).toEqual([
        ['docs://guides/data.json', 'application/json'],
        ['docs://guides/guide.md', 'text/markdown'],
        ['docs://guides/nested/notes.txt', 'text/plain'],
      ]);
      const guide = await client.readResource('docs://guides/guide.md');
      expect(guide.contents).toEqual([{ uri: 'docs://guides/guide.md', mimeType: 'text/markdown', text: '# Guide\n\nRead me.\n' }]);
      const nested = await client.readResource('docs://guides/nested/notes.txt');
      expect(nested.contents[0]!.text).toBe('nested notes');
    } finally {
      await client.close();
    }
  });

  it('refuses traversal, folders, odd segments and symlinks that leave the folder', async () => {
    const client = await connectMcp(generation, staticServed.mcp);
    try {
      for (const uri of ['docs://guides/../secret.txt', 'docs://guides/nested/../../secret.txt', 'docs://guides/%2e%2e/secret.txt', 'docs://guides', 'docs://guides/nested', 'docs://guides/escape.txt', 'docs://guides/a b.md', 'docs://guides//guide.md', 'docs://guides/missing.md']) {
        await expect(client.readResource(uri), uri).rejects.toThrow(/-32602|cannot be read/);
      }
    } finally {
      await client.close();
    }
  });

  it('reads a templated dynamic resource with its output mapping', async () => {
    upstream.handle((r) => ({ body: { profile: { name: `user at ${r.path}`, address: { city: 'Lyon' } }, extra: 'dropped' } }));
    const client = await connectMcp(generation, staticServed.mcp);
    try {
      const read = await client.readResource('users://u%2D7/profile');
      expect(read.contents).toEqual([{ uri: 'users://u%2D7/profile', mimeType: 'application/json', text: JSON.stringify({ name: 'user at /users/u-7', city: 'Lyon' }) }]);
    } finally {
      await client.close();
    }
  });

  it('a dynamic read sends the bound credential upstream but never shows it to the client', async () => {
    upstream.handle((r) => ({ body: { profile: { name: String(r.headers.authorization), address: { city: USERS_TOKEN } } } }));
    const client = await connectMcp(generation, staticServed.mcp);
    try {
      const read = await client.readResource('users://u-8/profile');
      expect(upstream.only().headers.authorization).toBe(`Bearer ${USERS_TOKEN}`);
      expect(read.contents[0]!.text).not.toContain(USERS_TOKEN);
      expect(JSON.parse(read.contents[0]!.text!)).toEqual({ name: 'Bearer [redacted]', city: '[redacted]' });
    } finally {
      await client.close();
    }
  });

  it('renders file prompts and never re-interpolates injected values; $ and \\ are plain characters', async () => {
    const client = await connectMcp(generation, staticServed.mcp);
    try {
      const review = await client.getPrompt('review', { doc: '{{missing}} $& $1 \\1' });
      expect(review.messages).toEqual([{ role: 'user', content: { type: 'text', text: 'Review {{missing}} $& $1 \\1 carefully. Cost: $1 \\n {{missing}}' } }]);
      const echo = await client.getPrompt('echo', { value: '{{other}}', other: '$$' });
      expect(echo.messages[0]!.content.text).toBe('A={{other}} B=$$');
      // Both SDK clients drop an argument's `title` (their PromptArgument schemas have none): the raw test below sees it.
      const prompts = await client.listPrompts();
      expect(prompts.find((p) => p.name === 'echo')!.arguments).toMatchObject([
        { name: 'value', description: 'Any text', required: true },
        { name: 'other', description: 'Another text', required: false },
      ]);
    } finally {
      await client.close();
    }
  });
});

describe('case 34: load-time checks of locations', () => {
  it('a missing resource folder and a prompt file outside the capability folder are errors at their file:line:col', async () => {
    const file = join(dir, 'bad.yaml');
    const text = staticCapability(upstream.url).replace('file:///./docs', 'file:///./no-such-folder').replace('file:///./prompts/review.md', 'file:///./../outside.md');
    await writeFile(file, text);
    const prepared = await prepareCapabilities([file], { env: { USERS_TOKEN } });
    expect(prepared.ok).toBe(false);
    const errors = prepared.diagnostics.filter((d) => d.severity === 'error').map((d) => ({ code: d.code, line: d.line, pointer: d.pointer, message: d.message }));
    const lines = text.split('\n');
    expect(errors).toEqual([
      { code: 'CAP_COMPILE', line: lines.findIndex((l) => l.includes('- name: guides')) + 1, pointer: '/capability/exposes/0/resources/0', message: expect.stringContaining('does not exist') },
      { code: 'CAP_COMPILE', line: lines.findIndex((l) => l.includes('- name: review')) + 1, pointer: '/capability/exposes/0/prompts/0', message: expect.stringContaining("leaves the capability's folder") },
    ]);
  });
});
