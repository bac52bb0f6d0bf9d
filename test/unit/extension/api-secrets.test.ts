import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ApiKeyStore } from '../../../src/api/auth/api-keys';
import { apiSigningKeyFromPem, newApiSigningKeyPem } from '../../../src/api/auth/jwt-keys';
import { apiSecretNames, loadOrCreateSigningKeyPem, SecretStorageKeyPersistence, type SecretStorageLike } from '../../../src/extension/http-api/api-secrets';

/** vscode.SecretStorage in memory: one map per profile, shared by every "window" given it; change events like VS Code's. */
function fakeSecretStorage(): SecretStorageLike & { map: Map<string, string>; listeners: number; puts: number } {
  const map = new Map<string, string>();
  const listeners = new Set<(e: { key: string }) => unknown>();
  const s = {
    map,
    puts: 0,
    get listeners() {
      return listeners.size;
    },
    get: async (key: string) => map.get(key),
    store: async (key: string, value: string) => {
      map.set(key, value);
      s.puts++;
      // VS Code reports the change a moment later, to every window of the profile.
      setImmediate(() => listeners.forEach((l) => l({ key })));
    },
    onDidChange: (l: (e: { key: string }) => unknown) => {
      listeners.add(l);
      return { dispose: () => listeners.delete(l) };
    },
  };
  return s;
}

const tick = () => new Promise((r) => setImmediate(r));

describe('API secrets in VS Code SecretStorage', () => {
  it('names are per workspace store: different folders never share keys, the same folder (however written) does', () => {
    const a = apiSecretNames('/home/me/.vscode/workspaceStorage/aaa/mcp-oversight.mcp-oversight');
    const b = apiSecretNames('/home/me/.vscode/workspaceStorage/bbb/mcp-oversight.mcp-oversight');
    assert.notEqual(a.apiKeys, b.apiKeys);
    assert.notEqual(a.signingKey, b.signingKey);
    assert.notEqual(a.apiKeys, a.signingKey);
    assert.deepEqual(apiSecretNames('/home/me/.vscode/workspaceStorage/aaa/x/../mcp-oversight.mcp-oversight'), a);
    assert.match(a.apiKeys, /^mcpOversight\.api\/[0-9a-f]{32}\/api-keys$/);
    assert.ok(!a.apiKeys.includes('home'), 'the path itself is not in the name');
  });

  it('API keys round-trip through SecretStorage as hashes only; the key itself is never stored', async () => {
    const secrets = fakeSecretStorage();
    const p = new SecretStorageKeyPersistence(secrets, apiSecretNames('/s/one').apiKeys);
    const keys = await ApiKeyStore.open(p);
    const { key, record } = await keys.create({ name: 'CI pipeline', role: 'installer', createdBy: 'me' });
    const stored = [...secrets.map.values()].join('\n');
    assert.ok(!stored.includes(key), 'the key is not in SecretStorage');
    // mcpo_<12-char id>_<43-char secret>, taken by position: the base64url secret may itself hold '_',
    // and split('_') would then leave a fragment short enough to turn up in the stored JSON by chance.
    const secretPart = key.slice('mcpo_'.length + 12 + 1);
    assert.equal(secretPart.length, 43);
    assert.ok(!stored.includes(secretPart), 'nor its secret part');
    assert.match(stored, new RegExp(record.id));
    // Another window (another persistence on the same SecretStorage) reads the same records.
    const again = await ApiKeyStore.open(new SecretStorageKeyPersistence(secrets, apiSecretNames('/s/one').apiKeys));
    assert.equal((await again.verify(key))?.id, record.id);
    // Another workspace sees none of them.
    const other = await ApiKeyStore.open(new SecretStorageKeyPersistence(secrets, apiSecretNames('/s/two').apiKeys));
    assert.deepEqual(await other.list(), []);
    assert.equal(await other.verify(key), undefined);
    p.dispose();
  });

  it('version changes on every save here and on every change SecretStorage reports, so a running API sees a revocation made elsewhere', async () => {
    const secrets = fakeSecretStorage();
    const name = apiSecretNames('/s/one').apiKeys;
    let t = Date.parse('2026-05-01T10:00:00Z');
    const clock = { now: () => new Date(t) };
    const serving = new SecretStorageKeyPersistence(secrets, name);
    const running = await ApiKeyStore.open(serving, { ...clock, reloadIntervalMs: 1000 });
    const { key, record } = await running.create({ name: 'bot', role: 'compliance' });
    const v0 = await serving.version();
    // The other window revokes it.
    const elsewhere = new SecretStorageKeyPersistence(secrets, name);
    await (await ApiKeyStore.open(elsewhere, clock)).revoke(record.id);
    await tick();
    assert.notEqual(await serving.version(), v0, 'the change event moved the version');
    t += 1500;
    assert.equal(await running.verify(key), undefined, 'refused after the reload interval');
    // A change to another secret name does not count.
    const v1 = await serving.version();
    await secrets.store(apiSecretNames('/s/two').apiKeys, '{}');
    await tick();
    assert.equal(await serving.version(), v1);
    serving.dispose();
    elsewhere.dispose();
    assert.equal(secrets.listeners, 0, 'dispose stops listening');
  });

  it('exclusive runs one change at a time, also after a failure', async () => {
    const p = new SecretStorageKeyPersistence(fakeSecretStorage(), 'n');
    const order: string[] = [];
    const slow = p.exclusive(async () => {
      order.push('a<');
      await new Promise((r) => setTimeout(r, 20));
      order.push('a>');
      throw new Error('a failed');
    });
    const next = p.exclusive(async () => {
      order.push('b');
      return 2;
    });
    await assert.rejects(slow, /a failed/);
    assert.equal(await next, 2);
    assert.deepEqual(order, ['a<', 'a>', 'b']);
  });

  it('the token-signing key is made once and kept: later loads and a racing window get the same one', async () => {
    const secrets = fakeSecretStorage();
    const name = apiSecretNames('/s/one').signingKey;
    let made = 0;
    const create = () => (made++, newApiSigningKeyPem());
    const first = await loadOrCreateSigningKeyPem(secrets, name, create);
    const second = await loadOrCreateSigningKeyPem(secrets, name, create);
    assert.equal(first, second);
    assert.equal(made, 1);
    assert.equal(apiSigningKeyFromPem(first).privateKey.asymmetricKeyType, 'ed25519');
    // Two windows on first use: both end with what was kept.
    const fresh = fakeSecretStorage();
    const [x, y] = await Promise.all([loadOrCreateSigningKeyPem(fresh, name, newApiSigningKeyPem), loadOrCreateSigningKeyPem(fresh, name, newApiSigningKeyPem)]);
    assert.equal(x, y);
    assert.equal(fresh.map.get(name), x);
  });
});
