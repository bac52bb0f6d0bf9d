import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAt, assertAtString, assertFinding, assertNoFinding, assessFiles, findingsOf, GLOBAL_CLINE, GLOBAL_OPTS, KILO, LEGACY, legacyConfig, onlyFinding, ROO, valueAfter } from './helpers';

const RULE = 'auto-approve-all';
const WANT = { ruleId: RULE, category: 'auto-approve-all', severity: 'high' } as const;

describe('auto-approve-all: positives', () => {
  it('reports alwaysAllow ["*"] in .kilocode/mcp.json; the remediation removes only "*"', async () => {
    const text = legacyConfig({ gh: { command: 'node', args: ['x.js'], alwaysAllow: ['list_issues', '*', 'get_file'] } });
    const r = await assessFiles({ [LEGACY]: text });
    const f = onlyFinding(r, RULE, 'gh');
    assertFinding(f, { ...WANT, server: 'gh', file: LEGACY });
    assert.deepEqual(f.jsonPath, ['mcpServers', 'gh', 'alwaysAllow', 1]);
    assertAtString(f, text, '*');
    assert.deepEqual(valueAfter(text, f.remediation, ['mcpServers', 'gh', 'alwaysAllow'], LEGACY), ['list_issues', 'get_file']);
  });

  it('reports Cline autoApprove ["*"] and Roo alwaysAllow ["*"]', async () => {
    const cline = legacyConfig({ c: { command: 'node', args: ['x.js'], autoApprove: ['*'] } });
    const roo = legacyConfig({ r: { command: 'node', args: ['x.js'], alwaysAllow: ['*'] } });
    const res = await assessFiles({ [GLOBAL_CLINE]: cline, [ROO]: roo }, GLOBAL_OPTS);
    const c = onlyFinding(res, RULE, 'c');
    assertFinding(c, { ...WANT, server: 'c', file: GLOBAL_CLINE });
    assert.deepEqual(c.jsonPath, ['mcpServers', 'c', 'autoApprove', 0]);
    assertAtString(c, cline, '*');
    assert.deepEqual(valueAfter(cline, c.remediation, ['mcpServers', 'c', 'autoApprove'], GLOBAL_CLINE), []);
    const ro = onlyFinding(res, RULE, 'r');
    assertFinding(ro, { ...WANT, server: 'r', file: ROO });
    assertAtString(ro, roo, '*');
  });

  it('reports Kilo permission "*": "allow" for every server, pointing at the value; the remediation sets it to "ask"', async () => {
    const text = [
      '{',
      '  // every tool of every server',
      '  "mcp": {',
      '    "github": { "type": "local", "command": ["node", "gh.js"] },',
      '    "fs": { "type": "local", "command": ["node", "fs.js"] },',
      '  },',
      '  "permission": {',
      '    "*": "allow",',
      '  },',
      '}',
    ].join('\n');
    const r = await assessFiles({ [KILO]: text });
    for (const server of ['github', 'fs']) {
      const f = onlyFinding(r, RULE, server);
      assertFinding(f, { ...WANT, server, file: KILO });
      assert.deepEqual(f.jsonPath, ['permission', '*']);
      assertAt(f, text, '"allow"', '"*":');
      assert.deepEqual(f.remediation?.edits, [{ file: KILO, jsonPath: ['permission', '*'], value: 'ask' }]);
    }
  });

  it('reports Kilo "github_*": "allow" for github only', async () => {
    const text = [
      '{',
      '  "mcp": {',
      '    "github": { "type": "local", "command": ["node", "gh.js"] },',
      '    "fs": { "type": "local", "command": ["node", "fs.js"] },',
      '  },',
      '  "permission": { "fs_read_file": "allow", "github_*": "allow" },',
      '}',
    ].join('\n');
    const r = await assessFiles({ [KILO]: text });
    const f = onlyFinding(r, RULE, 'github');
    assertFinding(f, { ...WANT, server: 'github' });
    assertAt(f, text, '"allow"', '"github_*":');
    assert.deepEqual(f.remediation?.edits, [{ file: KILO, jsonPath: ['permission', 'github_*'], value: 'ask' }]);
    assertNoFinding(r, RULE, 'fs');
  });

  it('reports one finding when two Kilo keys grant everything, and asks for both', async () => {
    const text = JSON.stringify({ mcp: { github: { type: 'local', command: ['node', 'gh.js'] } }, permission: { 'github_*': 'allow', '*': 'allow' } }, null, 2);
    const r = await assessFiles({ [KILO]: text });
    const f = onlyFinding(r, RULE, 'github');
    assert.deepEqual(f.jsonPath, ['permission', 'github_*']);
    assert.deepEqual(f.remediation?.edits.map((e) => [e.jsonPath, e.value]), [
      [['permission', 'github_*'], 'ask'],
      [['permission', '*'], 'ask'],
    ]);
  });
});

describe('auto-approve-all: negatives', () => {
  it('ignores disabled servers, explicit tool lists, and Kilo keys that are not "allow"', async () => {
    const legacy = legacyConfig({
      off: { command: 'node', disabled: true, alwaysAllow: ['*'] },
      some: { command: 'node', alwaysAllow: ['read_file', 'list_dir'] },
    });
    const kilo = JSON.stringify({
      mcp: {
        disabled: { type: 'local', command: ['node', 'x.js'], enabled: false },
        asked: { type: 'local', command: ['node', 'y.js'] },
      },
      permission: { 'disabled_*': 'allow', '*': 'ask', 'asked_*': 'deny' },
    });
    const r = await assessFiles({ [LEGACY]: legacy, [KILO]: kilo });
    assertNoFinding(r, RULE);
    assert.equal(findingsOf(r, 'auto-approve-dangerous').length, 0);
  });
});
