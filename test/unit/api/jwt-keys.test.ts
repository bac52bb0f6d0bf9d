import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { chmodSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { calculateJwkThumbprint } from 'jose';
import { API_SIGNING_KEY_FILE, apiKeyId, apiSigningKeyFromPem, loadOrCreateApiSigningKey, newApiSigningKeyPem } from '../../../src/api/auth/jwt-keys';
import { createJwtVerifier, localIssuer, mintApiToken } from '../../../src/api/auth/jwt';
import { OversightError } from '../../../src/core/errors';

const posix = process.platform !== 'win32';

describe('API token signing key', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'oversight-jwt-keys-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('is created on first use (folder 0700, PKCS#8 PEM 0600) and loaded unchanged afterwards', async () => {
    const dir = join(tmp, 'first', 'keys');
    const a = await loadOrCreateApiSigningKey(dir);
    const file = join(dir, API_SIGNING_KEY_FILE);
    const pem = readFileSync(file, 'utf8');
    assert.match(pem, /^-----BEGIN PRIVATE KEY-----\n/);
    if (posix) {
      assert.equal(statSync(dir).mode & 0o777, 0o700);
      assert.equal(statSync(file).mode & 0o777, 0o600);
    }
    assert.equal(a.privateKey.asymmetricKeyType, 'ed25519');
    assert.equal(a.publicKey.type, 'public');
    const b = await loadOrCreateApiSigningKey(dir);
    assert.equal(b.kid, a.kid);
    assert.equal(readFileSync(file, 'utf8'), pem);
    assert.deepEqual(readdirSync(dir), [API_SIGNING_KEY_FILE], 'no temporary files left behind');
  });

  it('agrees on one key when several processes create it at once', async () => {
    const dir = join(tmp, 'race');
    const keys = await Promise.all(Array.from({ length: 8 }, () => loadOrCreateApiSigningKey(dir)));
    assert.equal(new Set(keys.map((k) => k.kid)).size, 1);
    assert.deepEqual(readdirSync(dir), [API_SIGNING_KEY_FILE]);
  });

  it('tightens a key file others can read', { skip: !posix }, async () => {
    const dir = join(tmp, 'loose');
    await loadOrCreateApiSigningKey(dir);
    const file = join(dir, API_SIGNING_KEY_FILE);
    chmodSync(file, 0o644);
    await loadOrCreateApiSigningKey(dir);
    assert.equal(statSync(file).mode & 0o777, 0o600);
  });

  it('refuses a broken or non-Ed25519 key file instead of replacing it, without quoting it', async () => {
    const dir = join(tmp, 'broken');
    await loadOrCreateApiSigningKey(dir);
    const file = join(dir, API_SIGNING_KEY_FILE);
    writeFileSync(file, '-----BEGIN PRIVATE KEY-----\nSECRETSECRETSECRET\n-----END PRIVATE KEY-----\n', { mode: 0o600 });
    await assert.rejects(loadOrCreateApiSigningKey(dir), (e: unknown) => e instanceof OversightError && e.code === 'usage' && e.message.includes(file) && !e.message.includes('SECRETSECRET') && e.cause === undefined);
    const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).privateKey.export({ type: 'pkcs8', format: 'pem' }).toString();
    writeFileSync(file, rsaPem, { mode: 0o600 });
    await assert.rejects(loadOrCreateApiSigningKey(dir), /rsa key; API tokens are signed with Ed25519 only/);
    assert.equal(readFileSync(file, 'utf8'), rsaPem, 'left as it was');
  });

  it('in memory: newApiSigningKeyPem -> apiSigningKeyFromPem round-trips, and tokens verify', async () => {
    const pem = newApiSigningKeyPem();
    const key = apiSigningKeyFromPem(pem);
    assert.equal(apiSigningKeyFromPem(pem).kid, key.kid);
    assert.notEqual(apiSigningKeyFromPem(newApiSigningKeyPem()).kid, key.kid);
    const issuer = localIssuer(key.kid);
    const token = await mintApiToken({ key, issuer, role: 'installer', subject: 'ci', ttlSeconds: 600 });
    assert.equal((await createJwtVerifier({ local: { publicKey: key.publicKey, issuer } }).verify(token)).role, 'installer');
    assert.throws(() => apiSigningKeyFromPem('not a key', 'SecretStorage'), /^OversightError: SecretStorage: not a PEM private key\.$/);
  });

  it('kid is the RFC 7638 thumbprint of the public key', async () => {
    const key = apiSigningKeyFromPem(newApiSigningKeyPem());
    assert.equal(key.kid, await calculateJwkThumbprint(key.publicKey.export({ format: 'jwk' }) as never, 'sha256'));
    assert.equal(apiKeyId(key.publicKey), key.kid);
    assert.match(key.kid, /^[A-Za-z0-9_-]{43}$/);
  });
});
