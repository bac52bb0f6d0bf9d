import type { ApprovalRequest } from '../coordination/messages';
import type { Approver } from '../grants/grant-schema';
import { transition, type ApprovalEvent } from './state-machine';

/** Default lifetime of an approval request: a day. Configurable per coordinator. */
export const DEFAULT_APPROVAL_TTL_MS = 24 * 60 * 60 * 1000;

/**
 * One step of an approval request's life, as a pure function: the next state from the transition table
 * (INVALID_TRANSITION otherwise), a history line with who and when, and any fields the step sets.
 */
export function moveApproval(
  r: ApprovalRequest,
  event: ApprovalEvent,
  actor: Approver,
  at: Date,
  set: Partial<Pick<ApprovalRequest, 'decision' | 'grant' | 'execution' | 'assessment' | 'error' | 'supersededBy'>> = {},
  reason?: string,
): ApprovalRequest {
  const to = transition(r.state, event, r.id);
  return {
    ...r,
    ...set,
    state: to,
    history: [...r.history, { from: r.state, to, event, at: at.toISOString(), actor, ...(reason !== undefined ? { reason: reason.slice(0, 2000) } : {}) }],
  };
}

export function isExpired(r: Pick<ApprovalRequest, 'expiresAt'>, now: Date): boolean {
  return now.getTime() >= Date.parse(r.expiresAt);
}
