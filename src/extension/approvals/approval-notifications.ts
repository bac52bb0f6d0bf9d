import * as vscode from 'vscode';
import type { ApprovalChange, Coordinator } from '../../coordinator/coordinator';
import { Coalescer } from './coalescer';

export const NOTIFY_WINDOW_MS = 1500;

/**
 * Tells the person what needs them and what happened, without storms: new requests arriving together
 * make one "N MCP changes need your approval"; each outcome (applied, stale, failed) is one message with
 * a way to the details. Also keeps the status bar item current.
 */
export class ApprovalNotifications implements vscode.Disposable {
  private readonly requested = new Coalescer<ApprovalChange>(NOTIFY_WINDOW_MS, (items) => void this.announce(items.length));
  private readonly status = vscode.window.createStatusBarItem('mcpOversight.status', vscode.StatusBarAlignment.Left, 50);
  private readonly subs: { dispose(): void }[] = [];
  private coordinator: Coordinator | undefined;
  /** Configured MCP servers (the Servers view's count); undefined until the first assessment. */
  private servers: number | undefined;

  constructor() {
    this.status.name = 'MCP Oversight';
    this.status.command = 'mcpOversight.reviewApprovals';
    this.render();
    this.status.show();
  }

  setCoordinator(c: Coordinator): void {
    this.coordinator = c;
    this.subs.push(
      c.onApproval.on((change) => {
        if (change.event === 'requested') this.requested.push(change);
        if (change.event === 'succeed' || change.event === 'fail') void this.outcome(change);
        this.render();
      }),
      c.onServerHealth.on(() => this.render()),
    );
    this.render();
  }

  setServerCount(n: number): void {
    this.servers = n;
    this.render();
  }

  private render(): void {
    const c = this.coordinator;
    const servers = this.servers === undefined ? 'MCP' : `${this.servers} server${this.servers === 1 ? '' : 's'}`;
    const configured = this.servers === undefined ? [] : [`${servers} configured`];
    if (!c) {
      this.status.text = `$(shield) ${servers}`;
      this.status.tooltip = [...configured, 'MCP Oversight: approvals start with the first review or live check'].join('\n');
      return;
    }
    const pending = c.approvals({ states: ['pending'] }).length;
    const h = c.health();
    const down = Object.values(h).filter((s) => s.state !== 'up' || s.breaker === 'open');
    this.status.text = `$(${down.length ? 'warning' : 'shield'}) ${servers}${pending ? ` · ${pending} pending` : ''}`;
    this.status.tooltip = [
      ...configured,
      pending ? `${pending} change(s) awaiting your approval — click to review` : 'Nothing awaiting approval',
      ...Object.values(h).map((s) => `${s.server === 'compliance' ? 'Compliance Server' : 'Installer'}: ${s.state}${s.breaker !== 'closed' ? ` (circuit ${s.breaker})` : ''}`),
    ].join('\n');
  }

  private async announce(n: number): Promise<void> {
    const pending = this.coordinator?.approvals({ states: ['pending'] }).length ?? n;
    if (pending === 0) return;
    const pick = await vscode.window.showInformationMessage(`${pending} MCP change${pending === 1 ? '' : 's'} need${pending === 1 ? 's' : ''} your approval.`, 'Review', 'Later');
    if (pick === 'Review') await vscode.commands.executeCommand('mcpOversight.reviewApprovals');
  }

  private async outcome({ request: r }: ApprovalChange): Promise<void> {
    if (r.state === 'executed') {
      const text = r.subject.kind === 'remediation' ? `Applied "${r.title}"${r.execution?.alreadyApplied ? ' (it had already been applied)' : ''}.` : `Live check done: ${summary(r)}.`;
      const pick = await vscode.window.showInformationMessage(`MCP Oversight: ${text}`, 'Show Details');
      if (pick === 'Show Details') await vscode.commands.executeCommand('mcpOversight.showAudit');
      return;
    }
    const e = r.error;
    const actions = [...(r.supersededBy ? ['Review Fresh Proposal'] : []), ...(e?.retryable ? ['Open Failed Requests'] : []), 'Show Logs'];
    const pick = await vscode.window.showWarningMessage(`MCP Oversight: "${r.title}" was not ${r.subject.kind === 'remediation' ? 'applied' : 'run'}: ${e?.message ?? 'failed'}`, ...actions);
    if (pick === 'Review Fresh Proposal' && r.supersededBy) await vscode.commands.executeCommand('mcpOversight.reviewApproval', r.supersededBy);
    if (pick === 'Open Failed Requests') await vscode.commands.executeCommand('mcpOversight.openDeadLetters');
    if (pick === 'Show Logs') await vscode.commands.executeCommand('mcpOversight.showLogs');
  }

  dispose(): void {
    this.requested.dispose();
    this.status.dispose();
    for (const s of this.subs.splice(0)) s.dispose();
  }
}

function summary(r: ApprovalChange['request']): string {
  const s = r.assessment?.summary;
  if (!s) return 'no findings';
  return (['critical', 'high', 'medium', 'low', 'info'] as const).filter((k) => s[k] > 0).map((k) => `${s[k]} ${k}`).join(', ') || 'no findings';
}
