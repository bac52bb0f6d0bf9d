import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAtString, assertFinding, assertNoFinding, assessFiles, findingsOf, KILO, LEGACY, legacyConfig, onlyFinding, POLICY } from './helpers';

const RULE = 'policy-command';
const policy = (commands: { allow?: string[]; deny?: string[] }) => JSON.stringify({ version: 1, commands });
const s = (command: string, ...args: string[]) => ({ command, args });

describe('policy-command: positives', () => {
  it('reports a program outside the allow list, at the command', async () => {
    const text = legacyConfig({ ok: s('npx', '-y', 'pkg@1.0.0'), py: s('python3', 'server.py') });
    const r = await assessFiles({ [LEGACY]: text, [POLICY]: policy({ allow: ['npx', 'uvx', 'docker'] }) });
    assert.deepEqual(r.policyErrors, []);
    const f = onlyFinding(r, RULE);
    assertFinding(f, { ruleId: RULE, category: 'policy-violation', severity: 'high', server: 'py', file: LEGACY });
    assert.deepEqual(f.jsonPath, ['mcpServers', 'py', 'command']);
    assertAtString(f, text, 'python3');
    assert.match(f.message, /runs python3, which the policy does not allow: not in the allowed list \("npx", "uvx", "docker"\)/);
  });

  it('lets deny win over allow, with globs', async () => {
    const text = legacyConfig({ curl: s('curl', 'https://x.example.com'), node: s('node', 'x.js'), nodemon: s('nodemon', 'x.js') });
    const r = await assessFiles({ [LEGACY]: text, [POLICY]: policy({ allow: ['*'], deny: ['curl', 'nodem*'] }) });
    const fs = findingsOf(r, RULE);
    assert.deepEqual(fs.map((f) => f.server).sort(), ['curl', 'nodemon']);
    const curl = onlyFinding(r, RULE, 'curl');
    assertAtString(curl, text, 'curl', '"curl": {');
    assert.match(curl.message, /denied by "curl"/);
    assert.match(onlyFinding(r, RULE, 'nodemon').message, /denied by "nodem\*"/);
  });

  it('checks both the wrapper and the program it wraps (`cmd /c npx`), at the command', async () => {
    const text = legacyConfig({ win: s('cmd', '/c', 'npx', '-y', 'pkg@1.0.0') });
    const r = await assessFiles({ [LEGACY]: text, [POLICY]: policy({ allow: ['npx'] }) });
    const f = onlyFinding(r, RULE, 'win');
    assertAtString(f, text, 'cmd');
    assert.match(f.message, /runs cmd/);
    const r2 = await assessFiles({ [LEGACY]: text, [POLICY]: policy({ allow: ['cmd'], deny: ['npx'] }) });
    const f2 = onlyFinding(r2, RULE, 'win');
    assertAtString(f2, text, 'cmd');
    assert.match(f2.message, /runs npx, which the policy does not allow: denied by "npx"/);
  });

  it('compares the program name, not its path or extension, in a Kilo command array', async () => {
    const kilo = `{\n  // windows\n  "mcp": { "k": { "type": "local", "command": ["C:\\\\tools\\\\Bun.EXE", "x", "pkg@1.0.0"] } },\n}\n`;
    const r = await assessFiles({ [KILO]: kilo, [POLICY]: policy({ deny: ['bun'] }) });
    const f = onlyFinding(r, RULE, 'k');
    assertFinding(f, { ruleId: RULE, category: 'policy-violation', severity: 'high', server: 'k', file: KILO });
    assert.deepEqual(f.jsonPath, ['mcp', 'k', 'command', 0]);
    assertAtString(f, kilo, 'C:\\tools\\Bun.EXE');
  });
});

describe('policy-command: negatives', () => {
  it('reports nothing without a commands policy, for allowed programs, or for remote servers', async () => {
    const text = legacyConfig({ npx: s('npx', '-y', 'pkg@1.0.0'), remote: { type: 'sse', url: 'https://x.example.com/sse' } });
    assertNoFinding(await assessFiles({ [LEGACY]: text }), RULE);
    assertNoFinding(await assessFiles({ [LEGACY]: text, [POLICY]: JSON.stringify({ version: 1 }) }), RULE);
    assertNoFinding(await assessFiles({ [LEGACY]: text, [POLICY]: policy({ allow: ['NP*'] }) }), RULE);
    assertNoFinding(await assessFiles({ [LEGACY]: text, [POLICY]: policy({ allow: [], deny: [] }) }), RULE);
  });
});
