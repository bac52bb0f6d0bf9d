import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../../src/core/model/finding';
import type { WorkspaceAssessment } from '../../../src/core/assess/assess-workspace';
import { assertAt, assertFinding, assertNoFinding, assessFiles, findingsOf, KILO, LEGACY, legacyConfig, offsetOf, onlyFinding, positionOf, VSCODE } from './helpers';

const RULE = 'config-error';
const CATEGORY = 'invalid-config';

/** The finding matches one entry of result.errors, at the same place. */
function assertListedAsError(r: WorkspaceAssessment, f: Finding, code: string): void {
  const e = r.result.errors.find((x) => x.file === f.file && x.line === f.line && x.column === f.column && f.message === `${x.message} ${x.fix}`);
  assert.ok(e, `an error at ${f.line}:${f.column} in result.errors: ${JSON.stringify(r.result.errors)}`);
  assert.equal(e.code, code);
  assert.deepEqual(e.jsonPath, f.jsonPath);
}

describe('config-error: invalid JSON', () => {
  it('reports a missing comma as high, at the token where the comma was expected', async () => {
    const text = '{\n  "mcpServers": {\n    "a": { "command": "node" }\n    "b": { "command": "node" }\n  }\n}\n';
    const r = await assessFiles({ [LEGACY]: text });
    const f = onlyFinding(r, RULE);
    assertFinding(f, { ruleId: RULE, category: CATEGORY, severity: 'high', server: null, file: LEGACY });
    assertAt(f, text, '"b"');
    assert.match(f.message, /is not valid JSON/);
    assertListedAsError(r, f, 'invalid-json');
  });

  it('reports an unterminated string in kilo.jsonc', async () => {
    const text = '{\n  // config\n  "mcp": {\n    "k": { "type": "local", "command": ["node", "x.js] }\n  }\n}\n';
    const r = await assessFiles({ [KILO]: text });
    const fs = findingsOf(r, RULE);
    assert.ok(fs.length >= 1);
    const first = fs[0] as Finding;
    assertFinding(first, { ruleId: RULE, category: CATEGORY, severity: 'high', server: null, file: KILO });
    assertAt(first, text, '"x.js] }');
    for (const f of fs) assertListedAsError(r, f, 'invalid-json');
  });
});

describe('config-error: JSONC in a file the client parses strictly', () => {
  it('reports a comment in legacy .kilocode/mcp.json as high (rejected-by-client), at the comment', async () => {
    const text = '{\n  // my servers\n  "mcpServers": { "a": { "command": "node" } }\n}\n';
    const r = await assessFiles({ [LEGACY]: text });
    const f = onlyFinding(r, RULE);
    assertFinding(f, { ruleId: RULE, category: CATEGORY, severity: 'high', server: null, file: LEGACY });
    assertAt(f, text, '// my servers');
    assert.match(f.message, /strict JSON parser: a comment here/);
    assertListedAsError(r, f, 'rejected-by-client');
  });

  it('reports a trailing comma in legacy .kilocode/mcp.json at the comma', async () => {
    const text = '{\n  "mcpServers": { "a": { "command": "node", } }\n}\n';
    const r = await assessFiles({ [LEGACY]: text });
    const f = onlyFinding(r, RULE);
    assert.equal(f.severity, 'high');
    assert.deepEqual({ line: f.line, column: f.column }, positionOf(text, ', }'));
    assert.match(f.message, /a trailing comma here/);
    assertListedAsError(r, f, 'rejected-by-client');
  });
});

describe('config-error: schema violations', () => {
  it('reports schema violations as medium, at the offending field (or the entry lacking one)', async () => {
    const text = '{\n  "mcpServers": {\n    "a": { "command": "node", "timeout": 0 },\n    "b": { "url": "https://x.example.com/mcp" }\n  }\n}\n';
    const r = await assessFiles({ [LEGACY]: text });
    const fs = findingsOf(r, RULE);
    assert.equal(fs.length, 2);
    const timeout = fs.find((f) => f.jsonPath.join('/') === 'mcpServers/a/timeout');
    const type = fs.find((f) => f.jsonPath.join('/') === 'mcpServers/b/type');
    assert.ok(timeout && type);
    assertFinding(timeout, { ruleId: RULE, category: CATEGORY, severity: 'medium', server: 'a', file: LEGACY });
    assertAt(timeout, text, '0 }');
    assert.match(timeout.message, /timeout is in seconds, at least 1/);
    assertListedAsError(r, timeout, 'schema');
    // A missing field is located at the entry that lacks it.
    assertFinding(type, { ruleId: RULE, category: CATEGORY, severity: 'medium', server: 'b', file: LEGACY });
    assert.equal(type.line, positionOf(text, '"b"').line);
    assert.equal(type.column, offsetOf(text, '{ "url"') - offsetOf(text, '    "b"') + 1);
    assertListedAsError(r, type, 'schema');
  });

  it('reports a Kilo entry with an unknown type', async () => {
    const text = '{\n  // kilo\n  "mcp": {\n    "k": { "type": "bogus", "command": ["node"] }\n  }\n}\n';
    const r = await assessFiles({ [KILO]: text });
    const f = onlyFinding(r, RULE);
    assertFinding(f, { ruleId: RULE, category: CATEGORY, severity: 'medium', server: 'k', file: KILO });
    assertAt(f, text, '"bogus"');
    assert.match(f.message, /"type" must be "local"/);
    assertListedAsError(r, f, 'schema');
  });

  it('reports a key repeated in one object (the first is silently ignored)', async () => {
    const text = '{\n  "mcpServers": {\n    "dup": { "command": "node" },\n    "dup": { "command": "python" }\n  }\n}\n';
    const r = await assessFiles({ [LEGACY]: text });
    const f = onlyFinding(r, RULE);
    assert.equal(f.severity, 'medium');
    assertAt(f, text, '"dup"', '"node" },');
    assertListedAsError(r, f, 'schema');
  });
});

describe('config-error: negatives', () => {
  it('accepts JSONC where the client accepts it (kilo.jsonc, .vscode/mcp.json) and valid legacy JSON', async () => {
    const kilo = '{\n  // comment\n  "mcp": { "k": { "type": "local", "command": ["node", "x.js"], }, },\n}\n';
    const vscode = '{\n  /* comment */\n  "servers": { "v": { "type": "stdio", "command": "node", }, },\n}\n';
    const legacy = legacyConfig({ a: { command: 'node', args: ['x.js'], timeout: 60 } });
    const r = await assessFiles({ [KILO]: kilo, [VSCODE]: vscode, [LEGACY]: legacy });
    assertNoFinding(r, RULE);
    assert.deepEqual(r.result.errors, []);
  });
});
