import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import type { ApiKeyPersistence } from '../../../src/api/auth/api-keys';
import { ApiKeyStore } from '../../../src/api/auth/api-keys';
import { createAuthenticator, type ApiKeyVerifier, type TokenVerifier } from '../../../src/api/authenticator';
import type { Principal } from '../../../src/api/permissions';
import { isOversightError } from '../../../src/core/errors';
import { bearer, call, startHarness } from './support/api-harness';

/**
 * The authenticator remembers, per connection, the credential it last accepted there: the same header
 * again on that connection is answered without verifying it again, but only while the acceptance stands
 * (a revoked or replaced key, here or in another process, an expired token: verified again, refused).
 */
const T0 = Date.parse('2026-06-01T12:00:00Z');

/** A port shared by two stores (two processes); `version` changes on each save. */
function sharedPersistence(): ApiKeyPersistence {
  let text: string | undefined;
  let n = 0;
  return { location: 'memory', load: async () => text, save: async (t) => void ((text = t), n++), version: async () => String(n) };
}

/** The store's verify, counted. */
function counted(store: ApiKeyStore): { keys: ApiKeyVerifier; verifies: () => number; touches: string[] } {
  let n = 0;
  const touches: string[] = [];
  return {
    keys: {
      verify: (k) => (n++, store.verify(k)),
      touch: (id) => (touches.push(id), store.touch(id)),
      isCurrent: (m) => store.isCurrent(m as never),
    },
    verifies: () => n,
    touches,
  };
}

async function reason(p: unknown): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(isOversightError(e), String(e));
    return String(e.details['reason']);
  }
  assert.fail('accepted');
}

describe('authenticator: the credential accepted on a connection', () => {
  it('an API key sent again on the same connection is answered at once (no promise, no verify), and each use is still touched', async () => {
    let now = T0;
    const store = await ApiKeyStore.open(sharedPersistence(), { now: () => new Date(now) });
    const { key, record } = await store.create({ name: 'bot', role: 'installer' });
    const c = counted(store);
    const auth = createAuthenticator({ apiKeys: c.keys });
    const conn = {};
    const first = auth({ apiKey: key }, conn);
    assert.ok(first instanceof Promise);
    const p = await first;
    const again = auth({ apiKey: key }, conn);
    assert.equal(again, p, 'the same frozen principal, synchronously');
    now += 500;
    assert.equal(auth({ apiKey: key }, conn), p);
    assert.equal(c.verifies(), 1);
    assert.deepEqual(c.touches, [record.id, record.id, record.id]);
    // Another connection, or no connection: verified on its own.
    assert.equal(await auth({ apiKey: key }, {}), p);
    assert.equal(await auth({ apiKey: key }), p);
    assert.equal(c.verifies(), 3);
  });

  it('only the very header accepted: another key, the same key in the other header, or both headers are checked afresh', async () => {
    const store = await ApiKeyStore.open(sharedPersistence());
    const a = await store.create({ name: 'a', role: 'installer' });
    const b = await store.create({ name: 'b', role: 'admin' });
    const c = counted(store);
    const auth = createAuthenticator({ apiKeys: c.keys });
    const conn = {};
    await auth({ apiKey: a.key }, conn);
    assert.equal((await auth({ apiKey: b.key }, conn)).role, 'admin');
    assert.equal(c.verifies(), 2);
    assert.equal((await auth({ authorization: `Bearer ${b.key}` }, conn)).role, 'admin');
    assert.equal(c.verifies(), 3, 'Authorization after X-API-Key: verified');
    assert.equal(await reason(auth({ authorization: `Bearer ${b.key}`, apiKey: b.key }, conn)), 'ambiguous');
    const wrong = b.key.slice(0, -1) + (b.key.endsWith('A') ? 'B' : 'A');
    assert.equal(await reason(auth({ apiKey: wrong }, conn)), 'invalid-api-key');
    const spaced = auth({ apiKey: ` ${b.key}` }, conn);
    assert.ok(spaced instanceof Promise, 'a header that differs (here by a space) is verified, not remembered');
    assert.equal((await spaced).role, 'admin');
  });

  it('a verifier whose isCurrent throws: the credential is checked afresh, never a synchronous throw', async () => {
    const store = await ApiKeyStore.open(sharedPersistence());
    const { key } = await store.create({ name: 'bot', role: 'installer' });
    let verifies = 0;
    const auth = createAuthenticator({ apiKeys: { verify: (k) => (verifies++, store.verify(k)), touch: (id) => store.touch(id), isCurrent: () => assert.fail('broken isCurrent') } });
    const conn = {};
    await auth({ apiKey: key }, conn);
    const again = auth({ apiKey: key }, conn);
    assert.ok(again instanceof Promise);
    assert.equal((await again).role, 'installer');
    assert.equal(verifies, 2);
  });

  it('a key revoked in this process is refused on the connection that used it, on its next request', async () => {
    const store = await ApiKeyStore.open(sharedPersistence());
    const { key, record } = await store.create({ name: 'bot', role: 'installer' });
    const auth = createAuthenticator({ apiKeys: store });
    const conn = {};
    await auth({ apiKey: key }, conn);
    assert.ok(!(auth({ apiKey: key }, conn) instanceof Promise));
    await store.revoke(record.id);
    assert.equal(await reason(auth({ apiKey: key }, conn)), 'invalid-api-key');
    assert.equal(await reason(auth({ apiKey: key }, conn)), 'invalid-api-key');
  });

  it('a key revoked by another process is refused within the store reload interval, as verify would', async () => {
    let now = T0;
    const shared = sharedPersistence();
    const serving = await ApiKeyStore.open(shared, { now: () => new Date(now), reloadIntervalMs: 1000 });
    const { key, record } = await serving.create({ name: 'bot', role: 'installer' });
    const cli = await ApiKeyStore.open(shared, { now: () => new Date(now) });
    const auth = createAuthenticator({ apiKeys: serving });
    const conn = {};
    now += 1000;
    await auth({ apiKey: key }, conn);
    await cli.revoke(record.id);
    now += 999;
    assert.ok(!(auth({ apiKey: key }, conn) instanceof Promise), 'within the interval: as verify, not seen yet');
    now += 1;
    assert.equal(await reason(auth({ apiKey: key }, conn)), 'invalid-api-key');
  });

  it('a token is remembered no longer than the token cache would answer for it (its exp here), then verified again', async () => {
    let now = T0;
    let calls = 0;
    const tokens: TokenVerifier = {
      async verify() {
        calls++;
        if (now >= T0 + 10_000) throw Object.assign(new Error('expired'), { reason: 'expired' });
        return { id: 'jwt:alice', label: 'alice', role: 'installer', via: 'jwt' } satisfies Principal;
      },
    };
    const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
    const token = `${b64({ alg: 'EdDSA' })}.${b64({ sub: 'alice', exp: T0 / 1000 + 10 })}.c2ln`;
    const auth = createAuthenticator({ tokens, now: () => now });
    const conn = {};
    const p = await auth({ authorization: `Bearer ${token}` }, conn);
    now = T0 + 9_999;
    assert.equal(auth({ authorization: `Bearer ${token}` }, conn), p);
    now = T0 + 10_000;
    assert.equal(await reason(auth({ authorization: `Bearer ${token}` }, conn)), 'expired');
    assert.equal(calls, 2);
    now = T0 - 1; // a clock set back before the verification: verified again, not remembered
    const back = auth({ authorization: `Bearer ${token}` }, conn);
    assert.ok(back instanceof Promise);
    assert.deepEqual(await back, p);
    assert.equal(calls, 3);
  });

  it('with the token cache turned off (size 0), nothing is remembered per connection either', async () => {
    let calls = 0;
    const tokens: TokenVerifier = { verify: async () => (calls++, { id: 'jwt:a', label: 'a', role: 'installer', via: 'jwt' }) };
    const token = `${Buffer.from('{}').toString('base64url')}.${Buffer.from(JSON.stringify({ exp: T0 / 1000 + 60 })).toString('base64url')}.c2ln`;
    const auth = createAuthenticator({ tokens, now: () => T0, tokenCacheSize: 0 });
    const conn = {};
    await auth(bearer(token), conn);
    assert.ok(auth(bearer(token), conn) instanceof Promise);
    await auth(bearer(token), conn);
    assert.equal(calls, 3);
  });

  it('only a header equal to the accepted one matches (fuzzed near-misses never do)', async () => {
    const store = await ApiKeyStore.open(sharedPersistence());
    const { key } = await store.create({ name: 'bot', role: 'installer' });
    const auth = createAuthenticator({ apiKeys: store });
    const conn = {};
    await auth({ apiKey: key }, conn);
    await fc.assert(
      fc.asyncProperty(fc.nat(key.length - 1), fc.string({ minLength: 1, maxLength: 1 }), async (i, ch) => {
        const other = key.slice(0, i) + ch + key.slice(i + 1);
        const r = auth({ apiKey: other }, conn);
        if (other === key) assert.ok(!(r instanceof Promise));
        else {
          assert.ok(r instanceof Promise, 'a changed key is verified, not remembered');
          await reason(r);
          await auth({ apiKey: key }, conn); // remembered again for the next run
        }
      }),
      { numRuns: 300 },
    );
  });

  it('over HTTP: one keep-alive connection, its key revoked between two requests -> 401 on that connection', async () => {
    const h = await startHarness();
    try {
      const { key, record } = await h.keys.create({ name: 'soon revoked', role: 'installer' });
      const sockets = new Set<unknown>();
      for (let i = 0; i < 3; i++) {
        const r = await call(h.port, 'GET', '/api/v1/status/assessment', { headers: { 'x-api-key': key }, onSocket: (s) => sockets.add(s) });
        assert.equal(r.status, 200, r.text);
      }
      await h.keys.revoke(record.id);
      const refused = await call(h.port, 'GET', '/api/v1/status/assessment', { headers: { 'x-api-key': key }, onSocket: (s) => sockets.add(s) });
      assert.equal(refused.status, 401, refused.text);
      assert.equal((refused.json() as { details?: { reason?: string } }).details?.reason, 'invalid-api-key');
      assert.equal(sockets.size, 1, 'every request went over the one connection');
    } finally {
      await h.close();
    }
  });
});
