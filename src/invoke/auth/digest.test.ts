// Digest answers checked against the worked examples of RFC 7616 §3.9.1 (same user, password, nonce and cnonce).
import { describe, expect, it } from 'vitest';
import { digestAuthorization, parseDigestChallenge } from './digest.js';

const RFC_CHALLENGE = (algorithm: string) =>
  `Digest realm="http-auth@example.org", qop="auth, auth-int", algorithm=${algorithm}, nonce="7ypf/xlj9XXwfDPEoM4URrv/xwf94BcCAzFZH4GiTo0v", opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"`;
const REQUEST = { username: 'Mufasa', password: 'Circle of Life', method: 'GET', uri: '/dir/index.html' };
const CNONCE = 'f2/wE4q74E6zIJEtWaHKaf5wv/H5QzzpXusqGemxURZJ';
const responseOf = (authorization: string) => /response="([0-9a-f]+)"/.exec(authorization)?.[1];

describe('digest (RFC 7616)', () => {
  it('answers the RFC 7616 §3.9.1 MD5 example', () => {
    const challenge = parseDigestChallenge(RFC_CHALLENGE('MD5'))!;
    expect(challenge).toMatchObject({ realm: 'http-auth@example.org', algorithm: 'MD5', qop: 'auth' });
    expect(responseOf(digestAuthorization(challenge, REQUEST, CNONCE))).toBe('8ca523f5e9506fed4657c9700eebdbec');
  });

  it('answers the RFC 7616 §3.9.1 SHA-256 example', () => {
    const authorization = digestAuthorization(parseDigestChallenge(RFC_CHALLENGE('SHA-256'))!, REQUEST, CNONCE);
    expect(responseOf(authorization)).toBe('753927fa0e85d155564e2e272a28d1802ca10daf4496794697cf8db5856cb6c1');
    expect(authorization).toContain('opaque="FQhe/qaU925kfnzjCev0ciny7QMkPqMAFRtzCUYo5tdS"');
    expect(authorization).toContain('nc=00000001');
  });

  it('prefers SHA-256 among several challenges and skips other schemes and unknown algorithms', () => {
    const header = `Basic realm="x", ${RFC_CHALLENGE('SHA-512-256')}, ${RFC_CHALLENGE('MD5')}, ${RFC_CHALLENGE('SHA-256')}`;
    expect(parseDigestChallenge(header)?.algorithm).toBe('SHA-256');
    expect(parseDigestChallenge('Bearer realm="api"')).toBeUndefined();
    expect(parseDigestChallenge(undefined)).toBeUndefined();
  });

  it('escapes quotes in the username', () => {
    const authorization = digestAuthorization(parseDigestChallenge(RFC_CHALLENGE('MD5'))!, { ...REQUEST, username: 'a"b\\c' }, CNONCE);
    expect(authorization).toContain('username="a\\"b\\\\c"');
  });
});
