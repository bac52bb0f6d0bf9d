import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { approvalNodes, pendingApprovals, timeLeft } from '../../../src/extension/approvals/approval-tree-model';
import { approverFrom } from '../../../src/extension/approvals/approver-identity';
import { Coalescer } from '../../../src/extension/approvals/coalescer';
import type { ApprovalRequest } from '../../../src/core/coordination/messages';
import { OversightError } from '../../../src/core/errors';

const bob = { id: 'bob', label: 'Bob', provider: 'github', verified: true };
function request(id: string, state: ApprovalRequest['state'], requestedAt: string): ApprovalRequest {
  return {
    id,
    workspace: '/ws',
    title: `Fix ${id}`,
    state,
    requestedBy: bob,
    requestedAt,
    expiresAt: '2026-01-02T00:00:00.000Z',
    history: [],
    subject: {
      kind: 'remediation',
      subjectHash: 'a'.repeat(64),
      proposal: {
        proposalId: 'p',
        assessmentId: 'a',
        actions: [{ actionId: 'x', kind: 'remediate-finding', description: 'Use https <script>', file: '/ws/.kilocode/mcp.json', edits: [{ jsonPath: ['a'], value: 1 }], risk: 'low', ruleId: 'insecure-http' }],
        riskAssessment: { level: 'low', summary: 'one low-risk change', factors: [] },
        estimatedTime: 'PT1M',
        requiresApproval: true,
        timestamp: requestedAt,
        files: [{ file: '/ws/.kilocode/mcp.json', displayPath: '.kilocode/mcp.json', baseHash: 'b'.repeat(64), newText: '{}', newHash: 'c'.repeat(64), diff: '' }],
      },
    },
  };
}

describe('Approvals view model', () => {
  it('lists pending requests only, newest first, each with risk, actions, files and expiry', () => {
    const all = [request('old', 'pending', '2026-01-01T00:00:00.000Z'), request('done', 'executed', '2026-01-01T02:00:00.000Z'), request('new', 'pending', '2026-01-01T01:00:00.000Z')];
    assert.deepEqual(pendingApprovals(all).map((r) => r.id), ['new', 'old']);
    const [first] = approvalNodes(all, new Date('2026-01-01T12:00:00.000Z'));
    assert.equal(first?.contextValue, 'approval.pending.remediation');
    assert.deepEqual(first?.children.map((c) => c.label), ['Risk: low', 'Use https <script>', '.kilocode/mcp.json', 'Expires in 12 h']);
    assert.ok(first?.children.every((c) => c.contextValue === 'approval.detail' && c.requestId === 'new'));
  });

  it('says how long is left', () => {
    const at = new Date('2026-01-01T23:30:00.000Z');
    assert.equal(timeLeft('2026-01-02T00:00:00.000Z', at), 'in 30 min');
    assert.equal(timeLeft('2026-01-01T00:00:00.000Z', at), 'expired');
  });
});

describe('approver identity', () => {
  it('a signed-in account is verified and namespaced by provider; without one the OS user is recorded unverified', () => {
    assert.deepEqual(approverFrom({ account: { id: '42', label: 'octocat' } }, 'github', 'root', false), { id: 'github:42', label: 'octocat', provider: 'github', verified: true });
    assert.deepEqual(approverFrom(undefined, 'github', 'alice', false), { id: 'os:alice', label: 'alice', provider: 'os-user', verified: false });
  });
  it('refuses when a verified identity is required and there is none', () => {
    assert.throws(() => approverFrom(undefined, 'microsoft', 'alice', true), (e: unknown) => e instanceof OversightError && e.code === 'APPROVAL_REQUIRED' && /Microsoft/.test(e.message));
  });
});

describe('notification coalescing', () => {
  it('a burst becomes one batch; a later event starts a new window', () => {
    const timers: (() => void)[] = [];
    const batches: number[][] = [];
    const c = new Coalescer<number>(1000, (items) => batches.push(items), { set: (fn) => (timers.push(fn), 0 as unknown as ReturnType<typeof setTimeout>), clear: () => undefined });
    for (let i = 0; i < 25; i++) c.push(i);
    assert.equal(timers.length, 1, 'one timer for the whole burst');
    timers[0]!();
    c.push(99);
    timers[1]!();
    assert.deepEqual(batches.map((b) => b.length), [25, 1]);
  });
});
