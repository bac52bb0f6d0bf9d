import type { ApprovalRequest } from '../../core/coordination/messages';

/**
 * What the Approvals view shows, as plain data (no `vscode` here, so it is unit-tested): one node per
 * pending request, newest first, expanding to its risk, each action and its expiry. `contextValue`
 * drives the inline Review / Approve / Reject buttons in package.json's menus.
 */
export interface TreeNodeModel {
  id: string;
  label: string;
  description?: string;
  tooltip: string;
  contextValue: string;
  /** A codicon id. */
  icon: string;
  children: TreeNodeModel[];
  /** The request this node belongs to (its id), for commands run on it. */
  requestId: string;
}

const RISK_ICON = { low: 'pass', medium: 'warning', high: 'error' } as const;

export function pendingApprovals(all: readonly ApprovalRequest[]): ApprovalRequest[] {
  return all.filter((r) => r.state === 'pending').sort((a, b) => b.requestedAt.localeCompare(a.requestedAt));
}

/** "in 23 h", "in 5 min", "expired": how long a person has left to decide. */
export function timeLeft(expiresAt: string, now: Date): string {
  const ms = Date.parse(expiresAt) - now.getTime();
  if (ms <= 0) return 'expired';
  const min = Math.ceil(ms / 60_000);
  return min < 60 ? `in ${min} min` : `in ${Math.round(min / 60)} h`;
}

export function approvalNodes(all: readonly ApprovalRequest[], now: Date): TreeNodeModel[] {
  return pendingApprovals(all).map((r) => {
    const s = r.subject;
    const risk = s.kind === 'remediation' ? s.proposal.riskAssessment.level : 'high';
    const who = r.requestedBy.label || r.requestedBy.id;
    const children: TreeNodeModel[] = [];
    if (s.kind === 'remediation') {
      children.push(leaf(r, 'risk', `Risk: ${risk}`, s.proposal.riskAssessment.summary, RISK_ICON[risk]));
      for (const a of s.proposal.actions) children.push(leaf(r, `action:${a.actionId}`, a.description, [a.ruleId, a.severity, a.followUp].filter(Boolean).join(' · ') || a.description, 'wrench'));
      for (const f of s.proposal.files) children.push(leaf(r, `file:${f.displayPath}`, f.displayPath, `${f.baseHash === 'absent' ? 'creates' : 'changes'} ${f.displayPath}`, 'file'));
    } else {
      children.push(leaf(r, 'risk', 'Runs configured MCP servers', 'A live assessment starts each listed server as its client would.', 'warning'));
      for (const p of s.plan.servers) children.push(leaf(r, `server:${p.name}`, p.name, p.transport === 'stdio' ? [p.command, ...p.args].join(' ') : (p.url ?? p.transport), 'server-process'));
    }
    children.push(leaf(r, 'expires', `Expires ${timeLeft(r.expiresAt, now)}`, `Expires at ${r.expiresAt}`, 'watch'));
    return {
      id: r.id,
      requestId: r.id,
      label: r.title,
      description: `${s.kind === 'remediation' ? 'change' : 'live check'} · ${who} · ${timeLeft(r.expiresAt, now)}`,
      tooltip: `${r.title}\nRequested by ${who} (${r.requestedBy.provider}) at ${r.requestedAt}\nExpires at ${r.expiresAt}`,
      contextValue: `approval.pending.${s.kind}`,
      icon: s.kind === 'remediation' ? 'git-pull-request' : 'pulse',
      children,
    };
  });
}

function leaf(r: ApprovalRequest, key: string, label: string, tooltip: string, icon: string): TreeNodeModel {
  return { id: `${r.id}/${key}`, requestId: r.id, label, tooltip, contextValue: 'approval.detail', icon, children: [] };
}
