import assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { activated } from './support/host';
import { storeDir } from './support/store';

/**
 * An untrusted workspace never gets a network listener: not from the setting (user-only anyway), not
 * from the commands, and no credential is made.
 */
describe('HTTP API (untrusted workspace)', () => {
  const cfg = () => vscode.workspace.getConfiguration('mcpOversight');

  before(async () => {
    assert.equal(vscode.workspace.isTrusted, false, 'the launcher must open this pass untrusted');
    await activated();
  });

  it('neither the setting nor the commands start it, and no credential is made', async function () {
    this.timeout(60_000);
    await cfg().update('api.port', 0, vscode.ConfigurationTarget.Global);
    await cfg().update('api.enabled', true, vscode.ConfigurationTarget.Global);
    try {
      await new Promise((r) => setTimeout(r, 2000));
      assert.deepEqual(await vscode.commands.executeCommand('mcpOversight.showApiStatus', {}), { running: false });
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('mcpOversight.startApi', {})), /not trusted/);
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('mcpOversight.createApiKey', { role: 'admin', name: 'x' })), /not trusted/);
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('mcpOversight.createApiToken', { role: 'admin' })), /not trusted/);
      assert.deepEqual(await vscode.commands.executeCommand('mcpOversight.showApiStatus', {}), { running: false });
      assert.equal(storeDir(), undefined, 'nothing of ours was created');
    } finally {
      await cfg().update('api.enabled', undefined, vscode.ConfigurationTarget.Global);
      await cfg().update('api.port', undefined, vscode.ConfigurationTarget.Global);
    }
  });
});
