import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAtString, assertFinding, assertNoFinding, assessFiles, findingsOf, KILO, LEGACY, legacyConfig, onlyFinding, POLICY, VSCODE } from './helpers';

const RULE = 'policy-host';
const policy = (hosts: { allow?: string[]; deny?: string[] }) => JSON.stringify({ version: 1, hosts });
const sse = (url: string) => ({ type: 'sse', url });

describe('policy-host: positives', () => {
  it('reports a host outside the allow list, at the url', async () => {
    const text = legacyConfig({ ok: sse('https://mcp.example.com/sse'), other: sse('https://mcp.other.net/sse'), apex: sse('https://example.com/sse') });
    const r = await assessFiles({ [LEGACY]: text, [POLICY]: policy({ allow: ['*.example.com'] }) });
    assert.deepEqual(r.policyErrors, []);
    assert.deepEqual(findingsOf(r, RULE).map((f) => f.server).sort(), ['apex', 'other']);
    const f = onlyFinding(r, RULE, 'other');
    assertFinding(f, { ruleId: RULE, category: 'policy-violation', severity: 'high', server: 'other', file: LEGACY });
    assert.deepEqual(f.jsonPath, ['mcpServers', 'other', 'url']);
    assertAtString(f, text, 'https://mcp.other.net/sse');
    assert.match(f.message, /connects to mcp\.other\.net, which the policy does not allow: not in the allowed list \("\*\.example\.com"\)/);
    // `*.example.com` does not cover the apex domain itself.
    assertAtString(onlyFinding(r, RULE, 'apex'), text, 'https://example.com/sse');
  });

  it('lets deny win over allow, case-insensitively', async () => {
    const text = legacyConfig({ internal: sse('https://Internal.Example.com/sse'), pub: sse('https://api.example.com/sse') });
    const r = await assessFiles({ [LEGACY]: text, [POLICY]: policy({ allow: ['*.example.com'], deny: ['internal.*'] }) });
    const f = onlyFinding(r, RULE);
    assertFinding(f, { ruleId: RULE, category: 'policy-violation', severity: 'high', server: 'internal', file: LEGACY });
    assertAtString(f, text, 'https://Internal.Example.com/sse');
    assert.match(f.message, /denied by "internal\.\*"/);
  });

  it('checks Kilo and VS Code remote servers too', async () => {
    const kilo = `{\n  // remote\n  "mcp": { "k": { "type": "remote", "url": "https://mcp.evil.example/mcp" } },\n}\n`;
    const vscode = `{\n  // remote\n  "servers": { "v": { "type": "http", "url": "http://10.1.2.3:8080/mcp" } }\n}\n`;
    const r = await assessFiles({ [KILO]: kilo, [VSCODE]: vscode, [POLICY]: policy({ deny: ['*.evil.example', '10.*'] }) });
    const k = onlyFinding(r, RULE, 'k');
    assertFinding(k, { ruleId: RULE, category: 'policy-violation', severity: 'high', server: 'k', file: KILO });
    assertAtString(k, kilo, 'https://mcp.evil.example/mcp');
    const v = onlyFinding(r, RULE, 'v');
    assertFinding(v, { ruleId: RULE, category: 'policy-violation', severity: 'high', server: 'v', file: VSCODE });
    assertAtString(v, vscode, 'http://10.1.2.3:8080/mcp');
  });
});

describe('policy-host: negatives', () => {
  it('reports nothing without a hosts policy, for allowed hosts, or for stdio servers', async () => {
    const text = legacyConfig({ ok: sse('https://mcp.example.com/sse'), local: { command: 'node', args: ['x.js'] } });
    assertNoFinding(await assessFiles({ [LEGACY]: text }), RULE);
    assertNoFinding(await assessFiles({ [LEGACY]: text, [POLICY]: policy({ allow: ['*.example.com'] }) }), RULE);
    assertNoFinding(await assessFiles({ [LEGACY]: text, [POLICY]: policy({ deny: ['*.evil.example'] }) }), RULE);
  });
});

describe('policy-host: doubtful behaviour', () => {
  it('checks the URL a stdio bridge (mcp-remote) connects to', async () => {
    const text = legacyConfig({ bridge: { command: 'npx', args: ['-y', 'mcp-remote@0.1.9', 'https://mcp.evil.example/mcp'] } });
    const r = await assessFiles({ [LEGACY]: text, [POLICY]: policy({ deny: ['*.evil.example'] }) });
    assertAtString(onlyFinding(r, RULE, 'bridge'), text, 'https://mcp.evil.example/mcp');
  });
});
