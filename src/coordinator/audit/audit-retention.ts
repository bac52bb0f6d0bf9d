import type { KeyObject } from 'node:crypto';
import { open, readFile, truncate, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { encodeRetentionAnchorLine, readRetentionAnchors, signRetentionAnchor, type RetentionAnchor } from '../../core/audit/audit-anchor';
import { GENESIS_HASH } from '../../core/audit/audit-entry';
import { auditLineTimestamp } from '../../core/audit/audit-line';
import { LineHasher, scanSegment, type SegmentScan } from '../../core/audit/audit-scan';
import { readCheckpoints, type CheckpointSet } from '../../core/audit/audit-verify';
import { OversightError } from '../../core/errors';
import { CHECKPOINTS_FILE, ioError, listSegments, RETENTION_FILE, syncDir, writeAll, type SegmentFile } from './audit-files';

/**
 * Audit retention (docs/AUDIT.md, "Retention"): whole sealed segments whose every entry is older than
 * the cutoff are deleted, oldest first, after a signed retention anchor saying so is on disk. Nothing
 * is deleted unless the segments to go verify from the log's start (seq 1 or the previous anchor) and
 * are covered by a signature-valid checkpoint whose hash the chain reproduces: a prune never turns an
 * edited or forged log into one that verifies. What decides "older" is each line's own, hashed `ts`,
 * never the `segments.json` index (which anyone who can write the folder could change).
 */

export const DAY_MS = 86_400_000;

/** What a prune did. */
export interface PruneResult {
  /** Segment files deleted, oldest first (empty: nothing was old enough, or covered). */
  deleted: string[];
  /** Entries those files held. */
  entries: number;
  /** The anchor this prune wrote; absent when it only finished the deletions of an earlier one, or did nothing. */
  anchor?: RetentionAnchor;
  /** The first seq the log holds afterwards. */
  firstSeq: number;
  /** Why nothing (more) was deleted, in words. */
  note?: string;
}

interface Scanned {
  file: SegmentFile;
  scan: SegmentScan & { first: { seq: number; prevHash: string }; last: { seq: number; hash: string } };
}

/** The deletions a prune is to make, worked out (and verified) before anything is written. */
export interface PrunePlan {
  /** Segments an earlier anchor already covers (a prune cut short by a crash): deleted first. */
  finish: Scanned[];
  /** Segments this prune adds, under a new anchor. */
  prune: Scanned[];
  latest?: RetentionAnchor;
  /** A checkpoint at or after this seq is needed first (none covers the segments yet). */
  needsCheckpoint?: number;
  note?: string;
}

export interface PlanInput {
  dir: string;
  publicKey: KeyObject;
  cutoff: Date;
  /** The last durable entry: its segment is never deleted, nor anything after it. */
  head: { seq: number; hash: string };
  /** The segment being written. */
  active: string;
}

/**
 * Which segments may go. Walks the segments from the first, checking the chain as it goes (hashes,
 * seqs, the start at seq 1 or at the newest anchor), and takes the longest prefix of sealed segments
 * that are either already covered by the newest anchor or wholly older than the cutoff. Then reads
 * on until the first valid checkpoint at or after the last of them and checks its hash. Throws
 * AUDIT_BROKEN when the log does not verify there: the evidence is kept.
 */
export async function planPrune(i: PlanInput): Promise<PrunePlan> {
  const anchors = readRetentionAnchors(await readOptional(join(i.dir, RETENTION_FILE)), i.publicKey);
  if (anchors.problems.length > 0) throw broken(`${RETENTION_FILE} does not verify (${anchors.problems[0]?.detail ?? ''})`);
  const cps = readCheckpoints(await readOptional(join(i.dir, CHECKPOINTS_FILE)), i.publicKey);
  if (cps.problems.length > 0) throw broken(`${CHECKPOINTS_FILE} does not verify (${cps.problems[0]?.detail ?? ''})`);
  const latest = anchors.latest;
  const plan: PrunePlan = { finish: [], prune: [], ...(latest ? { latest } : {}) };
  const cutoff = i.cutoff.toISOString();
  const wanted = new Set(cps.hashes.keys());
  const hasher = new LineHasher();
  const segments = await listSegments(i.dir);
  let chain: { seq: number; hash: string } | undefined;
  let k = 0;
  for (; k < segments.length; k++) {
    const file = segments[k] as SegmentFile;
    if (file.name === i.active || k === segments.length - 1) break;
    const data = await readSegment(file);
    const s = checkChained(file, scanSegment(data, wanted, hasher), chain, latest);
    const sealed = s.scan.last.seq < i.head.seq;
    if (latest && s.scan.last.seq < latest.seq) plan.finish.push(s);
    else if (sealed && newestTimestamp(data) < cutoff) plan.prune.push(s);
    else break;
    chain = s.scan.last;
  }
  const chosen = [...plan.finish, ...plan.prune];
  const last = chosen[chosen.length - 1];
  if (!last) return { ...plan, note: `no sealed segment has only entries older than ${cutoff}` };
  const firstPruned = plan.prune[0];
  if (firstPruned && firstPruned.scan.first.seq !== (latest?.seq ?? 1)) throw broken(`${firstPruned.file.name} does not start where the last prune stopped`);
  const cover = cps.valid.find((c) => c.seq >= last.scan.last.seq);
  if (!cover) return { ...plan, needsCheckpoint: last.scan.last.seq };
  await checkCovered(cover.seq, cover.hash, { segments, from: k, chain: last.scan.last, chosen, latest, cps, hasher });
  return plan;
}

/** One segment, fully readable and chained onto the one before (or onto the log's start). */
function checkChained(file: SegmentFile, scan: SegmentScan, before: { seq: number; hash: string } | undefined, latest: RetentionAnchor | undefined): Scanned {
  if (!scan.ok || !scan.first || !scan.last) throw broken(`${file.name} does not verify (a bad, torn or missing line)`);
  const first = scan.first;
  if (before) {
    if (first.seq !== before.seq + 1 || first.prevHash !== before.hash) throw broken(`${file.name} does not chain onto the segment before it`);
  } else if (!latest) {
    if (first.seq !== 1 || first.prevHash !== GENESIS_HASH) throw broken(`the log starts at seq ${first.seq} and no retention anchor says why`);
  } else if (first.seq > latest.seq) throw broken(`the log starts at seq ${first.seq}, after the newest retention anchor's seq ${latest.seq}`);
  else if (first.seq === 1 && first.prevHash !== GENESIS_HASH) throw broken(`entry 1 does not chain to the start`);
  if (latest && first.seq === latest.seq && first.prevHash !== latest.prevHash) throw broken(`entry ${latest.seq} does not chain to its retention anchor`);
  return { file, scan: scan as Scanned['scan'] };
}

/** Reads on from segment `from` until the checkpoint's seq: the chain must reach it with its hash. */
async function checkCovered(
  seq: number,
  hash: string,
  c: { segments: readonly SegmentFile[]; from: number; chain: { seq: number; hash: string }; chosen: Scanned[]; latest: RetentionAnchor | undefined; cps: CheckpointSet; hasher: LineHasher },
): Promise<void> {
  const seen = c.chosen.find((s) => s.scan.hashes.has(seq))?.scan.hashes.get(seq);
  if (seen !== undefined) {
    if (seen !== hash) throw broken(`entry ${seq} differs from what checkpoint ${seq} signed`);
    return;
  }
  let chain = c.chain;
  for (let k = c.from; k < c.segments.length; k++) {
    const file = c.segments[k] as SegmentFile;
    // The segment being written may end in a line still being written: what came before it counts.
    const scan = scanSegment(await readSegment(file), new Set([seq]), c.hasher);
    if (!scan.first) break;
    if (scan.first.seq !== chain.seq + 1 || scan.first.prevHash !== chain.hash) throw broken(`${file.name} does not chain onto the segment before it`);
    if (c.latest && scan.first.seq === c.latest.seq && scan.first.prevHash !== c.latest.prevHash) throw broken(`entry ${c.latest.seq} does not chain to its retention anchor`);
    const h = scan.hashes.get(seq);
    if (h !== undefined) {
      if (h !== hash) throw broken(`entry ${seq} differs from what checkpoint ${seq} signed`);
      return;
    }
    if (!scan.ok || !scan.last) break;
    chain = scan.last;
  }
  throw broken(`the chain does not reach checkpoint ${seq}`);
}

/** The newest `ts` of a segment's lines ('' when a line has none: such a segment is never old enough). */
function newestTimestamp(data: Buffer): string {
  let newest = '';
  let start = 0;
  while (start < data.length) {
    const nl = data.indexOf(0x0a, start);
    const ts = auditLineTimestamp(data.toString('latin1', start, nl));
    if (ts === undefined) return '\uffff';
    if (ts > newest) newest = ts;
    start = nl + 1;
  }
  return newest;
}

export interface PruneEffects {
  dir: string;
  signingKey: KeyObject;
  fingerprint: string;
  now: () => Date;
  durable: boolean;
  cutoff: Date;
  /** Drops deleted files from the segments.json index. */
  unindex(files: readonly string[]): Promise<void>;
}

/**
 * Carries a plan out: the anchor (appended to `retention.jsonl` and synced) before any deletion, then
 * the files oldest first, each deletion synced before the next, so a crash at any point leaves a log
 * that starts at a segment boundary the newest durable anchor allows.
 */
export async function executePrune(plan: PrunePlan, e: PruneEffects): Promise<PruneResult> {
  const last = plan.prune[plan.prune.length - 1];
  let anchor: RetentionAnchor | undefined;
  if (last) {
    const fromSeq = plan.latest?.seq ?? 1;
    const seq = last.scan.last.seq + 1;
    anchor = signRetentionAnchor({ seq, prevHash: last.scan.last.hash, fromSeq, entries: seq - fromSeq, segments: plan.prune.length, cutoff: e.cutoff.toISOString(), ts: e.now().toISOString() }, e.signingKey, e.fingerprint);
    await appendAnchor(e.dir, anchor, e.durable);
  }
  const deleted: string[] = [];
  let entries = 0;
  for (const s of [...plan.finish, ...plan.prune]) {
    await unlink(s.file.path).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code !== 'ENOENT') throw ioError(`could not delete ${s.file.path}`, err);
    });
    if (e.durable) await syncDir(e.dir);
    deleted.push(s.file.name);
    entries += s.scan.lines;
  }
  if (deleted.length > 0) await e.unindex(deleted);
  const firstSeq = anchor?.seq ?? plan.latest?.seq ?? 1;
  return { deleted, entries, firstSeq, ...(anchor ? { anchor } : {}), ...(plan.note !== undefined ? { note: plan.note } : {}) };
}

/** Appends one anchor line durably; a torn last line (a crash mid-write: never relied upon) is cut off first. */
async function appendAnchor(dir: string, anchor: RetentionAnchor, durable: boolean): Promise<void> {
  const file = join(dir, RETENTION_FILE);
  try {
    const existing = await readFile(file).catch((err: unknown) => {
      if ((err as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw err;
    });
    if (existing && existing.length > 0 && existing[existing.length - 1] !== 0x0a) await truncate(file, existing.lastIndexOf(0x0a) + 1);
    const fh = await open(file, 'a', 0o600);
    try {
      await writeAll(fh, Buffer.from(encodeRetentionAnchorLine(anchor) + '\n', 'utf8'));
      if (durable) await fh.sync();
    } finally {
      await fh.close();
    }
    if (durable && existing === undefined) await syncDir(dir);
  } catch (err) {
    throw ioError(`could not write the retention anchor to ${file}`, err);
  }
}

async function readOptional(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((err: unknown) => {
    if ((err as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw ioError(`could not read ${file}`, err);
  });
}

async function readSegment(file: SegmentFile): Promise<Buffer> {
  return readFile(file.path).catch((err: unknown) => {
    throw ioError(`could not read ${file.path}`, err);
  });
}

function broken(why: string): OversightError {
  return new OversightError('AUDIT_BROKEN', `audit retention deleted nothing: ${why}. Run "mcp-oversight audit verify" and keep the folder as evidence.`);
}

export interface PruneContext extends Omit<PlanInput, 'head' | 'active'>, PruneEffects {
  /** The durable head and the segment being written, as they are when planning. */
  position(): Pick<PlanInput, 'head' | 'active'>;
  /** Signs the head (when no checkpoint covers the segments to go yet). */
  checkpoint(): Promise<void>;
}

/**
 * A whole prune (docs/AUDIT.md, "Retention"): plan (first finishing a prune a crash cut short), sign a
 * checkpoint if none covers the segments to go, then anchor and delete. Returns what happened and, when
 * files were deleted, the payload of the `audit.pruned` entry the log is to append.
 */
export async function pruneSegments(c: PruneContext): Promise<{ result: PruneResult; payload?: Record<string, unknown> }> {
  let plan = await planPrune({ ...c, ...c.position() });
  if (plan.needsCheckpoint !== undefined) {
    await c.checkpoint();
    plan = await planPrune({ ...c, ...c.position() });
    if (plan.needsCheckpoint !== undefined) throw new OversightError('internal', `audit retention: no checkpoint covers seq ${plan.needsCheckpoint} after one was written`);
  }
  const result = await executePrune(plan, c);
  return result.deleted.length > 0 ? { result, payload: prunedEntryPayload(result, plan, c.cutoff) } : { result };
}

/** The payload of the `audit.pruned` entry: what was deleted, and the anchor that vouches for it. */
function prunedEntryPayload(result: PruneResult, plan: PrunePlan, cutoff: Date): Record<string, unknown> {
  const a = result.anchor;
  return {
    files: result.deleted,
    entries: result.entries,
    firstKeptSeq: result.firstSeq,
    cutoff: cutoff.toISOString(),
    ...(a ? { anchor: { seq: a.seq, prevHash: a.prevHash, fromSeq: a.fromSeq, entries: a.entries, segments: a.segments, ts: a.ts } } : {}),
    // Files an earlier prune's anchor already covered (that prune was cut short).
    ...(plan.finish.length > 0 && plan.latest ? { finishedPruneOf: plan.latest.ts } : {}),
  };
}

/**
 * When retention runs: once at start, then daily (an unref'd timer: it never keeps a process alive),
 * and whenever a rotation seals a segment. A run asked for while one waits to start joins it; the
 * cutoff (now minus `days`) is taken when it starts. With `days` 0 it never runs.
 */
export class RetentionSchedule {
  private waiting: Promise<PruneResult | undefined> | undefined;
  private timer: NodeJS.Timeout | undefined;

  constructor(
    private readonly o: {
      days: number;
      now: () => Date;
      /** Queues a prune; `started` is called as it begins; undefined: it was skipped. */
      prune: (cutoff: () => Date, started: () => void) => Promise<PruneResult | undefined>;
      report?: ((outcome: { result: PruneResult } | { error: unknown }) => void) | undefined;
    },
  ) {}

  get enabled(): boolean {
    return this.o.days > 0;
  }

  start(): void {
    if (!this.enabled || this.timer) return;
    void this.run();
    this.timer = setInterval(() => void this.run(), DAY_MS);
    this.timer.unref();
  }

  stop(): void {
    clearInterval(this.timer);
  }

  /** Never rejects: the outcome goes to `report`. */
  run(): Promise<PruneResult | undefined> {
    if (!this.enabled) return Promise.resolve(undefined);
    this.waiting ??= this.o
      .prune(
        () => new Date(this.o.now().getTime() - this.o.days * DAY_MS),
        () => (this.waiting = undefined),
      )
      .then(
        (result) => {
          if (result) this.o.report?.({ result });
          return result;
        },
        (error: unknown) => {
          this.o.report?.({ error });
          return undefined;
        },
      );
    return this.waiting;
  }
}
