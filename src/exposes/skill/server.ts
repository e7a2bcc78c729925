// Skill adapter: a read-only catalog of agent skills (naftiko-semantics §6.1). It never runs a tool: it tells
// agents which tool of which adapter to call. The catalog and details were built at load time; file contents are
// read when asked, from the skill's folder only. Same Host/Origin guard and problem+json errors as REST.
import { createReadStream } from 'node:fs';
import type { FastifyInstance, FastifyReply } from 'fastify';
import type { CompiledSkill, CompiledSkillAdapter } from '../../compile/skill.js';
import { CapError } from '../../errors/cap-error.js';
import type { AdapterContext, RuntimeView } from '../../runtime.js';
import { findSkillFile, listSkillFiles } from './files.js';
import { contentTypeOf } from '../media-types.js';
import { HEALTH_PATHS, mountHealthRoutes } from '../health-routes.js';
import { createProblemApp } from '../problem-app.js';
import { zipSkillFiles } from './zip.js';

export function createSkillServer(adapter: CompiledSkillAdapter, context: AdapterContext, runtime: RuntimeView): FastifyInstance {
  const { app, sendProblem } = createProblemApp(adapter, context, { return503OnClosing: true }, HEALTH_PATHS);
  mountHealthRoutes(app, HEALTH_PATHS, context.ready);
  app.setErrorHandler((err, req, reply) => sendProblem(req, reply, err));
  app.setNotFoundHandler((req, reply) => sendProblem(reply.request, reply, new CapError('CAP_ROUTE_NOT_FOUND', `no route for ${req.method} ${req.url.split('?')[0]}; the skill adapter serves GET /skills`)));

  const catalogText = JSON.stringify(adapter.catalog);
  const details = new Map(adapter.skills.map((s) => [s.name, JSON.stringify(s.detail)]));
  const byName = new Map(adapter.skills.map((s) => [s.name, s]));
  const skillOf = (name: string): CompiledSkill => {
    const skill = byName.get(name);
    if (!skill) throw new CapError('CAP_SKILL_NOT_FOUND', `no skill named "${name}"; skills: ${[...byName.keys()].join(', ') || 'none'}`);
    return skill;
  };
  // Where each adapter of the runtime listens, for the SKILL.md built from the capability.
  const urls = () => new Map(runtime.adapters().map((a) => [a.namespace, a.url]));
  const json = (reply: FastifyReply, text: string) => reply.type('application/json').send(text);

  app.get('/skills', async (_req, reply) => json(reply, catalogText));
  app.get<{ Params: { name: string } }>('/skills/:name', async (req, reply) => json(reply, details.get(skillOf(req.params.name).name)!));
  app.get<{ Params: { name: string } }>('/skills/:name/contents', async (req, reply) => {
    const skill = skillOf(req.params.name);
    const files = await listSkillFiles(skill, urls());
    return json(reply, JSON.stringify({ name: skill.name, files: files.map(({ path, size, type }) => ({ path, size, type })) }));
  });
  app.get<{ Params: { name: string; '*': string } }>('/skills/:name/contents/*', async (req, reply) => {
    const skill = skillOf(req.params.name);
    const file = await findSkillFile(skill, req.params['*'], urls());
    // A skill file is data, never a page of this origin: no sniffing, no scripts if a browser opens it.
    reply.header('x-content-type-options', 'nosniff').header('content-security-policy', "sandbox; default-src 'none'");
    reply.type(contentTypeOf(file.path)).header('content-length', file.size);
    if ('text' in file) return reply.send(file.text);
    return reply.send(createReadStream(file.absolute));
  });
  app.get<{ Params: { name: string } }>('/skills/:name/download', async (req, reply) => {
    const skill = skillOf(req.params.name);
    const files = await listSkillFiles(skill, urls());
    reply.type('application/zip').header('content-disposition', `attachment; filename="${skill.name}.zip"`);
    return reply.send(zipSkillFiles(skill.name, files));
  });
  return app;
}
