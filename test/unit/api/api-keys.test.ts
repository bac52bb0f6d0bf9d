import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { createHash } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, statSync, unlinkSync, writeFileSync } from 'node:fs';
import { hostname, tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { fileKeyPersistence } from '../../../src/api/auth/api-key-file';
import { API_KEY_PREFIX, ApiKeyStore, parseApiKey, type ApiKeyPersistence } from '../../../src/api/auth/api-keys';
import { isOversightError } from '../../../src/core/errors';

const posix = process.platform !== 'win32';
const T0 = Date.parse('2026-05-01T10:00:00.000Z');

/** A clock tests move by hand. */
function fakeClock(start = T0) {
  let t = start;
  return { now: () => new Date(t), advance: (ms: number) => void (t += ms) };
}

/** An in-memory port that counts saves; `version` changes on each save. */
function memoryPersistence(initial?: string): ApiKeyPersistence & { text: string | undefined; saves: number } {
  let n = 0;
  const p = {
    location: 'memory',
    text: initial,
    saves: 0,
    load: async () => p.text,
    save: async (text: string) => {
      p.text = text;
      p.saves++;
      n++;
    },
    version: async () => String(n),
  };
  return p;
}

function rejectsWith(code: string, pattern: RegExp) {
  return (e: unknown) => {
    assert.ok(isOversightError(e), `expected an OversightError, got ${String(e)}`);
    assert.equal(e.code, code);
    assert.match(e.message, pattern);
    return true;
  };
}

describe('ApiKeyStore', () => {
  let tmp: string;
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'oversight-apikeys-'));
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));
  let n = 0;
  const freshFile = () => join(tmp, `case-${++n}`, 'api', 'api-keys.json');

  it('creates a key that verifies, in the documented format, with a record that holds no hash', async () => {
    const store = await ApiKeyStore.open(memoryPersistence(), { now: fakeClock().now });
    const { key, record } = await store.create({ name: '  CI pipeline ', role: 'installer', createdBy: 'alice' });
    assert.match(key, /^mcpo_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/);
    assert.ok(key.startsWith(API_KEY_PREFIX));
    assert.deepEqual(parseApiKey(key), { id: record.id });
    assert.deepEqual(record, { id: record.id, name: 'CI pipeline', role: 'installer', createdAt: new Date(T0).toISOString(), createdBy: 'alice' });
    assert.equal('hash' in record, false);
    assert.deepEqual(await store.verify(key), record);
    assert.deepEqual(await store.list(), [record]);
  });

  it('gives every key its own id and secret', async () => {
    const store = await ApiKeyStore.open(memoryPersistence());
    const keys = await Promise.all(Array.from({ length: 20 }, (_, i) => store.create({ name: `k${i}`, role: 'compliance' })));
    assert.equal(new Set(keys.map((k) => k.record.id)).size, 20);
    assert.equal(new Set(keys.map((k) => k.key.slice(18))).size, 20);
    for (const k of keys) assert.equal((await store.verify(k.key))?.id, k.record.id);
  });

  it('refuses a revoked key; revoking twice changes nothing; an unknown id is INVALID_ARGUMENT', async () => {
    const clock = fakeClock();
    const store = await ApiKeyStore.open(memoryPersistence(), { now: clock.now });
    const { key, record } = await store.create({ name: 'bot', role: 'admin' });
    clock.advance(5000);
    const revoked = await store.revoke(record.id);
    assert.equal(revoked.revokedAt, new Date(T0 + 5000).toISOString());
    assert.equal(await store.verify(key), undefined);
    clock.advance(5000);
    assert.deepEqual(await store.revoke(record.id), revoked);
    assert.equal((await store.list())[0]?.revokedAt, revoked.revokedAt, 'revoked keys stay listed');
    await assert.rejects(store.revoke('zzzzzzzzzzzz'), rejectsWith('INVALID_ARGUMENT', /No API key has the id "zzzzzzzzzzzz"/));
  });

  it('refuses the right id with a wrong secret, and any one-character change of the key', async () => {
    const store = await ApiKeyStore.open(memoryPersistence());
    const { key } = await store.create({ name: 'bot', role: 'human_oversight' });
    const other = await store.create({ name: 'other', role: 'human_oversight' });
    const id = parseApiKey(key)!.id;
    assert.equal(await store.verify(`${API_KEY_PREFIX}${id}_${other.key.slice(-43)}`), undefined);
    for (let i = 0; i < key.length; i++) {
      const c = key[i] === 'A' ? 'B' : 'A';
      assert.equal(await store.verify(key.slice(0, i) + c + key.slice(i + 1)), undefined, `changed at ${i}`);
    }
    assert.equal(await store.verify(key + 'A'), undefined);
    assert.equal(await store.verify(key.slice(0, -1)), undefined);
    assert.equal(await store.verify(` ${key}`), undefined);
    assert.equal(await store.verify(key.toUpperCase()), undefined);
  });

  it('property: nothing but the key verifies, and verify never throws, whatever it is given', async () => {
    const store = await ApiKeyStore.open(memoryPersistence());
    const { key } = await store.create({ name: 'bot', role: 'admin' });
    const id = parseApiKey(key)!.id;
    const b64url = fc.constantFrom(...'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789-_');
    const candidates = fc.oneof(
      fc.string({ unit: 'binary', maxLength: 200 }),
      fc.string({ unit: 'grapheme', minLength: 61, maxLength: 61 }),
      fc.string({ unit: b64url, minLength: 43, maxLength: 43 }).map((s) => `${API_KEY_PREFIX}${id}_${s}`),
      fc.tuple(fc.nat({ max: key.length - 1 }), fc.string({ unit: 'binary', minLength: 1, maxLength: 3 })).map(([i, s]) => key.slice(0, i) + s + key.slice(i + 1)),
    );
    await fc.assert(
      fc.asyncProperty(candidates, async (s) => {
        fc.pre(s !== key);
        assert.equal(await store.verify(s), undefined);
      }),
      { numRuns: 2000 },
    );
    await fc.assert(
      fc.asyncProperty(fc.anything(), async (v) => {
        assert.equal(await store.verify(v), undefined);
      }),
      { numRuns: 300 },
    );
    assert.equal((await store.verify(key))?.id, id);
  });

  it('checks names and roles', async () => {
    const store = await ApiKeyStore.open(memoryPersistence());
    const bad: [unknown, RegExp][] = [
      ['', /must not be empty/],
      ['   ', /must not be empty/],
      ['x'.repeat(101), /at most 100 characters/],
      ['a\nb', /printable/],
      ['evil\u202Egnp.exe', /printable/],
      ['zero\u200Bwidth', /printable/],
      ['nul\u0000', /printable/],
      [42, /expected string/],
    ];
    for (const [name, message] of bad) {
      await assert.rejects(store.create({ name: name as string, role: 'admin' }), rejectsWith('INVALID_ARGUMENT', message));
    }
    await assert.rejects(store.create({ name: 'ok', role: 'root' as 'admin' }), rejectsWith('INVALID_ARGUMENT', /role must be one of installer, compliance, human_oversight, admin/));
    await assert.rejects(store.create({ name: 'ok', role: 'admin', createdBy: '\u0007' }), rejectsWith('INVALID_ARGUMENT', /createdBy/));
    assert.equal((await store.create({ name: 'Déploiement — nuit 🌙', role: 'admin' })).record.name, 'Déploiement — nuit 🌙');
    assert.equal((await store.create({ name: 'x'.repeat(100), role: 'admin' })).record.name.length, 100);
    assert.equal((await store.list()).length, 2);
  });

  describe('in a file', () => {
    it('never stores the key, only its SHA-256 (folder 0700, file 0600)', async () => {
      const file = freshFile();
      const store = await ApiKeyStore.open(fileKeyPersistence(file));
      const { key, record } = await store.create({ name: 'bot', role: 'installer' });
      const text = readFileSync(file, 'utf8');
      const secret = key.slice(-43);
      assert.equal(text.includes(key), false);
      assert.equal(text.includes(secret), false);
      assert.equal(text.includes(secret.slice(0, 16)), false);
      const stored = JSON.parse(text) as { version: number; keys: { id: string; hash: string }[] };
      assert.equal(stored.version, 1);
      assert.equal(stored.keys[0]?.id, record.id);
      assert.equal(stored.keys[0]?.hash, createHash('sha256').update(key).digest('hex'));
      if (posix) {
        assert.equal(statSync(file).mode & 0o777, 0o600);
        assert.equal(statSync(join(file, '..')).mode & 0o777, 0o700);
      }
      // A fresh process sees the same key.
      const reopened = await ApiKeyStore.open(fileKeyPersistence(file));
      assert.equal((await reopened.verify(key))?.id, record.id);
    });

    it('persists last use on flush', async () => {
      const file = freshFile();
      const clock = fakeClock();
      const store = await ApiKeyStore.open(fileKeyPersistence(file), { now: clock.now });
      const { key, record } = await store.create({ name: 'bot', role: 'installer' });
      assert.ok(await store.verify(key));
      clock.advance(1234);
      store.touch(record.id);
      const usedAt = new Date(T0 + 1234).toISOString();
      assert.equal((await store.list())[0]?.lastUsedAt, usedAt, 'seen at once in this process');
      assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { keys: { lastUsedAt?: string }[] }).keys[0]?.lastUsedAt, undefined, 'not written yet');
      await store.flush();
      assert.equal((JSON.parse(readFileSync(file, 'utf8')) as { keys: { lastUsedAt?: string }[] }).keys[0]?.lastUsedAt, usedAt);
      assert.equal((await (await ApiKeyStore.open(fileKeyPersistence(file))).list())[0]?.lastUsedAt, usedAt);
    });

    it('a corrupt file is a clear error naming it, and is never overwritten', async () => {
      const file = freshFile();
      const store = await ApiKeyStore.open(fileKeyPersistence(file));
      const { record } = await store.create({ name: 'bot', role: 'installer' });
      const good = readFileSync(file, 'utf8');
      const cases: [string, RegExp][] = [
        ['{"version": 1, "keys": [', /is not valid JSON .*Fix it, or delete it/],
        [good.replace('"installer"', '"superuser"'), /is not a valid API key store at keys\.0\.role.*Fix it, or delete it/],
        [good.replace(/"hash": "[0-9a-f]+"/, '"hash": "nope"'), /at keys\.0\.hash/],
        [JSON.stringify({ version: 1, keys: [...(JSON.parse(good) as { keys: unknown[] }).keys, ...(JSON.parse(good) as { keys: unknown[] }).keys] }), /lists the API key id .* twice/],
        [JSON.stringify({ version: 2, keys: [] }), /written by a newer MCP Oversight/],
        ['null', /is not a valid API key store/],
      ];
      for (const [text, message] of cases) {
        writeFileSync(file, text);
        await assert.rejects(ApiKeyStore.open(fileKeyPersistence(file)), rejectsWith('io', new RegExp(`${file.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}.*${message.source}`)));
        await assert.rejects(store.revoke(record.id), rejectsWith('io', message));
        await assert.rejects(store.create({ name: 'x', role: 'admin' }), rejectsWith('io', message));
        assert.equal(readFileSync(file, 'utf8'), text, 'left as it was');
      }
    });

    it('keeps serving the keys it has when the file turns corrupt under it, and says so once', async () => {
      const file = freshFile();
      const clock = fakeClock();
      const logs: string[] = [];
      const store = await ApiKeyStore.open(fileKeyPersistence(file), { now: clock.now, log: (m) => logs.push(m) });
      const { key } = await store.create({ name: 'bot', role: 'installer' });
      writeFileSync(file, 'not json');
      for (let i = 0; i < 3; i++) {
        clock.advance(1001);
        assert.ok(await store.verify(key));
      }
      assert.equal(logs.length, 1);
      assert.match(logs[0]!, /is not valid JSON.*Still using the API keys loaded before/);
    });

    it('a revocation by another store (another process) takes effect here within the reload interval', async () => {
      const file = freshFile();
      const clock = fakeClock();
      const server = await ApiKeyStore.open(fileKeyPersistence(file), { now: clock.now });
      const { key, record } = await server.create({ name: 'bot', role: 'installer' });
      assert.ok(await server.verify(key));

      const cli = await ApiKeyStore.open(fileKeyPersistence(file));
      assert.ok((await cli.revoke(record.id)).revokedAt);
      clock.advance(500);
      assert.ok(await server.verify(key), 'within the interval the last state is used (no I/O per request)');
      clock.advance(501);
      assert.equal(await server.verify(key), undefined);
      assert.ok((await server.list())[0]?.revokedAt);

      // A key created elsewhere is accepted here the same way.
      const created = await cli.create({ name: 'new', role: 'compliance' });
      clock.advance(1001);
      assert.equal((await server.verify(created.key))?.id, created.record.id);
    });

    it('reload() picks up another process’s change at once; deleting the file removes every key', async () => {
      const file = freshFile();
      const server = await ApiKeyStore.open(fileKeyPersistence(file), { reloadIntervalMs: 60_000 });
      const { key, record } = await server.create({ name: 'bot', role: 'installer' });
      await (await ApiKeyStore.open(fileKeyPersistence(file))).revoke(record.id);
      assert.ok(await server.verify(key));
      await server.reload();
      assert.equal(await server.verify(key), undefined);

      const fresh = await server.create({ name: 'again', role: 'installer' });
      unlinkSync(file);
      await server.reload();
      assert.equal(await server.verify(fresh.key), undefined);
      assert.deepEqual(await server.list(), []);
    });

    it('last-use times written by one process do not undo another’s revocation', async () => {
      const file = freshFile();
      const clock = fakeClock();
      const server = await ApiKeyStore.open(fileKeyPersistence(file), { now: clock.now, reloadIntervalMs: 60_000 });
      const a = await server.create({ name: 'a', role: 'installer' });
      const b = await server.create({ name: 'b', role: 'installer' });
      clock.advance(10);
      server.touch(a.record.id);
      server.touch(b.record.id);
      await (await ApiKeyStore.open(fileKeyPersistence(file))).revoke(a.record.id);
      await server.flush(); // the server has not reloaded yet: its flush must merge, not overwrite
      const stored = (JSON.parse(readFileSync(file, 'utf8')) as { keys: { id: string; revokedAt?: string; lastUsedAt?: string }[] }).keys;
      const byId = new Map(stored.map((k) => [k.id, k]));
      assert.ok(byId.get(a.record.id)?.revokedAt, 'revocation kept');
      assert.equal(byId.get(a.record.id)?.lastUsedAt, new Date(T0 + 10).toISOString());
      assert.equal(byId.get(b.record.id)?.lastUsedAt, new Date(T0 + 10).toISOString());
      assert.equal(await server.verify(a.key), undefined, 'the flush brought the revocation in');
    });

    it('two stores creating at the same time over one file lose nothing (the lock)', async () => {
      const file = freshFile();
      const one = await ApiKeyStore.open(fileKeyPersistence(file));
      const two = await ApiKeyStore.open(fileKeyPersistence(file));
      const made = await Promise.all(Array.from({ length: 10 }, (_, i) => (i % 2 === 0 ? one : two).create({ name: `k${i}`, role: 'installer' })));
      const third = await ApiKeyStore.open(fileKeyPersistence(file));
      assert.equal((await third.list()).length, 10);
      for (const m of made) assert.equal((await third.verify(m.key))?.id, m.record.id);
    });

    it('takes over a lock left by a process that is gone; waits for, then reports, a live one', async () => {
      const file = freshFile();
      const store = await ApiKeyStore.open(fileKeyPersistence(file, { lockTimeoutMs: 300 }));
      mkdirSync(dirname(file), { recursive: true });
      const dead = spawnSync(process.execPath, ['-e', '']).pid;
      writeFileSync(`${file}.lock`, JSON.stringify({ pid: dead, host: hostname(), since: new Date().toISOString() }));
      await store.create({ name: 'after a crash', role: 'admin' });
      assert.throws(() => statSync(`${file}.lock`), /ENOENT/, 'released');

      writeFileSync(`${file}.lock`, JSON.stringify({ pid: process.pid, host: hostname(), since: new Date().toISOString() }));
      await assert.rejects(store.create({ name: 'blocked', role: 'admin' }), rejectsWith('io', /locked by another process .*api-keys\.json\.lock.*delete that file/));
      unlinkSync(`${file}.lock`);
      assert.equal((await store.list()).length, 1);
    });
  });

  describe('touch', () => {
    it('writes last-use times at most once per interval, however often keys are used', async () => {
      const p = memoryPersistence();
      const store = await ApiKeyStore.open(p, { touchPersistIntervalMs: 50 });
      const { record } = await store.create({ name: 'bot', role: 'installer' });
      const saves = p.saves;
      const started = Date.now();
      for (let i = 0; i < 50; i++) store.touch(record.id);
      assert.equal(p.saves, saves, 'nothing written at once');
      while (p.saves === saves && Date.now() - started < 5000) await sleep(5);
      assert.ok(Date.now() - started >= 45, 'not before the interval');
      await sleep(100);
      assert.equal(p.saves, saves + 1, 'one write for fifty uses');
      assert.ok((JSON.parse(p.text!) as { keys: { lastUsedAt?: string }[] }).keys[0]?.lastUsedAt);
      await store.flush();
      assert.equal(p.saves, saves + 1, 'nothing pending, nothing written');
    });

    it('a clock set back neither stops reloads nor postpones the write', async () => {
      const clock = fakeClock();
      const p = memoryPersistence();
      const store = await ApiKeyStore.open(p, { now: clock.now, touchPersistIntervalMs: 30 });
      const { key, record } = await store.create({ name: 'bot', role: 'installer' });
      const other = await ApiKeyStore.open(p);
      await other.revoke(record.id);
      clock.advance(-3_600_000);
      assert.equal(await store.verify(key), undefined, 'reloaded although the clock went back');
      const saves = p.saves;
      store.touch(record.id);
      const started = Date.now();
      while (p.saves === saves && Date.now() - started < 5000) await sleep(5);
      assert.equal(p.saves, saves + 1);
    });

    it('ignores unknown ids, and flush clears the timer', async () => {
      const p = memoryPersistence();
      const store = await ApiKeyStore.open(p, { touchPersistIntervalMs: 10 });
      store.touch('nosuchkeyid2');
      await sleep(30);
      assert.equal(p.saves, 0);
      const { record } = await store.create({ name: 'bot', role: 'installer' });
      store.touch(record.id);
      await store.flush();
      assert.equal(p.saves, 2);
      await sleep(30);
      assert.equal(p.saves, 2, 'the timer was cleared');
    });
  });
});
