import { hash as oneShotHash } from 'node:crypto';
import { HASH_TAGS } from '../crypto/hash';

/**
 * audit-line.ts's AUDIT_ENTRY_TAG_PREFIX, AUDIT_HASH_SUFFIX_LENGTH and AUDIT_MAX_LINE_BYTES, restated
 * rather than imported: audit-line pulls in zod (the entry schema), which made the parallel-verify
 * scan worker a 750 KB bundle starting ~35 ms later. test/integration/audit-parallel-verify.test.ts
 * checks that they are equal.
 */
export const SCAN_LINE_FORMAT = {
  tagPrefix: `${HASH_TAGS.auditEntry}\0`,
  hashSuffixLength: ',"hash":"'.length + 64 + '"}'.length,
  maxLineBytes: 256 * 1024,
} as const;
const { tagPrefix: AUDIT_ENTRY_TAG_PREFIX, hashSuffixLength: AUDIT_HASH_SUFFIX_LENGTH, maxLineBytes: AUDIT_MAX_LINE_BYTES } = SCAN_LINE_FORMAT;

/**
 * The hot path of `verify`: one segment's bytes, line by line, without JSON.parse. Each line's hash is
 * recomputed over the domain tag and the line's body (copied once into a scratch buffer so one-shot
 * `crypto.hash` sees contiguous bytes); `seq` and `prevHash` are read positionally. It stops at the
 * first problem: finding out *what* went wrong is `classifyAuditRecords`' job, on the slow path.
 */
export interface SegmentScan {
  /** Complete (newline-terminated) lines read before stopping. */
  lines: number;
  bytes: number;
  first?: { seq: number; prevHash: string };
  last?: { seq: number; hash: string };
  /** Every line well-formed, hashes right, seqs consecutive, chained, and no bytes after the last newline. */
  ok: boolean;
  /** Bytes after the last newline (a torn write, or a cut). */
  tornBytes: number;
  /** Hashes of the entries whose seq was asked for (the checkpoints'). */
  hashes: Map<number, string>;
}

/** What one line says about itself. `problem` is set when it cannot be read or its hash is wrong. */
export interface LineFields {
  seq: number;
  prevHash: string;
  hash: string;
  problem: string | undefined;
}

const NEWLINE = 0x0a;
const HASH_KEY = Buffer.from(',"hash":"', 'latin1');
const PREV_KEY = Buffer.from('"prevHash":"', 'latin1');
const SEQ_KEY = Buffer.from('","seq":', 'latin1');
const SUBJECT_KEY = Buffer.from(',"subject":{', 'latin1');
const TAG = Buffer.from(AUDIT_ENTRY_TAG_PREFIX, 'utf8');

/** A reusable buffer holding the domain tag, then one line's body: avoids an allocation per line. */
export class LineHasher {
  private readonly scratch = Buffer.alloc(TAG.length + AUDIT_MAX_LINE_BYTES + 1);
  constructor() {
    TAG.copy(this.scratch, 0);
  }

  /** Reads the line `buf[start, end)` (no newline) into `out`; sets `out.problem` when it is not sound. */
  read(buf: Buffer, start: number, end: number, out: LineFields): void {
    out.problem = undefined;
    out.seq = -1;
    out.prevHash = '';
    out.hash = '';
    const len = end - start;
    if (len > AUDIT_MAX_LINE_BYTES) return void (out.problem = `line longer than ${AUDIT_MAX_LINE_BYTES} bytes`);
    const bodyEnd = end - AUDIT_HASH_SUFFIX_LENGTH;
    if (len < AUDIT_HASH_SUFFIX_LENGTH + 2 || buf[end - 1] !== 0x7d || buf[end - 2] !== 0x22 || !bytesAt(buf, bodyEnd, HASH_KEY)) return void (out.problem = 'no "hash" at the end of the line');
    const p = buf.lastIndexOf(PREV_KEY, bodyEnd);
    const seqAt = p + PREV_KEY.length + 64;
    if (p < start || seqAt + SEQ_KEY.length >= bodyEnd) return void (out.problem = 'no "prevHash" in the line');
    if (!bytesAt(buf, seqAt, SEQ_KEY)) return void (out.problem = 'no "seq" after "prevHash"');
    let seq = 0;
    let i = seqAt + SEQ_KEY.length;
    const digitsFrom = i;
    for (; i < bodyEnd; i++) {
      const c = buf[i] as number;
      if (c < 0x30 || c > 0x39) break;
      seq = seq * 10 + (c - 0x30);
    }
    if (i === digitsFrom || i - digitsFrom > 15 || (buf[digitsFrom] === 0x30 && i - digitsFrom > 1) || seq < 1 || !bytesAt(buf, i, SUBJECT_KEY)) {
      return void (out.problem = '"seq" is not a positive integer followed by "subject"');
    }
    out.seq = seq;
    out.prevHash = latin1(buf, p + PREV_KEY.length, seqAt);
    out.hash = latin1(buf, end - 66, end - 2);
    const bodyLen = bodyEnd - start;
    buf.copy(this.scratch, TAG.length, start, bodyEnd);
    this.scratch[TAG.length + bodyLen] = 0x7d;
    const actual = oneShotHash('sha256', this.scratch.subarray(0, TAG.length + bodyLen + 1), 'hex');
    if (actual !== out.hash) out.problem = 'hash does not match the entry';
  }
}

/** `buf` holds `key` at `at` (a byte loop: cheaper than a native call for these few bytes). */
function bytesAt(buf: Buffer, at: number, key: Buffer): boolean {
  if (at < 0 || at + key.length > buf.length) return false;
  for (let k = 0; k < key.length; k++) if (buf[at + k] !== key[k]) return false;
  return true;
}

// Buffer#latin1Slice is what toString('latin1', a, b) ends in, minus its argument checks (not in @types/node).
const latin1 = (buf: Buffer, from: number, to: number): string => (buf as Buffer & { latin1Slice(a: number, b: number): string }).latin1Slice(from, to);

/** Fast pass over one segment; see `SegmentScan`. */
export function scanSegment(data: Uint8Array, wanted: ReadonlySet<number> = new Set(), hasher = new LineHasher()): SegmentScan {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const scan: SegmentScan = { lines: 0, bytes: buf.length, ok: true, tornBytes: 0, hashes: new Map() };
  const f: LineFields = { seq: 0, prevHash: '', hash: '', problem: undefined };
  let start = 0;
  let lastSeq = 0;
  let lastHash = '';
  while (start < buf.length) {
    const end = buf.indexOf(NEWLINE, start);
    if (end < 0) {
      scan.tornBytes = buf.length - start;
      scan.ok = false;
      break;
    }
    hasher.read(buf, start, end, f);
    if (f.problem !== undefined || (scan.lines > 0 && (f.seq !== lastSeq + 1 || f.prevHash !== lastHash))) {
      scan.ok = false;
      break;
    }
    if (scan.lines === 0) scan.first = { seq: f.seq, prevHash: f.prevHash };
    if (wanted.has(f.seq)) scan.hashes.set(f.seq, f.hash);
    lastSeq = f.seq;
    lastHash = f.hash;
    scan.lines++;
    start = end + 1;
  }
  if (scan.lines > 0) scan.last = { seq: lastSeq, hash: lastHash };
  return scan;
}

/** One line on the slow path: where it is and what it says. */
export interface LineRecord extends LineFields {
  segment: string;
  /** 1-based line number in its segment. */
  line: number;
  /** Bytes after the segment's last newline: this record is a torn tail. */
  torn: boolean;
}

/** Every line of a segment (including a torn tail) as records, for the classifier. */
export function readLineRecords(segment: string, data: Uint8Array, hasher = new LineHasher()): LineRecord[] {
  const buf = Buffer.isBuffer(data) ? data : Buffer.from(data.buffer, data.byteOffset, data.byteLength);
  const out: LineRecord[] = [];
  let start = 0;
  let line = 1;
  while (start < buf.length) {
    const nl = buf.indexOf(NEWLINE, start);
    const end = nl < 0 ? buf.length : nl;
    // `read` never looks before `start`: a broken line cannot borrow "prevHash" from the one before it.
    const r: LineRecord = { seq: -1, prevHash: '', hash: '', problem: undefined, segment, line, torn: nl < 0 };
    hasher.read(buf, start, end, r);
    out.push(r);
    start = end + 1;
    line++;
  }
  return out;
}
