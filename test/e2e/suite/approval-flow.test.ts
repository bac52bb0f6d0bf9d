import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { activated, waitFor } from './support/host';
import { auditEntries, ourServerProcesses, storeDir, verifyAudit, type AuditLine } from './support/store';

/**
 * The approval workflow inside a real VS Code on the (trusted) fixture workspace, through the commands
 * a person uses. Approving needs the person's click in a modal dialog or the diff preview, which only a
 * browser can give: the UI tests (test/e2e/ui/approval-flow.test.ts) approve end to end; here a
 * proposal is made, shown and rejected, and the file must not change.
 */
describe('approval workflow (trusted workspace)', () => {
  let config = '';
  let store = '';
  const requested = (): AuditLine[] => auditEntries(store).filter((e) => e.kind === 'approval.requested');

  before(async function () {
    this.timeout(90_000);
    await activated();
    config = join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.kilocode', 'mcp.json');
    // The coordinator starts in the background after activation: the store, then both servers.
    store = await waitFor('the workspace store', () => storeDir(), 60_000);
    await waitFor('the Compliance Server and the Installer to run', () => ourServerProcesses().length >= 2, 60_000);
  });

  it('starts our two MCP servers (and only ours: no configured server runs without an approval)', () => {
    const procs = ourServerProcesses();
    assert.ok(procs.some((p) => p.cmd.includes('compliance-server.js')), JSON.stringify(procs));
    assert.ok(procs.some((p) => p.cmd.includes('installer-server.js')), JSON.stringify(procs));
  });

  it('Propose Fixes makes one pending request, audited, and changes nothing', async function () {
    this.timeout(90_000);
    const before = readFileSync(config, 'utf8');
    const n = requested().length;
    await vscode.commands.executeCommand('mcpOversight.proposeFixes');
    const r = await waitFor('the approval.requested entry', () => requested().length > n && requested()[0], 30_000);
    assert.equal(r.actor.provider.length > 0, true, 'the requester is recorded');
    assert.equal(readFileSync(config, 'utf8'), before, 'a proposal writes nothing');
  });

  it('Reject records the decision with the approver, and the file stays as it was', async function () {
    this.timeout(90_000);
    const before = readFileSync(config, 'utf8');
    const id = requested()[0]!.subject.id;
    let settled = false;
    const done = Promise.resolve(vscode.commands.executeCommand('mcpOversight.reject', id)).finally(() => (settled = true));
    // The reason input box: accept it (empty reason) until the command returns.
    await waitFor('the reject command to return', async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return settled;
    }, 30_000, 300);
    await done;
    const decided = await waitFor('the approval.decided entry', () => auditEntries(store).find((e) => e.kind === 'approval.decided' && e.subject.id === id), 15_000);
    assert.equal(decided.payload['decision'], 'rejected');
    assert.ok(decided.actor.id.length > 0, 'the approver is recorded');
    assert.equal(readFileSync(config, 'utf8'), before, 'a rejected change changes nothing');
    assert.ok(!auditEntries(store).some((e) => e.kind.startsWith('execution.') && e.subject.id === id), 'nothing was executed');
  });

  it('the audit log verifies (hash chain and signed checkpoints) through the CLI', () => {
    const report = verifyAudit(store);
    assert.equal(report.ok, true, JSON.stringify(report));
    assert.ok(report.entries >= 4, `entries: ${report.entries}`);
  });
});
