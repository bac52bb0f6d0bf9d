import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { activated, ourExtension, readOutput } from './support/host';

describe('audit panel (mcpOversight.audit)', () => {
  it('is a webview view in the MCP Oversight container, after Approvals', () => {
    const views = (ourExtension().packageJSON as { contributes: { views: Record<string, { id: string; type?: string }[]> } }).contributes.views['mcpOversight'] ?? [];
    const ids = views.map((v) => v.id);
    assert.ok(ids.indexOf('mcpOversight.audit') > ids.indexOf('mcpOversight.approvals'));
    assert.equal(views.find((v) => v.id === 'mcpOversight.audit')?.type, 'webview');
  });

  it('opens (focus command), loads its page and reads without a protocol or read error', async () => {
    await activated();
    await vscode.commands.executeCommand('mcpOversight.audit.focus');
    // The page says `ready`, the host reads the newest entries through the coordinator; give it time.
    await new Promise((r) => setTimeout(r, 3000));
    const log = readOutput('MCP Oversight');
    assert.ok(!log.includes('audit panel: ignored a message'), 'the page sent only messages the protocol knows');
    assert.ok(!log.includes('audit panel: reading the audit log'), 'the read succeeded');
  });
});
