// Everything the MCP adapter needs from the SDK, in one module loaded on the first request that needs it
// (./sdk-loader.ts): the SDK handler behind a port, the per-request server factory, the Skills extension, and the
// SDK's era verdicts for envelopes our own rules do not vouch for. Nothing here is imported eagerly by an HTTP adapter.
export { createSdkHandler, type SdkHandler } from './sdk-handler.js';
export { createServerFactory } from './factory.js';
export { createClassifier } from './era-verdicts.js';
export { createSkillsExtension } from '../skill/mcp-skills.js';
