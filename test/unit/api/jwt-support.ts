import assert from 'node:assert/strict';
import { AuthError, isAuthError, type AuthFailureReason } from '../../../src/api/auth/jwt-errors';
import type { JwtVerifier } from '../../../src/api/auth/jwt';
import type { Principal } from '../../../src/api/permissions';

export const b64url = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');

/** A compact JWS from raw parts, for tokens no honest library would produce. */
export function compact(header: unknown, payload: unknown, signature = ''): string {
  return `${b64url(header)}.${b64url(payload)}.${signature}`;
}

/**
 * Asserts that `token` is refused with `reason`, and that nothing of the token — none of its three
 * parts, none of its claim values — shows up in the error's message or its serialised form.
 */
export async function assertRefused(verifier: JwtVerifier, token: string, reason: AuthFailureReason, secrets: string[] = []): Promise<AuthError> {
  let caught: unknown;
  try {
    const p: Principal = await verifier.verify(token);
    assert.fail(`accepted as ${JSON.stringify(p)}; expected ${reason}`);
  } catch (e) {
    caught = e;
  }
  assert.ok(isAuthError(caught), `an AuthError; got ${String(caught)}`);
  assert.equal(caught.reason, reason, `reason ${caught.reason} (${caught.joseCode ?? 'no jose code'}); expected ${reason}`);
  const shown = `${caught.message}\n${JSON.stringify(caught)}\n${String(caught)}`;
  for (const part of [...String(token).split('.'), ...secrets].filter((s) => s.length >= 6)) {
    assert.ok(!shown.includes(part), `the error shows part of the token: ${part.slice(0, 12)}…`);
  }
  return caught;
}
