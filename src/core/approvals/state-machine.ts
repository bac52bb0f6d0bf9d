import { z } from 'zod';
import { OversightError } from '../errors';

export const APPROVAL_STATES = ['pending', 'approved', 'rejected', 'expired', 'cancelled', 'executing', 'executed', 'failed'] as const;
export const ApprovalStateSchema = z.enum(APPROVAL_STATES);
export type ApprovalState = z.infer<typeof ApprovalStateSchema>;

export const APPROVAL_EVENTS = ['approve', 'reject', 'expire', 'cancel', 'start', 'succeed', 'fail', 'retry'] as const;
export type ApprovalEvent = (typeof APPROVAL_EVENTS)[number];

/**
 * The whole approval workflow as data: `TRANSITIONS[state][event]` is the next state, and a missing
 * entry is an illegal move. pending -> approved | rejected | expired | cancelled; approved ->
 * executing -> executed | failed. Two additions the issue implies: an approval that lapses before it
 * runs (expiry is checked at execution time too) is `expired`, and a failed execution whose request
 * was dead-lettered can be retried by a person (`failed -> executing`; the Installer's exactly-once
 * journal makes a repeat harmless).
 */
export const TRANSITIONS: Readonly<Record<ApprovalState, Partial<Record<ApprovalEvent, ApprovalState>>>> = {
  pending: { approve: 'approved', reject: 'rejected', expire: 'expired', cancel: 'cancelled' },
  approved: { start: 'executing', expire: 'expired', cancel: 'cancelled' },
  executing: { succeed: 'executed', fail: 'failed' },
  failed: { retry: 'executing' },
  rejected: {},
  expired: {},
  cancelled: {},
  executed: {},
};

/** States nothing leaves (except `failed`, which a person may retry). */
export const FINAL_STATES: ReadonlySet<ApprovalState> = new Set(['rejected', 'expired', 'cancelled', 'executed']);

export function canTransition(from: ApprovalState, event: ApprovalEvent): boolean {
  return TRANSITIONS[from][event] !== undefined;
}

/** The next state, or a typed INVALID_TRANSITION error that says what is possible from here. */
export function transition(from: ApprovalState, event: ApprovalEvent, id = ''): ApprovalState {
  const to = TRANSITIONS[from][event];
  if (to !== undefined) return to;
  const possible = Object.keys(TRANSITIONS[from]);
  throw new OversightError(
    'INVALID_TRANSITION',
    `Approval request${id ? ` ${id}` : ''} is ${from}; it cannot be ${PAST[event]}${possible.length ? ` (from ${from} it can only be ${possible.map((e) => PAST[e as ApprovalEvent]).join(', ')})` : ' (that is final)'}.`,
    { details: { id, from, event } },
  );
}

const PAST: Record<ApprovalEvent, string> = {
  approve: 'approved',
  reject: 'rejected',
  expire: 'expired',
  cancel: 'cancelled',
  start: 'started',
  succeed: 'marked executed',
  fail: 'marked failed',
  retry: 'retried',
};
