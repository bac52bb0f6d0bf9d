import { hash } from 'node:crypto';
import { OversightError } from '../core/errors';
import { RememberedSecret } from './auth/same-secret';
import type { Authenticate } from './api-server';
import type { CredentialOwner, Principal, Role } from './permissions';

/** What the authenticator needs of the API key store (src/api/auth/api-keys.ts). */
export interface ApiKeyVerifier {
  verify(presented: string): Promise<ApiKeyMatch | undefined>;
  touch(id: string): void;
  /** Whether a match `verify` returned still stands, without I/O (false: verify again). Without it, nothing is remembered per connection. */
  isCurrent?(match: ApiKeyMatch): boolean;
}

export interface ApiKeyMatch {
  id: string;
  name: string;
  role: Role;
  owner?: CredentialOwner;
}

/** What it needs of the JWT verifier (src/api/auth/jwt.ts): a principal, or a typed refusal with a reason. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

const API_KEY_PREFIX = 'mcpo_';
const MAX_CREDENTIAL = 8192;

export interface AuthenticatorOptions {
  apiKeys?: ApiKeyVerifier;
  tokens?: TokenVerifier;
  /** Verified tokens remembered (by SHA-256, never the token), least recently used dropped first. Default 1000; 0: none. */
  tokenCacheSize?: number;
  /**
   * How long a remembered token is accepted without verifying it again: default 30 s, at most 5 min,
   * and never past its `exp`. A verification depends only on the token, the keys and the clock, and
   * only `exp` (or a configured maximum token age) can turn a valid token invalid later: so a cached
   * token is accepted at most this much longer than the verifier would (jose already caches a JWKS
   * for 10 min). Refusals are never cached.
   */
  tokenCacheMs?: number;
  /** For tests (epoch ms). */
  now?: () => number;
}

const refused = (reason: string, message: string) => new OversightError('UNAUTHENTICATED', message, { details: { reason } });

/**
 * One credential per request: `Authorization: Bearer <JWT or API key>`, or `X-API-Key: <API key>`. An
 * API key is told apart by its prefix. Refusals say why in a word (`details.reason`, as RFC 6750's
 * error_description would) and never echo the credential; they are always rejected promises.
 *
 * Given the request's connection, the authenticator remembers the last credential it accepted on it: the
 * same header again on that connection (a keep-alive client sends it with every request) is answered
 * synchronously, with no hash or signature check, for as long as that acceptance stands: an API key
 * while its record is current in the store (a revocation, here or by another process, ends it as it
 * ends `verify`), a token while the verified-token cache would still answer for it (never past `exp`).
 * That credential is held only as long as the connection (a WeakMap keyed by its socket), and compared
 * in time that depends only on the lengths: a connection shared by several clients (a proxy) learns no
 * more than whether a header was the remembered one, never how much of it matched.
 */
export function createAuthenticator(o: AuthenticatorOptions): Authenticate {
  const now = o.now ?? Date.now;
  const tokens = o.tokens === undefined ? undefined : cachedTokens(o.tokens, o.tokenCacheSize ?? 1000, Math.min(o.tokenCacheMs ?? 30_000, 300_000), now);
  // The store hands out one frozen record per key version: one principal for it, not one per request.
  const keyPrincipals = new WeakMap<object, Principal>();
  const byConnection = new WeakMap<object, Remembered>();

  const authenticate = async ({ authorization, apiKey }: Credentials): Promise<Accepted> => {
    if (authorization !== undefined && apiKey !== undefined) throw refused('ambiguous', 'Send one credential: Authorization or X-API-Key, not both.');
    let credential: string;
    if (apiKey !== undefined) credential = apiKey.trim();
    else if (authorization !== undefined) {
      const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
      // Another scheme (Basic, Digest…) is no credential of ours at all: RFC 6750 asks for a bare challenge then.
      if (!m) throw refused(/^Bearer(?:\s|$)/i.test(authorization) ? 'malformed' : 'unsupported-scheme', 'The Authorization header must be "Bearer <token or API key>".');
      credential = m[1]!;
    } else throw refused('missing', 'This endpoint needs a credential: "Authorization: Bearer <token>" (mcp-oversight token create) or "X-API-Key: <key>".');
    if (credential.length === 0 || credential.length > MAX_CREDENTIAL) throw refused('malformed', 'The credential is empty or too long.');
    if (credential.startsWith(API_KEY_PREFIX)) {
      const keys = o.apiKeys;
      const record = await keys?.verify(credential);
      if (keys === undefined || record === undefined) throw refused('invalid-api-key', 'The API key is unknown or revoked.');
      let principal = keyPrincipals.get(record);
      if (principal === undefined) {
        principal = Object.freeze({ id: `api-key:${record.id}`, label: record.name, role: record.role, via: 'api-key', ...(record.owner ? { owner: record.owner } : {}) });
        // Only a record that cannot change later may stand for its principal.
        if (Object.isFrozen(record) && (record.owner === undefined || Object.isFrozen(record.owner))) keyPrincipals.set(record, principal);
      }
      const id = record.id;
      const used = () => keys.touch(id);
      used();
      const isCurrent = keys.isCurrent?.bind(keys);
      return { principal, used, stands: isCurrent && keyPrincipals.get(record) === principal ? () => isCurrent(record) : undefined };
    }
    if (apiKey !== undefined) throw refused('malformed', 'X-API-Key takes an API key (mcpo_…); send a token as "Authorization: Bearer <token>".');
    if (tokens === undefined) throw refused('tokens-disabled', 'This server takes API keys only.');
    let verified: VerifiedToken;
    try {
      verified = await tokens.verify(credential);
    } catch (e) {
      const reason = typeof (e as { reason?: unknown }).reason === 'string' ? (e as { reason: string }).reason : 'invalid-token';
      // The token may be fine: the issuer's keys could not be fetched. Worth retrying, unlike a bad token.
      if (reason === 'jwks-unavailable') throw new OversightError('SERVER_UNAVAILABLE', "The OAuth issuer's signing keys could not be fetched; try again shortly.", { details: { reason } });
      // Signed and valid, but it maps to no role of ours (or to several): who it is is known, what it may do is not.
      if (reason === 'no-role' || reason === 'ambiguous-role') throw new OversightError('FORBIDDEN', `The token carries ${reason === 'no-role' ? 'no role of this API' : 'more than one role of this API'}; ask for a token with exactly one.`, { details: { reason } });
      throw refused(reason, `The token was refused (${reason}).`);
    }
    const { principal, from, until } = verified;
    return { principal, stands: until === undefined ? undefined : () => within(now(), from, until) };
  };

  return (credentials, connection) => {
    if (connection !== undefined) {
      const known = byConnection.get(connection);
      if (known !== undefined) {
        try {
          if (known.matches(credentials) && known.stands()) {
            known.used?.();
            return known.principal;
          }
        } catch {
          // A verifier's isCurrent or touch that throws: forget it and check afresh (refusals stay rejections).
        }
        byConnection.delete(connection);
      }
    }
    const accepted = authenticate(credentials);
    if (connection === undefined) return accepted.then(principalOf);
    return accepted.then((a) => {
      const matches = a.stands === undefined ? undefined : matcher(credentials);
      if (matches !== undefined && a.stands !== undefined) byConnection.set(connection, { principal: a.principal, used: a.used, stands: a.stands, matches });
      return a.principal;
    });
  };
}

type Credentials = Parameters<Authenticate>[0];

/** An accepted credential: its principal, what to do on each use, and whether the acceptance still stands (undefined: do not remember it). */
interface Accepted {
  principal: Principal;
  used?: () => void;
  stands: (() => boolean) | undefined;
}

interface Remembered {
  principal: Principal;
  used: (() => void) | undefined;
  stands: () => boolean;
  matches: (c: Credentials) => boolean;
}

const principalOf = (a: Accepted): Principal => a.principal;

/**
 * Whether later credentials are the very headers accepted: the same header, the same text (compared in
 * constant time, see RememberedSecret); undefined (not remembered) for a header that is not printable ASCII.
 */
function matcher({ authorization, apiKey }: Credentials): ((c: Credentials) => boolean) | undefined {
  const secret = RememberedSecret.of(authorization ?? apiKey ?? '');
  if (secret === undefined) return undefined;
  const viaAuthorization = authorization !== undefined;
  return (c) => {
    const presented = viaAuthorization ? c.authorization : c.apiKey;
    return presented !== undefined && (viaAuthorization ? c.apiKey : c.authorization) === undefined && secret.matches(presented);
  };
}

const within = (t: number, from: number, until: number): boolean => t >= from && t < until;

/** A verified token: its principal and, when it may be remembered, from when until when (epoch ms). */
interface VerifiedToken {
  principal: Principal;
  from: number;
  until: number | undefined;
}

/**
 * The verifier with a bounded LRU of accepted tokens in front (an Ed25519 verification costs ~100 µs of
 * CPU; a lookup ~2 µs). Keyed by SHA-256, so the cache holds no bearer credential. An entry is used only
 * between its verification and `until` = min(verified + maxAgeMs, exp); a clock set back misses.
 */
function cachedTokens(verifier: TokenVerifier, size: number, maxAgeMs: number, now: () => number): { verify(token: string): Promise<VerifiedToken> } {
  if (!(size >= 1) || !(maxAgeMs > 0)) return { verify: async (token) => ({ principal: await verifier.verify(token), from: 0, until: undefined }) };
  const cache = new Map<string, VerifiedToken & { until: number }>();
  return {
    async verify(token) {
      const key = hash('sha256', token, 'base64url');
      const t = now();
      const hit = cache.get(key);
      if (hit !== undefined) {
        cache.delete(key);
        if (within(t, hit.from, hit.until)) {
          cache.set(key, hit); // most recently used
          return hit;
        }
      }
      const principal = Object.freeze(await verifier.verify(token));
      const exp = expiryMs(token);
      const verifiedAt = now();
      if (exp === undefined || exp <= verifiedAt) return { principal, from: verifiedAt, until: undefined };
      const entry = { principal, from: verifiedAt, until: Math.min(verifiedAt + maxAgeMs, exp) };
      if (cache.size >= size) cache.delete(cache.keys().next().value as string);
      cache.set(key, entry);
      return entry;
    },
  };
}

/** `exp` (epoch ms) of a token the verifier accepted, or undefined when it cannot be read (then not cached). */
function expiryMs(token: string): number | undefined {
  try {
    const exp: unknown = (JSON.parse(Buffer.from(token.split('.')[1] ?? '', 'base64url').toString('utf8')) as { exp?: unknown }).exp;
    return typeof exp === 'number' && Number.isFinite(exp) ? exp * 1000 : undefined;
  } catch {
    return undefined;
  }
}
