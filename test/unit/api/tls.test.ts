import assert from 'node:assert/strict';
import { execFile } from 'node:child_process';
import { createHash, createPrivateKey, createPublicKey, generateKeyPairSync, X509Certificate } from 'node:crypto';
import { mkdtempSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import https from 'node:https';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { formatFingerprint, spkiSha256Base64 } from '../../../src/api/tls/fingerprint';
import { generateSelfSignedCertificate, SELF_SIGNED_SUBJECT_CN } from '../../../src/api/tls/self-signed';
import { GENERATED_CERT_FILE, GENERATED_KEY_FILE, loadOrCreateTlsMaterial } from '../../../src/api/tls/tls-material';
import { isOversightError } from '../../../src/core/errors';

const NOW = new Date('2026-03-01T12:00:00.000Z');
const DAY = 86_400_000;
const posix = process.platform !== 'win32';

function rejectsWith(code: string, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(isOversightError(e), `expected an OversightError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  };
}

/** GET https://host:port/ with the given TLS options; resolves to the status code or the client's error code. */
function get(port: number, opts: https.RequestOptions): Promise<string> {
  return new Promise((resolve) => {
    https
      .get({ host: '127.0.0.1', port, path: '/', agent: false, ...opts }, (res) => {
        res.resume();
        resolve(String(res.statusCode));
      })
      .on('error', (e: NodeJS.ErrnoException) => resolve(e.code ?? e.message));
  });
}

describe('generateSelfSignedCertificate', () => {
  const { certPem, keyPem } = generateSelfSignedCertificate({ hosts: ['api.example.test', '10.1.2.3', '[fe80::1]'], now: NOW });
  const cert = new X509Certificate(certPem);

  it('is a certificate node:crypto accepts, for its own key, self-signed', () => {
    assert.ok(cert.checkPrivateKey(createPrivateKey(keyPem)));
    assert.ok(cert.verify(cert.publicKey));
    assert.equal(cert.subject, `CN=${SELF_SIGNED_SUBJECT_CN}`);
    assert.equal(cert.issuer, cert.subject);
    assert.equal(cert.ca, false);
    assert.equal(cert.publicKey.asymmetricKeyType, 'ec');
    assert.equal(cert.publicKey.asymmetricKeyDetails?.namedCurve, 'prime256v1');
    assert.deepEqual(cert.keyUsage, ['1.3.6.1.5.5.7.3.1']); // extended key usage: serverAuth
  });

  it('names localhost, 127.0.0.1, ::1 and the extra hosts, and nothing else', () => {
    assert.equal(cert.checkHost('localhost'), 'localhost');
    assert.equal(cert.checkIP('127.0.0.1'), '127.0.0.1');
    assert.equal(cert.checkIP('::1'), '::1');
    assert.equal(cert.checkHost('api.example.test'), 'api.example.test');
    assert.equal(cert.checkIP('10.1.2.3'), '10.1.2.3');
    assert.equal(cert.checkIP('fe80::1'), 'fe80::1');
    assert.equal(cert.checkHost('example.com'), undefined);
    assert.equal(cert.checkIP('192.168.0.1'), undefined);
  });

  it('is valid from an hour before now for 397 days by default', () => {
    assert.equal(new Date(cert.validFrom).getTime(), NOW.getTime() - 3_600_000);
    assert.equal(new Date(cert.validTo).getTime(), NOW.getTime() + 397 * DAY);
    const short = new X509Certificate(generateSelfSignedCertificate({ now: NOW, validDays: 10 }).certPem);
    assert.equal(new Date(short.validTo).getTime(), NOW.getTime() + 10 * DAY);
  });

  it('has a random positive 16-byte serial number and key', () => {
    const other = new X509Certificate(generateSelfSignedCertificate({ now: NOW }).certPem);
    assert.equal(cert.serialNumber.length, 32);
    assert.ok(parseInt(cert.serialNumber.slice(0, 2), 16) < 0x80);
    assert.notEqual(other.serialNumber, cert.serialNumber);
    assert.notEqual(other.fingerprint256, cert.fingerprint256);
  });

  it('refuses hosts a certificate cannot name, and absurd validity', () => {
    for (const host of ['', 'has space', 'under_score.example', 'http://x', 'a..b']) {
      assert.throws(() => generateSelfSignedCertificate({ hosts: [host] }), rejectsWith('usage', /neither an IP address nor a DNS name/));
    }
    assert.throws(() => generateSelfSignedCertificate({ validDays: 0 }), rejectsWith('usage', /validity/));
    assert.throws(() => generateSelfSignedCertificate({ validDays: 1.5 }), rejectsWith('usage', /validity/));
  });

  describe('in a real TLS handshake', () => {
    const pair = generateSelfSignedCertificate();
    let server: https.Server;
    let port = 0;
    before(async () => {
      server = https.createServer({ cert: pair.certPem, key: pair.keyPem }, (_req, res) => res.end('ok'));
      await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
      port = (server.address() as AddressInfo).port;
    });
    after(() => new Promise<void>((resolve) => server.close(() => resolve())));

    it('verifies chain and name when the client trusts the certificate (by IP and by localhost)', async () => {
      assert.equal(await get(port, { ca: pair.certPem }), '200');
      assert.equal(await get(port, { ca: pair.certPem, servername: 'localhost' }), '200');
    });

    it('fails as self-signed when the client does not trust it', async () => {
      assert.equal(await get(port, {}), 'DEPTH_ZERO_SELF_SIGNED_CERT');
    });

    it('fails for a name the certificate does not carry', async () => {
      assert.equal(await get(port, { ca: pair.certPem, servername: 'example.com' }), 'ERR_TLS_CERT_ALTNAME_INVALID');
    });

    it('can be pinned with curl --pinnedpubkey sha256//<spkiSha256Base64> (the documented way)', { skip: !hasCurl() && 'curl is not installed' }, async () => {
      const pin = spkiSha256Base64(createPublicKey(pair.keyPem));
      const ok = await curl(['--insecure', '--pinnedpubkey', `sha256//${pin}`, `https://127.0.0.1:${port}/`]);
      assert.equal(ok.code, 0, ok.stderr);
      assert.equal(ok.stdout, 'ok');
      const wrong = await curl(['--insecure', '--pinnedpubkey', `sha256//${createHash('sha256').update('x').digest('base64')}`, `https://127.0.0.1:${port}/`]);
      assert.equal(wrong.code, 90); // CURLE_SSL_PINNEDPUBKEYNOTMATCH
    });
  });
});

function hasCurl(): boolean {
  try {
    return statSync('/usr/bin/curl').isFile();
  } catch {
    return false;
  }
}

function curl(args: string[]): Promise<{ code: number; stdout: string; stderr: string }> {
  return new Promise((resolve) => {
    execFile('/usr/bin/curl', ['--silent', '--show-error', '--max-time', '10', ...args], (err, stdout, stderr) => {
      resolve({ code: err === null ? 0 : typeof err.code === 'number' ? err.code : -1, stdout, stderr });
    });
  });
}

describe('formatFingerprint / spkiSha256Base64', () => {
  it('formats like X509Certificate.fingerprint256', () => {
    const { certPem } = generateSelfSignedCertificate();
    const cert = new X509Certificate(certPem);
    assert.equal(formatFingerprint(createHash('sha256').update(cert.raw).digest()), cert.fingerprint256);
  });

  it('hashes the DER SubjectPublicKeyInfo', () => {
    const { publicKey } = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const der = publicKey.export({ type: 'spki', format: 'der' });
    assert.equal(spkiSha256Base64(publicKey), createHash('sha256').update(der).digest('base64'));
  });
});

describe('loadOrCreateTlsMaterial', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'oversight-tls-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));
  let n = 0;
  const freshDir = () => join(tmp, `case-${++n}`, 'api');

  describe('generated pair', () => {
    it('generates the pair once (dir 0700, key 0600) and reuses it afterwards', async () => {
      const dir = freshDir();
      const logs: string[] = [];
      const first = await loadOrCreateTlsMaterial({ dir, now: NOW, log: (m) => logs.push(m) });
      assert.equal(first.selfSigned, true);
      assert.equal(first.certFile, join(dir, GENERATED_CERT_FILE));
      assert.equal(first.keyFile, join(dir, GENERATED_KEY_FILE));
      assert.equal(readFileSync(first.certFile, 'utf8'), first.cert);
      assert.equal(readFileSync(first.keyFile, 'utf8'), first.key);
      if (posix) {
        assert.equal(statSync(dir).mode & 0o777, 0o700);
        assert.equal(statSync(first.keyFile).mode & 0o777, 0o600);
      }
      const x509 = new X509Certificate(first.cert);
      assert.equal(first.fingerprint256, x509.fingerprint256);
      assert.equal(first.spkiSha256Base64, createHash('sha256').update(x509.publicKey.export({ type: 'spki', format: 'der' })).digest('base64'));
      assert.equal(first.notAfter.getTime(), NOW.getTime() + 397 * DAY);
      assert.equal(logs.length, 1);
      assert.match(logs[0]!, /Generated a self-signed TLS certificate/);

      const again = await loadOrCreateTlsMaterial({ dir, now: new Date(NOW.getTime() + 300 * DAY), log: (m) => logs.push(m) });
      assert.equal(again.fingerprint256, first.fingerprint256);
      assert.equal(again.key, first.key);
      assert.equal(logs.length, 1, 'nothing to say when reusing');
    });

    it('replaces a certificate with 30 days or less left, saying why; never logs the key', async () => {
      const dir = freshDir();
      const first = await loadOrCreateTlsMaterial({ dir, now: NOW });
      const logs: string[] = [];
      const later = new Date(NOW.getTime() + 370 * DAY);
      const renewed = await loadOrCreateTlsMaterial({ dir, now: later, log: (m) => logs.push(m) });
      assert.notEqual(renewed.fingerprint256, first.fingerprint256);
      assert.equal(renewed.notAfter.getTime(), later.getTime() + 397 * DAY);
      assert.match(logs.join('\n'), /expires on .*generating a new one/);
      const keyBody = (pem: string) => pem.replace(/-----[^-]+-----/g, '').replace(/\s/g, '');
      for (const line of logs) {
        assert.doesNotMatch(line, /PRIVATE KEY/);
        assert.ok(!line.includes(keyBody(first.key).slice(0, 24)) && !line.includes(keyBody(renewed.key).slice(0, 24)));
      }
    });

    it('replaces a corrupt certificate, a key that does not match, or a certificate lacking a wanted host', async () => {
      const dir = freshDir();
      const first = await loadOrCreateTlsMaterial({ dir, now: NOW });

      writeFileSync(first.certFile, 'garbage');
      const logs: string[] = [];
      const second = await loadOrCreateTlsMaterial({ dir, now: NOW, log: (m) => logs.push(m) });
      assert.match(logs[0]!, /cannot be read/);
      assert.ok(new X509Certificate(second.cert).checkPrivateKey(createPrivateKey(second.key)));

      writeFileSync(second.keyFile, generateSelfSignedCertificate().keyPem);
      const third = await loadOrCreateTlsMaterial({ dir, now: NOW, log: (m) => logs.push(m) });
      assert.match(logs[2]!, /does not match its key/);
      assert.notEqual(third.fingerprint256, second.fingerprint256);

      const fourth = await loadOrCreateTlsMaterial({ dir, now: NOW, hosts: ['oversight.internal'], log: (m) => logs.push(m) });
      assert.match(logs[4]!, /does not name oversight\.internal/);
      assert.equal(new X509Certificate(fourth.cert).checkHost('oversight.internal'), 'oversight.internal');
      const fifth = await loadOrCreateTlsMaterial({ dir, now: NOW, hosts: ['oversight.internal'] });
      assert.equal(fifth.fingerprint256, fourth.fingerprint256);
    });

    it('tightens a key file that became readable by others', { skip: !posix }, async () => {
      const dir = freshDir();
      const first = await loadOrCreateTlsMaterial({ dir, now: NOW });
      const { chmodSync } = await import('node:fs');
      chmodSync(first.keyFile, 0o644);
      await loadOrCreateTlsMaterial({ dir, now: NOW });
      assert.equal(statSync(first.keyFile).mode & 0o777, 0o600);
    });
  });

  describe('a certificate of your own', () => {
    let dir: string;
    let certFile: string;
    let keyFile: string;
    let pair: { certPem: string; keyPem: string };
    before(() => {
      dir = mkdtempSync(join(tmp, 'own-'));
      pair = generateSelfSignedCertificate({ now: NOW, hosts: ['oversight.example'] });
      certFile = join(dir, 'server.crt');
      keyFile = join(dir, 'server.key');
      writeFileSync(certFile, pair.certPem);
      writeFileSync(keyFile, pair.keyPem, { mode: 0o600 });
    });

    it('is used as given, not as self-signed, and nothing is generated', async () => {
      const store = freshDir();
      const m = await loadOrCreateTlsMaterial({ dir: store, certFile, keyFile, now: NOW });
      assert.equal(m.selfSigned, false);
      assert.equal(m.cert, pair.certPem);
      assert.equal(m.key, pair.keyPem);
      assert.equal(m.certFile, certFile);
      assert.equal(m.fingerprint256, new X509Certificate(pair.certPem).fingerprint256);
      assert.throws(() => statSync(join(store, GENERATED_CERT_FILE)), /ENOENT/);
    });

    it('needs both files, and says which one is missing', async () => {
      await assert.rejects(loadOrCreateTlsMaterial({ dir, certFile, now: NOW }), rejectsWith('usage', /no key file/));
      await assert.rejects(loadOrCreateTlsMaterial({ dir, keyFile, now: NOW }), rejectsWith('usage', /no certificate file/));
    });

    it('names the file and the fix for each problem', async () => {
      const missing = join(dir, 'nope.pem');
      await assert.rejects(loadOrCreateTlsMaterial({ dir, certFile: missing, keyFile, now: NOW }), rejectsWith('usage', /nope\.pem does not exist/));
      await assert.rejects(loadOrCreateTlsMaterial({ dir, certFile, keyFile: dir, now: NOW }), rejectsWith('usage', /is a folder/));
      // The key given as the certificate and the other way round.
      await assert.rejects(loadOrCreateTlsMaterial({ dir, certFile: keyFile, keyFile, now: NOW }), rejectsWith('usage', /server\.key is not a PEM X\.509 certificate/));
      await assert.rejects(loadOrCreateTlsMaterial({ dir, certFile, keyFile: certFile, now: NOW }), rejectsWith('usage', /server\.crt is not a PEM private key/));

      const otherKey = join(dir, 'other.key');
      writeFileSync(otherKey, generateSelfSignedCertificate().keyPem);
      await assert.rejects(loadOrCreateTlsMaterial({ dir, certFile, keyFile: otherKey, now: NOW }), rejectsWith('usage', /other\.key is not the private key of the certificate in .*server\.crt/));

      const encrypted = join(dir, 'encrypted.key');
      writeFileSync(encrypted, createPrivateKey(pair.keyPem).export({ type: 'pkcs8', format: 'pem', cipher: 'aes-256-cbc', passphrase: 'pw' }));
      await assert.rejects(loadOrCreateTlsMaterial({ dir, certFile, keyFile: encrypted, now: NOW }), rejectsWith('usage', /encrypted\.key is an encrypted private key/));
    });

    it('refuses an expired or not yet valid certificate, warns when it expires soon', async () => {
      await assert.rejects(loadOrCreateTlsMaterial({ dir, certFile, keyFile, now: new Date(NOW.getTime() + 400 * DAY) }), rejectsWith('usage', /server\.crt expired on .*Renew it/));
      await assert.rejects(loadOrCreateTlsMaterial({ dir, certFile, keyFile, now: new Date(NOW.getTime() - 2 * DAY) }), rejectsWith('usage', /not valid before .*clock/));
      const logs: string[] = [];
      await loadOrCreateTlsMaterial({ dir, certFile, keyFile, now: new Date(NOW.getTime() + 380 * DAY), log: (m) => logs.push(m) });
      assert.match(logs.join('\n'), /expires on .*renew it soon/);
    });

    it('warns about hosts it does not name and a key others can read', async () => {
      const logs: string[] = [];
      const loose = join(dir, 'loose.key');
      writeFileSync(loose, pair.keyPem, { mode: 0o644 });
      await loadOrCreateTlsMaterial({ dir, certFile, keyFile: loose, hosts: ['oversight.example', 'elsewhere.example'], now: NOW, log: (m) => logs.push(m) });
      assert.match(logs.join('\n'), /does not name elsewhere\.example;/);
      assert.doesNotMatch(logs.join('\n'), /oversight\.example/);
      if (posix) assert.match(logs.join('\n'), /loose\.key can be read by other users/);
    });
  });
});
