import assert from 'node:assert/strict';
import { readFileSync, writeFileSync } from 'node:fs';
import { before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { activated } from './support/host';
import { codeActions, diagnosticsFor, FIXTURE_FINDINGS, fixtureConfig, ruleOf } from './support/diagnostics';

/**
 * Findings in the Problems view on the exact range of the fixture's `.kilocode/mcp.json`, the Quick Fix
 * on a remediable one (it only proposes: review and approval follow), and re-assessment when the file
 * changes. The static rules run by themselves shortly after activation: no command is needed.
 */
describe('Problems diagnostics and Quick Fix (trusted workspace)', () => {
  let uri: vscode.Uri;
  let doc: vscode.TextDocument;
  let diagnostics: vscode.Diagnostic[] = [];
  const rules = Object.keys(FIXTURE_FINDINGS);
  const byRule = (rule: string) => diagnostics.find((d) => ruleOf(d) === rule)!;

  before(async function () {
    this.timeout(60_000);
    await activated();
    uri = fixtureConfig();
    doc = await vscode.workspace.openTextDocument(uri);
    diagnostics = await diagnosticsFor(uri, rules);
  });

  it('shows each finding on the exact text it is about', () => {
    const text = doc.getText();
    for (const [rule, covered] of Object.entries(FIXTURE_FINDINGS)) {
      const d = byRule(rule);
      assert.equal(doc.getText(d.range), covered, `${rule} covers ${covered}`);
      assert.equal(d.range.start.line, doc.positionAt(text.indexOf(covered)).line, `${rule} on the line of ${covered}`);
    }
  });

  it('maps severities (high -> Error, medium -> Warning) and links each rule to docs/RULES.md', () => {
    assert.equal(byRule('insecure-http').severity, vscode.DiagnosticSeverity.Error);
    assert.equal(byRule('auto-approve-all').severity, vscode.DiagnosticSeverity.Error);
    assert.equal(byRule('unpinned-npm-package').severity, vscode.DiagnosticSeverity.Warning);
    for (const rule of rules) {
      const code = byRule(rule).code;
      assert.ok(typeof code === 'object', `${rule} has a code with a link`);
      assert.equal(code.value, rule);
      assert.match(code.target.toString(true), new RegExp(`/docs/RULES\\.md#${rule}$`));
    }
  });

  it('offers a Quick Fix that proposes a fix for a remediable finding, and one for the whole file', async () => {
    const actions = await codeActions(uri, byRule('insecure-http').range);
    const one = actions.find((a) => a.title === 'MCP Oversight: Propose a fix for insecure-http (review before anything changes)');
    assert.ok(one, `offered: ${actions.map((a) => a.title).join(' | ')}`);
    assert.equal(one.kind?.value, vscode.CodeActionKind.QuickFix.value);
    assert.equal(one.command?.command, 'mcpOversight.proposeFix');
    const [arg] = (one.command?.arguments ?? []) as [{ fingerprints: string[] }];
    assert.equal(arg.fingerprints.length, 1);
    assert.equal(one.edit, undefined, 'the Quick Fix edits nothing itself');
    const all = actions.find((a) => a.title.startsWith('MCP Oversight: Propose fixes for all 2 findings in this file'));
    assert.ok(all, 'insecure-http and auto-approve-all are remediable');
  });

  it('offers no fix for a finding that has no remediation', async () => {
    const actions = await codeActions(uri, byRule('unpinned-npm-package').range);
    assert.deepEqual(actions.filter((a) => a.title.startsWith('MCP Oversight')).map((a) => a.title), []);
  });

  it('re-assesses when the config file changes on disk, and again when it is restored', async function () {
    this.timeout(60_000);
    const original = readFileSync(uri.fsPath, 'utf8');
    try {
      writeFileSync(uri.fsPath, original.replace('http://search.example.com/mcp', 'https://search.example.com/mcp'));
      await diagnosticsFor(uri, ['unpinned-npm-package', 'auto-approve-all']);
    } finally {
      writeFileSync(uri.fsPath, original);
    }
    diagnostics = await diagnosticsFor(uri, rules);
  });

  it('contributes the Servers view in the MCP Oversight container', async () => {
    await vscode.commands.executeCommand('mcpOversight.servers.focus');
  });
});
