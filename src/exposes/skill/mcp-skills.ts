// The capability's skills offered to MCP clients through the MCP Skills extension (SEP-2640) that SDK v2 ships:
// `skills/list`, `skills/get` and `skill://<skill>/<file>` resources on the capability's MCP adapter, so an agent
// finds the tools and the skills that explain them on one endpoint. Entries (digests, sizes, frontmatter) are built
// from the same files the skill adapter serves, once, on the first request (the derived SKILL.md names the adapters'
// URLs, which are known only once every adapter listens).
import { readFile } from 'node:fs/promises';
import { skillEntry, SkillsExtension, type Skill, type SkillSource } from '@modelcontextprotocol/server/ext/skills';
import type { CompiledSkill } from '../../compile/skill.js';
import type { Logger } from '../../observe/log.js';
import { listSkillFiles, type SkillFile } from './files.js';

const BASE_URI = 'skill://';

interface Published {
  skills: Skill[];
  files: Map<string, { file: SkillFile; bytes: Uint8Array }>;
}

export function createSkillsExtension(skills: readonly CompiledSkill[], urls: () => ReadonlyMap<string, string>, logger: Logger): SkillsExtension {
  let published: Promise<Published> | undefined;
  const publish = () => (published ??= build(skills, urls(), logger));
  const source: SkillSource = {
    list: async () => ({ skills: (await publish()).skills }),
    get: async (uri) => (await publish()).skills.find((s) => s.uri === uri),
    read: async (uri) => {
      const found = (await publish()).files.get(uri);
      if (!found) return undefined;
      const mimeType = found.file.type;
      return mimeType.startsWith('text/') ? { text: Buffer.from(found.bytes).toString('utf8'), mimeType } : { bytes: found.bytes, mimeType };
    },
  };
  return new SkillsExtension({ source, baseUri: BASE_URI, onWarning: (w) => logger.warn({ path: w.path }, `skills extension: ${w.message}`) });
}

async function build(skills: readonly CompiledSkill[], urls: ReadonlyMap<string, string>, logger: Logger): Promise<Published> {
  const result: Published = { skills: [], files: new Map() };
  for (const skill of skills) {
    try {
      const files = await listSkillFiles(skill, urls);
      const contents: Record<string, Uint8Array> = {};
      for (const file of files) contents[file.path] = 'text' in file ? Buffer.from(file.text) : await readFile(file.absolute);
      const entry = await skillEntry(skill.name, contents, { baseUri: BASE_URI });
      result.skills.push(entry);
      for (const file of files) result.files.set(`${BASE_URI}${skill.name}/${file.path}`, { file, bytes: contents[file.path]! });
    } catch (err) {
      // A skill whose own SKILL.md breaks the Agent Skills rules is left out of MCP (the skill adapter still serves it).
      logger.warn({ skill: skill.name }, `skills extension: skill left out: ${(err as Error).message}`);
    }
  }
  return result;
}
