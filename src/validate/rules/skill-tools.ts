// Rule: each skill tool has exactly one of `from` / `instruction` (naftiko-semantics §6.1); `from` names a tool or
// operation of a sibling rest or mcp adapter; `instruction` needs the skill's `location` and a plain relative path.
// Skill names are unique within their adapter (a second one could never be reached).
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';
import { pointerOf } from '../../load/source.js';
import type { ExposesMcp, ExposesRest, ExposesSkill } from '../../spec/capability.js';
import { isSafeRelativePath } from '../../load/skill-paths.js';

export function skillTools(loaded: LoadedCapability): Diagnostic[] {
  const exposes = Array.isArray(loaded.document?.capability?.exposes) ? loaded.document!.capability!.exposes! : [];
  // What each sibling rest/mcp adapter offers by name: MCP tool names, REST operation names.
  const actions = new Map<string, { type: 'rest' | 'mcp'; names: string[] }>();
  for (const e of exposes) {
    if (e?.type === 'mcp') actions.set(e.namespace, { type: 'mcp', names: list((e as ExposesMcp).tools).map((t) => t?.name).filter(Boolean) });
    if (e?.type === 'rest') {
      const names = list((e as ExposesRest).resources).flatMap((r) => list(r?.operations).map((o) => o?.name ?? '')).filter(Boolean);
      actions.set(e.namespace, { type: 'rest', names });
    }
  }
  const diagnostics: Diagnostic[] = [];
  const error = (pointer: string, code: string, message: string, hint?: string) => diagnostics.push(diagnose(loaded.source, pointer, 'error', code, message, { hint }));

  exposes.forEach((e, a) => {
    if (e?.type !== 'skill') return;
    const seen = new Set<string>();
    const skills = (e as ExposesSkill).skills;
    (Array.isArray(skills) ? skills : []).forEach((skill, s) => {
      if (!skill || typeof skill !== 'object') return;
      const at = pointerOf('capability', 'exposes', a, 'skills', s);
      if (seen.has(skill.name)) error(`${at}/name`, 'CAP_RULE_SKILL_DUPLICATE', `skill "${skill.name}" is declared twice in adapter "${e.namespace}"`, 'give each skill its own name');
      seen.add(skill.name);
      (Array.isArray(skill.tools) ? skill.tools : []).forEach((tool, t) => {
        if (!tool || typeof tool !== 'object') return;
        const where = `${at}/tools/${t}`;
        const label = `skill tool "${tool.name}"`;
        if (tool.from !== undefined && tool.instruction !== undefined) {
          return error(where, 'CAP_RULE_SKILL_TOOL', `${label} has both \`from\` and \`instruction\`; it needs exactly one`, 'keep `from` for a tool of a sibling adapter, `instruction` for a file under the skill location');
        }
        if (tool.from === undefined && tool.instruction === undefined) {
          return error(where, 'CAP_RULE_SKILL_TOOL', `${label} has neither \`from\` nor \`instruction\`; it needs exactly one`, 'add `from: {sourceNamespace, action}` or `instruction: <file>`');
        }
        if (tool.from !== undefined) {
          const { sourceNamespace, action } = tool.from ?? ({} as { sourceNamespace?: string; action?: string });
          const source = actions.get(String(sourceNamespace));
          if (!source) {
            const known = [...actions.keys()];
            return error(`${where}/from/sourceNamespace`, 'CAP_RULE_SKILL_SOURCE', `${label}: "${String(sourceNamespace)}" is not the namespace of a rest or mcp adapter of this capability`, `rest/mcp adapters: ${known.join(', ') || 'none'}`);
          }
          if (!source.names.includes(String(action))) {
            const kind = source.type === 'mcp' ? 'tools' : 'operations';
            return error(`${where}/from/action`, 'CAP_RULE_SKILL_SOURCE', `${label}: "${String(action)}" is not one of the ${kind} of "${String(sourceNamespace)}"`, `${kind}: ${source.names.join(', ') || 'none (REST operations need a `name`)'}`);
          }
          return;
        }
        if (typeof skill.location !== 'string') {
          return error(`${where}/instruction`, 'CAP_RULE_SKILL_INSTRUCTION', `${label}: \`instruction\` needs the skill's \`location\` (the folder that holds the file)`, 'add `location: file:///./<folder>` to the skill');
        }
        if (typeof tool.instruction !== 'string' || !isSafeRelativePath(tool.instruction)) {
          error(`${where}/instruction`, 'CAP_RULE_SKILL_INSTRUCTION', `${label}: instruction "${String(tool.instruction)}" must be a relative path inside the skill location (letters, digits, '.', '_', '-' per segment; no '..')`);
        }
      });
    });
  });
  return diagnostics;
}

/** A list from the document, or none when the file has something else there (reported by the schema check). */
const list = <T>(value: T[] | undefined): T[] => (Array.isArray(value) ? value : []);
