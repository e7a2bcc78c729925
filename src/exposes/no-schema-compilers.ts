// Fastify's schema compilers for apps whose routes declare no Fastify schemas (inputs are checked by the compiled
// invokers, answers are serialized by our own code): without this option every app made Fastify load its ajv-based
// validator compiler and fast-json-stringify at start-up, for nothing (issue 9: memory and start-up). A route that
// declared a schema would fail loudly when the app gets ready, rather than be checked by a compiler we do not use.
import type { FastifyServerOptions } from 'fastify';

const refuse = (): never => {
  throw new Error('this app compiles no Fastify schemas (src/exposes/no-schema-compilers.ts)');
};

export const NO_SCHEMA_COMPILERS: NonNullable<FastifyServerOptions['schemaController']> = {
  compilersFactory: { buildValidator: () => refuse, buildSerializer: () => refuse },
};
