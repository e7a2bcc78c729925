// Compile an exposes adapter's `authentication` once per load: credentials rendered from binds (never from caller
// input), unsupported shapes refused with a diagnostic so that nothing protected is ever served open.
import { CapError } from '../errors/cap-error.js';
import { diagnose, type Diagnostic } from '../errors/diagnostic.js';
import type { SourceFile } from '../load/source.js';
import type { NameScope } from './names.js';
import { compileText } from './template.js';

/** A credential the runtime compares against: its value, or the bound variable that has none (requests are refused). */
export type Credential = { readonly value: string } | { readonly unset: string };

export type InboundAuth =
  | { readonly type: 'bearer'; readonly token: Credential }
  | { readonly type: 'apikey'; readonly key: string; readonly placement: 'header' | 'query'; readonly value: Credential }
  | { readonly type: 'basic'; readonly username: Credential; readonly password: Credential }
  | {
      readonly type: 'oauth2';
      /** `authorizationServerUri`: the expected issuer and where the JWKS is discovered. */
      readonly issuer: string;
      /** `resource`: this server's canonical URI (RFC 8707), published in the Protected Resource Metadata. */
      readonly resource: string;
      /** Expected `aud`: `audience`, else `resource`. */
      readonly audience: string;
      readonly scopes: readonly string[];
      /** Runtime extension `jwksUri`: the JWKS location, skipping discovery. */
      readonly jwksUri?: string;
    };

/** → the compiled check, or diagnostics (errors) when the block cannot be enforced. */
export function compileInboundAuth(
  raw: unknown,
  source: SourceFile,
  at: string,
  scope: NameScope,
): { auth?: InboundAuth; diagnostics: Diagnostic[] } {
  const diagnostics: Diagnostic[] = [];
  const fail = (field: string, message: string, hint?: string) => {
    diagnostics.push(diagnose(source, field ? `${at}/${field}` : at, 'error', 'CAP_COMPILE_UNSUPPORTED', message, { hint }));
    return { diagnostics };
  };
  if (!raw || typeof raw !== 'object') return fail('', 'authentication must be an object with a `type`');
  const block = raw as Record<string, unknown>;
  const bound: NameScope = { ...scope, bindingsOnly: true };
  const credential = (field: string): Credential | undefined => {
    const text = block[field] === undefined ? '' : String(block[field]);
    try {
      return { value: compileText(text, bound).render({}) };
    } catch (err) {
      if (err instanceof CapError) return { unset: unsetName(compileText(text, bound).names, scope) };
      diagnostics.push(diagnose(source, `${at}/${field}`, 'error', 'CAP_COMPILE', (err as Error).message, { hint: 'declare the variable under `binds`' }));
      return undefined;
    }
  };

  switch (block.type) {
    case 'bearer': {
      const token = credential('token');
      return token ? { auth: { type: 'bearer', token }, diagnostics } : { diagnostics };
    }
    case 'apikey': {
      const key = typeof block.key === 'string' ? block.key.trim() : '';
      if (!key) return fail('key', 'apikey authentication needs `key`: the header or query parameter that carries the key');
      const placement = block.placement === 'query' ? 'query' : 'header';
      const value = credential('value');
      return value ? { auth: { type: 'apikey', key: placement === 'header' ? key.toLowerCase() : key, placement, value }, diagnostics } : { diagnostics };
    }
    case 'basic': {
      const username = credential('username');
      const password = credential('password');
      return username && password ? { auth: { type: 'basic', username, password }, diagnostics } : { diagnostics };
    }
    case 'digest':
      return fail('type', 'inbound `digest` authentication is not supported by this runtime, so this adapter is not served', 'use `basic` (behind TLS), `bearer`, `apikey` or `oauth2`');
    case 'oauth2': {
      // URLs and the audience may come from binds too (one file, several environments).
      const rendered: Record<string, unknown> = { ...block };
      for (const field of ['authorizationServerUri', 'resource', 'audience', 'jwksUri']) {
        if (typeof block[field] !== 'string') continue;
        const c = credential(field);
        if (!c) return { diagnostics };
        if ('unset' in c) return fail(field, `${c.unset} is not set, so the oauth2 \`${field}\` is unknown and this adapter is not served`, `set ${c.unset} and restart`);
        rendered[field] = c.value;
      }
      return compileOAuth2(rendered, fail, diagnostics);
    }
    default:
      return fail('type', `unknown authentication type "${String(block.type)}"`, 'use bearer, apikey, basic or oauth2');
  }
}

function compileOAuth2(
  block: Record<string, unknown>,
  fail: (field: string, message: string, hint?: string) => { diagnostics: Diagnostic[] },
  diagnostics: Diagnostic[],
): { auth?: InboundAuth; diagnostics: Diagnostic[] } {
  if (block.tokenValidation === 'introspection') {
    return fail('tokenValidation', 'token introspection is not supported by this runtime, so this adapter is not served', 'use `tokenValidation: jwks` (the default): JWTs checked against the authorization server JWKS');
  }
  const issuer = absoluteUrl(block.authorizationServerUri);
  if (!issuer) return fail('authorizationServerUri', 'oauth2 authentication needs `authorizationServerUri`, an absolute http(s) URL of the authorization server (the token issuer)');
  const resource = absoluteUrl(block.resource);
  if (!resource) return fail('resource', 'oauth2 authentication needs `resource`, the absolute URL of this server (RFC 8707)');
  let jwksUri: string | undefined;
  if (block.jwksUri !== undefined) {
    jwksUri = absoluteUrl(block.jwksUri);
    if (!jwksUri) return fail('jwksUri', '`jwksUri` must be an absolute http(s) URL');
  }
  const audience = typeof block.audience === 'string' && block.audience.trim() ? block.audience.trim() : resource;
  const scopes = Array.isArray(block.scopes) ? block.scopes.map(String) : [];
  return { auth: { type: 'oauth2', issuer, resource, audience, scopes, jwksUri }, diagnostics };
}

function absoluteUrl(value: unknown): string | undefined {
  if (typeof value !== 'string') return undefined;
  try {
    const url = new URL(value);
    return url.protocol === 'http:' || url.protocol === 'https:' ? value : undefined;
  } catch {
    return undefined;
  }
}

/** The first placeholder of a credential that names a bound variable without a value. */
function unsetName(names: readonly string[], scope: NameScope): string {
  for (const name of names) {
    const variable = scope.bindings.names.get(name);
    if (variable !== undefined && scope.bindings.missing.has(variable)) return variable;
  }
  return names[0] ?? 'credential';
}

/** The values an inbound check compares against: redacted from responses and logs like bound values. */
export function inboundSecrets(auth: InboundAuth | undefined): string[] {
  if (!auth) return [];
  const value = (c: Credential) => ('value' in c ? c.value : '');
  switch (auth.type) {
    case 'bearer':
      return [value(auth.token)].filter(Boolean);
    case 'apikey':
      return [value(auth.value)].filter(Boolean);
    case 'basic':
      return value(auth.password) ? [value(auth.password), `${value(auth.username)}:${value(auth.password)}`] : [];
    default:
      return [];
  }
}
