// Load-time refusals of consumed adapters and binds (naftiko-semantics §1.3, §1.4, §3.5, §3.6): each names the file,
// line and column, and nothing is served. Cases 22 and 41, plus the formats case 21 cannot run.
import { mkdtemp, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, expect, it } from 'vitest';
import { compileBodyReader } from '../../../src/invoke/formats/index.js';
import { prepareCapabilities } from '../../../src/prepare.js';

async function write(files: Record<string, string>): Promise<string> {
  const dir = await mkdtemp(join(tmpdir(), 'cap-refusals-'));
  for (const [name, text] of Object.entries(files)) await writeFile(join(dir, name), text);
  return dir;
}

const capability = (consumes: string, binds = '') => `naftiko: "1.0.0-alpha2"
info: {label: Refusals, description: Load-time refusals}
${binds}capability:
  consumes:
${consumes}
  exposes:
    - type: rest
      port: 18093
      namespace: api
      resources:
        - path: /items
          operations:
            - {method: GET, call: backend.list-items}
`;

const adapter = (extra: string, baseUri = 'https://api.example.com/v1', operation = '{name: list-items, method: GET}') => `    - type: http
      namespace: backend
      baseUri: ${baseUri}
${extra}      resources:
        - name: items
          path: /items
          operations:
            - ${operation}`;

describe('case 22: a baseUri with a trailing slash', () => {
  it('case 22: the reference fixture fails to load, with a hint at the baseUri', async () => {
    const file = new URL('baseuri-trailing-slash-capability.yaml', import.meta.url).pathname;
    const prepared = await prepareCapabilities([file], { env: {} });
    expect(prepared.ok).toBe(false);
    const found = prepared.diagnostics.find((d) => d.code === 'CAP_RULE_BASEURI_TRAILING_SLASH');
    expect(found).toMatchObject({ severity: 'error', file, pointer: '/capability/consumes/0/baseUri', line: 27, col: 16 });
    expect(found!.hint).toContain('https://api.example.com/v1');
    expect(prepared.capabilities).toEqual([]);
  });

  it('case 22: the same baseUri without the slash loads', async () => {
    const dir = await write({ 'cap.yaml': capability(adapter('')) });
    const prepared = await prepareCapabilities([join(dir, 'cap.yaml')], { env: {} });
    expect(prepared.diagnostics.filter((d) => d.severity === 'error')).toEqual([]);
  });
});

describe('case 41: binds from files and the environment', () => {
  const binds = (location: string) => `binds:
  - namespace: secrets
    location: ${location}
    keys: {API_TOKEN: api_token, TENANT: tenant}
`;
  const bearer = '      authentication: {type: bearer, token: "{{API_TOKEN}}"}\n';

  it('case 41: JSON and YAML bind files provide the values; file:///./x is relative to the capability file (the reference engine uses the working directory, which breaks when started elsewhere)', async () => {
    for (const [name, text] of [
      ['secrets.json', '{"api_token": "tok-json", "tenant": 7}'],
      ['secrets.yaml', 'api_token: tok-yaml\ntenant: acme\n'],
    ] as const) {
      const dir = await write({ [name]: text, 'cap.yaml': capability(adapter(bearer), binds(`file:///./${name}`)) });
      const prepared = await prepareCapabilities([join(dir, 'cap.yaml')], { env: {} });
      expect(prepared.diagnostics).toEqual([]);
      expect(prepared.ok).toBe(true);
    }
  });

  it('case 41: a key missing from the bind file is a load error naming the key and its position', async () => {
    const dir = await write({ 'secrets.yaml': 'api_token: tok\n', 'cap.yaml': capability(adapter(bearer), binds('file:///./secrets.yaml')) });
    const prepared = await prepareCapabilities([join(dir, 'cap.yaml')], { env: {} });
    expect(prepared.ok).toBe(false);
    const found = prepared.diagnostics.filter((d) => d.severity === 'error');
    expect(found).toHaveLength(1);
    expect(found[0]).toMatchObject({ code: 'CAP_RESOLVE_BIND_KEY', pointer: '/binds/0/keys/TENANT', line: 6 });
    expect(found[0]!.message).toContain('"tenant"');
    expect(found[0]!.message).toContain('file:///./secrets.yaml');
  });

  it('case 41: a bind file that cannot be read is a load error', async () => {
    const dir = await write({ 'cap.yaml': capability(adapter(bearer), binds('file:///./absent.json')) });
    const prepared = await prepareCapabilities([join(dir, 'cap.yaml')], { env: {} });
    expect(prepared.ok).toBe(false);
    expect(prepared.diagnostics.filter((d) => d.severity === 'error').map((d) => d.code)).toEqual(['CAP_RESOLVE_BIND_LOCATION']);
  });

  it('case 41: an unset environment variable is only a warning, calls needing it fail with CAP_SECRET_MISSING (the reference engine refuses to start)', async () => {
    const envBinds = 'binds:\n  - namespace: env\n    keys: {API_TOKEN: BACKEND_TOKEN}\n';
    const dir = await write({ 'cap.yaml': capability(adapter(bearer), envBinds) });
    const unset = await prepareCapabilities([join(dir, 'cap.yaml')], { env: {} });
    expect(unset.ok).toBe(true);
    expect(unset.diagnostics.map((d) => [d.severity, d.code])).toEqual([['warning', 'CAP_RESOLVE_BIND_UNSET']]);
    const set = await prepareCapabilities([join(dir, 'cap.yaml')], { env: { BACKEND_TOKEN: 'tok' } });
    expect(set.diagnostics).toEqual([]);
  });
});

describe('case 21: a format that does not exist is refused at load', () => {
  it('case 21: an unknown outputRawFormat names the allowed ones', async () => {
    const dir = await write({ 'cap.yaml': capability(adapter('', undefined, '{name: list-items, method: GET, outputRawFormat: INI}')) });
    const prepared = await prepareCapabilities([join(dir, 'cap.yaml')], { env: {} });
    expect(prepared.ok).toBe(false);
    // The schema's enum may report it first (strict, or lenient while enums are errors); compile names the formats.
    const found = prepared.diagnostics.filter((d) => d.severity === 'error');
    expect(found.length).toBeGreaterThan(0);
    for (const d of found) expect(d.pointer.startsWith('/capability/consumes/0/resources/0/operations/0')).toBe(true);
    expect(() => compileBodyReader('INI', undefined, 'backend')).toThrow(/unsupported outputRawFormat "ini"; use one of json, yaml, xml, csv, tsv, psv, html, markdown, protobuf, avro/);
  });
});

describe('case 11: consumed authentication that cannot build a request', () => {
  it('case 11: apikey without placement is a load error with a hint', async () => {
    const dir = await write({ 'cap.yaml': capability(adapter('      authentication: {type: apikey, key: X-Key, value: "{{K}}"}\n'), 'binds:\n  - namespace: env\n    keys: {K: K}\n') });
    const prepared = await prepareCapabilities([join(dir, 'cap.yaml')], { env: { K: 'k' } });
    const found = prepared.diagnostics.find((d) => d.code === 'CAP_RULE_AUTH_FIELDS');
    expect(found).toMatchObject({ severity: 'error', pointer: '/capability/consumes/0/authentication' });
    expect(found!.hint).toContain('placement: query');
  });

  it('case 11: oauth2 without the client-credentials fields, or with a token endpoint that is not a URL, is a load error', async () => {
    const binds = 'binds:\n  - namespace: env\n    keys: {ID: ID, SECRET: SECRET}\n';
    const oauth = (fields: string) => `      authentication: {type: oauth2, authorizationServerUri: "https://auth.example.com", resource: "https://api.example.com"${fields}}\n`;
    const incomplete = await write({ 'cap.yaml': capability(adapter(oauth(', clientId: "{{ID}}"')), binds) });
    const missing = await prepareCapabilities([join(incomplete, 'cap.yaml')], { env: { ID: 'i', SECRET: 's' } });
    const found = missing.diagnostics.find((d) => d.code === 'CAP_RULE_AUTH_FIELDS');
    expect(found).toMatchObject({ severity: 'error', pointer: '/capability/consumes/0/authentication' });
    expect(found!.message).toContain('tokenEndpoint, clientSecret');

    const badUrl = await write({ 'cap.yaml': capability(adapter(oauth(', tokenEndpoint: "auth/token", clientId: "{{ID}}", clientSecret: "{{SECRET}}"')), binds) });
    const refused = await prepareCapabilities([join(badUrl, 'cap.yaml')], { env: { ID: 'i', SECRET: 's' } });
    expect(refused.ok).toBe(false);
    // The schema's uri format may report it first; compile refuses it too (lenient runs may tolerate formats).
    const errors = refused.diagnostics.filter((d) => d.severity === 'error');
    expect(errors.some((d) => d.pointer.endsWith('/authentication/tokenEndpoint') || d.message.includes('tokenEndpoint "auth/token" is not an absolute URL'))).toBe(true);
  });
});
