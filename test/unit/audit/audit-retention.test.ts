import assert from 'node:assert/strict';
import { appendFileSync, cpSync, existsSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { encodeRetentionAnchorLine, signRetentionAnchor, type RetentionAnchor } from '../../../src/core/audit/audit-anchor';
import { encodeAuditLine } from '../../../src/core/audit/audit-line';
import { renderAuditMarkdown } from '../../../src/core/audit/audit-report-md';
import type { AuditEntry } from '../../../src/core/audit/audit-entry';
import { generateGrantKeyPair } from '../../../src/core/grants/grant-crypto';
import { isOversightError } from '../../../src/core/errors';
import { parseAuditCommand } from '../../../src/cli/audit-options';
import { verifyAuditStore, type AuditLog, type PruneResult } from '../../../src/coordinator/audit/audit-log';
import { input, KEYS, openLog, tempDir } from './helpers';

const DAY = 86_400_000;
const START = Date.parse('2026-01-01T00:00:00.000Z');

/** A clock that ticks a second per call and can be moved on by whole days. */
function clock(): { now: () => Date; advanceDays(d: number): void } {
  let t = START;
  return { now: () => new Date((t += 1000)), advanceDays: (d) => void (t += d * DAY) };
}

const segmentFiles = (dir: string) => readdirSync(dir).filter((f) => f.startsWith('segment-')).sort();
const anchorLines = (dir: string) => (existsSync(join(dir, 'retention.jsonl')) ? readFileSync(join(dir, 'retention.jsonl'), 'utf8').split('\n').filter((l) => l !== '') : []);
const seg = (first: number) => `segment-${String(first).padStart(12, '0')}.jsonl`;

/**
 * 35 entries on day 0 (segments of 10: 1-10, 11-20, 21-30, 31-..), then, 100 days later, 4 more: the
 * first three segments hold only old entries, the fourth (being written) old and new ones.
 */
async function oldLog(t: { after(fn: () => void): void }, over: Parameters<typeof openLog>[1] = {}): Promise<{ dir: string; log: AuditLog; c: ReturnType<typeof clock> }> {
  const dir = tempDir(t);
  const c = clock();
  const log = await openLog(dir, { segmentMaxEntries: 10, checkpointEvery: 5, now: c.now, ...over });
  for (let i = 0; i < 35; i++) await log.append(input(i));
  c.advanceDays(100);
  for (let i = 35; i < 39; i++) await log.append(input(i));
  return { dir, log, c };
}

const ninetyDaysAgo = (c: ReturnType<typeof clock>) => new Date(c.now().getTime() - 90 * DAY);

/** Prunes, closes, and returns the verify report. */
async function pruned(t: { after(fn: () => void): void }) {
  const { dir, log, c } = await oldLog(t);
  const result = await log.prune(ninetyDaysAgo(c));
  await log.close();
  return { dir, result, c };
}

function readAnchor(dir: string, i = 0): RetentionAnchor {
  return JSON.parse(anchorLines(dir)[i] as string) as RetentionAnchor;
}

function writeAnchors(dir: string, anchors: readonly RetentionAnchor[]): void {
  writeFileSync(join(dir, 'retention.jsonl'), anchors.map((a) => encodeRetentionAnchorLine(a) + '\n').join(''));
}

/** The anchor as the pruner wrote it, with fields changed and signed again with `key`. */
function resigned(a: RetentionAnchor, change: Partial<RetentionAnchor>, key = KEYS.privateKey): RetentionAnchor {
  const { signature: _s, keyFingerprint: _k, ...body } = { ...a, ...change };
  return signRetentionAnchor(body, key);
}

function lines(dir: string, file: string): string[] {
  return readFileSync(join(dir, file), 'utf8').split('\n').slice(0, -1);
}

describe('audit retention', () => {
  it('prune deletes whole old sealed segments, oldest first, after a signed anchor; verify then says what was pruned', async (t) => {
    const { dir, log, c } = await oldLog(t);
    const cutoff = ninetyDaysAgo(c);
    const result = await log.prune(cutoff);
    assert.deepEqual(result.deleted, [seg(1), seg(11), seg(21)]);
    assert.equal(result.entries, 30);
    assert.equal(result.firstSeq, 31);
    assert.deepEqual(segmentFiles(dir), [seg(31)], 'the segment being written stays, although it holds old entries too');
    const [entry] = await log.newest(1);
    assert.equal(entry?.kind, 'audit.pruned');
    assert.deepEqual(entry?.payload['files'], [seg(1), seg(11), seg(21)]);
    assert.equal(entry?.payload['firstKeptSeq'], 31);
    assert.equal(entry?.payload['cutoff'], cutoff.toISOString());
    await log.close();

    const a = readAnchor(dir);
    assert.deepEqual([a.seq, a.fromSeq, a.entries, a.segments, a.cutoff], [31, 1, 30, 3, cutoff.toISOString()]);
    assert.equal(a.prevHash, (entry?.payload['anchor'] as { prevHash: string }).prevHash);
    const first = lines(dir, seg(31))[0] as string;
    assert.ok(first.includes(`"prevHash":"${a.prevHash}","seq":31,`), 'entry 31 chains to the anchor');
    const manifest = JSON.parse(readFileSync(join(dir, 'segments.json'), 'utf8')) as { sealed: { file: string }[] };
    assert.deepEqual(manifest.sealed, [], 'the deleted segments left the index');

    const r = await verifyAuditStore(dir, KEYS.publicKey);
    assert.equal(r.ok, true, JSON.stringify(r.firstBad));
    assert.equal(r.entries, 10);
    assert.equal(r.head?.seq, 40);
    assert.deepEqual(r.pruned, { beforeSeq: 31, at: a.ts, cutoff: a.cutoff, anchors: 1 });
    assert.ok(r.notes.some((n) => n.startsWith(`entries before seq 31 were pruned by retention on ${a.ts.slice(0, 10)}`)), r.notes.join(' | '));
    assert.match(renderAuditMarkdown([], { generatedAt: 'now', query: {}, verify: r }), new RegExp(`\\*\\*Verified\\.\\*\\*[^\\n]*\\n\\nEntries before seq 31 were pruned by retention on ${a.ts.slice(0, 10)}`));

    // The log carries on, and a second prune continues the anchors' chain.
    const again = await openLog(dir, { segmentMaxEntries: 10, checkpointEvery: 5, now: c.now });
    for (let i = 40; i < 60; i++) await again.append(input(i)); // 41..60
    c.advanceDays(100);
    await again.append(input(60));
    const second = await again.prune(ninetyDaysAgo(c));
    assert.deepEqual(second.deleted, [seg(31), seg(41), seg(51)]);
    await again.close();
    const b = readAnchor(dir, 1);
    assert.deepEqual([b.seq, b.fromSeq, b.entries, b.segments], [61, 31, 30, 3]);
    const r2 = await verifyAuditStore(dir, KEYS.publicKey);
    assert.equal(r2.ok, true, JSON.stringify(r2.firstBad));
    assert.equal(r2.pruned?.beforeSeq, 61);
    assert.equal(r2.pruned?.anchors, 2);
  });

  it('nothing old enough, or a retention of 0, deletes nothing and writes no anchor', async (t) => {
    const { dir, log, c } = await oldLog(t);
    const r = await log.prune(new Date(START - DAY));
    assert.deepEqual(r.deleted, []);
    assert.match(r.note ?? '', /no sealed segment has only entries older than/);
    assert.equal(await log.applyRetention(), undefined, 'retentionDays absent: keep forever');
    await log.close();
    const zero = await openLog(dir, { segmentMaxEntries: 10, now: c.now, retentionDays: 0 });
    assert.equal(await zero.applyRetention(), undefined);
    await zero.retentionIdle();
    await zero.close();
    assert.deepEqual(segmentFiles(dir), [seg(1), seg(11), seg(21), seg(31)]);
    assert.equal(existsSync(join(dir, 'retention.jsonl')), false);
    const v = await verifyAuditStore(dir, KEYS.publicKey);
    assert.equal(v.ok, true);
    assert.equal(v.pruned, undefined);
  });

  it('never deletes the segment being written, nor the one holding the head when the newest segment is empty', async (t) => {
    const dir = tempDir(t);
    const c = clock();
    const log = await openLog(dir, { segmentMaxEntries: 10, checkpointEvery: 5, now: c.now });
    for (let i = 0; i < 25; i++) await log.append(input(i));
    await log.close();
    // A segment file created by a rotation whose first write failed: empty, and now the newest.
    writeFileSync(join(dir, seg(26)), '');
    c.advanceDays(100);
    const again = await openLog(dir, { segmentMaxEntries: 10, checkpointEvery: 5, now: c.now });
    const r = await again.prune(new Date(c.now().getTime() + DAY)); // a cutoff after every entry
    assert.deepEqual(r.deleted, [seg(1), seg(11)]);
    assert.deepEqual(segmentFiles(dir), [seg(21), seg(26)]);
    const e = await again.append(input(99));
    assert.equal(e.seq, 27, 'the chain carries on from the head (26 is the audit.pruned entry)');
    await again.close();
    const v = await verifyAuditStore(dir, KEYS.publicKey);
    assert.equal(v.ok, true, JSON.stringify(v.firstBad));
    assert.equal(v.pruned?.beforeSeq, 21);
  });

  it('retentionDays: applied at open, after a rotation, and reported; the daily timer does not hold the process', async (t) => {
    const dir = tempDir(t);
    const c = clock();
    const outcomes: unknown[] = [];
    const opts = { segmentMaxEntries: 10, checkpointEvery: 5, now: c.now, retentionDays: 90, onRetention: (o: unknown) => outcomes.push(o) };
    const log = await openLog(dir, opts);
    await log.retentionIdle();
    assert.equal(outcomes.length, 1, 'a run at open (an empty log: nothing to do)');
    for (let i = 0; i < 25; i++) await log.append(input(i));
    await log.retentionIdle();
    assert.deepEqual(segmentFiles(dir), [seg(1), seg(11), seg(21)], 'rotations ran retention, but nothing was old enough');
    c.advanceDays(91);
    for (let i = 25; i < 31; i++) await log.append(input(i)); // seq 31 starts a segment: a rotation
    await log.retentionIdle();
    assert.deepEqual(segmentFiles(dir), [seg(21), seg(31)]);
    const last = outcomes[outcomes.length - 1] as { result: PruneResult };
    assert.deepEqual(last.result.deleted, [seg(1), seg(11)]);
    await log.close();
    // Reopened later with the same setting: the run at open prunes what has aged since.
    c.advanceDays(1);
    const again = await openLog(dir, opts);
    await again.retentionIdle();
    await again.close();
    assert.deepEqual(segmentFiles(dir), [seg(21), seg(31)], 'segment 21 holds entries 26-30, a day old; 31 is being written');
    assert.equal((await verifyAuditStore(dir, KEYS.publicKey)).ok, true);
  });

  it('a prune with no checkpoint covering the old segments signs one first', async (t) => {
    const { dir, log, c } = await oldLog(t, { checkpointEvery: 1000 });
    const r = await log.prune(ninetyDaysAgo(c));
    assert.equal(r.deleted.length, 3);
    await log.close();
    const v = await verifyAuditStore(dir, KEYS.publicKey);
    assert.equal(v.ok, true, JSON.stringify(v.firstBad));
    assert.equal(v.pruned?.beforeSeq, 31);
  });

  it('a crash after the anchor was written and before (or during) the deletions leaves a log that verifies; the next prune finishes it', async (t) => {
    const { dir, log, c } = await oldLog(t);
    const crashed = join(tempDir(t), 'audit');
    await log.checkpoint();
    cpSync(dir, crashed, { recursive: true, filter: (f) => !f.endsWith('writer.lock') });
    const cutoff = ninetyDaysAgo(c);
    await log.prune(cutoff);
    await log.close();
    // The state a crash right after the anchor's fsync leaves: the anchor, every segment, no audit.pruned entry.
    cpSync(join(dir, 'retention.jsonl'), join(crashed, 'retention.jsonl'));
    const before = await verifyAuditStore(crashed, KEYS.publicKey);
    assert.equal(before.ok, true, JSON.stringify(before.firstBad));
    assert.equal(before.pruned, undefined, 'nothing is gone yet');
    assert.ok(before.notes.some((n) => /did not finish: entries 1\.\.30 are still here/.test(n)), before.notes.join(' | '));
    // ... and one that crashed after the first deletion.
    unlinkSync(join(crashed, seg(1)));
    const during = await verifyAuditStore(crashed, KEYS.publicKey);
    assert.equal(during.ok, true, JSON.stringify(during.firstBad));
    assert.equal(during.pruned?.beforeSeq, 11);
    // Without the anchor that same state is a deletion.
    const anchorText = readFileSync(join(crashed, 'retention.jsonl'), 'utf8');
    unlinkSync(join(crashed, 'retention.jsonl'));
    const gone = await verifyAuditStore(crashed, KEYS.publicKey);
    assert.deepEqual([gone.firstBad?.reason, gone.firstBad?.seq], ['deleted', 1]);
    // A torn second anchor line (a crash mid-write) is ignored, then cut off when the log is opened.
    writeFileSync(join(crashed, 'retention.jsonl'), anchorText + '{"cutoff":"2026-');
    const torn = await verifyAuditStore(crashed, KEYS.publicKey);
    assert.equal(torn.ok, true, JSON.stringify(torn.firstBad));
    assert.ok(torn.notes.some((n) => /incomplete last line/.test(n)));

    const reopened = await openLog(crashed, { segmentMaxEntries: 10, checkpointEvery: 5, now: c.now });
    const r = await reopened.prune(cutoff);
    assert.deepEqual(r.deleted, [seg(11), seg(21)]);
    assert.equal(r.anchor, undefined, 'the earlier anchor covers them: no new one');
    const [entry] = await reopened.newest(1);
    assert.equal(entry?.kind, 'audit.pruned');
    assert.equal(typeof entry?.payload['finishedPruneOf'], 'string');
    await reopened.close();
    assert.equal(anchorLines(crashed).length, 1, 'the torn line is gone');
    const after = await verifyAuditStore(crashed, KEYS.publicKey);
    assert.equal(after.ok, true, JSON.stringify(after.firstBad));
    assert.equal(after.pruned?.beforeSeq, 31);
  });

  it('after a prune: a deleted middle segment, an edited entry, and a missing or cut log are still detected', async (t) => {
    const { dir, c } = await pruned(t);
    const again = await openLog(dir, { segmentMaxEntries: 10, checkpointEvery: 5, now: c.now });
    for (let i = 0; i < 25; i++) await again.append(input(100 + i));
    await again.close();
    assert.deepEqual(segmentFiles(dir), [seg(31), seg(41), seg(51), seg(61)]);
    const copy = (name: string) => {
      const d = join(tempDir(t), name);
      cpSync(dir, d, { recursive: true });
      return d;
    };

    const middle = copy('middle');
    unlinkSync(join(middle, seg(41)));
    const m = await verifyAuditStore(middle, KEYS.publicKey);
    assert.deepEqual([m.ok, m.firstBad?.reason, m.firstBad?.seq], [false, 'deleted', 41]);

    const first = copy('first');
    unlinkSync(join(first, seg(31)));
    const f = await verifyAuditStore(first, KEYS.publicKey);
    assert.deepEqual([f.firstBad?.reason, f.firstBad?.seq], ['deleted', 31], 'more than the anchor allows is gone');

    const edited = copy('edited');
    const text = readFileSync(join(edited, seg(41)), 'utf8');
    writeFileSync(join(edited, seg(41)), text.replace('"n":', '"n":1'));
    const e = await verifyAuditStore(edited, KEYS.publicKey);
    assert.deepEqual([e.firstBad?.reason, e.firstBad?.seq], ['edited', 41]);

    // The first kept entry changed and re-hashed (its prevHash kept): the next entry no longer chains.
    const rehashed = copy('rehashed');
    const ls = lines(rehashed, seg(31));
    const entry = JSON.parse(ls[0] as string) as AuditEntry;
    const { hash: _h, ...body } = entry;
    ls[0] = encodeAuditLine({ ...body, payload: { ...body.payload, n: 'changed' } }).line;
    writeFileSync(join(rehashed, seg(31)), ls.join('\n') + '\n');
    const rh = await verifyAuditStore(rehashed, KEYS.publicKey);
    assert.deepEqual([rh.firstBad?.reason, rh.firstBad?.seq], ['edited', 31]);

    // The first kept entry re-chained to another prevHash (and re-hashed): the anchor disagrees.
    const rechained = copy('rechained');
    const rl = lines(rechained, seg(31));
    rl[0] = encodeAuditLine({ ...body, prevHash: 'ab'.repeat(32) }).line;
    writeFileSync(join(rechained, seg(31)), rl.join('\n') + '\n');
    const rc = await verifyAuditStore(rechained, KEYS.publicKey);
    assert.deepEqual([rc.firstBad?.reason, rc.firstBad?.seq], ['anchor-mismatch', 31]);

    const cut = copy('cut');
    for (const s of segmentFiles(cut)) unlinkSync(join(cut, s));
    const ct = await verifyAuditStore(cut, KEYS.publicKey);
    assert.equal(ct.ok, false);
    assert.equal(ct.firstBad?.reason, 'truncated');

    const noAnchor = copy('no-anchor');
    unlinkSync(join(noAnchor, 'retention.jsonl'));
    const na = await verifyAuditStore(noAnchor, KEYS.publicKey);
    assert.deepEqual([na.firstBad?.reason, na.firstBad?.seq], ['deleted', 1]);
    assert.match(na.firstBad?.detail ?? '', /no signed retention anchor says they were pruned/);
  });

  it('a forged, unsigned, re-encoded or inconsistent anchor is rejected', async (t) => {
    const { dir } = await pruned(t);
    const a = readAnchor(dir);
    const check = async (name: string, anchors: readonly RetentionAnchor[] | string, reason: string | string[], seq?: number) => {
      const d = join(tempDir(t), name);
      cpSync(dir, d, { recursive: true });
      if (typeof anchors === 'string') writeFileSync(join(d, 'retention.jsonl'), anchors);
      else writeAnchors(d, anchors);
      const r = await verifyAuditStore(d, KEYS.publicKey);
      assert.equal(r.ok, false, name);
      assert.equal(r.pruned, undefined, `${name}: nothing is excused`);
      assert.ok([reason].flat().includes(r.firstBad?.reason as string), `${name}: ${JSON.stringify(r.firstBad)}`);
      if (seq !== undefined) assert.equal(r.firstBad?.seq, seq, name);
      return r;
    };
    const other = generateGrantKeyPair().privateKey;
    // Signed with another key: rejected; without it, the missing start is a deletion at seq 1.
    const f = await check('other-key', [resigned(a, {}, other)], 'deleted', 1);
    assert.match(f.firstBad?.detail ?? '', /anchor found was rejected/);
    await check('bad-signature', [{ ...a, signature: `${'A'.repeat(86)}==` }], 'deleted', 1);
    await check('changed-after-signing', [{ ...a, seq: 21, entries: 20 }], 'deleted', 1);
    await check('not-canonical', encodeRetentionAnchorLine(a).replace('{"cutoff"', '{ "cutoff"') + '\n', 'deleted', 1);
    await check('not-json', 'nope\n', ['deleted', 'forged-anchor'], 1);
    // Signed with the right key but not matching the log (what a buggy or misused signer could produce).
    await check('wrong-prevHash', [resigned(a, { prevHash: 'cd'.repeat(32) })], 'anchor-mismatch', 31);
    await check('seq-too-early', [resigned(a, { seq: 21, entries: 20 })], 'deleted', 21);
    await check('seq-too-late', [resigned(a, { seq: 35, entries: 34 })], 'anchor-mismatch', 35);
    await check('claims-more-entries', [resigned(a, { entries: 40 })], 'deleted', 1);
    await check('beyond-the-log', [resigned(a, { seq: 500, entries: 499 })], 'truncated');
    await check('not-from-the-start', [resigned(a, { fromSeq: 11, entries: 20 })], 'deleted', 1);
    // Every one of those is also named in the report's problems: the anchor itself, not only the gap.
    const d = join(tempDir(t), 'named');
    cpSync(dir, d, { recursive: true });
    writeAnchors(d, [resigned(a, { entries: 40 })]);
    const r = await verifyAuditStore(d, KEYS.publicKey);
    assert.match(r.firstBad?.detail ?? '', /rejected/);
  });

  it('prune refuses (AUDIT_BROKEN) and deletes nothing when the segments to go do not verify', async (t) => {
    const { dir, log, c } = await oldLog(t);
    const text = readFileSync(join(dir, seg(11)), 'utf8');
    writeFileSync(join(dir, seg(11)), text.replace('"n":', '"n":1'));
    await assert.rejects(log.prune(ninetyDaysAgo(c)), (e: unknown) => isOversightError(e) && e.code === 'AUDIT_BROKEN' && /deleted nothing/.test(e.message));
    assert.deepEqual(segmentFiles(dir), [seg(1), seg(11), seg(21), seg(31)]);
    assert.equal(existsSync(join(dir, 'retention.jsonl')), false);
    writeFileSync(join(dir, seg(11)), text);
    // Seq 1 deleted by someone else, with no anchor: a prune must not make that look legitimate.
    rmSync(join(dir, seg(1)));
    await assert.rejects(log.prune(ninetyDaysAgo(c)), (e: unknown) => isOversightError(e) && e.code === 'AUDIT_BROKEN' && /no retention anchor/.test(e.message));
    assert.equal(existsSync(join(dir, 'retention.jsonl')), false);
    await log.close();
  });

  it('prune refuses (AUDIT_BROKEN) when a checkpoint does not verify', async (t) => {
    const { dir, log, c } = await oldLog(t);
    appendFileSync(join(dir, 'checkpoints.jsonl'), '{"seq":3}\n');
    await assert.rejects(log.prune(ninetyDaysAgo(c)), (e: unknown) => isOversightError(e) && e.code === 'AUDIT_BROKEN' && /checkpoints\.jsonl does not verify/.test(e.message));
    await log.close();
  });
});

describe('audit prune CLI options', () => {
  const now = new Date('2026-03-10T12:00:00.000Z');
  it('--older-than is required, parsed like --since, and taken by prune only', () => {
    assert.equal(parseAuditCommand(['prune', '--store', 's', '--older-than', '90d'], {}, now).olderThan, '2025-12-10T12:00:00.000Z');
    assert.equal(parseAuditCommand(['prune', '--store', 's', '--older-than', '2026-01-01', '--json'], {}, now).olderThan, '2026-01-01T00:00:00Z');
    assert.throws(() => parseAuditCommand(['prune', '--store', 's'], {}, now), /needs --older-than/);
    assert.throws(() => parseAuditCommand(['prune', '--store', 's', '--older-than', 'later'], {}, now), /--older-than "later" is not a time/);
    assert.throws(() => parseAuditCommand(['prune', '--store', 's', '--older-than', '9d', '--kind', 'auth.failed'], {}, now), /does not take --kind/);
    assert.throws(() => parseAuditCommand(['show', '--store', 's', '--older-than', '9d'], {}, now), /does not take --older-than \(only prune does\)/);
  });
});

describe('verify while a prune deletes', () => {
  it('a segment deleted between listing and reading it: verify looks again instead of failing on I/O', async (t) => {
    const { dir, log, c } = await oldLog(t);
    // eslint-disable-next-line @typescript-eslint/no-require-imports -- the module object the store's code calls through (CommonJS under tsx); an ES namespace cannot be patched
    const fs = require('node:fs/promises') as typeof import('node:fs/promises');
    const realReadFile = fs.readFile;
    let raced = false;
    // The first read of segment 1 happens just after the prune removed it.
    t.mock.method(fs, 'readFile', async (...args: Parameters<typeof realReadFile>) => {
      if (!raced && String(args[0]).endsWith(seg(1))) {
        raced = true;
        await log.prune(ninetyDaysAgo(c));
      }
      return realReadFile(...args);
    });
    const r = await verifyAuditStore(dir, KEYS.publicKey, { workers: 0 });
    t.mock.restoreAll();
    await log.close();
    assert.equal(raced, true);
    assert.equal(r.ok, true, JSON.stringify(r.firstBad));
    assert.equal(r.pruned?.beforeSeq, 31);
  });
});
