import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { activated, readOutput, waitFor } from './support/host';
import { ourServerProcesses, storeDir } from './support/store';

/**
 * An untrusted workspace (the launcher turns workspace trust on and opens the fixture untrusted):
 * only static checks run — no MCP server is started (neither ours nor a configured one), nothing is
 * written, and the commands that would need either say why instead.
 */
describe('untrusted workspace', () => {
  let config = '';
  let before0 = '';

  before(async function () {
    this.timeout(60_000);
    assert.equal(vscode.workspace.isTrusted, false, 'the launcher must open this pass untrusted');
    config = join(vscode.workspace.workspaceFolders![0]!.uri.fsPath, '.kilocode', 'mcp.json');
    before0 = readFileSync(config, 'utf8');
    await activated();
    await waitFor('activation to be logged', () => /activated/.test(readOutput('MCP Oversight')), 20_000);
  });

  it('activates (limited support) and starts no process, even after a while', async function () {
    this.timeout(30_000);
    await new Promise((r) => setTimeout(r, 3000)); // the trusted path starts the coordinator right after activation
    assert.deepEqual(ourServerProcesses(), []);
  });

  it('refuses the commands that would start servers or change files, saying why, and still starts nothing', async function () {
    this.timeout(60_000);
    for (const id of ['mcpOversight.liveCheck', 'mcpOversight.proposeFixes', 'mcpOversight.installServer']) {
      void vscode.commands.executeCommand(id, id === 'mcpOversight.installServer' ? { name: 'x', spec: { command: 'npx' } } : undefined);
    }
    await waitFor('the refusal to be logged', () => /not trusted/.test(readOutput('MCP Oversight')), 20_000);
    await vscode.commands.executeCommand('notifications.clearAll');
    assert.deepEqual(ourServerProcesses(), []);
    assert.equal(storeDir(), undefined, 'no store, no keys, no audit log: nothing of ours was created');
  });

  it('leaves the config file exactly as it was', () => {
    assert.equal(readFileSync(config, 'utf8'), before0);
  });
});
