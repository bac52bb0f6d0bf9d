import { randomBytes, type KeyObject } from 'node:crypto';
import { createRemoteJWKSet, decodeJwt, decodeProtectedHeader, errors, jwtVerify, SignJWT, type JWTPayload, type JWTVerifyGetKey, type ProtectedHeaderParameters } from 'jose';
import { OversightError } from '../../core/errors';
import { RoleSchema, type CredentialOwner, type Principal, type Role } from '../permissions';
import { AuthError, authErrorFromJose } from './jwt-errors';
import { apiKeyId, type ApiSigningKey } from './jwt-keys';
import { checkJwksUrl, checkRoleMap, DEFAULT_OAUTH_ROLE_MAP, mapOAuthRoles } from './jwt-oauth';

/** The `aud` of every token minted here and the audience the local verifier demands. */
export const API_AUDIENCE = 'mcp-oversight-api';
export const MIN_TTL_SECONDS = 60;
export const MAX_TTL_SECONDS = 90 * 86_400;
export const DEFAULT_CLOCK_TOLERANCE_SECONDS = 30;
/** Longest clock tolerance accepted: more would quietly extend every token's life. */
export const MAX_CLOCK_TOLERANCE_SECONDS = 300;
/** Longer bearer tokens are refused before any parsing (no JSON.parse of megabytes per request). */
export const MAX_TOKEN_LENGTH = 8 * 1024;
/** Local tokens: the one algorithm we sign with. An allow-list, never "whatever the key supports". */
export const LOCAL_ALGORITHMS: readonly string[] = Object.freeze(['EdDSA']);
/** OAuth access tokens: asymmetric algorithms only (no HS*: the verifier holds no shared secret; no `none`). */
export const OAUTH_ALGORITHMS: readonly string[] = Object.freeze(['RS256', 'RS384', 'RS512', 'PS256', 'PS384', 'PS512', 'ES256', 'ES384', 'ES512', 'EdDSA', 'Ed25519']);

const LABEL_MAX = 256;
const SUBJECT_MAX = 256;
/** Three base64url parts; the third may be empty so `alg: none` is reported as such, not as malformed. Linear. */
const COMPACT_JWS = /^[A-Za-z0-9_-]+\.[A-Za-z0-9_-]+\.[A-Za-z0-9_-]*$/;
const WORKSPACE_ID = /^[A-Za-z0-9._~-]{1,128}$/;
// eslint-disable-next-line no-control-regex
const CONTROL = /[\u0000-\u001f\u007f-\u009f]/;
/** Control and format characters (bidi overrides, zero-width) have no place in a name people read. */
const UNPRINTABLE = /[\p{Cc}\p{Cf}]/gu;

/**
 * The issuer of the tokens one workspace's key signs: `urn:mcp-oversight:<workspaceId>`. Suggested id:
 * the signing key's `kid`, so a token from another workspace is refused as `wrong-issuer` before any
 * signature is checked, and a rotated key retires the old issuer with it.
 */
export function localIssuer(workspaceId: string): string {
  if (!WORKSPACE_ID.test(workspaceId)) throw new OversightError('usage', 'A workspace id for the token issuer is 1-128 characters of A-Z a-z 0-9 . _ ~ -.');
  return `urn:mcp-oversight:${workspaceId}`;
}

function checkTtl(seconds: number): number {
  if (!Number.isSafeInteger(seconds) || seconds < MIN_TTL_SECONDS || seconds > MAX_TTL_SECONDS) {
    throw new OversightError('usage', `A token lifetime must be between ${MIN_TTL_SECONDS} seconds and ${MAX_TTL_SECONDS / 86_400} days (got ${Number.isFinite(seconds) ? `${seconds} s` : 'no number'}).`);
  }
  return seconds;
}

const TTL_UNITS: Readonly<Record<string, number>> = { '': 1, s: 1, m: 60, h: 3_600, d: 86_400, w: 604_800 };

/** `3600`, `90s`, `15m`, `12h`, `7d`, `2w` -> seconds, within 60 s .. 90 d. */
export function parseTtl(text: string): number {
  const m = /^(\d{1,9})([smhdw]?)$/.exec(text.trim().toLowerCase());
  if (!m) {
    const shown = text.length > 32 ? `${text.slice(0, 32)}…` : text;
    throw new OversightError('usage', `--ttl ${JSON.stringify(shown)}: not a duration. Use seconds or a number with s, m, h, d or w, e.g. 3600, 15m, 12h, 7d.`);
  }
  return checkTtl(Number(m[1]) * (TTL_UNITS[m[2] ?? ''] ?? 1));
}

/** 1-256 characters, none of them control characters. */
function checkText(what: string, value: string, max: number): string {
  if (value.length === 0 || value.length > max || CONTROL.test(value)) throw new OversightError('usage', `A token's ${what} must be 1-${max} characters without control characters.`);
  return value;
}

export interface MintApiTokenOptions {
  key: ApiSigningKey;
  /** `localIssuer(...)` of the workspace whose key signs. */
  issuer: string;
  role: Role;
  /** Who the token is for; the Principal id becomes `jwt:<subject>` (rate limits and four-eyes key on it). */
  subject: string;
  ttlSeconds: number;
  now?: Date;
  /** What people read in the audit log; defaults to the subject. */
  name?: string;
  /** The person the token acts for (claim `owner`): who issued it, as the issuer knew them. */
  owner?: CredentialOwner;
}

/** A compact JWS: header `{alg: EdDSA, typ: JWT, kid}`, claims `iss aud sub role iat nbf exp jti` (+ `name`). */
export async function mintApiToken(options: MintApiTokenOptions): Promise<string> {
  const { key, issuer, subject, name } = options;
  const role = RoleSchema.safeParse(options.role);
  if (!role.success) throw new OversightError('usage', `"${String(options.role)}" is not a role (${RoleSchema.options.join(', ')}).`);
  const ttl = checkTtl(options.ttlSeconds);
  checkText('issuer', issuer, SUBJECT_MAX);
  checkText('subject', subject, SUBJECT_MAX);
  if (name !== undefined) checkText('name', name, LABEL_MAX);
  if (key.privateKey.asymmetricKeyType !== 'ed25519') throw new OversightError('usage', 'API tokens are signed with Ed25519 keys only.');
  const iat = Math.floor((options.now ?? new Date()).getTime() / 1000);
  const claims: JWTPayload = { role: role.data };
  if (name !== undefined) claims['name'] = name;
  if (options.owner !== undefined) {
    checkText('owner id', options.owner.id, SUBJECT_MAX);
    checkText('owner label', options.owner.label, LABEL_MAX);
    claims['owner'] = { id: options.owner.id, label: options.owner.label, verified: options.owner.verified === true };
  }
  return new SignJWT(claims)
    .setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: key.kid })
    .setIssuer(issuer)
    .setAudience(API_AUDIENCE)
    .setSubject(subject)
    .setIssuedAt(iat)
    .setNotBefore(iat)
    .setExpirationTime(iat + ttl)
    .setJti(randomBytes(16).toString('base64url'))
    .sign(key.privateKey);
}

export interface OAuthIssuerOptions {
  /** Exact `iss` of the identity provider's access tokens. */
  issuer: string;
  jwksUrl: string;
  /** The `aud` this API is registered under at the provider. */
  audience: string;
  /** Claim holding roles/groups (array or space-separated); a dotted path reaches nested claims. `scope` and `scp` are always read too. Default `roles`. */
  roleClaim?: string;
  /** External value -> our role. Default: `mcp-oversight:<role>` for each role (see DEFAULT_OAUTH_ROLE_MAP). */
  roleMap?: Record<string, Role>;
  /** Plain http JWKS, only for a loopback host (tests, a local provider). */
  allowHttpJwks?: boolean;
  /** JWKS fetch timeout (default 5 s), minimum time between re-fetches for an unknown `kid` (30 s), cache lifetime (10 min). */
  jwks?: { timeoutMs?: number; cooldownMs?: number; cacheMaxAgeMs?: number };
}

export interface JwtVerifierOptions {
  /** This workspace's own tokens (`mcp-oversight token create`). */
  local?: { publicKey: KeyObject; issuer: string };
  oauth?: OAuthIssuerOptions;
  /** Skew allowed on exp/nbf/iat, 0..300 s. Default 30. */
  clockToleranceSeconds?: number;
  /** Refuse tokens issued longer ago than this (requires `iat`). Local tokens are always capped at 90 days. */
  maxTokenAgeSeconds?: number;
  /** For tests. */
  now?: () => Date;
}

export interface JwtVerifier {
  /** The Principal the token stands for, or an AuthError (never anything else, never the token in a message). */
  verify(token: string): Promise<Principal>;
}

/** The subject as the Principal id embeds it: present, bounded, printable. */
function subjectOf(payload: JWTPayload): string {
  const { sub } = payload;
  if (typeof sub !== 'string' || sub.length === 0 || sub.length > SUBJECT_MAX || CONTROL.test(sub)) throw new AuthError('malformed');
  return sub;
}

/** The signed `owner` claim of a local token; a token without one (or a malformed one) is its own unverified owner. */
function ownerOf(payload: JWTPayload, fallbackId: string, fallbackLabel: string): CredentialOwner {
  const o = payload['owner'];
  if (typeof o === 'object' && o !== null) {
    const { id, label, verified } = o as Record<string, unknown>;
    if (typeof id === 'string' && id.length > 0 && id.length <= SUBJECT_MAX && !CONTROL.test(id) && typeof label === 'string') {
      return { id, label: Array.from(label.replace(UNPRINTABLE, '')).slice(0, LABEL_MAX).join('') || id, verified: verified === true };
    }
  }
  return { id: fallbackId, label: fallbackLabel, verified: false };
}

/** `name`, else `preferred_username`, else the subject: unprintable characters removed, at most 256 characters. */
function labelOf(payload: JWTPayload, sub: string): string {
  for (const claim of ['name', 'preferred_username']) {
    const value = payload[claim];
    if (typeof value !== 'string') continue;
    const clean = Array.from(value.replace(UNPRINTABLE, '').trim()).slice(0, LABEL_MAX).join('').trim();
    if (clean !== '') return clean;
  }
  return sub;
}

function seconds(what: string, value: number | undefined, fallback: number, max: number): number {
  const v = value ?? fallback;
  if (!Number.isFinite(v) || v < 0 || v > max) throw new OversightError('usage', `${what} must be between 0 and ${max} seconds.`);
  return v;
}

interface LocalRoute {
  publicKey: KeyObject;
  kid: string;
  issuer: string;
  maxAge: number;
}

interface OAuthRoute {
  issuer: string;
  audience: string;
  keys: JWTVerifyGetKey;
  roleClaim: string;
  roleMap: Readonly<Record<string, Role>>;
  maxAge: number | undefined;
}

/** Errors of the key fetch itself (network, HTTP status, bad JSON) are `jwks-unavailable`; "no such key" stays jose's. */
function remoteKeys(o: OAuthIssuerOptions): JWTVerifyGetKey {
  const remote = createRemoteJWKSet(checkJwksUrl(o.jwksUrl, o.allowHttpJwks === true), {
    timeoutDuration: o.jwks?.timeoutMs ?? 5_000,
    cooldownDuration: o.jwks?.cooldownMs ?? 30_000,
    cacheMaxAge: o.jwks?.cacheMaxAgeMs ?? 600_000,
  });
  return async (header, token) => {
    try {
      return await remote(header, token);
    } catch (e) {
      if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys || e instanceof errors.JOSENotSupported) throw e;
      throw new AuthError('jwks-unavailable', { cause: e, ...(e instanceof errors.JOSEError ? { joseCode: e.code } : {}) });
    }
  };
}

/**
 * Checks bearer tokens from up to two issuers: this workspace's own (Ed25519, `kid` must be ours) and one
 * OAuth provider (its JWKS). The unverified `iss` only chooses which keys and rules apply; everything is
 * then verified against those alone. Roles: a local token names exactly one role; an OAuth token's claims
 * must map to exactly one (none -> `no-role`, several -> `ambiguous-role`: roles are not ordered — installer
 * and compliance are disjoint — so there is no safe "least privileged" pick, and a token should not carry
 * the power to both request and approve).
 */
export function createJwtVerifier(options: JwtVerifierOptions): JwtVerifier {
  const tolerance = seconds('clockToleranceSeconds', options.clockToleranceSeconds, DEFAULT_CLOCK_TOLERANCE_SECONDS, MAX_CLOCK_TOLERANCE_SECONDS);
  const maxTokenAge = options.maxTokenAgeSeconds === undefined ? undefined : seconds('maxTokenAgeSeconds', options.maxTokenAgeSeconds, 0, MAX_TTL_SECONDS);
  const now = options.now ?? (() => new Date());
  let local: LocalRoute | undefined;
  if (options.local) {
    const { publicKey, issuer } = options.local;
    if (publicKey.type !== 'public') throw new OversightError('usage', 'The local token verifier takes the public key.');
    local = { publicKey, kid: apiKeyId(publicKey), issuer: checkText('issuer', issuer, SUBJECT_MAX), maxAge: Math.min(maxTokenAge ?? MAX_TTL_SECONDS, MAX_TTL_SECONDS) };
  }
  let oauth: OAuthRoute | undefined;
  if (options.oauth) {
    const o = options.oauth;
    if (o.issuer === '' || o.audience === '') throw new OversightError('usage', 'OAuth issuer and audience must not be empty.');
    oauth = {
      issuer: o.issuer,
      audience: o.audience,
      keys: remoteKeys(o),
      roleClaim: o.roleClaim ?? 'roles',
      roleMap: o.roleMap === undefined ? DEFAULT_OAUTH_ROLE_MAP : checkRoleMap(o.roleMap),
      maxAge: maxTokenAge,
    };
  }
  if (!local && !oauth) throw new OversightError('usage', 'A token verifier needs a local key, an OAuth issuer, or both.');
  if (local && oauth && local.issuer === oauth.issuer) throw new OversightError('usage', 'The OAuth issuer must differ from the local token issuer.');

  async function verifyLocal(route: LocalRoute, token: string, header: ProtectedHeaderParameters): Promise<Principal> {
    if (header.kid !== route.kid) throw new AuthError('unknown-key');
    const { payload } = await jwtVerify(token, route.publicKey, {
      algorithms: [...LOCAL_ALGORITHMS],
      issuer: route.issuer,
      audience: API_AUDIENCE,
      typ: 'JWT',
      requiredClaims: ['exp', 'nbf', 'sub', 'jti'],
      maxTokenAge: route.maxAge, // also requires iat and refuses one in the future
      clockTolerance: tolerance,
      currentDate: now(),
    });
    const role = RoleSchema.safeParse(payload['role']);
    if (!role.success) throw new AuthError('no-role');
    const sub = subjectOf(payload);
    const label = labelOf(payload, sub);
    return { id: `jwt:${sub}`, label, role: role.data, via: 'jwt', issuer: route.issuer, owner: ownerOf(payload, `jwt:${sub}`, label) };
  }

  async function verifyOAuth(route: OAuthRoute, token: string): Promise<Principal> {
    const at = now();
    const { payload } = await jwtVerify(token, route.keys, {
      algorithms: [...OAUTH_ALGORITHMS],
      issuer: route.issuer,
      audience: route.audience,
      requiredClaims: ['exp', 'sub'],
      ...(route.maxAge === undefined ? {} : { maxTokenAge: route.maxAge }),
      clockTolerance: tolerance,
      currentDate: at,
    }).catch((e: unknown) => {
      // jose throws TypeError for a JWKS key it will not use (an RSA key under 2048 bits, a key of the
      // wrong type for the alg): the provider's key is at fault, not the token's shape. No token data in it.
      throw e instanceof TypeError ? new AuthError('unknown-key', { cause: e }) : e;
    });
    // jose checks a future iat only with maxTokenAge; a token "issued" later than now is refused either way.
    if (typeof payload.iat === 'number' && payload.iat > at.getTime() / 1000 + tolerance) throw new AuthError('not-yet-valid');
    const sub = subjectOf(payload);
    const roles = mapOAuthRoles(payload, route.roleClaim, route.roleMap);
    if (roles.length === 0) throw new AuthError('no-role');
    if (roles.length > 1) throw new AuthError('ambiguous-role');
    const id = `oauth:${route.issuer}#${sub}`;
    const label = labelOf(payload, sub);
    // The identity provider authenticated this person: the subject is the person, and verified.
    return { id, label, role: roles[0] as Role, via: 'oauth', issuer: route.issuer, owner: { id, label, verified: true } };
  }

  async function verifyToken(token: unknown): Promise<Principal> {
    // Cheapest checks first: size and shape before any decoding.
    if (typeof token !== 'string' || token.length > MAX_TOKEN_LENGTH || !COMPACT_JWS.test(token)) throw new AuthError('malformed');
    let header: ProtectedHeaderParameters;
    let claims: JWTPayload;
    try {
      header = decodeProtectedHeader(token);
      claims = decodeJwt(token);
    } catch {
      throw new AuthError('malformed');
    }
    const { alg } = header;
    if (typeof alg !== 'string') throw new AuthError('malformed');
    if (local && claims.iss === local.issuer) {
      if (!LOCAL_ALGORITHMS.includes(alg)) throw new AuthError('algorithm');
      return verifyLocal(local, token, header);
    }
    if (oauth && claims.iss === oauth.issuer) {
      if (!OAUTH_ALGORITHMS.includes(alg)) throw new AuthError('algorithm');
      return verifyOAuth(oauth, token);
    }
    throw new AuthError('wrong-issuer');
  }

  return {
    async verify(token: string): Promise<Principal> {
      try {
        return await verifyToken(token);
      } catch (e) {
        throw authErrorFromJose(e);
      }
    },
  };
}
