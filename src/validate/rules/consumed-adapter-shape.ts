// Rule: what a consumed HTTP adapter needs before any request can be built (naftiko-semantics §1.4, §3.5):
// - a baseUri ending in "/" is refused, as the reference refuses the whole document (case 22);
// - apikey authentication names its placement (the reference fails every call without it, case 11);
// - oauth2 on a consumed adapter is the client-credentials flow: token endpoint, client id and secret.
import { diagnose, type Diagnostic } from '../../errors/diagnostic.js';
import type { LoadedCapability } from '../../load/load.js';

export function consumedAdapterShape(loaded: LoadedCapability): Diagnostic[] {
  const diagnostics: Diagnostic[] = [];
  for (const { value: adapter, source, pointer } of loaded.consumes) {
    if (!adapter || typeof adapter !== 'object') continue;
    if (typeof adapter.baseUri === 'string' && /.\/$/.test(adapter.baseUri)) {
      diagnostics.push(diagnose(source, `${pointer}/baseUri`, 'error', 'CAP_RULE_BASEURI_TRAILING_SLASH', `baseUri "${adapter.baseUri}" of "${adapter.namespace}" ends with "/"`, {
        hint: `write it without the trailing slash (${adapter.baseUri.replace(/\/+$/, '')}) and start each resource path with "/"`,
      }));
    }
    const auth = adapter.authentication as Record<string, unknown> | undefined;
    if (!auth || typeof auth !== 'object') continue;
    const at = `${pointer}/authentication`;
    if (auth.type === 'apikey' && auth.placement !== 'header' && auth.placement !== 'query') {
      diagnostics.push(diagnose(source, auth.placement === undefined ? at : `${at}/placement`, 'error', 'CAP_RULE_AUTH_FIELDS', `apikey authentication of "${adapter.namespace}" needs placement: header or query`, {
        hint: 'add `placement: header` (sends `<key>: <value>`) or `placement: query` (appends `?<key>=<value>`)',
      }));
    }
    if (auth.type === 'oauth2') {
      const missing = ['tokenEndpoint', 'clientId', 'clientSecret'].filter((f) => typeof auth[f] !== 'string' || auth[f] === '');
      if (missing.length > 0) {
        diagnostics.push(diagnose(source, at, 'error', 'CAP_RULE_AUTH_FIELDS', `oauth2 authentication of "${adapter.namespace}" is the client-credentials flow and needs ${missing.join(', ')}`, {
          hint: 'tokenEndpoint: https://auth.example.com/oauth/token, clientId: "{{CLIENT_ID}}", clientSecret: "{{CLIENT_SECRET}}" (both from binds); optional scopes and audience',
        }));
      }
    }
  }
  return diagnostics;
}
