import * as vscode from 'vscode';
import type { Coordinator } from '../../coordinator/coordinator';
import { currentApprover } from './approval-commands';

/** The dead-letter queue: requests that failed for good on a transient error; retry or discard each. */
export async function openDeadLetters(c: Coordinator): Promise<void> {
  const items = await c.deadLetters();
  if (items.length === 0) {
    void vscode.window.showInformationMessage('MCP Oversight: no failed requests are waiting.');
    return;
  }
  const pick = await vscode.window.showQuickPick(
    items.map((d) => ({ label: d.title, description: `${d.error.code} · ${d.attempts} attempt(s) · last ${d.lastFailedAt}`, detail: d.error.message, id: d.id })),
    { title: 'MCP Oversight: failed requests (dead-letter queue)', placeHolder: 'Choose one to retry or discard' },
  );
  if (!pick) return;
  const action = await vscode.window.showQuickPick(['Retry now', 'Discard'], { title: pick.label });
  const actor = await currentApprover();
  if (action === 'Retry now') {
    const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MCP Oversight: retrying "${pick.label}"…` }, () => c.retryDeadLetter(pick.id, actor));
    if (r.state !== 'executed') void vscode.window.showWarningMessage(`MCP Oversight: "${pick.label}" failed again: ${r.error?.message ?? r.state}. It stays in the queue.`);
  } else if (action === 'Discard') {
    const reason = await vscode.window.showInputBox({ title: `Discard "${pick.label}"`, prompt: 'Reason (optional, recorded in the audit log)' });
    if (reason === undefined) return;
    await c.discardDeadLetter(pick.id, actor, reason.trim() || undefined);
  }
}
