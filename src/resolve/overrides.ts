// Command-line overrides applied to a loaded capability: `--upstream <consumes-namespace>=<baseUri>`.
import type { Located } from '../load/load.js';
import type { ConsumesHttp } from '../spec/capability.js';

export function applyUpstreamOverrides(consumes: readonly Located<ConsumesHttp>[], upstreams: ReadonlyMap<string, string>): Located<ConsumesHttp>[] {
  return consumes.map((c) => {
    const baseUri = upstreams.get(c.value.namespace);
    return baseUri === undefined ? c : { ...c, value: { ...c.value, baseUri: baseUri.replace(/\/+$/, '') } };
  });
}
