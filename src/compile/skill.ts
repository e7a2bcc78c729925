// Compile stage of a skill adapter: the catalog, each skill's detail and its derived SKILL.md are built once per
// load; only file contents are read when asked. `from` tools point at compiled MCP tools or REST routes.
import { existsSync, statSync } from 'node:fs';
import { dirname, join } from 'node:path';
import { diagnose, type Diagnostic } from '../errors/diagnostic.js';
import type { SourceFile } from '../load/source.js';
import { locationToFolder } from '../load/skill-paths.js';
import type { ExposesSkill } from '../spec/capability.js';
import type { CompiledAdapter } from './compile.js';
import type { InboundAuth } from './inbound-auth.js';
import { compileSkillMd, type SkillMdRenderer, type SkillMdTool, type SkillToolTarget } from './skill-md.js';

export interface CompiledSkill {
  readonly name: string;
  /** The entry in `GET /skills`. */
  readonly summary: Readonly<Record<string, unknown>>;
  /** The body of `GET /skills/{name}`. */
  readonly detail: Readonly<Record<string, unknown>>;
  /** Absolute folder of the skill's files; absent when the file gives no `location`. */
  readonly folder?: string;
  /** SKILL.md served when the folder has none (or there is no folder). */
  readonly skillMd: SkillMdRenderer;
}

export interface CompiledSkillAdapter {
  readonly type: 'skill';
  readonly namespace: string;
  readonly port: number;
  readonly auth?: InboundAuth;
  readonly description?: string;
  readonly skills: readonly CompiledSkill[];
  /** The body of `GET /skills`. */
  readonly catalog: Readonly<{ count: number; skills: readonly Readonly<Record<string, unknown>>[] }>;
}

type Business = Extract<CompiledAdapter, { type: 'rest' | 'mcp' }>;

const METADATA_KEYS = ['license', 'compatibility', 'argument-hint', 'allowed-tools', 'user-invocable', 'disable-model-invocation', 'metadata'] as const;

export function compileSkillAdapter(
  adapter: ExposesSkill,
  pointer: string,
  business: readonly Business[],
  capability: { label: string; description?: string; source: SourceFile },
): { adapter: CompiledSkillAdapter; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const byNamespace = new Map(business.map((b) => [b.namespace, b]));
  const skills: CompiledSkill[] = [];
  (Array.isArray(adapter.skills) ? adapter.skills : []).forEach((skill, s) => {
    if (!skill || typeof skill !== 'object') return;
    const at = `${pointer}/skills/${s}`;
    let folder: string | undefined;
    if (typeof skill.location === 'string') {
      try {
        folder = locationToFolder(skill.location, dirname(capability.source.path));
      } catch (err) {
        diagnostics.push(diagnose(capability.source, `${at}/location`, 'error', 'CAP_COMPILE', (err as Error).message));
        return;
      }
      if (!isFolder(folder)) {
        diagnostics.push(diagnose(capability.source, `${at}/location`, 'warning', 'CAP_COMPILE_SKILL_LOCATION', `skill "${skill.name}": folder ${folder} does not exist; its files answer 404 until it does`));
      }
    }
    const mdTools: SkillMdTool[] = [];
    const detailTools = (Array.isArray(skill.tools) ? skill.tools : []).filter((tool) => tool && typeof tool === 'object').map((tool, t) => {
      const entry: Record<string, unknown> = { name: tool.name, description: tool.description };
      if (tool.from) {
        const target = targetOf(byNamespace.get(tool.from.sourceNamespace), tool.from.action);
        entry.type = 'derived';
        entry.invocationRef = { targetNamespace: tool.from.sourceNamespace, action: tool.from.action, mode: target?.mode ?? 'unknown' };
        mdTools.push({ name: tool.name, description: tool.description, target });
      } else {
        entry.type = 'instruction';
        entry.instruction = tool.instruction;
        mdTools.push({ name: tool.name, description: tool.description, instruction: tool.instruction });
        if (folder && isFolder(folder) && !existsSync(join(folder, String(tool.instruction)))) {
          diagnostics.push(diagnose(capability.source, `${at}/tools/${t}/instruction`, 'warning', 'CAP_COMPILE_SKILL_LOCATION', `skill "${skill.name}": instruction file ${String(tool.instruction)} is not in ${folder}`));
        }
      }
      return entry;
    });
    const summary: Record<string, unknown> = { name: skill.name, description: skill.description };
    if (skill.license !== undefined) summary.license = skill.license;
    summary.tools = detailTools.map((t) => t.name);
    const detail: Record<string, unknown> = { name: skill.name, description: skill.description };
    for (const key of METADATA_KEYS) if (skill[key] !== undefined) detail[key] = skill[key];
    detail.tools = detailTools;
    skills.push({ name: skill.name, summary, detail, folder, skillMd: compileSkillMd(skill, mdTools, capability) });
  });
  const catalog = { count: skills.length, skills: skills.map((s) => s.summary) };
  return { adapter: { type: 'skill', namespace: adapter.namespace, port: Number(adapter.port), description: adapter.description, skills, catalog }, diagnostics };
}

/** The compiled MCP tool or REST route a `from` names (validate has checked that it exists). */
function targetOf(source: Business | undefined, action: string): SkillToolTarget | undefined {
  if (source?.type === 'mcp') {
    const tool = source.tools.find((t) => t.listing.name === action);
    return tool ? { mode: 'mcp', namespace: source.namespace, tool: action, inputSchema: tool.listing.inputSchema } : undefined;
  }
  if (source?.type === 'rest') {
    const route = source.routes.find((r) => r.invoker.name === action);
    return route ? { mode: 'rest', namespace: source.namespace, method: route.method, path: route.path, inputSchema: route.invoker.inputSchema, inputs: route.invoker.declaredInputs } : undefined;
  }
  return undefined;
}

function isFolder(path: string): boolean {
  try {
    return statSync(path).isDirectory();
  } catch {
    return false;
  }
}
