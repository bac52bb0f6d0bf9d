import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { moveApproval, isExpired } from '../../../src/core/approvals/approval-record';
import { APPROVAL_EVENTS, APPROVAL_STATES, canTransition, FINAL_STATES, transition, TRANSITIONS, type ApprovalEvent, type ApprovalState } from '../../../src/core/approvals/state-machine';
import type { ApprovalRequest } from '../../../src/core/coordination/messages';
import { OversightError } from '../../../src/core/errors';

/** The workflow of issue 4, written out independently of the table under test. */
const LEGAL: Record<string, ApprovalState> = {
  'pending/approve': 'approved',
  'pending/reject': 'rejected',
  'pending/expire': 'expired',
  'pending/cancel': 'cancelled',
  'approved/start': 'executing',
  'approved/expire': 'expired',
  'approved/cancel': 'cancelled',
  'executing/succeed': 'executed',
  'executing/fail': 'failed',
  'failed/retry': 'executing',
};

describe('approval state machine', () => {
  it(`every one of the ${APPROVAL_STATES.length * APPROVAL_EVENTS.length} (state, event) pairs is either the legal move or a typed INVALID_TRANSITION`, () => {
    let legal = 0;
    let illegal = 0;
    for (const s of APPROVAL_STATES) {
      for (const e of APPROVAL_EVENTS) {
        const want = LEGAL[`${s}/${e}`];
        if (want !== undefined) {
          assert.equal(transition(s, e), want, `${s} --${e}->`);
          assert.equal(canTransition(s, e), true);
          legal++;
        } else {
          assert.equal(canTransition(s, e), false, `${s} --${e}-> must be illegal`);
          assert.throws(
            () => transition(s, e, 'req-1'),
            (err: unknown) => err instanceof OversightError && err.code === 'INVALID_TRANSITION' && err.details['from'] === s && err.details['event'] === e && /req-1/.test(err.message),
          );
          illegal++;
        }
      }
    }
    assert.equal(legal, Object.keys(LEGAL).length);
    assert.equal(legal + illegal, 64);
  });

  it('final states have no way out; every state is reachable from pending', () => {
    for (const s of FINAL_STATES) assert.deepEqual(TRANSITIONS[s], {}, s);
    const seen = new Set<ApprovalState>(['pending']);
    const queue: ApprovalState[] = ['pending'];
    while (queue.length) {
      for (const to of Object.values(TRANSITIONS[queue.shift()!])) {
        if (to !== undefined && !seen.has(to)) {
          seen.add(to);
          queue.push(to);
        }
      }
    }
    assert.deepEqual([...seen].sort(), [...APPROVAL_STATES].sort());
  });

  it('moveApproval records who moved it, when and from where, and leaves the input untouched', () => {
    const actor = { id: 'alice', label: 'Alice', provider: 'github', verified: true };
    const r = { id: 'a1', state: 'pending', history: [], expiresAt: '2026-01-02T00:00:00.000Z' } as unknown as ApprovalRequest;
    const at = new Date('2026-01-01T00:00:00.000Z');
    const next = moveApproval(r, 'approve', actor, at, {}, 'looks right');
    assert.equal(r.state, 'pending');
    assert.equal(next.state, 'approved');
    assert.deepEqual(next.history, [{ from: 'pending', to: 'approved', event: 'approve', at: at.toISOString(), actor, reason: 'looks right' }]);
    assert.throws(() => moveApproval(next, 'approve' as ApprovalEvent, actor, at), /INVALID_TRANSITION|cannot be approved/);
    assert.equal(isExpired(r, at), false);
    assert.equal(isExpired(r, new Date('2026-01-02T00:00:00.000Z')), true);
  });
});
