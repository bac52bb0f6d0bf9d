import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import {
  assertAtString,
  assertFinding,
  assertMasked,
  assertNoFinding,
  assessFiles,
  findingsOf,
  KILO,
  LEGACY,
  legacyConfig,
  onlyFinding,
  randomAlnum,
  VSCODE,
} from './helpers';

const RULE = 'secret-in-url';
const WANT = { ruleId: RULE, category: 'secret-in-config', severity: 'high' } as const;
const sse = (url: string) => ({ type: 'sse', url });

describe('secret-in-url: positives', () => {
  it('reports user:password@host, masking both parts', async () => {
    const password = randomAlnum(20, 1);
    const url = `https://alice:${password}@db.example.com/sse`;
    const text = legacyConfig({ db: sse(url) });
    const r = await assessFiles({ [LEGACY]: text });
    const f = onlyFinding(r, RULE, 'db');
    assertFinding(f, { ...WANT, server: 'db', file: LEGACY });
    assert.deepEqual(f.jsonPath, ['mcpServers', 'db', 'url']);
    assertAtString(f, text, url);
    assertMasked(f, password);
    assert.ok(!f.message.includes('alice'), f.message);
    assert.match(f.message, /Password in the URL/);
  });

  it('reports ?api_key=… and names the parameter, masked', async () => {
    const key = randomAlnum(24, 2);
    const url = `https://api.example.com/sse?page=2&api_key=${key}`;
    const text = legacyConfig({ api: sse(url) });
    const r = await assessFiles({ [LEGACY]: text });
    const f = onlyFinding(r, RULE, 'api');
    assertFinding(f, { ...WANT, server: 'api' });
    assertAtString(f, text, url);
    assert.match(f.message, /query parameter "api_key"/);
    assertMasked(f, key);
  });

  it('reports both a password and a query secret in one URL, with different fingerprints', async () => {
    const pw = randomAlnum(16, 3);
    const token = randomAlnum(30, 4);
    const url = `https://bob:${pw}@api.example.com/mcp?access_token=${token}`;
    const text = JSON.stringify({ servers: { both: { type: 'http', url } } }, null, 2);
    const r = await assessFiles({ [VSCODE]: text });
    const fs = findingsOf(r, RULE, 'both');
    assert.equal(fs.length, 2);
    for (const f of fs) {
      assertFinding(f, { ...WANT, server: 'both', file: VSCODE });
      assertAtString(f, text, url);
      assertMasked(f, pw);
      assertMasked(f, token);
    }
    assert.notEqual(fs[0]?.fingerprint, fs[1]?.fingerprint);
  });

  it('reports a URL passed in args (mcp-remote) at the argument', async () => {
    const key = randomAlnum(24, 5);
    const url = `https://api.example.com/mcp?apiKey=${key}`;
    const text = legacyConfig({ remote: { command: 'npx', args: ['-y', 'mcp-remote@0.1.9', url] } });
    const r = await assessFiles({ [LEGACY]: text });
    const f = onlyFinding(r, RULE, 'remote');
    assert.deepEqual(f.jsonPath, ['mcpServers', 'remote', 'args', 2]);
    assertAtString(f, text, url);
    assertMasked(f, key);
  });

  it('reports a secret in a kilo.jsonc remote URL', async () => {
    const key = randomAlnum(24, 6);
    const url = `https://api.example.com/mcp?token=${key}`;
    const text = `{\n  // remote\n  "mcp": {\n    "r": { "type": "remote", "url": "${url}" },\n  },\n}\n`;
    const r = await assessFiles({ [KILO]: text });
    const f = onlyFinding(r, RULE, 'r');
    assertFinding(f, { ...WANT, server: 'r', file: KILO });
    assertAtString(f, text, url);
  });
});

describe('secret-in-url: negatives', () => {
  it('ignores harmless query parameters, short values and references', async () => {
    const text = legacyConfig({
      page: sse('https://api.example.com/sse?page=2&limit=50'),
      type: sse('https://api.example.com/sse?token_type=bearer&auth_mode=oauth2'),
      short: sse('https://api.example.com/sse?key=abc'),
      ref: sse('https://api.example.com/sse?api_key=${env:API_KEY}'),
      userRef: sse('https://alice:${env:DB_PASSWORD}@db.example.com/sse'),
      userOnly: sse('https://alice@db.example.com/sse'),
      local: { command: 'node', args: ['x.js', 'https://example.com/docs?page=2'] },
    });
    const kilo = JSON.stringify({
      mcp: {
        k: { type: 'remote', url: 'https://api.example.com/mcp?token={env:TOKEN}' },
        k2: { type: 'remote', url: 'https://bob:{env:PW}@api.example.com/mcp' },
      },
    });
    const vscode = JSON.stringify({ servers: { v: { type: 'http', url: 'https://api.example.com/mcp?token=${input:api-token}' } } });
    const r = await assessFiles({ [LEGACY]: text, [KILO]: kilo, [VSCODE]: vscode });
    assertNoFinding(r, RULE);
  });
});

describe('secret-in-url: doubtful behaviour', () => {
  it('does not take placeholders and switches for secrets (?auth=enabled, ?token=your-token-here)', async () => {
    const text = legacyConfig({
      a: sse('https://api.example.com/sse?auth=enabled'),
      b: sse('https://api.example.com/sse?token=xxxxxxxxxxxx'),
      c: sse('https://api.example.com/sse?token=your-token-here'),
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });

  it('reports a token used as the URL user name (https://TOKEN@host)', async () => {
    const token = randomAlnum(32, 7);
    const url = `https://${token}@api.example.com/sse`;
    const text = legacyConfig({ u: sse(url) });
    const r = await assessFiles({ [LEGACY]: text });
    assertAtString(onlyFinding(r, RULE, 'u'), text, url);
  });
});
