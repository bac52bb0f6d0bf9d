import type { LineRecord } from './audit-scan';

export const AUDIT_BAD_REASONS = ['edited', 'deleted', 'reordered', 'inserted', 'truncated', 'forged-checkpoint', 'torn', 'malformed', 'forged-anchor', 'anchor-mismatch'] as const;
export type AuditBadReason = (typeof AUDIT_BAD_REASONS)[number];

/** The first place the log stops being what was written, and why. */
export interface AuditFirstBad {
  seq: number;
  reason: AuditBadReason;
  detail: string;
  /** Segment (or `checkpoints.jsonl`) and 1-based line, when one line is to blame. */
  file?: string;
  line?: number;
}

export interface ClassifyContext {
  /** The seq and prevHash the first record must have (continuing the good segments before it). */
  expectSeq: number;
  expectPrevHash: string;
  /** Signed (and signature-valid) checkpoints: seq -> head hash. */
  checkpointHashes: ReadonlyMap<number, string>;
  /** The highest seq a valid checkpoint names (0 when none). */
  lastCheckpointSeq: number;
  /**
   * Set when the log starts after a retention prune: `expectSeq` and `expectPrevHash` come from the
   * signed anchor, so the entry before `expectSeq` is gone and a mismatch there is the anchor's to name.
   */
  anchoredStart?: { ts: string };
}

/**
 * The slow path, run only when the fast pass failed: walk the records from the first suspect segment
 * on, keep what still chains, and name the first seq where the log departs from what was written.
 * Conventions (docs/AUDIT.md): a changed line names its own seq; a line re-hashed after a change names
 * itself via the next line's (or a checkpoint's) disagreement; a missing line names the missing seq;
 * two swapped lines name the earlier position; an extra line names the seq it sits before, or, when it
 * repeats the entry just before it, that entry's seq; a cut names the first seq no longer there.
 */
export function classifyAuditRecords(records: readonly LineRecord[], ctx: ClassifyContext): AuditFirstBad | undefined {
  let E = ctx.expectSeq;
  let H = ctx.expectPrevHash;
  const at = (r: LineRecord) => ({ file: r.segment, line: r.line });
  for (let i = 0; i < records.length; i++) {
    const r = records[i] as LineRecord;
    if (r.torn && i < records.length - 1) return { seq: E, reason: 'edited', detail: `${r.segment} does not end with a newline but later segments follow: its last line was changed`, ...at(r) };
    if (r.torn) {
      return E <= ctx.lastCheckpointSeq
        ? { seq: E, reason: 'truncated', detail: `the last line of ${r.segment} is cut off, and checkpoint ${ctx.lastCheckpointSeq} was signed after entry ${E} was written: entries were removed, not torn by a crash`, ...at(r) }
        : { seq: E, reason: 'torn', detail: `the last line of ${r.segment} is incomplete (a write cut short by a crash); opening the log with the coordinator keeps the bytes aside and records it`, ...at(r) };
    }
    if (r.problem !== undefined) return { seq: E, reason: 'edited', detail: `entry ${E}: ${r.problem}`, ...at(r) };
    if (r.seq === E && r.prevHash === H) {
      E++;
      H = r.hash;
      continue;
    }
    const next = records[i + 1];
    if (r.seq === E) {
      if (next !== undefined && next.problem === undefined && !next.torn && next.seq === r.seq) {
        return { seq: E, reason: 'inserted', detail: `an extra line claims seq ${E} but does not chain to entry ${E - 1}`, ...at(r) };
      }
      if (ctx.anchoredStart && E === ctx.expectSeq) {
        return { seq: E, reason: 'anchor-mismatch', detail: `entry ${E}, the first kept after the retention prune of ${ctx.anchoredStart.ts}, does not chain to the hash the signed anchor recorded for entry ${E - 1}`, ...at(r) };
      }
      const original = (next !== undefined && next.problem === undefined && next.prevHash === r.hash) || ctx.checkpointHashes.get(r.seq) === r.hash;
      if (original && E > 1) return { seq: E - 1, reason: 'edited', detail: `entry ${E - 1} was changed and re-hashed: entry ${E} chains to a different hash`, ...at(r) };
      return { seq: E, reason: 'edited', detail: `entry ${E} does not chain to entry ${E - 1} (prevHash differs)`, ...at(r) };
    }
    if (r.seq < E) {
      const named = r.seq === E - 1 ? r.seq : E;
      return { seq: named, reason: 'inserted', detail: r.seq === E - 1 ? `seq ${r.seq} appears twice` : `a copy of entry ${r.seq} was inserted before entry ${E}`, ...at(r) };
    }
    // r.seq > E: entry E is not here. Moved, missing, or an extra line in front of it?
    let laterCopy = false;
    let expectedLater = false;
    for (let j = i + 1; j < records.length && !(laterCopy && expectedLater); j++) {
      const o = records[j] as LineRecord;
      if (o.problem !== undefined) continue;
      if (o.seq === r.seq) laterCopy = true;
      if (o.seq === E) expectedLater = true;
    }
    if (laterCopy) return { seq: E, reason: 'inserted', detail: `a copy of entry ${r.seq} was inserted before entry ${E}`, ...at(r) };
    if (expectedLater) return { seq: E, reason: 'reordered', detail: `entry ${r.seq} stands where entry ${E} belongs`, ...at(r) };
    const gap = r.seq - E === 1 ? `entry ${E} is` : `entries ${E}..${r.seq - 1} are`;
    return { seq: E, reason: 'deleted', detail: `${gap} missing (${r.line === 1 ? `${r.segment} starts at seq ${r.seq}` : `${r.segment} line ${r.line} has seq ${r.seq}`})`, ...at(r) };
  }
  if (ctx.lastCheckpointSeq >= E) {
    return { seq: E, reason: 'truncated', detail: `the log ends at seq ${E - 1} but checkpoint ${ctx.lastCheckpointSeq} was signed for a longer log: entries ${E}..${ctx.lastCheckpointSeq} (at least) were cut` };
  }
  return undefined;
}
