import { userInfo } from 'node:os';
import * as vscode from 'vscode';
import type { ApprovalRequest } from '../../core/coordination/messages';
import type { Approver } from '../../core/grants/grant-schema';
import type { Coordinator } from '../../coordinator/coordinator';
import { approverFrom, type IdentityProvider } from './approver-identity';
import { pendingApprovals } from './approval-tree-model';
import { booleanSetting, enumSetting } from '../settings';

const SCOPES: Record<Exclude<IdentityProvider, 'none'>, string[]> = { github: ['read:user'], microsoft: ['openid', 'profile'] };

/**
 * Who is approving, from the editor's signed-in account: silently first; when the settings require a
 * verified identity and there is no session, VS Code asks the person to sign in now — unless `silent`
 * (background work such as the audit panel's reads, which must never pop a sign-in dialog).
 */
export async function currentApprover(opts: { silent?: boolean } = {}): Promise<Approver> {
  const cfg = vscode.workspace.getConfiguration('mcpOversight');
  const provider = enumSetting(cfg, 'approval.identityProvider', ['github', 'microsoft', 'none'], 'github');
  const requireVerified = booleanSetting(cfg, 'approval.requireVerifiedIdentity', false);
  let session: vscode.AuthenticationSession | undefined;
  if (provider !== 'none') {
    session = await Promise.resolve(vscode.authentication.getSession(provider, SCOPES[provider], { silent: true })).catch(() => undefined);
    if (session === undefined && requireVerified && opts.silent !== true) session = await vscode.authentication.getSession(provider, SCOPES[provider], { createIfNone: true });
  }
  return approverFrom(session, provider, safeUserName(), requireVerified && opts.silent !== true);
}

function safeUserName(): string {
  try {
    return userInfo().username || 'unknown';
  } catch {
    return 'unknown';
  }
}

/** A command's argument (a tree node, a request id, or nothing: then the person picks one). */
export async function resolveRequest(c: Coordinator, arg: unknown): Promise<ApprovalRequest | undefined> {
  const id = typeof arg === 'string' ? arg : typeof arg === 'object' && arg !== null && typeof (arg as { requestId?: unknown }).requestId === 'string' ? (arg as { requestId: string }).requestId : undefined;
  if (id !== undefined) return c.approval(id);
  const pending = pendingApprovals(c.approvals());
  if (pending.length === 0) {
    void vscode.window.showInformationMessage('MCP Oversight: nothing is waiting for your approval.');
    return undefined;
  }
  if (pending.length === 1) return pending[0];
  const pick = await vscode.window.showQuickPick(
    pending.map((r) => ({ label: r.title, description: `${r.subject.kind === 'remediation' ? 'change' : 'live check'} · expires ${r.expiresAt}`, id: r.id })),
    { title: 'MCP Oversight: pending approvals', placeHolder: 'Choose a request' },
  );
  return pick ? c.approval(pick.id) : undefined;
}

/**
 * Approve after a modal confirmation that says what will happen (and what the server that made the
 * request says the reviewer should know), offering the full review first; reports the outcome.
 * `review` opens the diff preview (chosen instead of approving from the tree or the palette).
 */
export async function approveRequest(c: Coordinator, r: ApprovalRequest, confirm: boolean, review?: (r: ApprovalRequest) => void): Promise<ApprovalRequest | undefined> {
  if (confirm) {
    const what = r.subject.kind === 'remediation' ? `This changes ${r.subject.proposal.files.map((f) => `${f.displayPath} (${diffSize(f.diff)})`).join(', ')}.` : `This starts ${r.subject.plan.servers.map((s) => s.name).join(', ')} to check them.`;
    const notes = (r.notes ?? []).slice(0, 8).map((n) => `• ${n.length > 300 ? `${n.slice(0, 300)}…` : n}`);
    const detail = [what, ...(notes.length > 0 ? ['', ...notes] : []), '', 'You approve exactly the change its review shows; if a file changed since, nothing is applied.'].join('\n');
    const ok = await vscode.window.showWarningMessage(`Approve "${r.title}"?`, { modal: true, detail }, 'Approve', ...(review ? ['Review First'] : []));
    if (ok === 'Review First') review?.(r);
    if (ok !== 'Approve') return undefined;
  }
  const approver = await currentApprover();
  const done = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MCP Oversight: ${r.subject.kind === 'remediation' ? 'applying' : 'running'} "${r.title}"…` }, () =>
    c.decide({ requestId: r.id, decision: 'approved', subjectHash: r.subject.subjectHash, approver, decidedAt: new Date().toISOString() }),
  );
  return done;
}

export async function rejectRequest(c: Coordinator, r: ApprovalRequest, reason?: string): Promise<ApprovalRequest | undefined> {
  const why = reason ?? (await vscode.window.showInputBox({ title: `Reject "${r.title}"`, prompt: 'Reason (optional, recorded in the audit log)', ignoreFocusOut: true }));
  if (why === undefined) return undefined;
  const approver = await currentApprover();
  return c.decide({ requestId: r.id, decision: 'rejected', subjectHash: r.subject.subjectHash, approver, decidedAt: new Date().toISOString(), ...(why.trim() ? { reason: why.trim() } : {}) });
}

/** "+3 −1 lines" from a unified diff. */
function diffSize(diff: string): string {
  let add = 0;
  let del = 0;
  for (const line of diff.split('\n')) {
    if (line.startsWith('+') && !line.startsWith('+++')) add++;
    else if (line.startsWith('-') && !line.startsWith('---')) del++;
  }
  return `+${add} −${del} lines`;
}
