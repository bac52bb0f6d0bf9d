import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { GITHUB_PAT } from './fake-secrets';
import {
  assertAtString,
  assertFinding,
  assertMasked,
  assertNoFinding,
  assessFiles,
  findingsOf,
  GLOBAL_CLINE,
  GLOBAL_OPTS,
  KILO,
  LEGACY,
  legacyConfig,
  onlyFinding,
  randomAlnum,
} from './helpers';

const RULE = 'secret-high-entropy';
const WANT = { ruleId: RULE, category: 'secret-in-config', severity: 'high' } as const;

describe('secret-high-entropy: positives', () => {
  it('reports a random value under API_KEY, masked, with a ${env:API_KEY} remediation', async () => {
    const secret = randomAlnum(32, 1);
    const text = legacyConfig({ svc: { command: 'node', args: ['x.js'], env: { LOG_LEVEL: 'debug', API_KEY: secret } } });
    const r = await assessFiles({ [LEGACY]: text });
    const f = onlyFinding(r, RULE, 'svc');
    assertFinding(f, { ...WANT, server: 'svc', file: LEGACY });
    assert.deepEqual(f.jsonPath, ['mcpServers', 'svc', 'env', 'API_KEY']);
    assertAtString(f, text, secret);
    assertMasked(f, secret);
    assert.equal(f.remediation?.edits[0]?.value, '${env:API_KEY}');
    assert.deepEqual(f.remediation?.edits[0]?.jsonPath, ['mcpServers', 'svc', 'env', 'API_KEY']);
  });

  it('reports Authorization: Bearer <random> and keeps the scheme in the remediation', async () => {
    const secret = randomAlnum(40, 2);
    const value = `Bearer ${secret}`;
    const text = legacyConfig({ api: { type: 'streamable-http', url: 'https://api.example.com/mcp', headers: { Authorization: value } } });
    const r = await assessFiles({ [LEGACY]: text });
    const f = onlyFinding(r, RULE, 'api');
    assertFinding(f, { ...WANT, server: 'api' });
    assertAtString(f, text, value);
    assertMasked(f, secret);
    assert.equal(f.remediation?.edits[0]?.value, 'Bearer ${env:API_AUTHORIZATION}');
  });

  it('reports X-API-Key and Proxy-Authorization: Basic <user:pass> headers', async () => {
    const key = randomAlnum(32, 3);
    const basic = Buffer.from('deploy:' + randomAlnum(16, 4)).toString('base64');
    const text = legacyConfig({ api: { type: 'sse', url: 'https://api.example.com/sse', headers: { 'X-API-Key': key, 'Proxy-Authorization': `Basic ${basic}` } } });
    const r = await assessFiles({ [LEGACY]: text });
    const fs = findingsOf(r, RULE, 'api');
    assert.equal(fs.length, 2);
    const apiKey = fs.find((f) => f.jsonPath[3] === 'X-API-Key');
    const proxy = fs.find((f) => f.jsonPath[3] === 'Proxy-Authorization');
    assert.ok(apiKey && proxy);
    assertAtString(apiKey, text, key);
    assertMasked(apiKey, key);
    assertAtString(proxy, text, `Basic ${basic}`);
    assertMasked(proxy, basic);
  });

  it('reports `--api-key VALUE` and `--token=VALUE` in args', async () => {
    const a = randomAlnum(32, 5);
    const b = randomAlnum(32, 6);
    const text = legacyConfig({ cli: { command: 'node', args: ['server.js', '--api-key', a, `--token=${b}`] } });
    const r = await assessFiles({ [LEGACY]: text });
    const fs = findingsOf(r, RULE, 'cli');
    assert.equal(fs.length, 2);
    const [fa, fb] = fs;
    assert.ok(fa && fb);
    assertFinding(fa, { ...WANT, server: 'cli' });
    assert.deepEqual(fa.jsonPath, ['mcpServers', 'cli', 'args', 2]);
    assertAtString(fa, text, a);
    assertMasked(fa, a);
    assert.equal(fa.remediation?.edits[0]?.value, '${env:CLI_API_KEY}');
    assertFinding(fb, { ...WANT, server: 'cli' });
    assert.deepEqual(fb.jsonPath, ['mcpServers', 'cli', 'args', 3]);
    assertAtString(fb, text, `--token=${b}`);
    assertMasked(fb, b);
    assert.equal(fb.remediation?.edits[0]?.value, '--token=${env:CLI_TOKEN}');
  });

  it('suggests {env:NAME} in kilo.jsonc and nothing for Cline', async () => {
    const secret = randomAlnum(32, 7);
    const kilo = `{\n  // local server\n  "mcp": { "k": { "type": "local", "command": ["node", "x.js"], "environment": { "DB_PASSWORD": "${secret}" } } }\n}\n`;
    const cline = legacyConfig({ c: { command: 'node', args: ['x.js'], env: { DB_PASSWORD: secret } } });
    const r = await assessFiles({ [KILO]: kilo, [GLOBAL_CLINE]: cline }, GLOBAL_OPTS);
    const k = onlyFinding(r, RULE, 'k');
    assertAtString(k, kilo, secret);
    assert.equal(k.remediation?.edits[0]?.value, '{env:DB_PASSWORD}');
    const c = onlyFinding(r, RULE, 'c');
    assertFinding(c, { ...WANT, server: 'c', file: GLOBAL_CLINE });
    assertAtString(c, cline, secret);
    assert.equal(c.remediable, false);
  });
});

describe('secret-high-entropy: negatives', () => {
  it('ignores settings, paths, URLs, AUTH_TYPE, short values, placeholders, references and word runs', async () => {
    const text = legacyConfig({
      svc: {
        command: 'node',
        args: ['x.js', '--api-key', '${env:API_KEY}', '--token=short', '--verbose', randomAlnum(32, 8)],
        env: {
          LOG_LEVEL: 'debug',
          SECRET_PATH: '/home/u/.config/secret/token.txt',
          API_KEY: '/etc/ssl/private/service-key.pem',
          ACCESS_TOKEN: 'https://auth.example.com/oauth/token',
          AUTH_TYPE: randomAlnum(32, 9),
          TOKEN_URL: 'https://auth.example.com/' + randomAlnum(20, 10),
          SHORT_TOKEN: 'aB3dE5',
          MAX_TOKENS: '4096',
          SESSION_TIMEOUT: '3600',
          PUBLIC_KEY: randomAlnum(40, 11),
          PASSPHRASE: 'correct-horse-battery-staple',
          GITHUB_TOKEN: '${env:GITHUB_TOKEN}',
          OPENAI_API_KEY: 'your-api-key-here',
          SLACK_TOKEN: 'xxxxxxxxxxxxxxxxxxxxxxxxxx',
          NOT_A_NAME: randomAlnum(32, 12),
        },
      },
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });

  it('leaves provider-shaped tokens to secret-token (no double report)', async () => {
    const text = legacyConfig({ gh: { command: 'node', env: { GITHUB_TOKEN: GITHUB_PAT } } });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
    assert.equal(findingsOf(r, 'secret-token').length, 1);
  });

  it('does not scan the URL or command (secret-in-url and secret-token cover those)', async () => {
    const text = legacyConfig({ u: { type: 'sse', url: `https://api.example.com/sse/${randomAlnum(32, 13)}` } });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });
});

describe('secret-high-entropy: doubtful misses', () => {
  it('reports a literal bearer token passed to mcp-remote as `--header "Authorization: Bearer …"`', async () => {
    const secret = randomAlnum(40, 14);
    const value = `Authorization: Bearer ${secret}`;
    const text = legacyConfig({ mr: { command: 'npx', args: ['-y', 'mcp-remote@0.1.9', 'https://api.example.com/mcp', '--header', value] } });
    const r = await assessFiles({ [LEGACY]: text });
    const f = onlyFinding(r, RULE, 'mr');
    assertAtString(f, text, value);
    assertMasked(f, secret);
  });

  it('reports an 8–11 character password under a PASSWORD name', async () => {
    const text = legacyConfig({ db: { command: 'node', env: { DB_PASSWORD: 'Tr0ub4dor&3' } } });
    const r = await assessFiles({ [LEGACY]: text });
    assertAtString(onlyFinding(r, RULE, 'db'), text, 'Tr0ub4dor&3');
  });
});
