import { open, readFile, truncate } from 'node:fs/promises';
import { join } from 'node:path';
import { sha256Hex } from '../../core/crypto/hash';
import { OversightError } from '../../core/errors';
import { LineHasher, type LineFields } from '../../core/audit/audit-scan';
import { auditLineTimestamp } from '../../core/audit/audit-line';
import { CHECKPOINTS_FILE, ioError, RETENTION_FILE, syncDir, writeFileDurable, writeManifest, type Manifest, type SegmentFile } from './audit-files';

/** What a torn tail was, for the `audit.torn-line` entry (never the bytes themselves: they may hold a secret). */
export interface TornTail {
  segment: string;
  bytes: number;
  sha256: string;
  sideFile: string;
}

/**
 * A crash can leave the last segment ending in part of a batch (no newline). Those entries were not
 * acknowledged as durable (a durable append resolves after the fdatasync that covers it; one that only
 * waited for its write may have been, and a power loss can tear it), so: keep the bytes aside in
 * `torn-<segment first seq>-<time>.bin`, cut the segment back to its last newline, and report it.
 */
export async function recoverTornTail(dir: string, seg: SegmentFile, durable: boolean, now: Date): Promise<TornTail | undefined> {
  const data = await readFile(seg.path).catch((e: unknown) => {
    throw ioError(`could not read ${seg.path}`, e);
  });
  const keep = data.lastIndexOf(0x0a) + 1;
  if (keep === data.length) return undefined;
  const torn = data.subarray(keep);
  const sideFile = `torn-${String(seg.firstSeq).padStart(12, '0')}-${now.getTime()}.bin`;
  await writeFileDurable(join(dir, sideFile), torn, durable);
  await truncate(seg.path, keep).catch((e: unknown) => {
    throw ioError(`could not cut the torn tail of ${seg.path}`, e);
  });
  if (durable) await syncFile(seg.path);
  await syncDir(dir);
  return { segment: seg.name, bytes: torn.length, sha256: sha256Hex(torn), sideFile };
}

/**
 * A checkpoint (or retention anchor) line cut short by a crash was never relied upon: it is dropped.
 * `name`: `checkpoints.jsonl` or `retention.jsonl`.
 */
export async function dropTornLine(dir: string, name: typeof CHECKPOINTS_FILE | typeof RETENTION_FILE, durable: boolean): Promise<void> {
  const file = join(dir, name);
  const data = await readFile(file).catch(() => undefined);
  if (data === undefined) return;
  const keep = data.lastIndexOf(0x0a) + 1;
  if (keep === data.length) return;
  await truncate(file, keep);
  if (durable) await syncFile(file);
}

async function syncFile(path: string): Promise<void> {
  const fh = await open(path, 'r+');
  try {
    await fh.sync();
  } finally {
    await fh.close();
  }
}

/** The state the writer continues from: the last entry of the last non-empty segment, and that segment's shape. */
export interface SegmentState {
  head: { seq: number; hash: string };
  entries: number;
  bytes: number;
  minTs: string | undefined;
  maxTs: string | undefined;
}

/**
 * Reads a segment (after recovery: it ends in a newline) to find its last entry and time range. The
 * last line must be sound, or the writer would chain new entries to a broken one.
 */
export async function readSegmentState(seg: SegmentFile): Promise<SegmentState> {
  const data = await readFile(seg.path).catch((e: unknown) => {
    throw ioError(`could not read ${seg.path}`, e);
  });
  const state: SegmentState = { head: { seq: 0, hash: '' }, entries: 0, bytes: data.length, minTs: undefined, maxTs: undefined };
  if (data.length === 0) return state;
  const text = data.toString('utf8');
  const lines = text.split('\n');
  lines.pop();
  state.entries = lines.length;
  for (const line of lines) {
    const ts = auditLineTimestamp(line);
    if (ts === undefined) continue;
    if (state.minTs === undefined || ts < state.minTs) state.minTs = ts;
    if (state.maxTs === undefined || ts > state.maxTs) state.maxTs = ts;
  }
  const lastStart = data.lastIndexOf(0x0a, data.length - 2) + 1;
  const f: LineFields = { seq: 0, prevHash: '', hash: '', problem: undefined };
  new LineHasher().read(data, lastStart, data.length - 1, f);
  if (f.problem !== undefined) {
    throw new OversightError('AUDIT_BROKEN', `the last entry of ${seg.path} is not sound (${f.problem}): new entries cannot be chained to it. Run "mcp-oversight audit verify --store <store>" to see what happened; to start a fresh log, move the audit folder aside (keep it as evidence).`);
  }
  state.head = { seq: f.seq, hash: f.hash };
  return state;
}

/** Sealed segments missing from the index (a crash between rotation and its index write) are indexed now. */
export async function sealUnindexed(dir: string, segments: readonly SegmentFile[], manifest: Manifest, durable: boolean): Promise<void> {
  const known = new Set(manifest.sealed.map((m) => m.file));
  let changed = false;
  for (const seg of segments.slice(0, -1)) {
    if (known.has(seg.name)) continue;
    const st = await readSegmentState(seg);
    if (st.entries === 0 || st.minTs === undefined || st.maxTs === undefined) continue;
    manifest.sealed.push({ file: seg.name, firstSeq: seg.firstSeq, lastSeq: st.head.seq, bytes: st.bytes, minTs: st.minTs, maxTs: st.maxTs });
    changed = true;
  }
  if (changed) {
    manifest.sealed.sort((a, b) => a.firstSeq - b.firstSeq);
    await writeManifest(dir, manifest, durable);
  }
}
