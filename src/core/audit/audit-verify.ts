import type { KeyObject } from 'node:crypto';
import { readRetentionAnchors, type AnchorSet, type RetentionAnchor } from './audit-anchor';
import { classifyAuditRecords, type AuditFirstBad } from './audit-classify';
import { checkpointSignatureValid, encodeCheckpointLine, keyFingerprint, parseCheckpointLine, type AuditCheckpoint } from './audit-checkpoint';
import { GENESIS_HASH } from './audit-entry';
import { parseAuditLine } from './audit-line';
import { LineHasher, readLineRecords, scanSegment, type LineRecord, type SegmentScan } from './audit-scan';

export const CHECKPOINTS_FILE = 'checkpoints.jsonl';
/** `segment-<first seq, 12 digits>.jsonl`: names sort in log order and say where each segment starts. */
export const SEGMENT_PATTERN = /^segment-(\d{12})\.jsonl$/;

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
  /**
   * Set when the log no longer starts at seq 1 because a signed retention anchor says so: entries
   * before `beforeSeq` were deleted by retention; `at` and `cutoff` are those of the newest prune.
   */
  pruned?: { beforeSeq: number; at: string; cutoff: string; anchors: number };
  notes: string[];
  firstBad?: AuditFirstBad;
}

/** "entries before seq N were pruned by retention on DATE", the one wording the CLI, extension and reports share. */
export function describePruned(p: NonNullable<AuditVerifyReport['pruned']>): string {
  return `entries before seq ${p.beforeSeq} were pruned by retention on ${p.at.slice(0, 10)} (older than ${p.cutoff}; signed retention anchor)`;
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
export function verifyAuditSegments(segments: readonly SegmentSource[], checkpointsText: string, publicKey: KeyObject, anchorsText = ''): Promise<AuditVerifyReport> {
  const cps = readCheckpoints(checkpointsText, publicKey);
  const anchors = readRetentionAnchors(anchorsText, publicKey);
  const wanted = wantedSeqs(cps, anchors);
  const hasher = new LineHasher();
  const scans = segments.map((s) => scanSegment(s.data, wanted, hasher));
  return finishVerify({ names: segments.map((s) => s.name), scans, checkpoints: cps, anchors, reload: (from) => segments.slice(from), hasher });
}

/** The seqs whose hashes the fast pass collects: each checkpoint's, and the last entry the newest anchor pruned. */
export function wantedSeqs(cps: CheckpointSet, anchors?: AnchorSet): Set<number> {
  const wanted = new Set(cps.hashes.keys());
  if (anchors?.latest) wanted.add(anchors.latest.seq - 1);
  return wanted;
}

export interface FinishVerifyInput {
  names: readonly string[];
  scans: readonly SegmentScan[];
  checkpoints: CheckpointSet;
  /** The retention anchors (`retention.jsonl`); none: the log must start at seq 1. */
  anchors?: AnchorSet;
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
  const anchors = input.anchors;
  const anchor = anchors?.latest;
  const start = chainStart(scans, names, anchor);
  const report: AuditVerifyReport = {
    ok: true,
    entries: 0,
    checkpoints: cps.valid.length,
    segments: names.length,
    bytes: scans.reduce((n, s) => n + s.bytes, 0),
    unanchored: 0,
    notes: [...cps.notes, ...(anchors?.notes ?? [])],
  };
  let E = start.seq;
  let H = start.prevHash;
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
  const problems: AuditFirstBad[] = [...cps.problems, ...(anchors?.problems ?? [])];
  const wanted = wantedSeqs(cps, anchors);
  if (failFrom >= 0) {
    const records: LineRecord[] = [];
    for (const seg of await reload(failFrom)) for (const r of recordsOf(seg)) records.push(r);
    const bad = classifyAuditRecords(records, { expectSeq: E, expectPrevHash: H, checkpointHashes: cps.hashes, lastCheckpointSeq: cps.lastSeq, ...(start.anchored && anchor ? { anchoredStart: { ts: anchor.ts } } : {}) });
    if (bad) problems.push(bad);
    for (const r of records) if (r.problem === undefined && !r.torn && wanted.has(r.seq) && !recordHashes.has(r.seq)) recordHashes.set(r.seq, r.hash);
  } else if (cps.lastSeq >= E) {
    problems.push({ seq: E, reason: 'truncated', detail: `the log ends at seq ${E - 1} but checkpoint ${cps.lastSeq} was signed for a longer log: entries ${E}..${cps.lastSeq} (at least) were cut` });
  }
  for (const c of cps.valid) {
    const h = hashAt(c.seq);
    if (h !== undefined && h !== c.hash) problems.push({ seq: c.seq, reason: 'edited', detail: `entry ${c.seq} differs from what checkpoint ${c.seq} signed: the chain up to it was rewritten` });
  }
  const contradicted = anchor !== undefined && !checkAnchor(anchor, start, { ended: failFrom < 0 ? E : undefined, hashAt, problems, report, anchors: anchors?.valid.length ?? 0 });
  if (failFrom < 0) {
    if (E > start.seq) report.head = { seq: E - 1, hash: H };
    const last = cps.valid[cps.valid.length - 1];
    if (last) report.lastCheckpoint = { seq: last.seq, ts: last.ts };
    const signedUpTo = Math.max(cps.lastSeq, start.seq - 1);
    report.unanchored = Math.max(0, E - 1 - signedUpTo);
    const tailBad = report.unanchored > 0 ? await checkUnanchoredTail(scans, signedUpTo, reload) : undefined;
    if (tailBad) problems.push(tailBad);
    if (report.unanchored > 0) report.notes.push(`${report.unanchored} entries after the last checkpoint are chained but not yet signed`);
  }
  const first = problems.sort((a, b) => a.seq - b.seq)[0];
  // A start the log or the anchor contradicts excuses nothing: the missing beginning is not reported as pruned.
  if (report.pruned && (contradicted || problems.some((p) => p.seq <= start.seq || p.reason === 'anchor-mismatch'))) delete report.pruned;
  if (report.pruned) report.notes.push(describePruned(report.pruned));
  if (first) {
    report.ok = false;
    report.firstBad = first.reason === 'deleted' && first.seq === 1 && !anchor ? { ...first, detail: `${first.detail}; ${anchors?.problems.length ? 'the retention anchor found was rejected' : 'no signed retention anchor says they were pruned'}` } : first;
  }
  return report;
}

/** Where the chain is checked from: seq 1, or the first entry a signed retention anchor says was kept. */
interface ChainStart {
  seq: number;
  prevHash: string;
  /** `seq`/`prevHash` are the anchor's (the log starts where the prune cut it). */
  anchored: boolean;
}

/**
 * Seq 1 when there is no valid anchor. With one (first kept entry K): K and its recorded prevHash when
 * the log starts at or after K (after K is then 'deleted'); when it starts before K, a prune was cut
 * short (a crash after the anchor was written, before every segment it covers was deleted), and the
 * chain is checked from the first entry left, up to K, whose prevHash must still be the anchor's.
 */
function chainStart(scans: readonly SegmentScan[], names: readonly string[], anchor: RetentionAnchor | undefined): ChainStart {
  if (!anchor) return { seq: 1, prevHash: GENESIS_HASH, anchored: false };
  const i = scans.findIndex((s) => !(s.lines === 0 && s.ok));
  const scan = scans[i];
  // A first line too broken to read its seq: the file name says where the segment starts.
  const named = SEGMENT_PATTERN.exec(names[i] ?? '')?.[1];
  const first = scan?.first?.seq ?? (named === undefined ? undefined : Number(named));
  if (first === undefined || first >= anchor.seq) return { seq: anchor.seq, prevHash: anchor.prevHash, anchored: true };
  if (first <= 1) return { seq: 1, prevHash: GENESIS_HASH, anchored: false };
  // Entries before `first` were deleted under this anchor; what is left must chain up to it (checkAnchor).
  return { seq: first, prevHash: scan?.first?.prevHash ?? '', anchored: false };
}

/**
 * The newest anchor against the log: the entry it says was kept first must be there (the pruner never
 * deletes the segment holding the head), and when the log still holds the entry before it (a prune cut
 * short) that entry's hash must be the anchor's `prevHash`. Sets `report.pruned` when entries are gone.
 * False when the log contradicts the anchor.
 */
function checkAnchor(
  a: RetentionAnchor,
  start: ChainStart,
  c: { ended: number | undefined; hashAt: (seq: number) => string | undefined; problems: AuditFirstBad[]; report: AuditVerifyReport; anchors: number },
): boolean {
  const before = c.problems.length;
  if (c.ended !== undefined && c.ended <= a.seq) {
    const end = c.ended - 1 < start.seq ? 'no entry is left' : `the log ends at seq ${c.ended - 1}`;
    c.problems.push({ seq: c.ended, reason: 'truncated', detail: `the retention anchor of ${a.ts} says entries from seq ${a.seq} on were kept, but ${end}` });
  }
  if (!start.anchored) {
    const h = c.hashAt(a.seq - 1);
    if (h !== undefined && h !== a.prevHash) c.problems.push({ seq: a.seq, reason: 'anchor-mismatch', detail: `entry ${a.seq - 1} has another hash than the retention anchor of ${a.ts} recorded for the last entry it pruned` });
    else if (h !== undefined) c.report.notes.push(`the retention prune of ${a.ts} did not finish: entries ${start.seq}..${a.seq - 1} are still here and may be deleted (they chain to its anchor)`);
  }
  if (start.seq > 1) c.report.pruned = { beforeSeq: start.seq, at: a.ts, cutoff: a.cutoff, anchors: c.anchors };
  return c.problems.length === before;
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
