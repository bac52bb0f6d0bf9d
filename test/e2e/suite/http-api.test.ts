import assert from 'node:assert/strict';
import { existsSync, readdirSync, readFileSync, statSync } from 'node:fs';
import { request } from 'node:https';
import { createServer, type Server } from 'node:net';
import { join } from 'node:path';
import { after, before, describe, it } from 'mocha';
import * as vscode from 'vscode';
import { activated, waitFor } from './support/host';
import { auditEntries, storeDir } from './support/store';

/** What mcpOversight.showApiStatus / startApi / stopApi return when called with an argument (automation). */
type ApiStatus = { running: false } | { running: true; url: string; port: number; certFile: string; keyFile: string; fingerprint256: string; spkiSha256Base64: string };
type Running = Extract<ApiStatus, { running: true }>;

const status = async () => (await vscode.commands.executeCommand('mcpOversight.showApiStatus', {})) as ApiStatus;

/** GET over HTTPS trusting only `ca` (the certificate file the status reports). */
function get(url: string, ca: Buffer, headers: Record<string, string> = {}): Promise<{ status: number; body: string }> {
  return new Promise((resolve, reject) => {
    const req = request(url, { method: 'GET', ca, headers, timeout: 10_000 }, (res) => {
      let body = '';
      res.setEncoding('utf8');
      res.on('data', (c: string) => (body += c));
      res.on('end', () => resolve({ status: res.statusCode ?? 0, body }));
    });
    req.on('timeout', () => req.destroy(new Error(`timed out: ${url}`)));
    req.on('error', reject);
    req.end();
  });
}

const refused = (url: string, ca: Buffer) => assert.rejects(get(url, ca), (e: NodeJS.ErrnoException) => e.code === 'ECONNREFUSED');

function filesUnder(dir: string): string[] {
  return readdirSync(dir, { recursive: true })
    .map((f) => join(dir, String(f)))
    .filter((f) => statSync(f).isFile());
}

/**
 * The HTTP API inside a real VS Code: off by default, started by the setting and by the command, on
 * 127.0.0.1 with the certificate the status reports; credentials made through the commands (with their
 * automation arguments) work against it from this process, wrong and revoked ones are 401; issuance is
 * audited with the person as actor and the secrets are nowhere in the store; Stop and the setting turned
 * off close the port.
 */
describe('HTTP API (trusted workspace)', () => {
  const cfg = () => vscode.workspace.getConfiguration('mcpOversight');
  let store = '';
  let api: Running;
  let ca: Buffer;
  let key = '';
  let keyId = '';
  let token = '';

  before(async function () {
    this.timeout(90_000);
    await activated();
    store = await waitFor('the workspace store', () => storeDir(), 60_000);
    // Any free port: another run (or engineer) may hold 7341 on this machine.
    await cfg().update('api.port', 0, vscode.ConfigurationTarget.Global);
  });

  after(async function () {
    this.timeout(30_000);
    await vscode.commands.executeCommand('mcpOversight.stopApi', {}).then(undefined, () => undefined);
    await cfg().update('api.enabled', undefined, vscode.ConfigurationTarget.Global);
    await cfg().update('api.port', undefined, vscode.ConfigurationTarget.Global);
  });

  it('is off by default', async () => {
    assert.equal(cfg().get('api.enabled'), false);
    assert.deepEqual(await status(), { running: false });
  });

  it('a port in use is an error naming the setting to change', async function () {
    this.timeout(60_000);
    const busy: Server = createServer();
    await new Promise<void>((r) => busy.listen(0, '127.0.0.1', r));
    try {
      const port = (busy.address() as { port: number }).port;
      await cfg().update('api.port', port, vscode.ConfigurationTarget.Global);
      await assert.rejects(Promise.resolve(vscode.commands.executeCommand('mcpOversight.startApi', {})), (e: Error) => e.message.includes(`Port ${port}`) && e.message.includes('mcpOversight.api.port'));
      assert.deepEqual(await status(), { running: false });
    } finally {
      busy.close();
      await cfg().update('api.port', 0, vscode.ConfigurationTarget.Global);
    }
  });

  it('mcpOversight.api.enabled starts it on 127.0.0.1; /health is 200 trusting the certificate file the status reports', async function () {
    this.timeout(90_000);
    await cfg().update('api.enabled', true, vscode.ConfigurationTarget.Global);
    const s = await waitFor('the API to start', async () => {
      const st = await status();
      return st.running ? st : undefined;
    }, 60_000, 250);
    api = s;
    assert.match(api.url, /^https:\/\/127\.0\.0\.1:\d+\/api\/v1$/);
    assert.ok(api.certFile.startsWith(store), `the TLS pair is in the store folder: ${api.certFile}`);
    assert.equal(statSync(api.keyFile).mode & 0o777, 0o600, 'the TLS key is 0600');
    assert.match(api.fingerprint256, /^([0-9A-F]{2}:){31}[0-9A-F]{2}$/);
    ca = readFileSync(api.certFile);
    const health = await get(`${api.url}/health`, ca);
    assert.equal(health.status, 200, health.body);
  });

  it('an API key made by the command answers 200 on /status/assessment; a wrong key and none are 401', async function () {
    this.timeout(60_000);
    const created = (await vscode.commands.executeCommand('mcpOversight.createApiKey', { role: 'installer', name: 'e2e pipeline' })) as { key: string; record: { id: string; role: string; name: string } };
    key = created.key;
    keyId = created.record.id;
    assert.match(key, /^mcpo_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/);
    assert.deepEqual([created.record.role, created.record.name], ['installer', 'e2e pipeline']);
    const ok = await get(`${api.url}/status/assessment`, ca, { 'x-api-key': key });
    assert.equal(ok.status, 200, ok.body);
    const body = JSON.parse(ok.body) as { servers?: { compliance?: unknown; installer?: unknown }; pendingApprovals?: unknown };
    assert.ok(body.servers?.compliance && body.servers.installer && typeof body.pendingApprovals === 'number', ok.body);
    assert.equal((await get(`${api.url}/status/assessment`, ca, { authorization: `Bearer ${key}` })).status, 200);
    const wrong = `${key.slice(0, -4)}${key.endsWith('AAAA') ? 'BBBB' : 'AAAA'}`;
    assert.equal((await get(`${api.url}/status/assessment`, ca, { 'x-api-key': wrong })).status, 401);
    assert.equal((await get(`${api.url}/status/assessment`, ca)).status, 401);
  });

  it('a token made by the command is accepted as a bearer token', async function () {
    this.timeout(60_000);
    const issued = (await vscode.commands.executeCommand('mcpOversight.createApiToken', { role: 'compliance', ttl: '15m' })) as { token: string; jti: string; expiresAt: string };
    token = issued.token;
    assert.equal(token.split('.').length, 3);
    const r = await get(`${api.url}/status/assessment`, ca, { authorization: `Bearer ${token}` });
    assert.equal(r.status, 200, r.body);
    assert.ok(Date.parse(issued.expiresAt) - Date.now() <= 15 * 60_000 + 1000);
  });

  it('a revoked key is refused at once', async function () {
    this.timeout(30_000);
    const revoked = (await vscode.commands.executeCommand('mcpOversight.revokeApiKey', { id: keyId })) as { id: string; revokedAt?: string };
    assert.equal(revoked.id, keyId);
    assert.ok(revoked.revokedAt);
    assert.equal((await get(`${api.url}/status/assessment`, ca, { 'x-api-key': key })).status, 401);
  });

  it('issuance and revocation are audited with the person as actor; the key and token are in no audit entry and nowhere in the store', async function () {
    this.timeout(30_000);
    const entries = await waitFor('the api.key-revoked entry', () => {
      const all = auditEntries(store);
      return all.some((e) => e.kind === 'api.key-revoked') ? all : undefined;
    }, 15_000, 250);
    const created = entries.find((e) => e.kind === 'api.key-created' && e.subject.id === keyId);
    const issued = entries.find((e) => e.kind === 'api.token-issued');
    const revoked = entries.find((e) => e.kind === 'api.key-revoked' && e.subject.id === keyId);
    for (const e of [created, issued, revoked]) {
      assert.ok(e, JSON.stringify(entries.slice(0, 10)));
      assert.ok(['github', 'microsoft', 'os-user'].includes(e.actor.provider), `the actor is a person: ${JSON.stringify(e.actor)}`);
    }
    assert.deepEqual(created!.payload, { name: 'e2e pipeline', role: 'installer' });
    assert.equal(issued!.payload['role'], 'compliance');
    assert.equal(typeof issued!.payload['jti'], 'string');
    // mcpo_<12-char id>_<43-char secret>: the secret is base64url and may itself hold '_', so it is
    // taken by position (split('_') could leave a fragment of a few characters, found in any PEM by chance).
    const secretPart = key.slice('mcpo_'.length + 12 + 1);
    assert.equal(secretPart.length, 43);
    const tokenSig = token.split('.')[2]!;
    for (const f of filesUnder(store)) {
      const text = readFileSync(f).toString('latin1');
      assert.ok(!text.includes(secretPart), `the API key is in ${f}`);
      assert.ok(!text.includes(tokenSig), `the token is in ${f}`);
    }
    assert.equal(existsSync(join(store, 'api', 'api-keys.json')), false, 'API key records are in SecretStorage, not the store');
    assert.equal(existsSync(join(store, 'api', 'api-token.key.pem')), false, 'the token-signing key is in SecretStorage, not the store');
  });

  it('Stop closes the port (connection refused)', async function () {
    this.timeout(30_000);
    const after = (await vscode.commands.executeCommand('mcpOversight.stopApi', {})) as ApiStatus;
    assert.deepEqual(after, { running: false });
    await refused(`${api.url}/health`, ca);
  });

  it('the Start command starts it again with the same certificate; turning the setting off stops it', async function () {
    this.timeout(60_000);
    const again = (await vscode.commands.executeCommand('mcpOversight.startApi', {})) as ApiStatus;
    assert.ok(again.running);
    assert.equal(again.fingerprint256, api.fingerprint256, 'the generated certificate is reused');
    assert.equal((await get(`${again.url}/health`, ca)).status, 200);
    await cfg().update('api.enabled', false, vscode.ConfigurationTarget.Global);
    await waitFor('the API to stop', async () => !(await status()).running, 30_000, 250);
    await refused(`${again.url}/health`, ca);
  });
});
