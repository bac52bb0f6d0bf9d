import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { diagnosticLevel, diagnosticModels, ruleDocsUrl, toRange } from '../../../src/extension/diagnostics/diagnostic-model';
import { fixActions, parseProposeFixArgs, PROPOSE_FIX_COMMAND, TRUST_COMMAND } from '../../../src/extension/diagnostics/fix-actions';
import { assessment, FILE, finding } from './fixtures';

describe('diagnostic model', () => {
  it('maps severities: critical/high error, medium warning, low information, info hint', () => {
    assert.deepEqual((['critical', 'high', 'medium', 'low', 'info'] as const).map(diagnosticLevel), ['error', 'error', 'warning', 'information', 'hint']);
  });

  it('converts 1-based ranges (end column exclusive) to 0-based, never inverted or negative', () => {
    assert.deepEqual(toRange({ line: 9, column: 14, endLine: 9, endColumn: 45 }), { startLine: 8, startCharacter: 13, endLine: 8, endCharacter: 44 });
    assert.deepEqual(toRange({ line: 3, column: 5, endLine: 2, endColumn: 1 }), { startLine: 2, startCharacter: 4, endLine: 2, endCharacter: 4 });
    assert.deepEqual(toRange({ line: 0, column: 0, endLine: 0, endColumn: 0 }), { startLine: 0, startCharacter: 0, endLine: 0, endCharacter: 0 });
  });

  it('links each rule to its section of docs/RULES.md on the repository, https only', () => {
    assert.equal(ruleDocsUrl('git+https://github.com/o/r.git', 'insecure-http'), 'https://github.com/o/r/blob/main/docs/RULES.md#insecure-http');
    assert.equal(ruleDocsUrl('https://github.com/o/r/', 'A b<c>'), 'https://github.com/o/r/blob/main/docs/RULES.md#abc');
    assert.equal(ruleDocsUrl('http://github.com/o/r', 'x'), undefined);
    assert.equal(ruleDocsUrl('javascript:alert(1)//github.com/o/r', 'x'), undefined);
    assert.equal(ruleDocsUrl(undefined, 'x'), undefined);
  });

  it('groups shown findings by file, below minimumSeverity left out', () => {
    const a = assessment({ findings: [finding(), finding({ ruleId: 'x', severity: 'low', fingerprint: 'fp2', line: 3 })], minimumSeverity: 'medium' });
    const m = diagnosticModels([a]);
    assert.deepEqual([...m.keys()], [FILE]);
    assert.equal(m.get(FILE)!.length, 1);
    assert.equal(m.get(FILE)![0]!.level, 'error');
    assert.equal(m.get(FILE)![0]!.fixable, true);
  });

  it('shows suppressed findings as hints that say why, and escapes hidden characters in messages', () => {
    const m = diagnosticModels([assessment({ findings: [finding({ message: 'Server "a\u202Eb\nc"', suppressed: { reason: 'accepted \u200Brisk' } })] })]);
    const d = m.get(FILE)![0]!;
    assert.equal(d.level, 'hint');
    assert.equal(d.message, 'Server "a\\u{202E}b\\u{000A}c" (suppressed: accepted \\u{200B}risk)');
  });

  it('shows a global file finding once, and offers fixes only in the primary folder', () => {
    const g = finding({ file: '/home/u/.cursor/mcp.json', fingerprint: 'g' });
    const first = assessment({ findings: [g, finding()] });
    const second = assessment({ folder: '/other', folderName: 'other', primary: false, findings: [g, finding({ file: '/other/.kilocode/mcp.json' })] });
    const m = diagnosticModels([first, second]);
    assert.equal(m.get('/home/u/.cursor/mcp.json')!.length, 1);
    assert.equal(m.get('/home/u/.cursor/mcp.json')![0]!.fixable, false, 'outside the coordinator folder');
    assert.equal(m.get('/other/.kilocode/mcp.json')![0]!.fixable, false, 'another folder: its fingerprint would name the first folder\'s file');
    assert.equal(m.get(FILE)![0]!.fixable, true);
  });
});

describe('Quick Fix actions', () => {
  const models = diagnosticModels([
    assessment({ findings: [finding(), finding({ ruleId: 'auto-approve-all', fingerprint: 'fp2', line: 10, column: 23, endLine: 10, endColumn: 26 }), finding({ ruleId: 'unpinned-npm-package', remediable: false, fingerprint: 'fp3', line: 5, endLine: 5 })] }),
  ]).get(FILE)!;

  it('proposes a fix for the remediable finding under the cursor, and one for the whole file', () => {
    const a = fixActions(models, { startLine: 8, startCharacter: 20, endLine: 8, endCharacter: 20 }, true);
    assert.equal(a.length, 2);
    assert.equal(a[0]!.title, 'MCP Oversight: Propose a fix for insecure-http (review before anything changes)');
    assert.equal(a[0]!.command, PROPOSE_FIX_COMMAND);
    assert.deepEqual(a[0]!.args, [{ fingerprints: ['fp1'] }]);
    assert.equal(a[0]!.preferred, true);
    assert.match(a[1]!.title, /all 2 findings in this file/);
    assert.deepEqual(a[1]!.args, [{ fingerprints: ['fp1', 'fp2'] }]);
  });

  it('offers nothing on a finding that is not remediable', () => {
    assert.deepEqual(fixActions(models, { startLine: 4, startCharacter: 15, endLine: 4, endCharacter: 15 }, true), []);
  });

  it('in an untrusted workspace offers only the way to trust it', () => {
    const a = fixActions(models, { startLine: 8, startCharacter: 13, endLine: 8, endCharacter: 44 }, false);
    assert.equal(a.length, 1);
    assert.equal(a[0]!.command, TRUST_COMMAND);
  });

  it('accepts only a list of fingerprints as the command argument', () => {
    assert.deepEqual(parseProposeFixArgs({ fingerprints: ['ab12', 'ab12'] }), { fingerprints: ['ab12'] });
    for (const bad of [undefined, null, 'fp', { fingerprints: [] }, { fingerprints: ['a b'] }, { fingerprints: [1] }, { fingerprints: 'x' }]) assert.equal(parseProposeFixArgs(bad), undefined);
  });
});
