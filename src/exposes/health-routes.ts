// Liveness and readiness probes on the port of every REST, MCP and skill adapter, so a deployment without a control
// adapter can still be probed. Status only (`{"status":"UP"}`): the per-adapter list stays on the control adapter.
// Probes carry no token, so these paths are not behind the adapter's inbound authentication (the adapter's auth hook
// lets them through), but the Host/Origin guard applies as to every request. A REST adapter that declares a route
// answering one of these paths keeps it: the capability's route wins (and the adapter says so once when it is built).
import type { FastifyInstance, FastifyReply } from 'fastify';
import { adapterReadyBody, liveBody } from './control/health.js';

export const HEALTH_PATHS: readonly string[] = ['/health/live', '/health/ready'];

/** The health paths that Fastify route URLs of the capability (`/a/:p0`, `/files/*`) would answer themselves. */
export function healthPathsTaken(routeUrls: readonly string[]): string[] {
  const patterns = routeUrls.map(patternOf);
  return HEALTH_PATHS.filter((path) => patterns.some((pattern) => pattern.test(path)));
}

/** `/a/:p0/*` → /^\/a\/[^/]+\/.*$/ (how find-my-way matches a parameter and a wildcard). */
const patternOf = (url: string): RegExp =>
  new RegExp(`^${url.replace(/[.+?^${}()|[\]\\]/g, '\\$&').replace(/:[A-Za-z0-9_]+/g, '[^/]+').replace(/\*/g, '.*')}$`);

/**
 * Registers GET (and HEAD) `paths` on the adapter's app. `ready`: the adapter listens and the runtime is not draining
 * (read at each probe); an app mounted outside a runtime counts as ready.
 */
export function mountHealthRoutes(app: FastifyInstance, paths: readonly string[], ready: () => boolean = () => true): void {
  const answer = (reply: FastifyReply, status: number, body: unknown) =>
    reply.code(status).header('cache-control', 'no-store').type('application/json').send(JSON.stringify(body));
  if (paths.includes('/health/live')) app.get('/health/live', (_req, reply) => answer(reply, 200, liveBody()));
  if (paths.includes('/health/ready')) {
    app.get('/health/ready', (_req, reply) => {
      const { status, body } = adapterReadyBody(ready());
      return answer(reply, status, body);
    });
  }
}
