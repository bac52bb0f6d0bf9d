/**
 * The tamper test of issue 4: a 10,000-entry log (40 segments, a checkpoint every 1,000 entries and
 * the shutdown one), then thousands of random single mutations — byte edits, field edits (with and
 * without re-hashing), deletions, swaps, inserted copies and forged entries, cuts at a line boundary
 * and mid-line, forged checkpoints, removed segments — each on a copy. `verify` must catch every one
 * and name the right seq and reason. Most run in memory through the pure verifier (re-scanning only the
 * segments a mutation touched); a few hundred go end to end through files and `verifyAuditStore`.
 * Seeded: a failure prints the seed and mutation, and AUDIT_TAMPER_SEED reproduces it.
 */
import assert from 'node:assert/strict';
import { linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { before, describe, it } from 'node:test';
import { encodeCheckpointLine, signCheckpoint, type AuditCheckpoint } from '../../../src/core/audit/audit-checkpoint';
import type { AuditBadReason } from '../../../src/core/audit/audit-classify';
import { AuditEntrySchema, type AuditEntryBody } from '../../../src/core/audit/audit-entry';
import { encodeAuditLine } from '../../../src/core/audit/audit-line';
import { LineHasher, readLineRecords, scanSegment, type LineRecord, type SegmentScan } from '../../../src/core/audit/audit-scan';
import { finishVerify, readCheckpoints, type AuditVerifyReport, type CheckpointSet, type SegmentSource } from '../../../src/core/audit/audit-verify';
import { generateGrantKeyPair } from '../../../src/core/grants/grant-crypto';
import { verifyAuditStore } from '../../../src/coordinator/audit/audit-log';
import { input, KEYS, openLog, tempDir } from './helpers';

const N = 10_000;
const PER_SEGMENT = 250;
const IN_MEMORY = Number(process.env['AUDIT_TAMPER_COUNT'] ?? 3000);
const END_TO_END = Number(process.env['AUDIT_TAMPER_E2E'] ?? 100);
const SEED = Number(process.env['AUDIT_TAMPER_SEED'] ?? Date.now() % 1_000_000);

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

interface Base {
  dir: string;
  names: string[];
  lines: string[][];
  bufs: Buffer[];
  scans: SegmentScan[];
  records: LineRecord[][];
  checkpointsText: string;
  checkpointLines: string[];
  checkpoints: CheckpointSet;
}

/** A mutated copy: replaced segment lines (null = file removed) and/or checkpoint lines. */
interface Mutation {
  what: string;
  segments?: Map<number, string[] | null>;
  checkpoints?: string[];
  /** A segment's whole new text (for cuts that leave a partial line). */
  rawSegment?: [number, string];
  expect: { seq: number; reason: AuditBadReason | readonly AuditBadReason[] };
}

const at = (seq: number) => ({ seg: Math.floor((seq - 1) / PER_SEGMENT), line: (seq - 1) % PER_SEGMENT });
const text = (lines: readonly string[]) => (lines.length === 0 ? '' : lines.join('\n') + '\n');

function entryOf(line: string): AuditEntryBody & { hash: string } {
  return AuditEntrySchema.parse(JSON.parse(line));
}

/** Re-serialise a (changed) entry in the line format, keeping its old hash or computing a new one. */
function relines(e: AuditEntryBody & { hash: string }, rehash: boolean): string {
  const { hash, ...body } = e;
  const enc = encodeAuditLine(body);
  return rehash ? enc.line : enc.line.slice(0, -66) + hash + '"}';
}

function makeMutation(base: Base, rnd: () => number): Mutation {
  const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1)); // inclusive
  const seqAt = () => int(1, N);
  const lineOf = (seq: number) => base.lines[at(seq).seg]?.[at(seq).line] as string;
  const withSegments = (edits: Array<[number, (lines: string[]) => string[] | null]>) => {
    const m = new Map<number, string[] | null>();
    for (const [seg, f] of edits) m.set(seg, f([...(m.get(seg) ?? base.lines[seg] ?? [])]));
    return m;
  };
  const replaceLine = (seq: number, line: string) => withSegments([[at(seq).seg, (ls) => (ls.splice(at(seq).line, 1, line), ls)]]);
  const kind = int(0, 11);
  switch (kind) {
    case 0: {
      // One byte changed (including the newline, which merges two lines, and bytes turned into newlines).
      const seq = seqAt();
      const line = lineOf(seq) + '\n';
      const pos = int(0, line.length - 1);
      let b = line.charCodeAt(pos);
      while (b === line.charCodeAt(pos)) b = rnd() < 0.1 ? 10 : int(32, 126);
      const changed = line.slice(0, pos) + String.fromCharCode(b) + line.slice(pos + 1);
      const segLines = base.lines[at(seq).seg] as string[];
      const joined = text(segLines).replace(line, changed);
      // The very last newline of the log gone is indistinguishable from a cut inside the last line.
      const reason: AuditBadReason[] = seq === N && pos === line.length - 1 ? ['edited', 'truncated'] : ['edited'];
      return { what: `byte ${pos} of seq ${seq} -> ${b}`, rawSegment: [at(seq).seg, joined], expect: { seq, reason } };
    }
    case 1:
    case 2: {
      // A field changed; case 2 also re-hashes the line (a forger without the key).
      const seq = seqAt();
      const e = entryOf(lineOf(seq));
      const field = int(0, 4);
      if (field === 0) e.ts = new Date(Date.parse(e.ts) + 1000 * int(1, 1000)).toISOString();
      if (field === 1) e.kind = e.kind === 'approval.decided' ? 'approval.cancelled' : 'approval.decided';
      if (field === 2) e.payload = { ...e.payload, n: -1 };
      if (field === 3) e.actor = { ...e.actor, id: 'mallory' };
      if (field === 4) e.subject = { ...e.subject, id: `${e.subject.id}x` };
      const rehash = kind === 2;
      return { what: `field ${field} of seq ${seq}${rehash ? ' (re-hashed)' : ''}`, segments: replaceLine(seq, relines(e, rehash)), expect: { seq, reason: 'edited' } };
    }
    case 3: {
      const seq = seqAt();
      return { what: `delete seq ${seq}`, segments: withSegments([[at(seq).seg, (ls) => (ls.splice(at(seq).line, 1), ls)]]), expect: seq === N ? { seq, reason: 'truncated' } : { seq, reason: 'deleted' } };
    }
    case 4: {
      let a = seqAt();
      let b = seqAt();
      while (b === a) b = seqAt();
      if (b < a) [a, b] = [b, a];
      const la = lineOf(a);
      const lb = lineOf(b);
      const edits: Array<[number, (ls: string[]) => string[]]> = [
        [at(a).seg, (ls) => (ls.splice(at(a).line, 1, lb), ls)],
        [at(b).seg, (ls) => (ls.splice(at(b).line, 1, la), ls)],
      ];
      return { what: `swap seq ${a} and ${b}`, segments: withSegments(edits), expect: { seq: a, reason: 'reordered' } };
    }
    case 5: {
      // A copy of entry m inserted before entry p (p = N + 1: appended at the end).
      const m = seqAt();
      const p = int(1, N + 1);
      const where = p === N + 1 ? { seg: at(N).seg, line: PER_SEGMENT } : at(p);
      const named = m === p - 1 || m === p ? m : p;
      return { what: `copy of seq ${m} before ${p}`, segments: withSegments([[where.seg, (ls) => (ls.splice(where.line, 0, lineOf(m)), ls)]]), expect: { seq: named, reason: 'inserted' } };
    }
    case 6: {
      // A forged entry chained to entry p-1 with seq p, inserted before entry p.
      const p = int(1, N);
      const prev = p === 1 ? '0'.repeat(64) : entryOf(lineOf(p - 1)).hash;
      const forged = encodeAuditLine({ ...input(p, { kind: 'approval.decided', payload: { decision: 'approved', forged: true } }), seq: p, prevHash: prev, ts: entryOf(lineOf(p)).ts }).line;
      return { what: `forged seq ${p}`, segments: withSegments([[at(p).seg, (ls) => (ls.splice(at(p).line, 0, forged), ls)]]), expect: { seq: p, reason: 'inserted' } };
    }
    case 7: {
      // The log cut after entry t (at a line boundary); later segments removed.
      const t = int(0, N - 1);
      const edits: Array<[number, (ls: string[]) => string[] | null]> = [];
      for (let s = 0; s < base.lines.length; s++) {
        const first = s * PER_SEGMENT + 1;
        if (first > t + 1) edits.push([s, () => null]);
        else if (t + 1 < first + PER_SEGMENT) edits.push([s, (ls) => ls.slice(0, t + 1 - first)]);
      }
      return { what: `cut after seq ${t}`, segments: withSegments(edits), expect: { seq: t + 1, reason: 'truncated' } };
    }
    case 8: {
      // Cut in the middle of entry k's line (the newline, or more, gone); later segments removed.
      const k = seqAt();
      const line = lineOf(k);
      const keep = int(1, line.length); // keep == length: only the newline is gone
      const edits: Array<[number, (ls: string[]) => string[] | null]> = [];
      for (let s = at(k).seg + 1; s < base.lines.length; s++) edits.push([s, () => null]);
      const segLines = base.lines[at(k).seg] as string[];
      const cut = text(segLines.slice(0, at(k).line)) + line.slice(0, keep);
      return { what: `cut mid-line in seq ${k} at ${keep}`, segments: withSegments(edits), rawSegment: [at(k).seg, cut], expect: { seq: k, reason: 'truncated' } };
    }
    case 9: {
      // A whole segment removed (the last one is a cut).
      const s = int(0, base.lines.length - 1);
      return { what: `segment ${s} removed`, segments: new Map([[s, null]]), expect: { seq: s * PER_SEGMENT + 1, reason: s === base.lines.length - 1 ? 'truncated' : 'deleted' } };
    }
    case 10: {
      // A checkpoint changed: another entry's hash, another seq (signature kept), or signed with another key.
      const i = int(0, base.checkpointLines.length - 1);
      const c = JSON.parse(base.checkpointLines[i] as string) as AuditCheckpoint;
      const how = int(0, 2);
      let forged: AuditCheckpoint;
      if (how === 0) forged = { ...c, hash: entryOf(lineOf(Math.max(1, c.seq - 1))).hash };
      else if (how === 1) forged = { ...c, seq: Math.max(1, c.seq - int(1, 999)) };
      else forged = signCheckpoint({ seq: c.seq, hash: c.hash, ts: c.ts }, OTHER_KEY.privateKey);
      const cps = [...base.checkpointLines];
      cps[i] = encodeCheckpointLine(forged);
      return { what: `checkpoint ${i} forged (${how})`, checkpoints: cps, expect: { seq: forged.seq, reason: 'forged-checkpoint' } };
    }
    default: {
      // A random byte of the checkpoints file changed.
      const cpText = base.checkpointsText;
      const pos = int(0, cpText.length - 2);
      let b = cpText.charCodeAt(pos);
      while (b === cpText.charCodeAt(pos)) b = int(32, 126);
      const changed = cpText.slice(0, pos) + String.fromCharCode(b) + cpText.slice(pos + 1);
      // The named seq is what the broken line still seems to say; only the reason is fixed.
      return { what: `checkpoints byte ${pos} -> ${b}`, checkpoints: changed.slice(0, -1).split('\n'), expect: { seq: -1, reason: 'forged-checkpoint' } };
    }
  }
}

const OTHER_KEY = generateGrantKeyPair();

/** Segment texts after a mutation (undefined: file removed). */
function mutatedTexts(base: Base, m: Mutation): Array<{ index: number; text: string | undefined; changed: boolean }> {
  const raw = m.rawSegment;
  return base.names.map((_, i) => {
    if (raw && raw[0] === i) return { index: i, text: raw[1], changed: true };
    const edited = m.segments?.get(i);
    if (edited === undefined) return { index: i, text: undefined, changed: false };
    return { index: i, text: edited === null ? undefined : text(edited), changed: true };
  });
}

async function verifyInMemory(base: Base, m: Mutation, hasher: LineHasher): Promise<AuditVerifyReport> {
  const cps = m.checkpoints ? readCheckpoints(text(m.checkpoints), KEYS.publicKey) : base.checkpoints;
  const names: string[] = [];
  const scans: SegmentScan[] = [];
  const sources: SegmentSource[] = [];
  const cached = new Map<Uint8Array, LineRecord[]>();
  for (const t of mutatedTexts(base, m)) {
    const name = base.names[t.index] as string;
    if (!t.changed) {
      names.push(name);
      scans.push(base.scans[t.index] as SegmentScan);
      sources.push({ name, data: base.bufs[t.index] as Buffer });
      cached.set(base.bufs[t.index] as Buffer, base.records[t.index] as LineRecord[]);
    } else if (t.text !== undefined) {
      const data = Buffer.from(t.text, 'utf8');
      names.push(name);
      scans.push(scanSegment(data, ALL_SEQS, hasher));
      sources.push({ name, data });
    }
  }
  return finishVerify({ names, scans, checkpoints: cps, reload: (from) => sources.slice(from), hasher, recordsOf: (s) => cached.get(s.data) ?? readLineRecords(s.name, s.data, hasher) });
}

const ALL_SEQS = new Set(Array.from({ length: N }, (_, i) => i + 1));

function check(report: AuditVerifyReport, m: Mutation, seed: number): void {
  const ctx = `seed ${seed}: ${m.what}: got ${JSON.stringify(report.firstBad ?? report.ok)}`;
  assert.equal(report.ok, false, ctx);
  const reasons = typeof m.expect.reason === 'string' ? [m.expect.reason] : m.expect.reason;
  assert.ok(reasons.includes(report.firstBad?.reason as AuditBadReason), ctx);
  if (m.expect.seq >= 0) assert.equal(report.firstBad?.seq, m.expect.seq, ctx);
}

describe('tamper test: a 10,000-entry log, thousands of random single mutations', () => {
  let base: Base;

  before(async () => {
    const dir = tempDir({ after: (fn) => process.on('exit', fn) });
    const log = await openLog(dir, { segmentMaxEntries: PER_SEGMENT, checkpointEvery: 1000 });
    for (let i = 0; i < N; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => log.append(input(i + k))));
    await log.close();
    const names = readdirSync(dir).filter((f) => f.startsWith('segment-')).sort();
    const hasher = new LineHasher();
    const bufs = names.map((n) => readFileSync(join(dir, n)));
    const checkpointsText = readFileSync(join(dir, 'checkpoints.jsonl'), 'utf8');
    base = {
      dir,
      names,
      bufs,
      lines: bufs.map((b) => b.toString('utf8').slice(0, -1).split('\n')),
      scans: bufs.map((b) => scanSegment(b, ALL_SEQS, hasher)),
      records: bufs.map((b, i) => readLineRecords(names[i] as string, b, hasher)),
      checkpointsText,
      checkpointLines: checkpointsText.slice(0, -1).split('\n'),
      checkpoints: readCheckpoints(checkpointsText, KEYS.publicKey),
    };
  });

  it('the untouched log verifies: 40 segments, checkpoints every 1,000 entries and at shutdown', async () => {
    const report = await verifyAuditStore(base.dir, KEYS.publicKey);
    assert.equal(report.ok, true, JSON.stringify(report.firstBad));
    assert.equal(report.entries, N);
    assert.equal(report.segments, N / PER_SEGMENT);
    assert.ok(report.checkpoints >= 10, `${report.checkpoints} checkpoints`);
    assert.equal(report.lastCheckpoint?.seq, N);
    assert.equal(report.unanchored, 0);
  });

  it(`${IN_MEMORY} mutations in memory: every one caught, the right seq and reason named (seed ${SEED})`, async () => {
    const rnd = prng(SEED);
    const hasher = new LineHasher();
    const seen = new Map<string, number>();
    for (let i = 0; i < IN_MEMORY; i++) {
      const m = makeMutation(base, rnd);
      const report = await verifyInMemory(base, m, hasher);
      if (m.expect.seq < 0) m.expect.seq = report.firstBad?.seq ?? -2; // random checkpoint bytes: reason only
      check(report, m, SEED);
      const k = m.what.replace(/\d+/g, '#');
      seen.set(k, (seen.get(k) ?? 0) + 1);
    }
    // Every kind of mutation was drawn many times.
    for (const k of ['byte # of seq # -> #', 'delete seq #', 'swap seq # and #', 'copy of seq # before #', 'forged seq #', 'cut after seq #', 'segment # removed']) assert.ok((seen.get(k) ?? 0) > IN_MEMORY / 40, `${k}: ${seen.get(k)}`);
  });

  it(`${END_TO_END} mutations end to end through files and verifyAuditStore`, async (t) => {
    const rnd = prng(SEED + 1);
    const root = tempDir(t);
    for (let i = 0; i < END_TO_END; i++) {
      const m = makeMutation(base, rnd);
      const dir = join(root, String(i));
      mkdirSync(dir);
      for (const s of mutatedTexts(base, m)) {
        const name = base.names[s.index] as string;
        if (!s.changed) linkSync(join(base.dir, name), join(dir, name));
        else if (s.text !== undefined) writeFileSync(join(dir, name), s.text);
      }
      writeFileSync(join(dir, 'checkpoints.jsonl'), m.checkpoints ? text(m.checkpoints) : base.checkpointsText);
      const report = await verifyAuditStore(dir, KEYS.publicKey);
      if (m.expect.seq < 0) m.expect.seq = report.firstBad?.seq ?? -2;
      check(report, m, SEED + 1);
      rmSync(dir, { recursive: true });
    }
  });
});
