// HTTP Digest access authentication (RFC 7616), client side: read the server's challenge from WWW-Authenticate and
// compute the Authorization answer. MD5 and SHA-256 (and their -sess variants); qop auth and auth-int.
import { createHash, randomBytes } from 'node:crypto';

export interface DigestChallenge {
  realm: string;
  nonce: string;
  opaque?: string;
  /** Upper-case algorithm name as the server wrote it, e.g. MD5, SHA-256, SHA-256-SESS. */
  algorithm: string;
  /** The qop the answer uses (auth preferred over auth-int), or undefined for the RFC 2069 form. */
  qop?: 'auth' | 'auth-int';
}

const HASHES: Record<string, string> = { MD5: 'md5', 'SHA-256': 'sha256' };

/**
 * Picks the strongest Digest challenge this client can answer from a WWW-Authenticate value (which may hold several
 * challenges, e.g. SHA-256 and MD5). Undefined when there is none.
 */
export function parseDigestChallenge(header: string | string[] | undefined): DigestChallenge | undefined {
  const values = Array.isArray(header) ? header : header ? [header] : [];
  const found: DigestChallenge[] = [];
  for (const value of values) {
    for (const params of splitChallenges(value)) {
      const algorithm = (params.algorithm ?? 'MD5').toUpperCase();
      if (!HASHES[algorithm.replace(/-SESS$/, '')] || !params.nonce || params.realm === undefined) continue;
      const offered = (params.qop ?? '').split(',').map((q) => q.trim().toLowerCase());
      const qop = offered.includes('auth') ? 'auth' : offered.includes('auth-int') ? 'auth-int' : undefined;
      if (params.qop !== undefined && !qop) continue;
      found.push({ realm: params.realm, nonce: params.nonce, opaque: params.opaque, algorithm, qop });
    }
  }
  return found.find((c) => c.algorithm.startsWith('SHA-256')) ?? found[0];
}

/** The `Digest …` Authorization value for one request. `uri` is the request target (path and query). */
export function digestAuthorization(
  challenge: DigestChallenge,
  request: { username: string; password: string; method: string; uri: string; body?: string },
  cnonce = randomBytes(16).toString('hex'),
  count = 1,
): string {
  const base = challenge.algorithm.replace(/-SESS$/, '');
  const H = (text: string) => createHash(HASHES[base]!).update(text, 'utf8').digest('hex');
  const nc = count.toString(16).padStart(8, '0');
  let ha1 = H(`${request.username}:${challenge.realm}:${request.password}`);
  if (challenge.algorithm.endsWith('-SESS')) ha1 = H(`${ha1}:${challenge.nonce}:${cnonce}`);
  const ha2 = challenge.qop === 'auth-int' ? H(`${request.method}:${request.uri}:${H(request.body ?? '')}`) : H(`${request.method}:${request.uri}`);
  const response = challenge.qop ? H(`${ha1}:${challenge.nonce}:${nc}:${cnonce}:${challenge.qop}:${ha2}`) : H(`${ha1}:${challenge.nonce}:${ha2}`);
  const parts = [
    `username=${quote(request.username)}`,
    `realm=${quote(challenge.realm)}`,
    `nonce=${quote(challenge.nonce)}`,
    `uri=${quote(request.uri)}`,
    `algorithm=${challenge.algorithm}`,
    `response=${quote(response)}`,
  ];
  if (challenge.qop) parts.push(`qop=${challenge.qop}`, `nc=${nc}`, `cnonce=${quote(cnonce)}`);
  if (challenge.opaque !== undefined) parts.push(`opaque=${quote(challenge.opaque)}`);
  return `Digest ${parts.join(', ')}`;
}

const quote = (value: string) => `"${value.replace(/["\\]/g, (c) => `\\${c}`)}"`;

/** Splits a WWW-Authenticate value into its Digest challenges' parameters (other schemes are skipped). */
function splitChallenges(value: string): Record<string, string>[] {
  const challenges: Record<string, string>[] = [];
  let current: Record<string, string> | undefined;
  // Tokens: a scheme name, or name=value / name="quoted value", separated by commas and spaces.
  const re = /\s*,?\s*([A-Za-z0-9!#$%&'*+.^_`|~-]+)(?:\s*=\s*(?:"((?:[^"\\]|\\.)*)"|([^\s,]*)))?/gy;
  for (let m = re.exec(value); m && m[0] !== ''; m = re.exec(value)) {
    const [, name, quoted, bare] = m;
    if (quoted === undefined && bare === undefined) {
      current = name!.toLowerCase() === 'digest' ? {} : undefined;
      if (current) challenges.push(current);
    } else if (current) current[name!.toLowerCase()] = quoted !== undefined ? quoted.replace(/\\(.)/g, '$1') : bare!;
  }
  return challenges;
}

/**
 * Challenges already answered, per consumed adapter and user: later calls answer them up front with the next nonce count
 * (RFC 7616 §3.4), so only the first call (or one after the server changes its nonce) costs an extra round trip.
 */
export class DigestSessions {
  private readonly sessions = new Map<string, { challenge: DigestChallenge; count: number }>();

  /** The remembered challenge and the nonce count to use now, if any. */
  next(key: string): { challenge: DigestChallenge; count: number } | undefined {
    const session = this.sessions.get(key);
    if (!session) return undefined;
    session.count += 1;
    return { challenge: session.challenge, count: session.count };
  }

  /** Remembers a fresh challenge; returns the nonce count of its first answer. */
  remember(key: string, challenge: DigestChallenge): number {
    this.sessions.set(key, { challenge, count: 1 });
    return 1;
  }

  forget(key: string): void {
    this.sessions.delete(key);
  }
}
