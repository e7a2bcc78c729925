// Load-time rules of the skill and control adapters (cases 44 and 45, SkillValidationTest / ControlServerAdapterTest):
// each finding is an error at file:line:col of the offending key, and the file is not served.
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { prepareCapabilities } from '../../src/prepare.js';

let dir: string;
beforeAll(async () => {
  dir = await mkdtemp(join(tmpdir(), 'adapter-rules-'));
});
afterAll(async () => {
  await rm(dir, { recursive: true, force: true });
});

const HEAD = `naftiko: "1.0.0-alpha2"
info: { label: Rules, description: Adapter rules }
capability:
  consumes:
    - type: http
      namespace: api
      baseUri: http://127.0.0.1:9
      resources:
        - { name: items, path: /items, operations: [{ name: list, method: GET }] }
  exposes:
    - type: mcp
      port: 3001
      namespace: tools
      tools:
        - { name: list-items, description: List items, call: api.list }
    - type: rest
      port: 3003
      namespace: api-rest
      resources:
        - path: /items
          operations: [{ name: list-items, method: GET, call: api.list }]
`;

async function prepare(name: string, exposes: string) {
  const file = join(dir, `${name}.yaml`);
  await writeFile(file, HEAD + exposes);
  const prepared = await prepareCapabilities([file], { env: {} });
  return { prepared, errors: prepared.diagnostics.filter((d) => d.severity === 'error') };
}

const skill = (tool: string, location = '') => `    - type: skill
      port: 3002
      namespace: skills
      skills:
        - name: ops
          description: Operations${location}
          tools:
            - ${tool}
`;

describe('case 44: skill tool rules', () => {
  it('case 44: a tool with both from and instruction is refused at its position', async () => {
    const { prepared, errors } = await prepare('both', skill('{ name: t, description: d, from: { sourceNamespace: tools, action: list-items }, instruction: guide.md }', '\n          location: file:///./skills/ops'));
    expect(prepared.ok).toBe(false);
    const finding = errors.find((d) => d.code === 'CAP_RULE_SKILL_TOOL')!;
    expect(finding.message).toContain('has both `from` and `instruction`');
    expect([finding.line, finding.pointer]).toStrictEqual([30, '/capability/exposes/2/skills/0/tools/0']);
  });

  it('case 44: a tool with neither from nor instruction is refused', async () => {
    const { errors } = await prepare('neither', skill('{ name: t, description: d }'));
    expect(errors.find((d) => d.code === 'CAP_RULE_SKILL_TOOL')?.message).toContain('has neither `from` nor `instruction`');
  });

  it('case 44: from must name a rest or mcp adapter of the capability, and one of its tools or operations', async () => {
    const unknownNamespace = await prepare('ns', skill('{ name: t, description: d, from: { sourceNamespace: nowhere, action: list-items } }'));
    const ns = unknownNamespace.errors.find((d) => d.code === 'CAP_RULE_SKILL_SOURCE')!;
    expect(ns.message).toContain('"nowhere" is not the namespace of a rest or mcp adapter');
    expect(ns.hint).toBe('rest/mcp adapters: tools, api-rest');
    expect(ns.pointer).toBe('/capability/exposes/2/skills/0/tools/0/from/sourceNamespace');
    const unknownTool = await prepare('tool', skill('{ name: t, description: d, from: { sourceNamespace: tools, action: nope } }'));
    expect(unknownTool.errors.find((d) => d.code === 'CAP_RULE_SKILL_SOURCE')).toMatchObject({ message: expect.stringContaining('"nope" is not one of the tools of "tools"'), hint: 'tools: list-items' });
    const unknownOperation = await prepare('op', skill('{ name: t, description: d, from: { sourceNamespace: api-rest, action: nope } }'));
    expect(unknownOperation.errors.find((d) => d.code === 'CAP_RULE_SKILL_SOURCE')?.message).toContain('"nope" is not one of the operations of "api-rest"');
    const ok = await prepare('ok', skill('{ name: t, description: d, from: { sourceNamespace: api-rest, action: list-items } }'));
    expect(ok.prepared.ok).toBe(true);
  });

  it('case 44: an instruction needs the skill location, and a plain relative path', async () => {
    const noLocation = await prepare('nolocation', skill('{ name: t, description: d, instruction: guide.md }'));
    expect(noLocation.errors.find((d) => d.code === 'CAP_RULE_SKILL_INSTRUCTION')?.message).toContain("`instruction` needs the skill's `location`");
    const traversal = await prepare('traversal', skill('{ name: t, description: d, instruction: ../../etc/passwd }', '\n          location: file:///./skills/ops'));
    expect(traversal.errors.find((d) => d.code === 'CAP_RULE_SKILL_INSTRUCTION')?.message).toContain('must be a relative path inside the skill location');
    const missingFolder = await prepare('missing', skill('{ name: t, description: d, instruction: guide.md }', '\n          location: file:///./skills/ops'));
    expect(missingFolder.prepared.ok).toBe(true);
    expect(missingFolder.prepared.diagnostics.find((d) => d.code === 'CAP_COMPILE_SKILL_LOCATION')?.message).toContain(`${join(dir, 'skills/ops')} does not exist`);
  });

  it('case 44: malformed skill shapes are findings, never a crash', async () => {
    const notAList = await prepare('shape', '    - { type: skill, port: 3002, namespace: skills, skills: oops }\n');
    expect(notAList.prepared.ok).toBe(false);
    expect(notAList.errors.some((d) => d.pointer.startsWith('/capability/exposes/2/skills'))).toBe(true);
    const odd = await prepare('odd', '    - { type: skill, port: 3002, namespace: skills, skills: [null, { name: s }, { name: t, description: d, tools: [null, { name: x, from: oops }] }] }\n');
    expect(odd.prepared.ok).toBe(false);
  });
});

describe('case 45: control adapter rules', () => {
  it('case 45: at most one control adapter per capability', async () => {
    const { errors } = await prepare('two', '    - { type: control, port: 9190 }\n    - { type: control, port: 9191 }\n');
    const finding = errors.find((d) => d.code === 'CAP_RULE_CONTROL_DUPLICATE')!;
    expect(finding.pointer).toBe('/capability/exposes/3');
    expect(finding.message).toContain('the first is exposes[2]');
  });

  it('case 45: the control port differs from every business port', async () => {
    const { errors } = await prepare('clash', '    - { type: control, port: 3003 }\n');
    const finding = errors.find((d) => d.code === 'CAP_RULE_CONTROL_PORT')!;
    expect(finding.message).toBe('the control adapter\'s port 3003 is also the port of rest adapter "api-rest"');
    expect([finding.line, finding.pointer]).toStrictEqual([22, '/capability/exposes/2/port']);
  });
});
