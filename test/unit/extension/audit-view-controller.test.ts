import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { AuditEntry } from '../../../src/core/audit/audit-entry';
import type { AuditQuery } from '../../../src/core/audit/audit-query';
import type { AuditVerifyReport } from '../../../src/core/audit/audit-verify';
import { AuditViewController, type AuditViewDeps } from '../../../src/extension/audit/audit-view-controller';
import { healthChanges } from '../../../src/extension/audit/health-changes';
import { AuditHostToWebviewSchema, type AuditHostToWebview, type EntriesMessage } from '../../../src/protocol/audit-view';
import { newestFirst } from './audit-view-fixtures';

const tick = (ms = 0) => new Promise((r) => setTimeout(r, ms));

/** A fake coordinator log: `head` entries; every read is recorded (the real one appends audit.accessed). */
function harness(over: Partial<AuditViewDeps> = {}) {
  let head = 450;
  const reads: AuditQuery[] = [];
  const logged: string[] = [];
  const posted: AuditHostToWebview[] = [];
  let unavailable: string | undefined;
  let exports = 0;
  const deps: AuditViewDeps = {
    read: async (q) => {
      reads.push(q);
      const all = newestFirst(head, head).filter((e) => (q.until === undefined || e.ts < q.until) && (q.kinds === undefined || q.kinds.includes(e.kind)));
      return all.slice(0, q.limit ?? all.length);
    },
    verify: async () => ({ ok: true, entries: head, checkpoints: 1, segments: 1, bytes: 1, head: { seq: head, hash: 'a'.repeat(64) }, lastCheckpoint: { seq: head, ts: '2026-03-01T11:00:00.000Z' }, unanchored: 0, notes: [] }) satisfies AuditVerifyReport,
    exportAudit: async () => void exports++,
    unavailable: () => unavailable,
    log: (m) => logged.push(m),
    liveDebounceMs: 5,
    liveMinIntervalMs: 0,
    ...over,
  };
  const c = new AuditViewController(deps, (m) => {
    // Everything the host sends must parse on the page's side.
    assert.ok(AuditHostToWebviewSchema.safeParse(m).success, JSON.stringify(m).slice(0, 300));
    posted.push(m);
  });
  return {
    c,
    reads,
    logged,
    posted,
    entries: () => posted.filter((m): m is EntriesMessage => m.type === 'entries'),
    setHead: (n: number) => (head = n),
    setUnavailable: (m: string | undefined) => (unavailable = m),
    exports: () => exports,
  };
}

describe('audit panel controller', () => {
  it('ready: the verify state, then the newest 200 entries in one (audited) read; showing the page again re-sends them without reading', async () => {
    const t = harness();
    await t.c.receive({ type: 'ready' });
    assert.equal(t.reads.length, 1);
    assert.deepEqual(t.reads[0], { limit: 200 });
    assert.equal(t.posted[0]?.type, 'verify');
    const first = t.entries()[0];
    assert.equal(first?.rows.length, 200);
    assert.equal(first?.rows[0]?.seq, 450);
    assert.equal(first?.hasOlder, true);
    // The view is hidden and shown again: a new page, the same rows, no new read.
    t.c.reset();
    await t.c.receive({ type: 'ready' });
    assert.equal(t.reads.length, 1);
    assert.equal(t.entries().at(-1)?.rows[0]?.seq, 450);
  });

  it('filters and Load older go through the read (each audited); older pages continue below without repeats', async () => {
    const t = harness();
    await t.c.receive({ type: 'ready' });
    await t.c.receive({ type: 'query', filter: { kind: 'approval.decided', server: ' github ' } });
    assert.deepEqual(t.reads[1], { kinds: ['approval.decided'], server: 'github', limit: 200 });
    assert.deepEqual(t.entries().at(-1)?.filter, { kind: 'approval.decided', server: 'github' });
    await t.c.receive({ type: 'loadOlder' });
    const older = t.entries().at(-1);
    assert.equal(older?.mode, 'older');
    assert.equal(older?.rows[0]?.seq, 250);
    assert.equal(older?.rows.length, 200);
    await t.c.receive({ type: 'loadOlder' });
    const last = t.entries().at(-1);
    assert.deepEqual([last?.rows[0]?.seq, last?.rows.at(-1)?.seq, last?.hasOlder], [50, 1, false]);
    assert.equal(t.reads.length, 4);
    // Nothing older: Load older does nothing (no read).
    await t.c.receive({ type: 'loadOlder' });
    assert.equal(t.reads.length, 4);
  });

  it('new entries: one debounced read while visible, only the newer rows are sent; hidden: no read until shown', async () => {
    const t = harness();
    await t.c.receive({ type: 'ready' });
    t.setHead(455);
    t.c.entriesAppended();
    t.c.entriesAppended();
    t.c.entriesAppended();
    await tick(30);
    assert.equal(t.reads.length, 2, 'a burst is one read');
    const live = t.entries().at(-1);
    assert.deepEqual([live?.mode, live?.reason, live?.rows.map((r) => r.seq)], ['newer', 'live', [455, 454, 453, 452, 451]]);
    // Hidden: nothing is read; shown again, the page reads once.
    t.c.setVisible(false);
    t.c.reset();
    t.setHead(460);
    t.c.entriesAppended();
    await tick(30);
    assert.equal(t.reads.length, 2);
    t.c.setVisible(true);
    await t.c.receive({ type: 'ready' });
    assert.equal(t.reads.length, 3);
    assert.equal(t.entries().at(-1)?.rows[0]?.seq, 460);
  });

  it('at most one automatic read per interval', async () => {
    const t = harness({ liveMinIntervalMs: 200 });
    await t.c.receive({ type: 'ready' });
    t.c.entriesAppended();
    await tick(30);
    assert.equal(t.reads.length, 2);
    t.c.entriesAppended();
    await tick(30);
    assert.equal(t.reads.length, 2, 'held back');
    await tick(250);
    assert.equal(t.reads.length, 3);
    t.c.dispose();
  });

  it('bad messages are ignored and logged; nothing is read for them', async () => {
    const t = harness();
    for (const m of [null, 'ready', { type: 'query', filter: { kind: '<script>' } }, { type: 'eval', code: '1' }, { type: 'ready', x: 1 }]) await t.c.receive(m);
    assert.equal(t.reads.length, 0);
    assert.equal(t.posted.length, 0);
    assert.equal(t.logged.length, 5);
    assert.ok(t.logged.every((l) => l.startsWith('audit panel: ignored a message')));
  });

  it('untrusted workspace / no coordinator: a clear message, no read, no verify, no export', async () => {
    const t = harness();
    t.setUnavailable('This workspace is not trusted: the audit log belongs to a trusted workspace.');
    for (const type of ['ready', 'refresh', 'verify', 'export', 'loadOlder'] as const) await t.c.receive({ type });
    assert.equal(t.reads.length, 0);
    assert.equal(t.exports(), 0);
    assert.ok(t.posted.every((m) => m.type === 'unavailable'));
    // Trust granted, coordinator up: the page reads.
    t.setUnavailable(undefined);
    t.c.availabilityChanged();
    await tick();
    assert.equal(t.reads.length, 1);
  });

  it('verify: running, then the verdict; export runs the command; a failed read is shown and logged', async () => {
    const t = harness({ now: () => new Date('2026-03-01T12:00:00.000Z') });
    await t.c.receive({ type: 'ready' });
    await t.c.receive({ type: 'verify' });
    const states = t.posted.filter((m) => m.type === 'verify').map((m) => (m.type === 'verify' ? m.state.text : ''));
    assert.deepEqual(states, ['Not verified yet', 'Verifying the chain…', 'Verified up to seq 450 at 2026-03-01T12:00:00.000Z (checkpoint signed)']);
    await t.c.receive({ type: 'export' });
    assert.equal(t.exports(), 1);
    const f = harness({ read: () => Promise.reject(new Error('the audit log is closed')) });
    await f.c.receive({ type: 'ready' });
    assert.deepEqual(f.posted.at(-1), { type: 'error', message: 'reading the audit log: the audit log is closed' });
    assert.equal(f.logged.length, 1);
  });

  it('a stale answer is dropped: the newest filter wins', async () => {
    const slow: ((v: AuditEntry[]) => void)[] = [];
    const t = harness({ read: () => new Promise((r) => slow.push(r)) });
    const a = t.c.receive({ type: 'ready' });
    await tick();
    const b = t.c.receive({ type: 'query', filter: { kind: 'auth.failed' } });
    await tick();
    slow[1]?.([]);
    slow[0]?.(newestFirst(10, 10));
    await Promise.all([a, b]);
    assert.equal(t.entries().length, 1);
    assert.deepEqual(t.entries()[0]?.filter, { kind: 'auth.failed' });
  });

  it('server health: only a change of state or circuit counts as a new entry (pings do not)', () => {
    const changed = healthChanges();
    const h = (server: string, state: string, breaker = 'closed') => changed({ server, state, breaker });
    assert.deepEqual([h('compliance', 'up'), h('compliance', 'up'), h('installer', 'up'), h('compliance', 'up', 'open'), h('compliance', 'up', 'open')], [true, false, true, true, false]);
  });
});
