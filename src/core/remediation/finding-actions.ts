import type { Category } from '../model/category';
import type { Finding } from '../model/finding';
import type { ProposalAction, RiskLevel } from './proposal-schema';

/**
 * How much a fix in each category can disturb a working setup: removing an auto-approval only adds a
 * prompt (low); moving a secret, pinning a version or switching to https can stop a server from
 * starting until a person follows up (medium).
 */
const RISK_BY_CATEGORY: Partial<Record<Category, RiskLevel>> = {
  'auto-approve-all': 'low',
  'auto-approve-dangerous': 'low',
  'tool-definition-changed': 'low',
};

/** One action per remediable, unsuppressed finding; edits grouped by file (a remediation may span files). */
export function actionsFromFindings(findings: readonly Finding[]): Omit<ProposalAction, 'actionId'>[] {
  const out: Omit<ProposalAction, 'actionId'>[] = [];
  for (const f of findings) {
    if (f.remediation === undefined || f.suppressed !== undefined) continue;
    const byFile = new Map<string, ProposalAction['edits']>();
    for (const e of f.remediation.edits) {
      const list = byFile.get(e.file) ?? [];
      list.push(e.remove === true ? { jsonPath: e.jsonPath, remove: true } : { jsonPath: e.jsonPath, value: e.value });
      byFile.set(e.file, list);
    }
    for (const [file, edits] of byFile) {
      out.push({
        kind: 'remediate-finding',
        description: f.remediation.description,
        file,
        edits,
        risk: RISK_BY_CATEGORY[f.category] ?? 'medium',
        ruleId: f.ruleId,
        findingFingerprint: f.fingerprint,
        severity: f.severity,
        ...(f.server !== null ? { server: f.server } : {}),
        ...(f.remediation.followUp !== undefined ? { followUp: f.remediation.followUp } : {}),
      });
    }
  }
  return out;
}
