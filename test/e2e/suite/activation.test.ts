import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { ourExtension, readOutput, waitFor } from './support/host';

describe('activation', () => {
  it('opens the fixture workspace (the launcher copies test/e2e/fixtures/workspace)', async () => {
    const folders = vscode.workspace.workspaceFolders ?? [];
    assert.equal(folders.length, 1);
    const found = await vscode.workspace.findFiles('.kilocode/mcp.json');
    assert.equal(found.length, 1, '.kilocode/mcp.json in the workspace');
  });

  it('activates by itself on a workspace with .kilocode/mcp.json (activationEvents)', async () => {
    const ext = ourExtension();
    await waitFor('the extension to activate on workspaceContains', () => ext.isActive, 30_000);
  });

  it('logs its version to the "MCP Oversight" log channel', async () => {
    const version = (ourExtension().packageJSON as { version: string }).version;
    await waitFor('the activation line in the log', () => readOutput('MCP Oversight').includes(`MCP Oversight ${version} activated`), 10_000);
  });
});
