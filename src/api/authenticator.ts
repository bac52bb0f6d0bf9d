import { OversightError } from '../core/errors';
import type { Authenticate } from './api-server';
import type { Principal, Role } from './permissions';

/** What the authenticator needs of the API key store (src/api/auth/api-keys.ts). */
export interface ApiKeyVerifier {
  verify(presented: string): Promise<{ id: string; name: string; role: Role } | undefined>;
  touch(id: string): void;
}

/** What it needs of the JWT verifier (src/api/auth/jwt.ts): a principal, or a typed refusal with a reason. */
export interface TokenVerifier {
  verify(token: string): Promise<Principal>;
}

const API_KEY_PREFIX = 'mcpo_';
const MAX_CREDENTIAL = 8192;

const refused = (reason: string, message: string) => new OversightError('UNAUTHENTICATED', message, { details: { reason } });

/**
 * One credential per request: `Authorization: Bearer <JWT or API key>`, or `X-API-Key: <API key>`. An
 * API key is told apart by its prefix. Refusals say why in a word (`details.reason`, as RFC 6750's
 * error_description would) and never echo the credential.
 */
export function createAuthenticator(o: { apiKeys?: ApiKeyVerifier; tokens?: TokenVerifier }): Authenticate {
  return async ({ authorization, apiKey }) => {
    if (authorization !== undefined && apiKey !== undefined) throw refused('ambiguous', 'Send one credential: Authorization or X-API-Key, not both.');
    let credential: string;
    if (apiKey !== undefined) credential = apiKey.trim();
    else if (authorization !== undefined) {
      const m = /^Bearer[ ]+(\S+)\s*$/i.exec(authorization);
      if (!m) throw refused('malformed', 'The Authorization header must be "Bearer <token or API key>".');
      credential = m[1]!;
    } else throw refused('missing', 'This endpoint needs a credential: "Authorization: Bearer <token>" (mcp-oversight token create) or "X-API-Key: <key>".');
    if (credential.length === 0 || credential.length > MAX_CREDENTIAL) throw refused('malformed', 'The credential is empty or too long.');
    if (credential.startsWith(API_KEY_PREFIX)) {
      const record = await o.apiKeys?.verify(credential);
      if (record === undefined) throw refused('invalid-api-key', 'The API key is unknown or revoked.');
      o.apiKeys?.touch(record.id);
      return { id: `api-key:${record.id}`, label: record.name, role: record.role, via: 'api-key' };
    }
    if (apiKey !== undefined) throw refused('malformed', 'X-API-Key takes an API key (mcpo_…); send a token as "Authorization: Bearer <token>".');
    if (o.tokens === undefined) throw refused('tokens-disabled', 'This server takes API keys only.');
    try {
      return await o.tokens.verify(credential);
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
