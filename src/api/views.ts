import type { ApprovalRequest } from '../core/coordination/messages';
import { maskScriptSecrets } from '../core/rules/support/script-secrets';
import type { ApiRemediationProposal, ApprovalStatus, ExecutionResult } from './schemas';

/** What the API shows of stored requests: states, hashes and names, never file contents or diffs (except a proposal's masked diff). */
export function approvalStatus(r: ApprovalRequest): ApprovalStatus {
  return {
    requestId: r.id,
    kind: r.subject.kind,
    state: r.state,
    title: r.title,
    subjectHash: r.subject.subjectHash,
    requestedBy: r.requestedBy.label || r.requestedBy.id,
    requestedAt: r.requestedAt,
    expiresAt: r.expiresAt,
    ...(r.decision ? { decidedBy: r.decision.approver.label || r.decision.approver.id, decision: r.decision.decision } : {}),
    ...(r.supersededBy ? { supersededBy: r.supersededBy } : {}),
    ...(r.execution ? { executionId: r.execution.executionId } : {}),
    ...(r.error ? { error: r.error } : {}),
  };
}

export function proposalView(r: ApprovalRequest): ApiRemediationProposal {
  if (r.subject.kind !== 'remediation') throw new TypeError(`request ${r.id} is not a remediation`);
  const { files, actions, ...proposal } = r.subject.proposal;
  return {
    requestId: r.id,
    state: r.state,
    title: maskScriptSecrets(r.title),
    expiresAt: r.expiresAt,
    subjectHash: r.subject.subjectHash,
    ...(r.notes ? { notes: r.notes.map(maskScriptSecrets) } : {}),
    proposal: {
      ...proposal,
      actions: actions.map(({ edits, description, followUp, ...a }) => ({
        ...a,
        description: maskScriptSecrets(description),
        ...(followUp !== undefined ? { followUp: maskScriptSecrets(followUp) } : {}),
        edits: edits.map((e) => ({ jsonPath: e.jsonPath, ...(e.remove ? { remove: e.remove } : {}) })),
      })),
      files: files.map(({ newText, diff, ...f }) => ({ ...f, diff: maskDiff(diff), newBytes: Buffer.byteLength(newText) })),
    },
  };
}

/** Every line of a unified diff through the secret masking (context lines are config text too). */
function maskDiff(diff: string): string {
  return diff
    .split('\n')
    .map((line) => (line.length === 0 ? line : line[0]! + maskScriptSecrets(line.slice(1))))
    .join('\n');
}

export function executionResult(r: ApprovalRequest): ExecutionResult | undefined {
  const x = r.execution;
  if (x === undefined) return undefined;
  return {
    requestId: r.id,
    state: r.state,
    executionId: x.executionId,
    proposalId: x.proposalId,
    status: x.status,
    alreadyApplied: x.alreadyApplied,
    files: x.files.map((f) => ({ displayPath: f.displayPath, newHash: f.newHash })),
    approvedBy: r.decision ? r.decision.approver.label || r.decision.approver.id : '',
  };
}
