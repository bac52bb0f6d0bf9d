import { hash } from 'node:crypto';
import { OversightError } from '../core/errors';
import type { Authenticate } from './api-server';
import type { CredentialOwner, Principal, Role } from './permissions';

/** What the authenticator needs of the API key store (src/api/auth/api-keys.ts). */
export interface ApiKeyVerifier {
  verify(presented: string): Promise<{ id: string; name: string; role: Role; owner?: CredentialOwner } | undefined>;
  touch(id: string): void;
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
 * error_description would) and never echo the credential.
 */
export function createAuthenticator(o: AuthenticatorOptions): Authenticate {
  const tokens = o.tokens === undefined ? undefined : cachedTokens(o.tokens, o.tokenCacheSize ?? 1000, Math.min(o.tokenCacheMs ?? 30_000, 300_000), o.now ?? Date.now);
  // The store hands out one frozen record per key version: one principal for it, not one per request.
  const keyPrincipals = new WeakMap<object, Principal>();
  return async ({ authorization, apiKey }) => {
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
      const record = await o.apiKeys?.verify(credential);
      if (record === undefined) throw refused('invalid-api-key', 'The API key is unknown or revoked.');
      o.apiKeys?.touch(record.id);
      let principal = keyPrincipals.get(record);
      if (principal === undefined) {
        principal = Object.freeze({ id: `api-key:${record.id}`, label: record.name, role: record.role, via: 'api-key', ...(record.owner ? { owner: record.owner } : {}) });
        // Only a record that cannot change later may stand for its principal.
        if (Object.isFrozen(record) && (record.owner === undefined || Object.isFrozen(record.owner))) keyPrincipals.set(record, principal);
      }
      return principal;
    }
    if (apiKey !== undefined) throw refused('malformed', 'X-API-Key takes an API key (mcpo_…); send a token as "Authorization: Bearer <token>".');
    if (tokens === undefined) throw refused('tokens-disabled', 'This server takes API keys only.');
    try {
      return await tokens.verify(credential);
    } catch (e) {
      const reason = typeof (e as { reason?: unknown }).reason === 'string' ? (e as { reason: string }).reason : 'invalid-token';
      // The token may be fine: the issuer's keys could not be fetched. Worth retrying, unlike a bad token.
      if (reason === 'jwks-unavailable') throw new OversightError('SERVER_UNAVAILABLE', "The OAuth issuer's signing keys could not be fetched; try again shortly.", { details: { reason } });
      // Signed and valid, but it maps to no role of ours (or to several): who it is is known, what it may do is not.
      if (reason === 'no-role' || reason === 'ambiguous-role') throw new OversightError('FORBIDDEN', `The token carries ${reason === 'no-role' ? 'no role of this API' : 'more than one role of this API'}; ask for a token with exactly one.`, { details: { reason } });
      throw refused(reason, `The token was refused (${reason}).`);
    }
  };
}

/**
 * The verifier with a bounded LRU of accepted tokens in front (an Ed25519 verification costs ~100 µs of
 * CPU; a lookup ~2 µs). Keyed by SHA-256, so the cache holds no bearer credential. An entry is used only
 * between its verification and `until` = min(verified + maxAgeMs, exp); a clock set back misses.
 */
function cachedTokens(verifier: TokenVerifier, size: number, maxAgeMs: number, now: () => number): TokenVerifier {
  if (!(size >= 1) || !(maxAgeMs > 0)) return verifier;
  const cache = new Map<string, { principal: Principal; from: number; until: number }>();
  return {
    async verify(token) {
      const key = hash('sha256', token, 'base64url');
      const t = now();
      const hit = cache.get(key);
      if (hit !== undefined) {
        cache.delete(key);
        if (t >= hit.from && t < hit.until) {
          cache.set(key, hit); // most recently used
          return hit.principal;
        }
      }
      const principal = Object.freeze(await verifier.verify(token));
      const exp = expiryMs(token);
      const verifiedAt = now();
      if (exp !== undefined && exp > verifiedAt) {
        if (cache.size >= size) cache.delete(cache.keys().next().value as string);
        cache.set(key, { principal, from: verifiedAt, until: Math.min(verifiedAt + maxAgeMs, exp) });
      }
      return principal;
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
