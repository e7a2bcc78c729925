// The RFC 9728 Protected Resource Metadata document of an oauth2 adapter: plain data, so that an adapter can publish
// it without loading the token checker (jose, the MCP SDK), which oauth2.ts loads on first use.
import type { InboundAuth } from '../../compile/inbound-auth.js';

export function protectedResourceMetadata(auth: Extract<InboundAuth, { type: 'oauth2' }>, adapterName: string): Record<string, unknown> {
  const metadata: Record<string, unknown> = {
    resource: auth.resource,
    authorization_servers: [auth.issuer],
    bearer_methods_supported: ['header'],
    resource_name: adapterName,
  };
  if (auth.scopes.length > 0) metadata.scopes_supported = [...auth.scopes];
  return metadata;
}
