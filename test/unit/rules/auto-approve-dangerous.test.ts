import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAt, assertAtString, assertFinding, assertNoFinding, assessFiles, findingsOf, GLOBAL_CLINE, GLOBAL_OPTS, KILO, LEGACY, legacyConfig, valueAfter } from './helpers';
import { dangerOf, type Danger } from '../../../src/core/rules/support/tool-names';

const RULE = 'auto-approve-dangerous';
const CATEGORY = 'auto-approve-dangerous';

describe('auto-approve-dangerous: positives', () => {
  const tools = ['read_file', 'write_file', 'delete_branch', 'execute_command', 'send_email', 'list_dir', 'browser_execute_js', 'createIssue'];
  const expected: Record<string, { severity: 'medium' | 'high'; verb: RegExp }> = {
    write_file: { severity: 'medium', verb: /writes or changes/ },
    delete_branch: { severity: 'high', verb: /deletes/ },
    execute_command: { severity: 'high', verb: /executes commands/ },
    send_email: { severity: 'high', verb: /sends data out/ },
    browser_execute_js: { severity: 'high', verb: /executes commands/ },
    createIssue: { severity: 'medium', verb: /writes or changes/ },
  };

  it('rates each auto-approved tool by its name; read-only names are fine', async () => {
    const text = legacyConfig({ srv: { command: 'node', args: ['x.js'], alwaysAllow: tools } });
    const r = await assessFiles({ [LEGACY]: text });
    const fs = findingsOf(r, RULE, 'srv');
    assert.deepEqual(fs.map((f) => f.jsonPath[3]).sort(), Object.keys(expected).map((t) => tools.indexOf(t)).sort());
    for (const [tool, want] of Object.entries(expected)) {
      const i = tools.indexOf(tool);
      const f = fs.find((x) => x.jsonPath[3] === i);
      assert.ok(f, tool);
      assertFinding(f, { ruleId: RULE, category: CATEGORY, severity: want.severity, server: 'srv', file: LEGACY });
      assert.deepEqual(f.jsonPath, ['mcpServers', 'srv', 'alwaysAllow', i]);
      assertAtString(f, text, tool);
      assert.match(f.message, want.verb);
      assert.ok(f.message.includes(`"${tool}"`));
      // The remediation removes this tool, and only it.
      assert.deepEqual(valueAfter(text, f.remediation, ['mcpServers', 'srv', 'alwaysAllow'], LEGACY), tools.filter((t) => t !== tool));
    }
  });

  it('reports Cline autoApprove entries', async () => {
    const text = legacyConfig({ c: { command: 'node', args: ['x.js'], autoApprove: ['delete_file'] } });
    const r = await assessFiles({ [GLOBAL_CLINE]: text }, GLOBAL_OPTS);
    const [f] = findingsOf(r, RULE, 'c');
    assert.ok(f);
    assertFinding(f, { ruleId: RULE, category: CATEGORY, severity: 'high', server: 'c', file: GLOBAL_CLINE });
    assertAtString(f, text, 'delete_file');
  });

  it('reports Kilo permission grants "{server}_{tool}": "allow" and asks instead', async () => {
    const text = [
      '{',
      '  // github server',
      '  "mcp": { "github": { "type": "local", "command": ["node", "gh.js"] } },',
      '  "permission": {',
      '    "github_get_issue": "allow",',
      '    "github_create_issue": "allow",',
      '    "github_delete_repo": "allow",',
      '    "*_delete*": "deny",',
      '  },',
      '}',
    ].join('\n');
    const r = await assessFiles({ [KILO]: text });
    const fs = findingsOf(r, RULE, 'github');
    assert.equal(fs.length, 2);
    const create = fs.find((f) => f.jsonPath[1] === 'github_create_issue');
    const del = fs.find((f) => f.jsonPath[1] === 'github_delete_repo');
    assert.ok(create && del);
    assertFinding(create, { ruleId: RULE, category: CATEGORY, severity: 'medium', server: 'github', file: KILO });
    assertAt(create, text, '"allow"', '"github_create_issue":');
    assert.deepEqual(create.remediation?.edits, [{ file: KILO, jsonPath: ['permission', 'github_create_issue'], value: 'ask' }]);
    assertFinding(del, { ruleId: RULE, category: CATEGORY, severity: 'high', server: 'github', file: KILO });
    assertAt(del, text, '"allow"', '"github_delete_repo":');
  });

  it('reports a Kilo wildcard grant that reaches dangerous tools (*_delete*)', async () => {
    const text = JSON.stringify({ mcp: { fs: { type: 'local', command: ['node', 'fs.js'] } }, permission: { '*_delete*': 'allow' } }, null, 2);
    const r = await assessFiles({ [KILO]: text });
    const [f] = findingsOf(r, RULE, 'fs');
    assert.ok(f);
    assert.equal(f.severity, 'high');
    assert.deepEqual(f.jsonPath, ['permission', '*_delete*']);
    assertAt(f, text, '"allow"', '"*_delete*":');
  });
});

describe('auto-approve-dangerous: negatives', () => {
  it('ignores read-only tools, "*" (auto-approve-all reports it) and disabled servers', async () => {
    const text = legacyConfig({
      ro: { command: 'node', alwaysAllow: ['read_file', 'list_issues', 'get_me', 'search_code', 'fetch'] },
      all: { command: 'node', alwaysAllow: ['*'] },
      off: { command: 'node', disabled: true, alwaysAllow: ['execute_command', 'delete_file'] },
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });
});

describe('auto-approve-dangerous: tool names', () => {
  it('ignores tools named after Object.prototype members (no "undefined by its name" finding)', async () => {
    const names = ['constructor', '__proto__', 'toString', 'hasOwnProperty', 'valueOf', 'isPrototypeOf', 'propertyIsEnumerable', 'toLocaleString', '__defineGetter__'];
    for (const n of names) assert.equal(dangerOf(n), undefined, n);
    const text = legacyConfig({ proto: { command: 'node', args: ['x.js'], alwaysAllow: names } });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });

  it('classifies the tools of reference servers whose verb follows the service name', async () => {
    const expected: Record<string, Danger> = {
      git_commit: 'write',
      git_push: 'write',
      git_reset: 'write',
      git_checkout: 'write',
      git_add: 'write',
      git_create_branch: 'write',
      slack_post_message: 'send',
      slack_reply_to_thread: 'send',
      puppeteer_evaluate: 'execute',
      browser_evaluate: 'execute',
      playwright_evaluate: 'execute',
      apply_migration: 'write',
      kubectl_apply: 'write',
      execute_sql: 'execute',
      run_query: 'execute',
    };
    for (const [tool, danger] of Object.entries(expected)) assert.equal(dangerOf(tool), danger, tool);
    const readOnly = ['git_status', 'git_diff', 'git_diff_staged', 'git_log', 'git_show', 'read_file', 'list_directory', 'search_code', 'get_issue', 'browser_snapshot', 'browser_navigate', 'slack_list_channels', 'slack_get_users'];
    for (const tool of readOnly) assert.equal(dangerOf(tool), undefined, tool);

    const tools = [...Object.keys(expected), ...readOnly];
    const text = legacyConfig({ ref: { command: 'node', args: ['x.js'], alwaysAllow: tools } });
    const r = await assessFiles({ [LEGACY]: text });
    const fs = findingsOf(r, RULE, 'ref');
    assert.deepEqual(fs.map((f) => tools[f.jsonPath[3] as number]).sort(), Object.keys(expected).sort());
    for (const f of fs) assert.doesNotMatch(f.message, /undefined/);
    const push = fs.find((f) => tools[f.jsonPath[3] as number] === 'git_push');
    assert.equal(push?.severity, 'medium');
    const evaluate = fs.find((f) => tools[f.jsonPath[3] as number] === 'puppeteer_evaluate');
    assert.equal(evaluate?.severity, 'high');
    assert.match(evaluate?.message ?? '', /executes commands by its name/);
  });
});
