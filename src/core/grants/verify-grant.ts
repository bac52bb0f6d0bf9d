import type { KeyObject } from 'node:crypto';
import { OversightError } from '../errors';
import { grantSignatureValid } from './grant-crypto';
import { SignedGrantSchema, type Grant } from './grant-schema';

export interface GrantExpectation {
  publicKey: KeyObject;
  kind: Grant['kind'];
  /** The hash of exactly the request or proposal the executor was handed. */
  subjectHash: string;
  now: Date;
  /** Tolerated clock difference between coordinator and executor. */
  skewMs?: number;
}

/**
 * Checks, cheapest first: shape, signature, kind, subject, time window. Throws an OversightError with
 * a stable code (GRANT_INVALID, GRANT_MISMATCH, GRANT_EXPIRED) and a sentence saying what to do.
 * The base-hash check is the executor's (it must be re-done just before writing).
 */
export function verifyGrant(input: unknown, expect: GrantExpectation): Grant {
  const parsed = SignedGrantSchema.safeParse(input);
  if (!parsed.success) {
    const issue = parsed.error.issues[0];
    const field = issue ? ['grant', ...issue.path.map(String)].join('.') : 'grant';
    throw new OversightError('GRANT_INVALID', `The grant is malformed at ${field}: ${issue?.message ?? 'invalid'}. Ask the coordinator for a new approval.`, { details: { field } });
  }
  const signed = parsed.data;
  if (!grantSignatureValid(signed, expect.publicKey)) {
    throw new OversightError('GRANT_INVALID', 'The grant signature does not verify with the configured coordinator key: it was forged, altered, or signed by another coordinator. Nothing was done.');
  }
  const { grant } = signed;
  if (grant.kind !== expect.kind) {
    throw new OversightError('GRANT_MISMATCH', `This is a ${grant.kind} grant; this action needs a ${expect.kind} grant.`);
  }
  if (grant.subjectHash !== expect.subjectHash) {
    throw new OversightError('GRANT_MISMATCH', 'The grant approves a different request or proposal than the one handed over (subject hash differs). Review and approve this one.', {
      details: { expected: expect.subjectHash, granted: grant.subjectHash },
    });
  }
  const skew = expect.skewMs ?? 60_000;
  const now = expect.now.getTime();
  if (Date.parse(grant.decidedAt) - skew > now) {
    throw new OversightError('GRANT_INVALID', `The grant was decided in the future (${grant.decidedAt}); check the clocks of coordinator and server.`);
  }
  if (Date.parse(grant.expiresAt) <= now) {
    throw new OversightError('GRANT_EXPIRED', `The approval expired at ${grant.expiresAt}. Request a new approval.`, { details: { expiresAt: grant.expiresAt } });
  }
  return grant;
}
