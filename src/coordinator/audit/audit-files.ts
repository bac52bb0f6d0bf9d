import { randomBytes } from 'node:crypto';
import { writeSync } from 'node:fs';
import { open, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { z } from 'zod';
import { SEGMENT_PATTERN } from '../../core/audit/audit-verify';
import { OversightError } from '../../core/errors';

/**
 * The audit folder: `segment-<first seq, 12 digits>.jsonl` (names sort in log order and say where each
 * segment starts), `checkpoints.jsonl`, `segments.json` (time ranges of sealed segments, an index for
 * queries only: never trusted by verify), `writer.lock`, and `torn-*.bin` (bytes kept aside after a crash).
 */
export const MANIFEST_FILE = 'segments.json';
export const LOCK_FILE = 'writer.lock';
export { CHECKPOINTS_FILE, SEGMENT_PATTERN } from '../../core/audit/audit-verify';
export { RETENTION_FILE } from '../../core/audit/audit-anchor';

export function segmentName(firstSeq: number): string {
  return `segment-${String(firstSeq).padStart(12, '0')}.jsonl`;
}

export interface SegmentFile {
  name: string;
  path: string;
  firstSeq: number;
}

/** The segments in log order. A missing folder is an empty log. */
export async function listSegments(dir: string): Promise<SegmentFile[]> {
  let names: string[];
  try {
    names = await readdir(dir);
  } catch (e) {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
    throw ioError(`could not list the audit folder ${dir}`, e);
  }
  const out: SegmentFile[] = [];
  for (const name of names) {
    const m = SEGMENT_PATTERN.exec(name);
    if (m?.[1] !== undefined) out.push({ name, path: join(dir, name), firstSeq: Number(m[1]) });
  }
  return out.sort((a, b) => a.firstSeq - b.firstSeq);
}

export const ManifestSchema = z.object({
  version: z.literal(1),
  sealed: z.array(
    z.object({
      file: z.string().regex(SEGMENT_PATTERN),
      firstSeq: z.number().int().positive(),
      lastSeq: z.number().int().positive(),
      bytes: z.number().int().nonnegative(),
      minTs: z.string(),
      maxTs: z.string(),
    }),
  ),
});
export type Manifest = z.infer<typeof ManifestSchema>;
export type SealedSegment = Manifest['sealed'][number];

/** The index of sealed segments, or an empty one when it is missing or unreadable (it is only an index). */
export async function readManifest(dir: string): Promise<Manifest> {
  try {
    const r = ManifestSchema.safeParse(JSON.parse(await readFile(join(dir, MANIFEST_FILE), 'utf8')));
    if (r.success) return r.data;
  } catch {
    // Missing or broken: queries scan the segments instead.
  }
  return { version: 1, sealed: [] };
}

export async function writeManifest(dir: string, manifest: Manifest, durable: boolean): Promise<void> {
  await writeFileDurable(join(dir, MANIFEST_FILE), JSON.stringify(manifest) + '\n', durable);
}

/** Temp file, fsync, rename, fsync of the folder: after a crash the file is the old or the new one. */
export async function writeFileDurable(file: string, content: string | Uint8Array, durable: boolean): Promise<void> {
  const tmp = `${file}.${randomBytes(6).toString('hex')}.tmp`;
  try {
    const fh = await open(tmp, 'wx', 0o600);
    try {
      await fh.writeFile(content);
      if (durable) await fh.sync();
    } finally {
      await fh.close();
    }
    await rename(tmp, file);
    if (durable) await syncDir(join(file, '..'));
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    throw ioError(`could not write ${file}`, e);
  }
}

/** A new directory entry is durable only once its folder is synced (POSIX); a no-op where unsupported. */
export async function syncDir(dir: string): Promise<void> {
  let fh;
  try {
    fh = await open(dir, 'r');
    await fh.sync();
  } catch {
    // Windows cannot open a folder for fsync; its metadata journaling covers the rename.
  } finally {
    await fh?.close();
  }
}

/** Writes all of `buf` at the file's current end (a short write is continued, never dropped). */
export async function writeAll(fh: import('node:fs/promises').FileHandle, buf: Buffer): Promise<void> {
  let off = 0;
  while (off < buf.length) {
    const { bytesWritten } = await fh.write(buf, off, buf.length - off);
    if (bytesWritten <= 0) throw new Error('write made no progress');
    off += bytesWritten;
  }
}

/** All of `buf` into the file at `fd`, synchronously (an audit batch: see AuditLog.writeBatch). */
export function writeAllSync(fd: number, buf: Buffer): void {
  let off = 0;
  while (off < buf.length) {
    const n = writeSync(fd, buf, off, buf.length - off);
    if (n <= 0) throw new Error('write made no progress');
    off += n;
  }
}

export function ioError(what: string, e: unknown): OversightError {
  const err = e as NodeJS.ErrnoException;
  const why = err.code === 'ENOSPC' ? 'the disk is full' : err.code === 'EACCES' || err.code === 'EPERM' ? 'permission denied' : err instanceof Error ? err.message : String(e);
  return new OversightError('io', `${what}: ${why}`, { cause: e });
}
