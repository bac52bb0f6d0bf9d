import { open, readFile } from 'node:fs/promises';
import type { AuditEntry } from '../../core/audit/audit-entry';
import { auditLineTimestamp, parseAuditLine } from '../../core/audit/audit-line';
import { compileAuditQuery, type AuditQuery } from '../../core/audit/audit-query';
import { ioError, listSegments, readManifest, type SealedSegment, type SegmentFile } from './audit-files';

/**
 * Reading the log without the writer's lock (the CLI, and `AuditLog` itself). Bytes after a segment's
 * last newline are a write in progress or a torn tail: never returned. Every line goes through the
 * entry schema; a broken one is an AUDIT_BROKEN error naming file:line.
 */
const CHUNK = 64 * 1024;

/**
 * The last lines of a file, newest first, read backwards in chunks: the cost depends on how much is
 * read, not on the file's size. `visit` returns false to stop.
 */
export async function readLinesBackward(path: string, visit: (line: string, lineIndexFromEnd: number) => boolean): Promise<void> {
  let fh;
  try {
    fh = await open(path, 'r');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return;
    throw ioError(`could not read ${path}`, e);
  }
  try {
    let pos = (await fh.stat()).size;
    // Invariant once the file's last newline is found: `rest` ends where a line ends (newline excluded).
    let rest: Buffer = Buffer.alloc(0);
    let started = false;
    let index = 0;
    while (pos > 0) {
      const len = Math.min(CHUNK, pos);
      pos -= len;
      const chunk = Buffer.alloc(len);
      await fh.read(chunk, 0, len, pos);
      let buf = rest.length > 0 ? Buffer.concat([chunk, rest]) : chunk;
      if (!started) {
        const nl = buf.lastIndexOf(0x0a);
        if (nl < 0) {
          rest = buf; // all after the last newline so far: not a line yet
          continue;
        }
        started = true;
        buf = buf.subarray(0, nl);
      }
      let end = buf.length;
      for (let nl = end > 0 ? buf.lastIndexOf(0x0a, end - 1) : -1; nl >= 0; nl = end > 0 ? buf.lastIndexOf(0x0a, end - 1) : -1) {
        if (!visit(buf.toString('utf8', nl + 1, end), index++)) return;
        end = nl;
      }
      rest = buf.subarray(0, end);
    }
    if (started) visit(rest.toString('utf8'), index);
  } finally {
    await fh.close();
  }
}

/** 1-based line number of the line `fromEnd` lines before the end (0 = last complete line) of a file. */
async function lineNumberFromEnd(path: string, fromEnd: number): Promise<number> {
  const text = await readFile(path, 'utf8');
  const complete = text.slice(0, text.lastIndexOf('\n') + 1).split('\n').length - 1;
  return complete - fromEnd;
}

/** The newest `n` entries, newest first, reading only as far back as needed. */
export async function readNewest(dir: string, n: number): Promise<AuditEntry[]> {
  const out: AuditEntry[] = [];
  if (n <= 0) return out;
  const segments = await listSegments(dir);
  for (let i = segments.length - 1; i >= 0 && out.length < n; i--) {
    const seg = segments[i] as SegmentFile;
    let broken: { line: string; fromEnd: number } | undefined;
    await readLinesBackward(seg.path, (line, fromEnd) => {
      try {
        out.push(parseAuditLine(line, seg.name));
      } catch {
        broken = { line, fromEnd };
        return false;
      }
      return out.length < n;
    });
    if (broken) parseAuditLine(broken.line, `${seg.path}:${await lineNumberFromEnd(seg.path, broken.fromEnd)}`);
  }
  return out;
}

/** Entries of one whole segment, oldest first (complete lines only). */
export async function readSegmentEntries(seg: SegmentFile, keep: (line: string) => boolean = () => true): Promise<AuditEntry[]> {
  let text: string;
  try {
    text = await readFile(seg.path, 'utf8');
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw ioError(`could not read ${seg.path}`, e);
  }
  const lines = text.split('\n');
  lines.pop(); // after the last newline: empty, or a write in progress
  const out: AuditEntry[] = [];
  lines.forEach((line, i) => {
    if (keep(line)) out.push(parseAuditLine(line, `${seg.path}:${i + 1}`));
  });
  return out;
}

/**
 * Entries matching `q`, newest first. Segments whose sealed time range misses [since, until) are not
 * read; within a segment, lines are skipped by their positional `ts` before being parsed; reading stops
 * once `limit` entries are found (older segments are not touched).
 */
export async function queryAudit(dir: string, q: AuditQuery): Promise<AuditEntry[]> {
  const m = compileAuditQuery(q);
  const limit = q.limit ?? Infinity;
  const [segments, manifest] = await Promise.all([listSegments(dir), readManifest(dir)]);
  const sealed = new Map<string, SealedSegment>(manifest.sealed.map((s) => [s.file, s]));
  const out: AuditEntry[] = [];
  for (let i = segments.length - 1; i >= 0 && out.length < limit; i--) {
    const seg = segments[i] as SegmentFile;
    const range = sealed.get(seg.name);
    if (range && (Date.parse(range.maxTs) < m.sinceMs || Date.parse(range.minTs) >= m.untilMs)) continue;
    const entries = await readSegmentEntries(seg, (line) => {
      const ts = auditLineTimestamp(line);
      return ts === undefined || m.inTime(Date.parse(ts));
    });
    for (let k = entries.length - 1; k >= 0 && out.length < limit; k--) {
      const e = entries[k] as AuditEntry;
      if (m.matches(e)) out.push(e);
    }
  }
  return out;
}
