import type { ApprovalRequest, ApprovalSubject } from '../../core/coordination/messages';
import type { ErrorResponse } from '../../core/coordination/error-response';
import type { AuditRecord } from '../ports';

/**
 * What the audit log keeps of an approval subject: enough to say exactly what was approved (the
 * subject hash binds every byte), never file contents or diffs (a config file's text can hold secrets
 * the redactor would not recognise).
 */
export function subjectForAudit(s: ApprovalSubject): Record<string, unknown> {
  if (s.kind === 'remediation') {
    const p = s.proposal;
    return {
      kind: s.kind,
      subjectHash: s.subjectHash,
      proposalId: p.proposalId,
      risk: p.riskAssessment.level,
      files: p.files.map((f) => ({ file: f.displayPath, baseHash: f.baseHash, newHash: f.newHash })),
      actions: p.actions.map((a) => ({ kind: a.kind, ruleId: a.ruleId, server: a.server, severity: a.severity })),
    };
  }
  return {
    kind: s.kind,
    subjectHash: s.subjectHash,
    servers: s.plan.servers.map((p) => ({ name: p.name, transport: p.transport, command: p.command, url: p.url })),
    files: s.plan.files.map((f) => ({ file: f.file, baseHash: f.baseHash })),
  };
}

export function approvalSubjectRef(r: Pick<ApprovalRequest, 'id'>): AuditRecord['subject'] {
  return { type: 'approval', id: r.id };
}

export function errorForAudit(e: ErrorResponse): Record<string, unknown> {
  return { code: e.code, category: e.category, retryable: e.retryable, message: e.message };
}
