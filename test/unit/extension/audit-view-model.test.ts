import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { AUDIT_KINDS } from '../../../src/core/audit/audit-entry';
import { AuditQuerySchema } from '../../../src/core/audit/audit-query';
import { describePruned, type AuditVerifyReport } from '../../../src/core/audit/audit-verify';
import { describeVerify, filterToQuery, mergeOlder, normalizeFilter, olderQuery, prunedSentence, summarize, toRow, verifyView } from '../../../src/extension/audit/audit-view-model';
import { AUDIT_VIEW_KINDS, AUDIT_VIEW_LIMITS, AuditHostToWebviewSchema, AuditRowSchema, AuditWebviewToHostSchema } from '../../../src/protocol/audit-view';
import { entry, EVIL, RTL } from './audit-view-fixtures';

describe('audit panel view model', () => {
  it('the protocol lists the same kinds as the log', () => {
    assert.deepEqual([...AUDIT_VIEW_KINDS], [...AUDIT_KINDS]);
  });

  it('a row: time, kind, actor with verified flag, subject, summary, payload as indented JSON; it parses with the protocol', () => {
    const r = toRow(entry(7, { payload: { decision: 'rejected', reason: 'not now', subjectHash: 'c'.repeat(64) } }));
    assert.equal(r.seq, 7);
    assert.equal(r.kind, 'approval.decided');
    assert.deepEqual(r.actor, { id: 'octocat', label: 'The Octocat', provider: 'github', verified: true });
    assert.deepEqual(r.subject, { type: 'approval', id: 'req-7', server: 'github' });
    assert.equal(r.summary, 'rejected · reason: not now');
    assert.equal(r.payload, JSON.stringify({ decision: 'rejected', reason: 'not now', subjectHash: 'c'.repeat(64) }, null, 2));
    assert.equal(r.hidden, false);
    assert.ok(AuditRowSchema.safeParse(r).success);
  });

  it('hostile text is kept as text (escaping is the page\u2019s textContent); bidi and invisible characters become visible escapes everywhere', () => {
    const r = toRow(entry(1, { actor: { id: RTL, label: EVIL, provider: 'os-user', verified: false }, subject: { type: 'server', id: RTL, server: EVIL }, payload: { message: `${EVIL} ${RTL}\u200B`, code: 'x' }, kind: 'request.failed' }));
    assert.equal(r.actor.id, 'gh\\u{202E}exe.');
    assert.equal(r.actor.label, EVIL);
    assert.equal(r.actor.verified, false);
    assert.equal(r.subject.server, EVIL);
    assert.ok(r.summary.includes('\\u{202E}') && r.summary.includes('<img'));
    assert.ok(r.payload.includes('\\u{202E}') && r.payload.includes('\\u{200B}'));
    assert.ok(!/[\u202E\u200B]/.test(JSON.stringify(r)), 'no raw bidi or zero-width character left');
    assert.equal(r.hidden, true);
    assert.ok(AuditRowSchema.safeParse(r).success);
  });

  it('a huge payload is cut to the limit and flagged; the row still parses', () => {
    const r = toRow(entry(1, { payload: { blob: 'x'.repeat(200_000) } }));
    assert.ok(r.payloadClipped);
    assert.ok(r.payload.length <= AUDIT_VIEW_LIMITS.payload);
    assert.ok(AuditRowSchema.safeParse(r).success);
  });

  it('summaries per kind, and key=value for anything else', () => {
    assert.equal(summarize(entry(1, { kind: 'server.health', payload: { state: 'down', breaker: 'open', lastError: { code: 'SERVER_TIMEOUT' } } })), 'down, circuit open · last error SERVER_TIMEOUT');
    assert.equal(summarize(entry(1, { kind: 'audit.accessed', payload: { query: { kinds: ['approval.decided'], limit: 200 } } })), 'read the log · kinds=approval.decided limit=200');
    assert.equal(summarize(entry(1, { kind: 'coordinator.started', payload: { servers: [{ server: 'compliance', up: true }, { server: 'installer', up: false }], resuming: [] } })), 'servers: compliance up, installer down');
    assert.equal(summarize(entry(1, { kind: 'dead-letter.added', payload: { approvalId: 'a1', attempts: 3 } })), 'approvalId=a1 attempts=3');
    assert.equal(summarize(entry(1, { kind: 'coordinator.stopped', payload: {} })), 'stopped');
    assert.equal(summarize(entry(1, { kind: 'approval.requested', payload: { title: 'Fix\n  two   things', expiresAt: '2026-03-02T10:00:00.000Z' } })), 'Fix two things · expires 2026-03-02T10:00:00.000Z');
  });

  it('filter -> AuditQuery: trimmed, empty dropped, times normalised; the query parses with the log\u2019s schema', () => {
    const f = normalizeFilter({ kind: 'approval.decided', server: '  github ', actor: '', since: '2026-03-01T10:00:00+01:00', until: '2026-03-02T00:00:00.000Z' });
    assert.deepEqual(f, { kind: 'approval.decided', server: 'github', since: '2026-03-01T09:00:00.000Z', until: '2026-03-02T00:00:00.000Z' });
    const q = filterToQuery(f);
    assert.deepEqual(q, { kinds: ['approval.decided'], server: 'github', since: '2026-03-01T09:00:00.000Z', until: '2026-03-02T00:00:00.000Z', limit: 200 });
    assert.ok(AuditQuerySchema.safeParse(q).success);
    assert.deepEqual(filterToQuery({ actor: 'octocat' }, 5), { actorId: 'octocat', limit: 5 });
  });

  it('older pages: up to and including the oldest shown millisecond, with room for the shown entries of it; merged by seq', () => {
    const ts = '2026-03-01T10:00:00.000Z';
    const shown = [{ seq: 10, ts: '2026-03-01T10:00:01.000Z' }, { seq: 9, ts }, { seq: 8, ts }];
    const q = olderQuery({ kind: 'audit.accessed' }, shown, 3);
    assert.deepEqual(q, { kinds: ['audit.accessed'], limit: 5, until: '2026-03-01T10:00:00.001Z' });
    assert.ok(AuditQuerySchema.safeParse(q).success);
    const fetched = [{ seq: 9 }, { seq: 8 }, { seq: 7 }, { seq: 6 }, { seq: 5 }];
    assert.deepEqual(mergeOlder(shown, fetched).map((r) => r.seq), [7, 6, 5]);
    assert.equal(olderQuery({}, []), undefined);
  });

  it('verification state in words', () => {
    assert.equal(verifyView({ status: 'unverified' }).text, 'Not verified yet');
    assert.equal(verifyView({ status: 'running' }).status, 'running');
    const at = new Date('2026-03-01T12:00:00.000Z');
    const ok: AuditVerifyReport = { ok: true, entries: 1200, checkpoints: 2, segments: 1, bytes: 1, head: { seq: 1200, hash: 'a'.repeat(64) }, lastCheckpoint: { seq: 1200, ts: '2026-03-01T11:00:00.000Z' }, unanchored: 0, notes: [] };
    assert.equal(verifyView({ status: 'done', report: ok, at }).text, 'Verified up to seq 1200 at 2026-03-01T12:00:00.000Z (checkpoint signed)');
    const tail = verifyView({ status: 'done', report: { ...ok, head: { seq: 1210, hash: 'a'.repeat(64) }, unanchored: 10, notes: ['10 entries after the last checkpoint are chained but not yet signed'] }, at });
    assert.equal(tail.text, 'Verified up to seq 1210 at 2026-03-01T12:00:00.000Z');
    assert.ok(tail.details.some((d) => d.includes('newest 10 entries')));
    const broken = verifyView({ status: 'done', report: { ...ok, ok: false, firstBad: { seq: 512, reason: 'edited', detail: `line changed ${RTL}`, file: 'segment-000000000001.jsonl', line: 512 } }, at });
    assert.equal(broken.status, 'broken');
    assert.equal(broken.text, 'BROKEN at seq 512: edited');
    assert.ok(broken.details[0]?.includes('\\u{202E}') && broken.details[0].includes('segment-000000000001.jsonl:512'));
    assert.equal(verifyView({ status: 'error', message: 'no public key' }).details[0], 'no public key');
    assert.equal(verifyView({ status: 'done', report: { ...ok, entries: 0, head: undefined, lastCheckpoint: undefined }, at }).text, 'Verified at 2026-03-01T12:00:00.000Z: the log is empty');
    for (const v of [broken, tail]) assert.ok(AuditHostToWebviewSchema.safeParse({ type: 'verify', state: v }).success);
  });

  it('a log pruned by retention says from which seq, when, and that a signed anchor vouches for it (the core\u2019s words)', () => {
    const pruned = { beforeSeq: 10_001, at: '2026-06-01T03:00:00.000Z', cutoff: '2026-03-03T03:00:00.000Z', anchors: 1 };
    const report: AuditVerifyReport = { ok: true, entries: 200, checkpoints: 1, segments: 1, bytes: 1, head: { seq: 10_200, hash: 'a'.repeat(64) }, lastCheckpoint: { seq: 10_200, ts: pruned.at }, unanchored: 0, pruned, notes: [describePruned(pruned)] };
    const v = verifyView({ status: 'done', report, at: new Date(pruned.at) });
    assert.equal(v.details[1], 'Entries before seq 10001 were pruned by retention on 2026-06-01 (older than 2026-03-03T03:00:00.000Z; signed retention anchor).');
    assert.equal(v.details.filter((d) => /pruned by retention/i.test(d)).length, 1, 'said once, not again as a note');
    assert.equal(prunedSentence(pruned), `E${describePruned(pruned).slice(1)}.`);
    assert.match(describeVerify(report), /^The audit log verifies: 200 entries, 1 signed checkpoint\(s\)\. Entries before seq 10001 were pruned by retention on 2026-06-01/);
  });

  it('the page\u2019s messages: filters are bounded and strict; unknown kinds and extra keys are refused', () => {
    assert.ok(AuditWebviewToHostSchema.safeParse({ type: 'query', filter: { kind: 'auth.failed', since: '2026-03-01T10:00:00.000Z' } }).success);
    assert.ok(!AuditWebviewToHostSchema.safeParse({ type: 'query', filter: { kind: 'rm -rf' } }).success);
    assert.ok(!AuditWebviewToHostSchema.safeParse({ type: 'query', filter: { since: 'yesterday' } }).success);
    assert.ok(!AuditWebviewToHostSchema.safeParse({ type: 'query', filter: { server: 'x'.repeat(257) } }).success);
    assert.ok(!AuditWebviewToHostSchema.safeParse({ type: 'verify', extra: 1 }).success);
    assert.ok(!AuditWebviewToHostSchema.safeParse({ type: 'runCommand', command: 'x' }).success);
  });
});
