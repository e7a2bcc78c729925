// One listening socket per adapter port that outlives the Fastify app behind it: each request is handed to the app
// that is current when it arrives (`fastify.routing`, the app's full request lifecycle), so a reload swaps the app
// without closing the port. Requests already routed finish on the app they started on; the listener counts them per
// app so the old one can be closed once it is idle.
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { FastifyInstance } from 'fastify';

export interface Listener {
  readonly server: Server;
  readonly port: number;
  /** The app new requests go to. */
  current(): FastifyInstance;
  /** Makes `app` (already `ready()`) current and returns the one it replaces. */
  swap(app: FastifyInstance): FastifyInstance;
  /** Requests in flight on every app of this port. */
  inFlight(): number;
  /** Resolves true once no request routed to `app` is in flight, false when `timeoutMs` passes first. */
  idle(app: FastifyInstance, timeoutMs: number): Promise<boolean>;
  /** Stops accepting; resolves when every connection has ended (idle keep-alive connections are closed as they go idle). */
  close(): Promise<void>;
}

/** Listens on host:port (0 = any free port) and serves `app` there. */
export async function listen(app: FastifyInstance, host: string, port: number): Promise<Listener> {
  await app.ready();
  let current = app;
  const counts = new Map<FastifyInstance, number>();
  const waiters = new Set<() => void>();
  const settle = () => {
    for (const wake of [...waiters]) wake();
  };
  const server = createServer((req: IncomingMessage, res: ServerResponse) => {
    const target = current;
    counts.set(target, (counts.get(target) ?? 0) + 1);
    res.on('close', () => {
      counts.set(target, (counts.get(target) ?? 1) - 1);
      if (counts.get(target) === 0) counts.delete(target);
      settle();
    });
    target.routing(req, res);
  });
  // The timeouts Fastify would have set on its own server (keep-alive 72 s, no request timeout, ...).
  const own = app.server;
  server.keepAliveTimeout = own.keepAliveTimeout;
  server.requestTimeout = own.requestTimeout;
  server.headersTimeout = own.headersTimeout;
  server.timeout = own.timeout;
  if (own.maxRequestsPerSocket) server.maxRequestsPerSocket = own.maxRequestsPerSocket;
  // Malformed requests are answered by the current app's clientError handler, as if it listened itself.
  server.on('clientError', (err, socket) => {
    if (current.server.listenerCount('clientError') > 0) current.server.emit('clientError', err, socket);
    else socket.destroy(err);
  });
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen({ host, port }, () => {
      server.off('error', reject);
      resolve();
    });
  });
  return {
    server,
    port: (server.address() as AddressInfo).port,
    current: () => current,
    swap(next) {
      const previous = current;
      current = next;
      return previous;
    },
    inFlight: () => [...counts.values()].reduce((a, b) => a + b, 0),
    idle(target, timeoutMs) {
      return new Promise((resolve) => {
        const check = () => {
          if ((counts.get(target) ?? 0) > 0) return;
          done(true);
        };
        const timer = setTimeout(() => done(false), timeoutMs);
        timer.unref();
        const done = (value: boolean) => {
          clearTimeout(timer);
          waiters.delete(check);
          resolve(value);
        };
        waiters.add(check);
        check();
      });
    },
    async close() {
      const closed = new Promise<void>((resolve) => server.close(() => resolve()));
      const timer = setInterval(() => server.closeIdleConnections(), 50);
      server.closeIdleConnections();
      try {
        await closed;
      } finally {
        clearInterval(timer);
      }
    },
  };
}
