// The SKILL.md served for a skill whose `location` gives none: built from the capability at load time (frontmatter,
// description, and each tool with its input schema and how to call it). Only the adapters' URLs are filled in when
// it is served, since ports are chosen at start-up (and may be any free port).
import { yamlLib } from '../load/yaml-lib.js';
import type { ExposedSkill } from '../spec/capability.js';
import type { JsonSchemaObject } from './input-schema.js';

/** How a derived tool is reached: an MCP tool, or a REST route. */
export type SkillToolTarget =
  | { mode: 'mcp'; namespace: string; tool: string; inputSchema: JsonSchemaObject }
  | { mode: 'rest'; namespace: string; method: string; path: string; inputSchema: JsonSchemaObject; inputs: readonly { name: string; in: string }[] | null };

export interface SkillMdTool {
  name: string;
  description?: string;
  target?: SkillToolTarget;
  instruction?: string;
}

/** Renders with the served URLs (namespace → base URL, MCP URLs ending in /mcp). */
export type SkillMdRenderer = (urls: ReadonlyMap<string, string>) => string;

export function compileSkillMd(skill: ExposedSkill, tools: readonly SkillMdTool[], capability: { label: string; description?: string }): SkillMdRenderer {
  const frontmatter: Record<string, unknown> = { name: skill.name, description: skill.description };
  for (const key of ['license', 'compatibility', 'allowed-tools', 'argument-hint', 'user-invocable', 'disable-model-invocation', 'metadata'] as const) {
    if (skill[key] !== undefined) frontmatter[key] = skill[key];
  }
  const head = [`---\n${yamlLib().stringify(frontmatter).trimEnd()}\n---`, `# ${skill.name}`, String(skill.description ?? '').trim()];
  head.push(`Part of the capability "${capability.label}"${capability.description ? `: ${String(capability.description).trim()}` : ''}.`);
  // Each section is text, or a function of the URLs for the sections that name an endpoint.
  const sections: (string | SkillMdRenderer)[] = [];
  if (tools.length === 0) sections.push('This skill is descriptive: it lists no tools.');
  else sections.push('## Tools');
  for (const tool of tools) {
    const intro = `### ${tool.name}\n\n${String(tool.description ?? '').trim()}`.trimEnd();
    if (tool.instruction !== undefined) {
      sections.push(`${intro}\n\nInstructions: [${tool.instruction}](${tool.instruction}) (in this skill's files).`);
    } else if (tool.target) {
      const target = tool.target;
      const schema = '```json\n' + JSON.stringify(target.inputSchema, null, 2) + '\n```';
      sections.push((urls) => `${intro}\n\n${howToCall(target, urls)}\n\nInput schema:\n\n${schema}`);
    }
  }
  const fixed = head.join('\n\n');
  return (urls) => [fixed, ...sections.map((s) => (typeof s === 'string' ? s : s(urls)))].join('\n\n') + '\n';
}

function howToCall(target: SkillToolTarget, urls: ReadonlyMap<string, string>): string {
  const url = urls.get(target.namespace);
  if (target.mode === 'mcp') {
    return `Call the MCP tool \`${target.tool}\` (\`tools/call\`) on the MCP server \`${target.namespace}\`${url ? ` at ${url}` : ''}, with the arguments below.`;
  }
  const where = (target.inputs ?? []).map((i) => `\`${i.name}\` in ${i.in}`);
  const inputs = target.inputs === null ? 'path variables in the URL, other inputs as query parameters or top-level JSON body fields' : where.length ? where.join(', ') : 'no inputs';
  return `Send \`${target.method} ${url ?? ''}${target.path}\` to the REST API \`${target.namespace}\` (inputs: ${inputs}).`;
}
