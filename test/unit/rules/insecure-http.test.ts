import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAtString, assertFinding, assertNoFinding, assessFiles, KILO, LEGACY, legacyConfig, onlyFinding, VSCODE } from './helpers';

const RULE = 'insecure-http';
const sse = (url: string, headers?: Record<string, string>) => ({ type: 'sse', url, ...(headers ? { headers } : {}) });

describe('insecure-http: positives', () => {
  it('reports http:// to a remote host as high, with a remediation to https://', async () => {
    const url = 'http://api.example.com/sse';
    const text = legacyConfig({ remote: sse(url) });
    const r = await assessFiles({ [LEGACY]: text });
    const f = onlyFinding(r, RULE, 'remote');
    assertFinding(f, { ruleId: RULE, category: 'insecure-transport', severity: 'high', server: 'remote', file: LEGACY });
    assert.deepEqual(f.jsonPath, ['mcpServers', 'remote', 'url']);
    assertAtString(f, text, url);
    assert.match(f.message, /api\.example\.com/);
    assert.deepEqual(f.remediation?.edits, [{ file: LEGACY, jsonPath: ['mcpServers', 'remote', 'url'], value: 'https://api.example.com/sse' }]);
  });

  it('is critical when an Authorization (or X-API-Key, Cookie) header travels with it', async () => {
    const text = legacyConfig({
      auth: sse('http://a.example.com/sse', { Authorization: 'Bearer ${env:TOKEN}' }),
      key: sse('http://b.example.com/sse', { 'x-api-key': '${env:KEY}' }),
      cookie: sse('http://c.example.com/sse', { Cookie: '${env:COOKIE}' }),
    });
    const r = await assessFiles({ [LEGACY]: text });
    for (const [server, url] of [
      ['auth', 'http://a.example.com/sse'],
      ['key', 'http://b.example.com/sse'],
      ['cookie', 'http://c.example.com/sse'],
    ] as const) {
      const f = onlyFinding(r, RULE, server);
      assertFinding(f, { ruleId: RULE, category: 'insecure-transport', severity: 'critical', server });
      assertAtString(f, text, url);
      assert.match(f.message, /credentials travel unencrypted/);
    }
  });

  it('reports private-network and upper-case URLs too, keeping the rest of the URL in the remediation', async () => {
    const text = legacyConfig({ lan: sse('http://10.0.0.5:8080/sse?x=1'), upper: sse('HTTP://API.EXAMPLE.COM/sse') });
    const r = await assessFiles({ [LEGACY]: text });
    assert.equal(onlyFinding(r, RULE, 'lan').remediation?.edits[0]?.value, 'https://10.0.0.5:8080/sse?x=1');
    assert.equal(onlyFinding(r, RULE, 'upper').remediation?.edits[0]?.value, 'https://API.EXAMPLE.COM/sse');
  });

  it('reports http:// in kilo.jsonc and .vscode/mcp.json at the url value', async () => {
    const kilo = `{\n  // remote\n  "mcp": { "docs": { "type": "remote", "url": "http://docs.example.com/mcp" } },\n}\n`;
    const vscode = `{\n  "servers": {\n    // remote\n    "api": { "type": "http", "url": "http://api.example.com/mcp", "headers": { "Authorization": "Bearer \${input:tok}" } }\n  }\n}\n`;
    const r = await assessFiles({ [KILO]: kilo, [VSCODE]: vscode });
    const k = onlyFinding(r, RULE, 'docs');
    assertFinding(k, { ruleId: RULE, category: 'insecure-transport', severity: 'high', server: 'docs', file: KILO });
    assertAtString(k, kilo, 'http://docs.example.com/mcp');
    const v = onlyFinding(r, RULE, 'api');
    assertFinding(v, { ruleId: RULE, category: 'insecure-transport', severity: 'critical', server: 'api', file: VSCODE });
    assertAtString(v, vscode, 'http://api.example.com/mcp');
  });
});

describe('insecure-http: negatives', () => {
  it('accepts loopback hosts and https', async () => {
    const text = legacyConfig({
      localhost: sse('http://localhost:3000/sse', { Authorization: 'Bearer ${env:T}' }),
      v4: sse('http://127.0.0.1:3000/sse'),
      v4b: sse('http://127.10.20.30/sse'),
      v6: sse('http://[::1]:3000/sse'),
      sub: sse('http://api.localhost/sse'),
      tls: sse('https://api.example.com/sse', { Authorization: 'Bearer ${env:T}' }),
      stdio: { command: 'node', args: ['x.js'] },
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });

  it('is not fooled by a host that merely starts with localhost', async () => {
    const text = legacyConfig({ evil: sse('http://localhost.evil.example/sse') });
    const r = await assessFiles({ [LEGACY]: text });
    assert.equal(onlyFinding(r, RULE, 'evil').severity, 'high');
  });
});

describe('insecure-http: doubtful behaviour', () => {
  it('reports a plain-HTTP URL handed to mcp-remote in args', async () => {
    const url = 'http://api.example.com/mcp';
    const text = legacyConfig({ bridge: { command: 'npx', args: ['-y', 'mcp-remote@0.1.9', url] } });
    const r = await assessFiles({ [LEGACY]: text });
    assertAtString(onlyFinding(r, RULE, 'bridge'), text, url);
  });

  it('is critical for other credential headers (X-Auth-Token, Private-Token, Proxy-Authorization)', async () => {
    const text = legacyConfig({
      a: sse('http://a.example.com/sse', { 'X-Auth-Token': '${env:T}' }),
      b: sse('http://b.example.com/sse', { 'Private-Token': '${env:T}' }),
      c: sse('http://c.example.com/sse', { 'Proxy-Authorization': 'Basic ${env:T}' }),
    });
    const r = await assessFiles({ [LEGACY]: text });
    for (const s of ['a', 'b', 'c']) assert.equal(onlyFinding(r, RULE, s).severity, 'critical');
  });
});
