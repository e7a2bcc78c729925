// Compiling an exposes adapter's `authentication`: credentials rendered from bindings once, an unset bind kept as
// "refuse every request", unsupported shapes refused with a positioned diagnostic, oauth2 defaults.
import { describe, expect, it } from 'vitest';
import { SourceFile } from '../load/source.js';
import { compileInboundAuth, inboundSecrets } from './inbound-auth.js';
import type { NameScope } from './names.js';

const scope: NameScope = {
  bindings: {
    names: new Map([
      ['TOKEN', 'TOKEN'],
      ['env.TOKEN', 'TOKEN'],
      ['ISSUER', 'ISSUER'],
      ['UNSET', 'UNSET'],
    ]),
    values: new Map([
      ['TOKEN', 'tok_123'],
      ['ISSUER', 'https://auth.example.com'],
    ]),
    missing: new Set(['UNSET']),
  },
  inputPrefixes: new Set(['tools', 'rest']),
};

const source = new SourceFile('/caps/a.yaml', 'capability:\n  exposes:\n    - type: rest\n      authentication:\n        type: digest\n');
const compile = (block: unknown) => compileInboundAuth(block, source, '/capability/exposes/0/authentication', scope);

describe('inbound authentication compile', () => {
  it('renders bound and literal credentials once', () => {
    expect(compile({ type: 'bearer', token: '{{env.TOKEN}}' }).auth).toEqual({ type: 'bearer', token: { value: 'tok_123' } });
    expect(compile({ type: 'apikey', key: 'X-Key', value: 'literal-key' }).auth).toEqual({ type: 'apikey', key: 'x-key', placement: 'header', value: { value: 'literal-key' } });
    expect(compile({ type: 'apikey', key: 'api_key', value: '{{TOKEN}}', placement: 'query' }).auth).toMatchObject({ key: 'api_key', placement: 'query' });
  });

  it('keeps a bound variable without a value as unset (the adapter then refuses every request)', () => {
    expect(compile({ type: 'basic', username: 'u', password: '{{UNSET}}' }).auth).toEqual({ type: 'basic', username: { value: 'u' }, password: { unset: 'UNSET' } });
  });

  it('refuses digest and introspection with CAP_COMPILE_UNSUPPORTED at their position', () => {
    const digest = compile({ type: 'digest', username: 'u', password: 'p' });
    expect(digest.auth).toBeUndefined();
    expect(digest.diagnostics).toMatchObject([{ code: 'CAP_COMPILE_UNSUPPORTED', severity: 'error', line: 5, col: 15, pointer: '/capability/exposes/0/authentication/type' }]);
    const introspection = compile({ type: 'oauth2', authorizationServerUri: 'https://a.example.com', resource: 'https://r.example.com', tokenValidation: 'introspection' });
    expect(introspection.diagnostics).toMatchObject([{ code: 'CAP_COMPILE_UNSUPPORTED', pointer: '/capability/exposes/0/authentication/tokenValidation' }]);
  });

  it('oauth2: audience defaults to resource; URLs may come from binds; an unset URL is a load error', () => {
    expect(compile({ type: 'oauth2', authorizationServerUri: '{{ISSUER}}', resource: 'https://r.example.com', scopes: ['a'] }).auth).toEqual({
      type: 'oauth2',
      issuer: 'https://auth.example.com',
      resource: 'https://r.example.com',
      audience: 'https://r.example.com',
      scopes: ['a'],
      jwksUri: undefined,
    });
    expect(compile({ type: 'oauth2', authorizationServerUri: '{{UNSET}}', resource: 'https://r.example.com' }).diagnostics).toMatchObject([{ code: 'CAP_COMPILE_UNSUPPORTED', message: expect.stringContaining('UNSET is not set') }]);
    expect(compile({ type: 'oauth2', authorizationServerUri: 'not a url', resource: 'https://r.example.com' }).diagnostics).toMatchObject([{ pointer: '/capability/exposes/0/authentication/authorizationServerUri' }]);
  });

  it('lists the values it compares against, for redaction', () => {
    expect(inboundSecrets(compile({ type: 'basic', username: 'u', password: '{{TOKEN}}' }).auth)).toEqual(['tok_123', 'u:tok_123']);
    expect(inboundSecrets(compile({ type: 'bearer', token: '{{UNSET}}' }).auth)).toEqual([]);
  });
});
