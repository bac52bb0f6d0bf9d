import assert from 'node:assert/strict';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { activated } from './support/host';
import { codeActions, diagnosticsFor, FIXTURE_FINDINGS, fixtureConfig, ruleOf } from './support/diagnostics';

/** Untrusted: the static rules still run in-process (diagnostics), but no fix can be proposed. */
describe('Problems diagnostics (untrusted workspace)', () => {
  let uri: vscode.Uri;
  let diagnostics: vscode.Diagnostic[] = [];

  before(async function () {
    this.timeout(60_000);
    assert.equal(vscode.workspace.isTrusted, false, 'the launcher must open this pass untrusted');
    await activated();
    uri = fixtureConfig();
    diagnostics = await diagnosticsFor(uri, Object.keys(FIXTURE_FINDINGS));
  });

  it('shows the findings, as in a trusted workspace', () => {
    assert.equal(diagnostics.length, 3);
  });

  it('offers no proposal, only the way to trust the workspace', async () => {
    const d = diagnostics.find((x) => ruleOf(x) === 'insecure-http')!;
    const ours = (await codeActions(uri, d.range)).filter((a) => a.title.startsWith('MCP Oversight'));
    assert.equal(ours.length, 1, ours.map((a) => a.title).join(' | '));
    assert.equal(ours[0]!.command?.command, 'workbench.trust.manage');
    assert.match(ours[0]!.title, /trust this workspace/);
  });
});
