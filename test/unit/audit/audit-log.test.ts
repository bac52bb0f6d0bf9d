import assert from 'node:assert/strict';
import fs, { appendFileSync, readdirSync, readFileSync, readlinkSync, writeFileSync } from 'node:fs';
import { hostname } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { SYSTEM_ACTOR } from '../../../src/core/audit/audit-entry';
import { isOversightError } from '../../../src/core/errors';
import { AuditLog, verifyAuditStore } from '../../../src/coordinator/audit/audit-log';
import { ALICE, BOB, fileHandlePrototype, HMAC_KEY, input, KEYS, openLog, tempDir } from './helpers';

const TOKEN = 'ghp_' + 'Zq8rT2vW9xY4bN6mK1pL3sD5fG7hJ0aQ2wE4';

function allFiles(dir: string): string {
  return readdirSync(dir)
    .map((f) => readFileSync(join(dir, f), 'latin1'))
    .join('\n');
}

describe('AuditLog', () => {
  it('group commit: 64 concurrent appends go out in a few writes and fdatasyncs, in call order', async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir, { durable: true });
    await log.append(input(0)); // the first batch is alone; the rest queue behind it
    const entries = await Promise.all(Array.from({ length: 64 }, (_, i) => log.append(input(i + 1))));
    assert.deepEqual(
      entries.map((e) => e.seq),
      Array.from({ length: 64 }, (_, i) => i + 2),
    );
    assert.deepEqual(
      entries.map((e) => e.subject.id),
      Array.from({ length: 64 }, (_, i) => `ap-${i + 1}`),
    );
    const s = log.stats;
    assert.equal(s.appends, 65);
    assert.ok(s.syncs <= 3, `${s.syncs} fdatasyncs for 65 appends`);
    assert.equal(s.writes, s.syncs);
    await log.close();
    assert.equal((await verifyAuditStore(dir, KEYS.publicKey)).ok, true);
  });

  it("until 'written' resolves once the line is in the file; a sync in progress holds neither writes nor them, only durable appends", async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir, { durable: true });
    await log.append(input(0)); // opens the segment
    // Every fdatasync takes 300 ms from here on (the disk is slow, not broken).
    const proto = await fileHandlePrototype();
    const real = proto.datasync;
    t.mock.method(proto, 'datasync', async function (this: unknown) {
      await new Promise((r) => setTimeout(r, 300));
      return real.call(this);
    });
    const t0 = performance.now();
    const durable = log.append(input(1)).then(() => performance.now() - t0);
    await new Promise((r) => setTimeout(r, 50)); // its sync is running now
    const written = await log.append(input(2), { until: 'written' });
    const writtenMs = performance.now() - t0;
    assert.ok(writtenMs < 250, `a written append waited ${writtenMs.toFixed(0)} ms for a sync`);
    assert.ok(readFileSync(join(dir, readdirSync(dir).find((f) => f.startsWith('segment-'))!), 'utf8').includes(`"seq":${written.seq},`), 'in the file when it resolves');
    assert.ok((await durable) >= 290, 'a durable append waits for its sync');
    assert.ok(log.headEntry.seq < written.seq || log.stats.syncs >= 2, 'the written entry is covered by a later sync');
    await log.checkpoint(); // waits until everything written is synced
    assert.equal(log.headEntry.seq, written.seq);
    assert.ok(log.stats.writes > log.stats.syncs - 1);
    await log.close();
    assert.equal((await verifyAuditStore(dir, KEYS.publicKey)).ok, true);
  });

  it('a failed fdatasync fails the log: appends waiting for it and every later one are refused; written entries stay chained', async (t) => {
    const dir = tempDir(t);
    // lazySyncMs 0: the sync behind the written-only append starts at once, and fails before the next append.
    const log = await openLog(dir, { durable: true, lazySyncMs: 0 });
    await log.append(input(0));
    const proto = await fileHandlePrototype();
    t.mock.method(proto, 'datasync', () => Promise.reject(Object.assign(new Error('EIO: i/o error, fdatasync'), { code: 'EIO' })));
    const written = await log.append(input(1), { until: 'written' });
    await assert.rejects(log.append(input(2)), (e: unknown) => isOversightError(e) && e.code === 'io' && /could not be synced/.test(e.message));
    await assert.rejects(log.append(input(3), { until: 'written' }), (e: unknown) => isOversightError(e) && e.code === 'io');
    t.mock.restoreAll();
    await log.close();
    const r = await verifyAuditStore(dir, KEYS.publicKey);
    assert.equal(r.ok, true);
    assert.equal(r.entries, 2, 'seq 1 and the written seq 2; the appends after it were refused, not written on top of a failed sync');
    assert.equal(written.seq, 2);
  });

  it('a batch that rotates mid-way syncs the segment it leaves before closing it, even with no sync running', async (t) => {
    const dir = tempDir(t);
    const proto = await fileHandlePrototype();
    const events: string[] = [];
    const name = (fd: number) => readlinkSync(`/proc/self/fd/${fd}`).split('/').pop();
    const { datasync } = proto;
    const { writeSync } = fs;
    t.mock.method(proto, 'datasync', function (this: { fd: number }) {
      events.push(`sync ${name(this.fd)}`);
      return datasync.call(this);
    });
    // The batch write (synchronous: see AuditLog.writeBatch).
    t.mock.method(fs, 'writeSync', (fd: number, ...a: unknown[]) => {
      events.push(`write ${name(fd)}`);
      return (writeSync as (fd: number, ...a: unknown[]) => number)(fd, ...a);
    });
    const log = await openLog(dir, { durable: true, segmentMaxEntries: 3 });
    await Promise.all([1, 2, 3, 4, 5].map((i) => log.append(input(i))));
    t.mock.restoreAll();
    const first = 'segment-000000000001.jsonl';
    assert.ok(events.includes(`write ${first}`) && events.includes('write segment-000000000004.jsonl'), `one batch over two segments: ${events.join(' | ')}`);
    assert.ok(events.lastIndexOf(`sync ${first}`) > events.lastIndexOf(`write ${first}`), events.join(' | '));
    assert.ok(events.lastIndexOf(`sync ${first}`) < events.indexOf('write segment-000000000004.jsonl'), `synced before the log moved on: ${events.join(' | ')}`);
    const manifest = JSON.parse(readFileSync(join(dir, 'segments.json'), 'utf8')) as { sealed: { file: string; lastSeq: number }[] };
    assert.deepEqual(manifest.sealed.map((x) => [x.file, x.lastSeq]), [[first, 3]]);
    await log.close();
    assert.equal((await verifyAuditStore(dir, KEYS.publicKey)).ok, true);
  });

  it('while nobody waits for the disk, fdatasync runs at most every lazySyncMs; a durable append or a read starts it at once', async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir, { durable: true, lazySyncMs: 400 });
    await log.append(input(0));
    const before = log.stats.syncs;
    const t0 = performance.now();
    for (let i = 1; i <= 10; i++) {
      await log.append(input(i), { until: 'written' });
      await new Promise((r) => setTimeout(r, 5));
    }
    assert.ok(performance.now() - t0 < 300, 'written appends never wait for the pause');
    assert.ok(log.stats.syncs - before <= 1, `${log.stats.syncs - before} fdatasyncs behind 10 written-only appends in a lazy window`);
    assert.ok(log.headEntry.seq < 11, 'not all on disk yet');
    const t1 = performance.now();
    await log.append(input(11));
    assert.ok(performance.now() - t1 < 300, `a durable append ended the pause (${(performance.now() - t1).toFixed(0)} ms)`);
    assert.equal(log.headEntry.seq, 12);
    await log.append(input(12), { until: 'written' });
    const t2 = performance.now();
    assert.equal((await log.newest(1))[0]?.seq, 13, 'a read sees everything written, synced');
    assert.ok(performance.now() - t2 < 300, 'a read ended the pause');
    await log.close();
    assert.equal((await verifyAuditStore(dir, KEYS.publicKey)).entries, 13);
  });

  it('a failed batch write is cut back from the file and fails its appends; the next batch chains on the last written entry', async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir, { durable: true });
    await log.append(input(0));
    const { writeSync } = fs;
    let fail = true;
    t.mock.method(fs, 'writeSync', (fd: number, buf: Buffer, off: number, len: number) => {
      if (!fail) return (writeSync as (fd: number, b: Buffer, o: number, l: number) => number)(fd, buf, off, len);
      // Half the batch reaches the file, then the disk is full.
      (writeSync as (fd: number, b: Buffer, o: number, l: number) => number)(fd, buf, off, Math.floor(len / 2));
      throw Object.assign(new Error('ENOSPC: no space left on device, write'), { code: 'ENOSPC' });
    });
    await assert.rejects(log.append(input(1)), (e: unknown) => isOversightError(e) && e.code === 'io' && /disk is full/.test(e.message));
    fail = false;
    assert.equal((await log.append(input(2))).seq, 2, 'the failed entry gave its seq back');
    t.mock.restoreAll();
    await log.close();
    const r = await verifyAuditStore(dir, KEYS.publicKey);
    assert.equal(r.ok, true);
    assert.equal(r.entries, 2);
  });

  it('a log failed by a write it could not cut back still syncs, at close, the entries it acknowledged as written', async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir, { durable: true, lazySyncMs: 60_000 });
    await log.append(input(0));
    await log.append(input(1), { until: 'written' }); // acknowledged; its sync waits for the lazy window
    const proto = await fileHandlePrototype();
    const syncs: number[] = [];
    const { datasync } = proto;
    t.mock.method(proto, 'datasync', function (this: unknown) {
      syncs.push(log.headEntry.seq);
      return datasync.call(this);
    });
    t.mock.method(fs, 'writeSync', () => {
      throw Object.assign(new Error('EIO: i/o error, write'), { code: 'EIO' });
    });
    t.mock.method(fs, 'ftruncateSync', () => {
      throw Object.assign(new Error('EIO: i/o error, ftruncate'), { code: 'EIO' });
    });
    await assert.rejects(log.append(input(2)), (e: unknown) => isOversightError(e) && e.code === 'io');
    await assert.rejects(log.append(input(3), { until: 'written' }), (e: unknown) => isOversightError(e) && e.code === 'io');
    await log.close();
    t.mock.restoreAll();
    assert.deepEqual(syncs, [1], 'one last fdatasync, covering seq 2 (the durable head was seq 1)');
    const r = await verifyAuditStore(dir, KEYS.publicKey);
    assert.equal(r.entries, 2);
  });

  it('sequential awaits work, each durable before the next; reopening continues the chain', async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir, { durable: true });
    for (let i = 0; i < 5; i++) assert.equal((await log.append(input(i))).seq, i + 1);
    assert.equal(log.stats.syncs, 5);
    await log.close();
    await log.close(); // idempotent
    const again = await openLog(dir);
    const e = await again.append(input(5));
    assert.equal(e.seq, 6);
    await again.close();
    const r = await verifyAuditStore(dir, KEYS.publicKey);
    assert.equal(r.ok, true);
    assert.equal(r.entries, 6);
    assert.equal(r.checkpoints, 2, 'a shutdown checkpoint per close');
  });

  it('rotates segments by entries and by bytes; newest reads across segments, newest first', async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir, { segmentMaxEntries: 10, segmentMaxBytes: 2500 });
    for (let i = 0; i < 55; i++) await log.append(input(i));
    const segs = readdirSync(dir).filter((f) => f.startsWith('segment-'));
    assert.ok(segs.length >= 6, segs.join(' '));
    for (const f of segs) assert.ok(readFileSync(join(dir, f)).length <= 2500 + 600, f);
    assert.deepEqual(
      (await log.newest(23)).map((e) => e.seq),
      Array.from({ length: 23 }, (_, i) => 55 - i),
    );
    assert.equal((await log.newest(1000)).length, 55);
    await log.close();
    assert.equal((await verifyAuditStore(dir, KEYS.publicKey)).ok, true);
  });

  it('checkpoints every N entries and at close', async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir, { checkpointEvery: 10 });
    for (let i = 0; i < 35; i++) await log.append(input(i));
    await log.checkpoint();
    await log.close();
    const seqs = readFileSync(join(dir, 'checkpoints.jsonl'), 'utf8')
      .trim()
      .split('\n')
      .map((l) => (JSON.parse(l) as { seq: number }).seq);
    assert.deepEqual(seqs, [10, 20, 30, 35]);
  });

  it('queries by kind, server, actor and time, newest first, with a limit', async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir, { segmentMaxEntries: 7 });
    const all = [];
    for (let i = 0; i < 40; i++) all.push(await log.append(input(i)));
    const byKind = await log.query({ kinds: ['approval.decided'] });
    assert.deepEqual(
      byKind.map((e) => e.seq),
      all
        .filter((e) => e.kind === 'approval.decided')
        .map((e) => e.seq)
        .reverse(),
    );
    assert.ok((await log.query({ server: 'github' })).every((e) => e.subject.server === 'github'));
    assert.ok((await log.query({ actorId: BOB.id })).every((e) => e.actor.id === BOB.id));
    const mid = all[20]?.ts as string;
    const until = all[30]?.ts as string;
    assert.deepEqual(
      (await log.query({ since: mid, until })).map((e) => e.seq),
      Array.from({ length: 10 }, (_, i) => 30 - i),
    );
    assert.deepEqual(
      (await log.query({ limit: 3 })).map((e) => e.seq),
      [40, 39, 38],
    );
    await assert.rejects(log.query({ since: 'yesterday' }), (e: unknown) => isOversightError(e) && e.code === 'usage');
    await log.close();
    // Sealed segments carry their time range in the index, so a query can skip them unread.
    const manifest = JSON.parse(readFileSync(join(dir, 'segments.json'), 'utf8')) as { sealed: { minTs: string; maxTs: string }[] };
    assert.equal(manifest.sealed.length, 5);
  });

  it('secrets never reach the disk: env, headers, secret-like keys and token shapes become matching keyed hashes', async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir);
    const a = await log.append({ actor: ALICE, kind: 'execution.started', subject: { type: 'execution', id: 'x1', server: 'github' }, payload: { env: { GITHUB_TOKEN: TOKEN }, headers: { Authorization: `Bearer ${TOKEN}` }, apiKey: 'hunter2-very-secret', args: ['--token', 'plain-secret-value'], note: `pasted ${TOKEN} by mistake` } });
    const b = await log.append({ actor: ALICE, kind: 'execution.completed', subject: { type: 'execution', id: 'x1' }, payload: { env: { GH: TOKEN } } });
    await log.close();
    const disk = allFiles(dir);
    for (const secret of [TOKEN, 'hunter2-very-secret', 'plain-secret-value']) assert.ok(!disk.includes(secret), secret);
    const env = a.payload['env'] as Record<string, string>;
    assert.match(env['GITHUB_TOKEN'] as string, /^hmac:[0-9a-f]{16}$/);
    assert.equal((b.payload['env'] as Record<string, string>)['GH'], env['GITHUB_TOKEN'], 'the same secret matches across entries');
    assert.deepEqual(a.payload['args'], ['--token', (a.payload['args'] as string[])[1]]);
    assert.match(a.payload['note'] as string, /^pasted hmac:[0-9a-f]{16} by mistake$/);
    assert.equal((await verifyAuditStore(dir, KEYS.publicKey)).ok, true);
  });

  it('refuses invalid input without using a seq', async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir);
    await assert.rejects(log.append({ ...input(1), kind: 'nope' as never }), (e: unknown) => isOversightError(e) && e.code === 'usage');
    await assert.rejects(log.append({ ...input(1), payload: { when: new Date() } }), (e: unknown) => isOversightError(e) && e.code === 'usage');
    await assert.rejects(log.append({ ...input(1), payload: { big: 'x'.repeat(300 * 1024) } }), /larger than/);
    assert.equal((await log.append(input(1))).seq, 1);
    await log.close();
    await assert.rejects(log.append(input(2)), /closed/);
  });

  it('one writer: a second open is refused with what to do; a lock left by a dead process is taken over', async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir);
    await assert.rejects(openLog(dir), (e: unknown) => isOversightError(e) && /open for writing in another process \(pid \d+/.test(e.message));
    await log.close();
    writeFileSync(join(dir, 'writer.lock'), JSON.stringify({ pid: 2 ** 22 + 12345, host: hostname(), since: '2026-01-01T00:00:00Z' }));
    const again = await openLog(dir);
    await again.close();
    // Our own pid, left by an earlier process that had it (PID 1 in a restarted container): taken over too.
    writeFileSync(join(dir, 'writer.lock'), JSON.stringify({ pid: process.pid, host: hostname(), since: '2026-01-01T00:00:00Z' }));
    const third = await openLog(dir);
    await assert.rejects(openLog(dir), (e: unknown) => isOversightError(e) && /open for writing/.test(e.message), 'while this process holds it, a second open is still refused');
    await third.close();
  });

  it('a torn last line is kept aside, cut off, recorded as audit.torn-line, and the log carries on', async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir);
    for (let i = 0; i < 3; i++) await log.append(input(i));
    await log.close();
    const seg = join(dir, 'segment-000000000001.jsonl');
    const torn = `{"actor":{"id":"x","label":"${TOKEN}`;
    appendFileSync(seg, torn);
    const broken = await verifyAuditStore(dir, KEYS.publicKey);
    assert.equal(broken.firstBad?.reason, 'torn');
    assert.equal(broken.firstBad?.seq, 4);
    const reopened = await openLog(dir);
    const [e] = await reopened.newest(1);
    assert.equal(e?.kind, 'audit.torn-line');
    assert.equal(e?.actor.id, SYSTEM_ACTOR.id);
    assert.equal(e?.payload['bytes'], Buffer.byteLength(torn));
    const side = readdirSync(dir).find((f) => f.startsWith('torn-'));
    assert.equal(e?.payload['sideFile'], side);
    assert.equal(readFileSync(join(dir, side as string), 'utf8'), torn);
    assert.ok(!readFileSync(seg, 'utf8').includes(TOKEN), 'the torn bytes are out of the segment');
    assert.ok(!JSON.stringify(e).includes(TOKEN), 'the entry says how many bytes and their hash, never the bytes');
    await reopened.append(input(9));
    await reopened.close();
    const r = await verifyAuditStore(dir, KEYS.publicKey);
    assert.equal(r.ok, true, JSON.stringify(r.firstBad));
    assert.equal(r.entries, 5);
  });

  it('open refuses to chain onto a last entry that is not sound', async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir);
    await log.append(input(0));
    await log.close();
    const seg = join(dir, 'segment-000000000001.jsonl');
    writeFileSync(seg, readFileSync(seg, 'utf8').replace('"n":0', '"n":1'));
    await assert.rejects(openLog(dir), (e: unknown) => isOversightError(e) && e.code === 'AUDIT_BROKEN' && /verify/.test(e.message));
    // The lock is released after a failed open.
    await assert.rejects(openLog(dir), (e: unknown) => isOversightError(e) && e.code === 'AUDIT_BROKEN');
  });

  it('a broken line read back names file:line', async (t) => {
    const dir = tempDir(t);
    const log = await openLog(dir);
    for (let i = 0; i < 3; i++) await log.append(input(i));
    await log.close();
    const seg = join(dir, 'segment-000000000001.jsonl');
    const lines = readFileSync(seg, 'utf8').split('\n');
    lines[1] = '{"not":"an entry"}';
    writeFileSync(seg, lines.join('\n'));
    const reader = await AuditLog.open({ dir: tempDir(t), signingKey: KEYS.privateKey, hmacKey: HMAC_KEY, durable: false });
    await reader.close();
    const { readNewest } = await import('../../../src/coordinator/audit/audit-reader');
    await assert.rejects(readNewest(dir, 10), (e: unknown) => isOversightError(e) && e.code === 'AUDIT_BROKEN' && e.message.includes(`${seg}:2`));
  });
});
