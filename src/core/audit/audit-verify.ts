import type { KeyObject } from 'node:crypto';
import { classifyAuditRecords, type AuditFirstBad } from './audit-classify';
import { checkpointSignatureValid, encodeCheckpointLine, keyFingerprint, parseCheckpointLine, type AuditCheckpoint } from './audit-checkpoint';
import { GENESIS_HASH } from './audit-entry';
import { parseAuditLine } from './audit-line';
import { LineHasher, readLineRecords, scanSegment, type LineRecord, type SegmentScan } from './audit-scan';

export const CHECKPOINTS_FILE = 'checkpoints.jsonl';

export interface AuditVerifyReport {
  ok: boolean;
  entries: number;
  checkpoints: number;
  segments: number;
  bytes: number;
  head?: { seq: number; hash: string };
  lastCheckpoint?: { seq: number; ts: string };
  /** Entries after the last checkpoint: chained, but not yet covered by a signature. */
  unanchored: number;
  notes: string[];
  firstBad?: AuditFirstBad;
}

export interface CheckpointSet {
  /** Signature-valid checkpoints, in file order. */
  valid: AuditCheckpoint[];
  hashes: Map<number, string>;
  lastSeq: number;
  problems: AuditFirstBad[];
  notes: string[];
}

/** Reads and checks `checkpoints.jsonl`: schema, key fingerprint, signature, increasing seq. */
export function readCheckpoints(text: string, publicKey: KeyObject): CheckpointSet {
  const fingerprint = keyFingerprint(publicKey);
  const set: CheckpointSet = { valid: [], hashes: new Map(), lastSeq: 0, problems: [], notes: [] };
  const lines = text.split('\n');
  const torn = lines.pop() ?? '';
  // A checkpoint cut short by a crash was never relied upon: note it, it is not tampering.
  if (torn !== '') set.notes.push(`${CHECKPOINTS_FILE}: an incomplete last line (${torn.length} bytes) was ignored`);
  lines.forEach((line, i) => {
    const where = { file: CHECKPOINTS_FILE, line: i + 1 };
    const p = parseCheckpointLine(line);
    if (!p.ok) {
      set.problems.push({ seq: p.seq ?? set.lastSeq + 1, reason: 'forged-checkpoint', detail: `checkpoint line ${i + 1} is not a valid checkpoint (${p.why})`, ...where });
      return;
    }
    const c = p.checkpoint;
    if (encodeCheckpointLine(c) !== line) {
      // Same meaning, other bytes (spacing, escapes, base64 padding bits): not what the writer wrote.
      set.problems.push({ seq: c.seq, reason: 'forged-checkpoint', detail: `checkpoint ${c.seq} is not in the canonical form the writer produces`, ...where });
    } else if (c.keyFingerprint !== fingerprint) {
      set.problems.push({ seq: c.seq, reason: 'forged-checkpoint', detail: `checkpoint ${c.seq} names another signing key (${c.keyFingerprint.slice(0, 16)}…, expected ${fingerprint.slice(0, 16)}…)`, ...where });
    } else if (!checkpointSignatureValid(c, publicKey)) {
      set.problems.push({ seq: c.seq, reason: 'forged-checkpoint', detail: `checkpoint ${c.seq}: the signature does not match its content`, ...where });
    } else if (c.seq < set.lastSeq) {
      set.problems.push({ seq: c.seq, reason: 'forged-checkpoint', detail: `checkpoint ${c.seq} comes after checkpoint ${set.lastSeq}: checkpoints were reordered or replayed`, ...where });
    } else {
      set.valid.push(c);
      set.hashes.set(c.seq, c.hash);
      set.lastSeq = c.seq;
    }
  });
  return set;
}

export interface SegmentSource {
  name: string;
  data: Uint8Array;
}

/** The segments from index `from` on, read again (the store reads files; in memory they are at hand). */
export type Reload = (from: number) => readonly SegmentSource[] | Promise<readonly SegmentSource[]>;

/**
 * Verifies a whole log held in memory (tests, the tamper test, small stores). The store's
 * `verifyAuditStore` composes the same steps while reading one segment at a time.
 */
export function verifyAuditSegments(segments: readonly SegmentSource[], checkpointsText: string, publicKey: KeyObject): Promise<AuditVerifyReport> {
  const cps = readCheckpoints(checkpointsText, publicKey);
  const wanted = new Set(cps.hashes.keys());
  const hasher = new LineHasher();
  const scans = segments.map((s) => scanSegment(s.data, wanted, hasher));
  return finishVerify({ names: segments.map((s) => s.name), scans, checkpoints: cps, reload: (from) => segments.slice(from), hasher });
}

export interface FinishVerifyInput {
  names: readonly string[];
  scans: readonly SegmentScan[];
  checkpoints: CheckpointSet;
  reload: Reload;
  hasher?: LineHasher;
  /** The slow path's records of one segment; a caller verifying many variants of one log may cache them. */
  recordsOf?: (segment: SegmentSource) => LineRecord[];
}

/**
 * Joins per-segment scans into one verdict. `reload(i)` gives the segments from index i on (for the
 * slow path and for the schema check of entries no checkpoint covers yet).
 */
export async function finishVerify(input: FinishVerifyInput): Promise<AuditVerifyReport> {
  const { names, scans, checkpoints: cps, reload } = input;
  const hasher = input.hasher ?? new LineHasher();
  const recordsOf = input.recordsOf ?? ((seg: SegmentSource) => readLineRecords(seg.name, seg.data, hasher));
  const report: AuditVerifyReport = {
    ok: true,
    entries: 0,
    checkpoints: cps.valid.length,
    segments: names.length,
    bytes: scans.reduce((n, s) => n + s.bytes, 0),
    unanchored: 0,
    notes: [...cps.notes],
  };
  let E = 1;
  let H = GENESIS_HASH;
  let failFrom = -1;
  // Hashes at checkpoint seqs: from the scans of the good segments, then from the slow path's records.
  const recordHashes = new Map<number, string>();
  const hashAt = (seq: number): string | undefined => {
    for (let i = 0; i < (failFrom < 0 ? scans.length : failFrom); i++) {
      const h = scans[i]?.hashes.get(seq);
      if (h !== undefined) return h;
    }
    return recordHashes.get(seq);
  };
  for (let i = 0; i < scans.length; i++) {
    const s = scans[i] as SegmentScan;
    if (s.lines === 0 && s.ok) continue;
    if (!s.ok || s.first?.seq !== E || s.first.prevHash !== H) {
      failFrom = i;
      break;
    }
    const last = s.last as { seq: number; hash: string };
    E = last.seq + 1;
    H = last.hash;
    report.entries += s.lines;
  }
  const problems: AuditFirstBad[] = [...cps.problems];
  if (failFrom >= 0) {
    const records: LineRecord[] = [];
    for (const seg of await reload(failFrom)) for (const r of recordsOf(seg)) records.push(r);
    const bad = classifyAuditRecords(records, { expectSeq: E, expectPrevHash: H, checkpointHashes: cps.hashes, lastCheckpointSeq: cps.lastSeq });
    if (bad) problems.push(bad);
    for (const r of records) if (r.problem === undefined && !r.torn && cps.hashes.has(r.seq) && !recordHashes.has(r.seq)) recordHashes.set(r.seq, r.hash);
  } else if (cps.lastSeq >= E) {
    problems.push({ seq: E, reason: 'truncated', detail: `the log ends at seq ${E - 1} but checkpoint ${cps.lastSeq} was signed for a longer log: entries ${E}..${cps.lastSeq} (at least) were cut` });
  }
  for (const c of cps.valid) {
    const h = hashAt(c.seq);
    if (h !== undefined && h !== c.hash) problems.push({ seq: c.seq, reason: 'edited', detail: `entry ${c.seq} differs from what checkpoint ${c.seq} signed: the chain up to it was rewritten` });
  }
  if (failFrom < 0) {
    if (E > 1) report.head = { seq: E - 1, hash: H };
    const last = cps.valid[cps.valid.length - 1];
    if (last) report.lastCheckpoint = { seq: last.seq, ts: last.ts };
    report.unanchored = E - 1 - cps.lastSeq;
    const tailBad = report.unanchored > 0 ? await checkUnanchoredTail(scans, cps.lastSeq, reload) : undefined;
    if (tailBad) problems.push(tailBad);
    if (report.unanchored > 0) report.notes.push(`${report.unanchored} entries after the last checkpoint are chained but not yet signed`);
  }
  const first = problems.sort((a, b) => a.seq - b.seq)[0];
  if (first) {
    report.ok = false;
    report.firstBad = first;
  }
  return report;
}

/**
 * Entries no checkpoint covers were never vouched for by the key, so each is also read through the
 * entry schema: a chained line of junk there is 'malformed', not silently accepted.
 */
async function checkUnanchoredTail(scans: readonly SegmentScan[], fromSeq: number, reload: Reload): Promise<AuditFirstBad | undefined> {
  let i = scans.length - 1;
  while (i > 0 && (scans[i]?.first === undefined || (scans[i]?.first?.seq ?? 0) > fromSeq + 1)) i--;
  for (const [k, seg] of (await reload(i)).entries()) {
    const firstSeq = scans[i + k]?.first?.seq;
    if (firstSeq === undefined) continue;
    const lines = Buffer.from(seg.data.buffer, seg.data.byteOffset, seg.data.byteLength).toString('utf8').split('\n');
    lines.pop();
    // The segment was verified contiguous: line n holds seq firstSeq + n.
    for (let n = Math.max(0, fromSeq + 1 - firstSeq); n < lines.length; n++) {
      try {
        parseAuditLine(lines[n] as string, `${seg.name}:${n + 1}`);
      } catch (err) {
        return { seq: firstSeq + n, reason: 'malformed', detail: err instanceof Error ? err.message : String(err), file: seg.name, line: n + 1 };
      }
    }
  }
  return undefined;
}
