import { writeFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { AuditExportMeta } from '../../core/audit/audit-export';
import type { AuditVerifyReport } from '../../core/audit/audit-verify';
import type { Coordinator } from '../../coordinator/coordinator';
import { currentApprover } from '../approvals/approval-commands';
import type { ExtensionCore } from '../core-loader';

/** Verifies the workspace's audit log against the store's public key. Reads only; needs no lock. */
export async function verifyAudit(store: string, core: () => ExtensionCore): Promise<AuditVerifyReport> {
  return core().verifyAudit(store);
}

export async function verifyAuditCommand(store: string, core: () => ExtensionCore): Promise<void> {
  const report = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'MCP Oversight: verifying the audit log…' }, () => verifyAudit(store, core));
  const text = core().describeVerify(report);
  if (report.ok) void vscode.window.showInformationMessage(`MCP Oversight: ${text}`);
  else void vscode.window.showErrorMessage(`MCP Oversight: ${text}`);
}

/** The newest entries as a Markdown compliance report in a read-only preview (the read is audited). */
export async function showAuditCommand(c: Coordinator, store: string, core: () => ExtensionCore): Promise<void> {
  const actor = await currentApprover();
  const entries = await c.readAudit({ limit: 500 }, actor);
  const verify = await verifyAudit(store, core).catch(() => undefined);
  const meta: AuditExportMeta = { generatedAt: new Date().toISOString(), store, query: { limit: 500 }, ...(verify ? { verify } : {}) };
  const doc = await vscode.workspace.openTextDocument({ language: 'markdown', content: core().renderAuditMarkdown([...entries].reverse(), meta) });
  await vscode.commands.executeCommand('markdown.showPreview', doc.uri).then(undefined, () => vscode.window.showTextDocument(doc));
}

export async function exportAuditCommand(c: Coordinator, store: string, core: () => ExtensionCore): Promise<void> {
  const format = await vscode.window.showQuickPick(
    [
      { label: 'Markdown compliance report', id: 'markdown', ext: 'md' },
      { label: 'CSV (spreadsheets; formulas neutralised)', id: 'csv', ext: 'csv' },
      { label: 'JSON (entries with their hashes, re-checkable)', id: 'json', ext: 'json' },
    ],
    { title: 'Export the MCP Oversight audit log' },
  );
  if (!format) return;
  const target = await vscode.window.showSaveDialog({ title: 'Export the audit log', filters: { [format.label]: [format.ext] }, defaultUri: vscode.Uri.file(`mcp-oversight-audit.${format.ext}`) });
  if (!target) return;
  const actor = await currentApprover();
  const entries = [...(await c.readAudit({}, actor))].reverse();
  const verify = await verifyAudit(store, core).catch(() => undefined);
  const meta: AuditExportMeta = { generatedAt: new Date().toISOString(), store, query: {}, ...(verify ? { verify } : {}) };
  const { renderAuditCsv, renderAuditJson, renderAuditMarkdown } = core();
  const text = format.id === 'json' ? renderAuditJson(entries, meta) : format.id === 'csv' ? renderAuditCsv(entries) : renderAuditMarkdown(entries, meta);
  await writeFile(target.fsPath, text, 'utf8');
  void vscode.window.showInformationMessage(`MCP Oversight: exported ${entries.length} audit entries to ${target.fsPath}.`);
}
