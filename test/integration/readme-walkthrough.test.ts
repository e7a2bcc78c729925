// The README's "Write your first capability" walk-through, followed step by step as a user would: every command of
// its `sh` blocks runs in that order in an empty folder (`npx capability …` is the packed CLI, bin/capability.js;
// `echo … > file` writes the file; `curl` is sent with fetch), and its one edit (baseUri → your API) is applied
// to the generated file. Only the ports differ: serve gets --port …=0, and the curl URLs follow.
import { mkdtemp, readFile, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ensureFreshBuild, killRunningChildren, ROOT, runCli, startServe, type ServeProcess } from '../helpers/cli.js';
import { connectMcp, resultJson } from '../helpers/mcp-clients.js';
import { startUpstream, type Upstream } from '../helpers/upstream.js';

async function walkthrough(): Promise<{ text: string; commands: string[] }> {
  const readme = await readFile(join(ROOT, 'README.md'), 'utf8');
  const start = readme.indexOf('## Write your first capability');
  if (start < 0) throw new Error('no "Write your first capability" section in the README');
  const text = readme.slice(start, readme.indexOf('\n## ', start + 1));
  const commands = [...text.matchAll(/```sh\n([\s\S]*?)```/g)].flatMap((m) => m[1]!.split('\n').filter((l) => l.trim() !== ''));
  return { text, commands };
}

/** `curl [-X M] URL [-H 'k: v'] [-d 'body']` → fetch arguments. */
function parseCurl(line: string): { method: string; url: string; headers: Record<string, string>; body?: string } {
  const words = [...line.matchAll(/'([^']*)'|(\S+)/g)].map((m) => m[1] ?? m[2]!).slice(1);
  const out = { method: 'GET', url: '', headers: {} as Record<string, string>, body: undefined as string | undefined };
  for (let i = 0; i < words.length; i++) {
    const w = words[i]!;
    if (w === '-X') out.method = words[++i]!;
    else if (w === '-H') {
      const [k, ...v] = words[++i]!.split(':');
      out.headers[k!.trim()] = v.join(':').trim();
    } else if (w === '-d') {
      out.body = words[++i]!;
      if (out.method === 'GET') out.method = 'POST';
    } else out.url = w;
  }
  return out;
}

let upstream: Upstream;
let serve: ServeProcess | undefined;

beforeAll(async () => {
  await ensureFreshBuild();
  upstream = await startUpstream((r) =>
    r.method === 'GET' ? { body: { id: decodeURIComponent(r.path.split('/').pop()!), title: 'Buy milk', internal: 'not mapped' } } : { status: 201, body: { id: '43', ...(r.json as object) } },
  );
}, 180_000);
afterAll(async () => {
  await serve?.stop();
  killRunningChildren();
  await upstream?.close();
});

describe('README: Write your first capability', () => {
  it('runs init → edit → validate → serve → call as written', { timeout: 180_000 }, async () => {
    const { text, commands } = await walkthrough();
    // What the section must say for a newcomer.
    expect(text).toContain('`binds`');
    expect(text).toContain('Tool inputs are required unless they say `required: false`');
    expect(commands.map((c) => c.split(' ').slice(0, 3).join(' '))).toStrictEqual([
      'npx capability init',
      "echo 'NOTES_API_TOKEN=tok_live_123' >",
      'npx capability validate',
      'npx capability serve',
      'curl http://127.0.0.1:8080/v1/items/42',
      'curl -X POST',
      'npx capability call',
    ]);

    const dir = await mkdtemp(join(tmpdir(), 'cap-walkthrough-'));
    const cli = (line: string) => line.replace(/^npx capability /, '').match(/'[^']*'|\S+/g)!.map((w) => w.replace(/^'|'$/g, ''));
    let token = '';
    let rest = '';
    let mcp = '';
    for (const line of commands) {
      if (line.startsWith('npx capability init')) {
        const made = await runCli(cli(line), { cwd: dir });
        expect(made.code, made.stderr).toBe(0);
        // The edit the section describes: point baseUri at your API (here, the recording upstream).
        const edit = /`(baseUri: \S+)` → your API's address/.exec(text);
        expect(edit).not.toBeNull();
        const file = join(dir, 'notes.yaml');
        const yaml = await readFile(file, 'utf8');
        expect(yaml).toContain(edit![1]!);
        await writeFile(file, yaml.replace(edit![1]!, `baseUri: ${upstream.url}`));
      } else if (line.startsWith('echo ')) {
        const [, content, target] = /^echo '([^']*)' > (\S+)$/.exec(line)!;
        await writeFile(join(dir, target!), `${content}\n`);
        token = content!.split('=')[1]!;
      } else if (line.startsWith('npx capability validate')) {
        const checked = await runCli(cli(line), { cwd: dir });
        expect(checked.stderr).toBe('');
        expect(checked.stdout.trim()).toBe('valid: 1 file(s), 0 warning(s)');
        expect(checked.code).toBe(0);
      } else if (line.startsWith('npx capability serve')) {
        serve = await startServe([...cli(line).slice(1), '--port', 'notes-api=0', '--port', 'notes-mcp=0'], 2, { cwd: dir });
        rest = /^rest\s+notes-api\s+(\S+)/.exec(serve.lines[0]!)![1]!;
        mcp = /^mcp\s+notes-mcp\s+(\S+)/.exec(serve.lines[1]!)![1]!;
      } else if (line.startsWith('curl ')) {
        const request = parseCurl(line);
        upstream.reset();
        const response = await fetch(request.url.replace('http://127.0.0.1:8080', rest), { method: request.method, headers: request.headers, body: request.body });
        const sent = upstream.only();
        expect(sent.headers.authorization).toBe(`Bearer ${token}`);
        if (request.method === 'GET') {
          expect(response.status).toBe(200);
          expect(await response.json()).toStrictEqual({ id: '42', title: 'Buy milk' });
          expect(sent.path).toBe('/items/42');
        } else {
          expect(response.status).toBe(201);
          expect(sent.path).toBe('/items');
          expect(sent.json).toStrictEqual(JSON.parse(request.body!));
        }
      } else if (line.startsWith('npx capability call')) {
        upstream.reset();
        const called = await runCli(cli(line), { cwd: dir });
        expect(called.code, called.stderr).toBe(0);
        expect(JSON.parse(called.stdout)).toStrictEqual({ id: '42', title: 'Buy milk' });
        expect(upstream.only().headers.authorization).toBe(`Bearer ${token}`);
      } else {
        throw new Error(`the walk-through has a command this test does not know: ${line}`);
      }
    }
    // "point an MCP client at http://127.0.0.1:9090/mcp": the same tool over MCP.
    const client = await connectMcp('2026-07-28', mcp);
    try {
      expect((await client.listTools()).map((t) => t.name)).toStrictEqual(['get-item', 'create-item']);
      expect(resultJson(await client.callTool('get-item', { id: '42' }))).toStrictEqual({ id: '42', title: 'Buy milk' });
    } finally {
      await client.close();
    }
    const docs = await fetch(`${rest}/docs/json`);
    expect(docs.status).toBe(200);
    expect(Object.keys(((await docs.json()) as { paths: object }).paths)).toStrictEqual(['/v1/items/{id}', '/v1/items']);
  });
});
