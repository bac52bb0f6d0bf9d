import { errors } from 'jose';

/**
 * Why a bearer token was refused. The HTTP layer answers 401 for all of them except
 * `jwks-unavailable` (503: the token may be fine, we could not fetch the issuer's keys) — and
 * `no-role` / `ambiguous-role`, which it may answer 403 for (the signature checked out; the token just
 * grants nothing here). Clients switch on these; do not rename them.
 */
export const AUTH_FAILURE_REASONS = [
  'malformed',
  'bad-signature',
  'algorithm',
  'unknown-key',
  'expired',
  'not-yet-valid',
  'missing-claim',
  'wrong-audience',
  'wrong-issuer',
  'no-role',
  'ambiguous-role',
  'jwks-unavailable',
] as const;
export type AuthFailureReason = (typeof AUTH_FAILURE_REASONS)[number];

/**
 * Fixed text per reason: a message is never built from the token, its header or its claims, so an
 * error that ends up in a log or a response body cannot leak any part of a credential.
 */
const MESSAGES: Readonly<Record<AuthFailureReason, string>> = Object.freeze({
  malformed: 'The bearer token is not a well-formed JWT.',
  'bad-signature': 'The token signature does not verify.',
  algorithm: 'The token uses an algorithm that is not accepted here.',
  'unknown-key': 'The token was signed with a key this server does not know.',
  expired: 'The token has expired.',
  'not-yet-valid': 'The token is not valid yet.',
  'missing-claim': 'The token lacks a required claim.',
  'wrong-audience': 'The token was not issued for this API.',
  'wrong-issuer': 'The token was issued by an issuer this server does not trust.',
  'no-role': 'The token grants no role known to MCP Oversight.',
  'ambiguous-role': 'The token maps to more than one MCP Oversight role; issue one token per role.',
  'jwks-unavailable': "The token issuer's signing keys could not be fetched; try again later.",
});

export class AuthError extends Error {
  override readonly name = 'AuthError';
  readonly reason: AuthFailureReason;
  /** jose's error code when jose refused the token (e.g. ERR_JWS_SIGNATURE_VERIFICATION_FAILED); for logs. */
  readonly joseCode: string | undefined;

  /** `cause` only for failures that hold no token data (a JWKS fetch, an unusable JWKS key): jose's claim errors carry the payload. */
  constructor(reason: AuthFailureReason, options: { joseCode?: string; cause?: unknown } = {}) {
    super(MESSAGES[reason], options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = reason;
    this.joseCode = options.joseCode;
  }
}

/** By name and reason, not `instanceof` alone (bundles may hold their own copy, as with OversightError). */
export function isAuthError(e: unknown): e is AuthError {
  if (e instanceof AuthError) return true;
  if (!(e instanceof Error) || e.name !== 'AuthError') return false;
  const { reason } = e as Partial<AuthError>;
  return typeof reason === 'string' && (AUTH_FAILURE_REASONS as readonly string[]).includes(reason);
}

const TIME_CLAIMS = new Set(['exp', 'nbf', 'iat']);

function claimFailure(e: errors.JWTClaimValidationFailed | errors.JWTExpired): AuthFailureReason {
  const { claim, reason } = e;
  if (claim === 'aud') return 'wrong-audience';
  if (claim === 'iss') return 'wrong-issuer';
  if (reason === 'missing') return 'missing-claim';
  if (reason === 'check_failed' && TIME_CLAIMS.has(claim)) {
    if (e instanceof errors.JWTExpired) return 'expired'; // exp passed, or iat older than maxTokenAge
    return 'not-yet-valid'; // nbf, or iat, in the future
  }
  return 'malformed'; // a claim of the wrong type, a typ header that is not JWT
}

/**
 * One table from jose's errors to ours. Anything unexpected is `malformed`: a verifier that throws
 * something other than an AuthError would turn a bad token into a 500.
 */
export function authErrorFromJose(e: unknown): AuthError {
  if (isAuthError(e)) return e;
  const joseCode = e instanceof errors.JOSEError ? e.code : undefined;
  const make = (reason: AuthFailureReason) => new AuthError(reason, joseCode === undefined ? {} : { joseCode });
  if (e instanceof errors.JWTExpired || e instanceof errors.JWTClaimValidationFailed) return make(claimFailure(e));
  if (e instanceof errors.JWSSignatureVerificationFailed) return make('bad-signature');
  if (e instanceof errors.JOSEAlgNotAllowed) return make('algorithm');
  // Past our allow-lists, "not supported" means an unknown `crit` extension (or b64: false).
  if (e instanceof errors.JOSENotSupported) return make('malformed');
  if (e instanceof errors.JWKSNoMatchingKey || e instanceof errors.JWKSMultipleMatchingKeys) return make('unknown-key');
  if (e instanceof errors.JWKSTimeout || e instanceof errors.JWKSInvalid) return new AuthError('jwks-unavailable', { joseCode: e.code, cause: e });
  return make('malformed');
}
