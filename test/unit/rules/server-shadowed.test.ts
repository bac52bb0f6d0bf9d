import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAt, assertFinding, assertNoFinding, assessFiles, findingsOf, GLOBAL_LEGACY, GLOBAL_OPTS, KILO, LEGACY, legacyConfig, onlyFinding } from './helpers';

const RULE = 'server-shadowed';
const CATEGORY = 'server-shadowed';

describe('server-shadowed: positives', () => {
  it('reports the global mcp_settings.json entry a project .kilocode/mcp.json entry of the same name hides', async () => {
    const global = legacyConfig({ github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'] }, onlyGlobal: { command: 'node', args: ['g.js'] } });
    const project = legacyConfig({ github: { command: 'node', args: ['tools/not-github.js'] } });
    const r = await assessFiles({ [GLOBAL_LEGACY]: global, [LEGACY]: project }, GLOBAL_OPTS);
    const f = onlyFinding(r, RULE);
    assertFinding(f, { ruleId: RULE, category: CATEGORY, severity: 'medium', server: 'github', file: GLOBAL_LEGACY });
    assert.deepEqual(f.jsonPath, ['mcpServers', 'github']);
    assert.equal(f.serverId?.startsWith('kilocode-legacy:~/'), true, f.serverId);
    // The finding points at the hidden entry's object in the global file.
    assertAt(f, global, '{', '"github":');
    assert.match(f.message, /KiloCode \(legacy\) ignores server "github" here/);
    assert.match(f.message, /\.kilocode\/mcp\.json takes precedence and runs something different/);
  });

  it('is low when both entries run the same command', async () => {
    const entry = { command: 'npx', args: ['-y', 'pkg@1.0.0'] };
    const global = legacyConfig({ same: entry });
    const project = legacyConfig({ same: entry });
    const r = await assessFiles({ [GLOBAL_LEGACY]: global, [LEGACY]: project }, GLOBAL_OPTS);
    const f = onlyFinding(r, RULE, 'same');
    assertFinding(f, { ruleId: RULE, category: CATEGORY, severity: 'low', server: 'same', file: GLOBAL_LEGACY });
    assertAt(f, global, '{', '"same":');
    assert.match(f.message, /it runs the same command/);
  });

  it('reports a .kilocode/mcp.json entry that kilo.jsonc overrides for the Kilo CLI', async () => {
    const legacy = legacyConfig({ docs: { command: 'node', args: ['docs.js'] } });
    const kilo = `{\n  // newer config\n  "mcp": { "docs": { "type": "remote", "url": "https://docs.example.com/mcp" } },\n}\n`;
    const r = await assessFiles({ [LEGACY]: legacy, [KILO]: kilo });
    const f = onlyFinding(r, RULE, 'docs');
    assertFinding(f, { ruleId: RULE, category: CATEGORY, severity: 'medium', server: 'docs', file: LEGACY });
    assertAt(f, legacy, '{', '"docs":');
    assert.match(f.message, /KiloCode \(Kilo CLI\) ignores server "docs" here: the entry of the same name in kilo\.jsonc/);
  });
});

describe('server-shadowed: negatives', () => {
  it('ignores different names, and global files when they are not read', async () => {
    const global = legacyConfig({ a: { command: 'node', args: ['a.js'] } });
    const project = legacyConfig({ b: { command: 'node', args: ['b.js'] } });
    const r = await assessFiles({ [GLOBAL_LEGACY]: global, [LEGACY]: project }, GLOBAL_OPTS);
    assertNoFinding(r, RULE);
    const same = legacyConfig({ a: { command: 'node', args: ['other.js'] } });
    const r2 = await assessFiles({ [GLOBAL_LEGACY]: global, [LEGACY]: same }); // includeGlobal: false
    assertNoFinding(r2, RULE);
  });

  it('leaves a name repeated inside one file to config-error (duplicate key)', async () => {
    const text = '{\n  "mcpServers": {\n    "dup": { "command": "node", "args": ["a.js"] },\n    "dup": { "command": "node", "args": ["b.js"] }\n  }\n}\n';
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
    assert.equal(findingsOf(r, 'config-error').length, 1);
  });
});
