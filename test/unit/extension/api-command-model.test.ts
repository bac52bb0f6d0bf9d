import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { describe, it } from 'node:test';
import { parseTtl } from '../../../src/api/auth/jwt';
import { isOversightError } from '../../../src/core/errors';
import { ago, curlCommand, DEFAULT_TOKEN_TTL, keyNameProblem, keyPickItem, parseKeyArgs, parseRevokeArgs, parseTokenArgs, shellQuote, statusLines, TOKEN_LIFETIMES } from '../../../src/extension/http-api/api-command-model';
import type { ApiStatus } from '../../../src/extension/http-api/api-host';

const status: Extract<ApiStatus, { running: true }> = {
  running: true,
  url: 'https://127.0.0.1:7341/api/v1',
  port: 7341,
  certFile: "/home/o'neil/store/api/tls-cert.pem",
  keyFile: "/home/o'neil/store/api/tls-key.pem",
  selfSigned: true,
  fingerprint256: 'AB:CD',
  spkiSha256Base64: 'abc+/=',
  notAfter: '2027-01-01T00:00:00.000Z',
  rateLimit: { burst: 100, perSecond: 10 },
};

describe('HTTP API commands (pure parts)', () => {
  it('every offered lifetime is one parseTtl accepts, the default included', () => {
    for (const l of TOKEN_LIFETIMES) assert.ok(parseTtl(l.ttl) >= 60, l.ttl);
    assert.equal(parseTtl(DEFAULT_TOKEN_TTL), 3600);
  });

  it('automation arguments: the documented shapes, else a usage error naming them', () => {
    assert.deepEqual(parseTokenArgs({ role: 'installer' }), { role: 'installer' });
    assert.deepEqual(parseTokenArgs({ role: 'admin', ttl: '15m' }), { role: 'admin', ttl: '15m' });
    assert.deepEqual(parseKeyArgs({ role: 'installer', name: 'CI' }), { role: 'installer', name: 'CI' });
    assert.equal(parseRevokeArgs('abcdefghijkl'), 'abcdefghijkl');
    assert.equal(parseRevokeArgs({ id: 'abcdefghijkl' }), 'abcdefghijkl');
    for (const [parse, bad, shape] of [
      [parseTokenArgs, { ttl: '1h' }, '{ role, ttl? }'],
      [parseKeyArgs, { role: 'installer' }, '{ role, name }'],
      [parseRevokeArgs, { key: 'x' }, 'a key id or { id }'],
    ] as const) {
      assert.throws(() => (parse as (a: unknown) => unknown)(bad), (e: unknown) => isOversightError(e) && e.code === 'usage' && e.message.includes(shape));
    }
  });

  it('key names: a hint for empty or too long ones', () => {
    assert.match(keyNameProblem('  ') ?? '', /Name the key/);
    assert.match(keyNameProblem('x'.repeat(101)) ?? '', /100/);
    assert.equal(keyNameProblem(' CI pipeline '), undefined);
  });

  it('the curl command quotes paths safely, trusts the cert file, pins the key and reads the credential from a variable', () => {
    const cmd = curlCommand(status);
    assert.equal(shellQuote("o'neil"), `'o'\\''neil'`);
    assert.ok(cmd.includes(`--cacert ${shellQuote(status.certFile)}`));
    assert.ok(cmd.includes("--pinnedpubkey 'sha256//abc+/='"));
    assert.ok(cmd.includes('$MCP_OVERSIGHT_API_TOKEN'));
    assert.ok(cmd.endsWith("'https://127.0.0.1:7341/api/v1/status/assessment'"));
    // What a shell makes of it: the exact path and pin, one argument each.
    const argv = JSON.parse(execFileSync('sh', ['-c', `node -e 'console.log(JSON.stringify(process.argv.slice(1)))' -- ${cmd.replace(/^curl /, '')}`], { encoding: 'utf8', env: { ...process.env, MCP_OVERSIGHT_API_TOKEN: 'T' } })) as string[];
    assert.deepEqual(argv, ['--cacert', status.certFile, '--pinnedpubkey', 'sha256//abc+/=', '-H', 'Authorization: Bearer T', 'https://127.0.0.1:7341/api/v1/status/assessment']);
  });

  it('status lines: URL, certificate file, fingerprint, pin, rate limit, OAuth', () => {
    const text = statusLines(status).join('\n');
    for (const part of [status.url, status.certFile, 'self-signed', 'AB:CD', 'sha256//abc+/=', '100 requests at once, then 10 per second', 'OAuth: off']) assert.ok(text.includes(part), part);
    assert.match(statusLines({ ...status, oauthIssuer: 'https://idp.example/' }).join('\n'), /OAuth: https:\/\/idp\.example\//);
  });

  it('revoke picker items: name, role and id, last use and creation', () => {
    const now = new Date('2026-05-10T12:00:00Z');
    const item = keyPickItem({ id: 'abcdefghijkl', name: 'CI', role: 'installer', createdAt: '2026-05-08T12:00:00.000Z', createdBy: 'me@host', lastUsedAt: '2026-05-10T11:57:00.000Z' }, now);
    assert.deepEqual(item, { label: 'CI', description: 'installer · abcdefghijkl', detail: 'last used 3 min ago · created 2 days ago by me@host', id: 'abcdefghijkl' });
    assert.match(keyPickItem({ id: 'abcdefghijkl', name: 'CI', role: 'admin', createdAt: '2026-01-01T00:00:00.000Z' }, now).detail, /^last used never · created 2026-01-01$/);
    assert.equal(ago('2026-05-10T11:59:50.000Z', now), 'just now');
    assert.equal(ago('2026-05-05T12:00:00.000Z', now), '5 days ago');
  });
});
