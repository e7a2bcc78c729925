// Consumed operations that no tool or route exposes still have to match the vendor's contract. This sends one
// such operation the way the runtime would (its compiled request template and the runtime's upstream client),
// so the contract suite can check it against the same mock.
import { compileRequestTemplate } from '../../../src/compile/request-template.js';
import { createUpstreamClient, type UpstreamResponse } from '../../../src/invoke/upstream.js';
import { loadCapability } from '../../../src/load/load.js';
import { consumedOperations } from '../../../src/load/walk.js';
import { resolveBindings } from '../../../src/resolve/bindings.js';
import { applyUpstreamOverrides } from '../../../src/resolve/overrides.js';

export interface ConsumedSender {
  /** `namespace.operation` of every consumed operation in the file. */
  operations: string[];
  send(operation: string, params: Record<string, unknown>): Promise<UpstreamResponse>;
  close(): Promise<void>;
}

export async function consumedSender(file: string, env: Record<string, string>, upstreams: ReadonlyMap<string, string>): Promise<ConsumedSender> {
  const loaded = await loadCapability(file);
  if (!loaded.document) throw new Error(`${file} did not load: ${loaded.diagnostics.map((d) => d.message).join('; ')}`);
  const { bindings } = resolveBindings(loaded, env);
  const exposes = loaded.document.capability?.exposes ?? [];
  const scope = { bindings, inputPrefixes: new Set(['tools', 'rest', ...exposes.map((e) => e.namespace ?? '').filter(Boolean)]) };
  const templates = new Map(
    [...consumedOperations(applyUpstreamOverrides(loaded.consumes, upstreams))].map((ref) => [
      `${ref.adapter.namespace}.${ref.operation.name}`,
      compileRequestTemplate(ref.adapter, ref.resource, ref.operation, scope),
    ]),
  );
  const client = createUpstreamClient({ timeoutMs: 15_000 });
  return {
    operations: [...templates.keys()],
    async send(operation, params) {
      const template = templates.get(operation);
      if (!template) throw new Error(`no consumed operation ${operation}; known: ${[...templates.keys()].join(', ')}`);
      return client.send(template.namespace, template.origin, template.build(params));
    },
    close: () => client.close(),
  };
}
