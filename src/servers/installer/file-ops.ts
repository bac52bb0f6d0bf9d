import { randomBytes } from 'node:crypto';
import { constants } from 'node:fs';
import { lstat, mkdir, open, readdir, rename, unlink } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { sha256Hex } from '../../core/crypto/hash';
import { OversightError } from '../../core/errors';
import { ABSENT_FILE_HASH } from '../../core/grants/grant-schema';

/** Far above any real MCP config; a bigger target is refused rather than read into memory. */
export const MAX_TARGET_BYTES = 8 * 1024 * 1024;

/** A target file as it is now: its bytes (undefined when there is no file), their hash and its mode. */
export interface FileState {
  file: string;
  bytes: Buffer | undefined;
  /** SHA-256 of the bytes, or `ABSENT_FILE_HASH`. */
  hash: string;
  /** Permission bits of an existing file, kept when it is replaced. */
  mode: number | undefined;
}

/**
 * The file-system steps of an atomic apply, behind an interface so that tests can make one step fail
 * (the same code runs in production with `nodeFileOps`).
 */
export interface FileOps {
  /** Reads a target without following a symbolic link (a link is refused: TARGET_UNWRITABLE). */
  read(file: string): Promise<FileState>;
  /**
   * Writes `text` to a new temporary file beside `file` (same folder, so the rename is atomic), with
   * `mode` (or the default for a new file), and fsyncs it. Returns the temporary path.
   */
  writeTemp(file: string, text: string, mode: number | undefined, tag: string): Promise<string>;
  rename(from: string, to: string): Promise<void>;
  /** Removes a file; a file that is already gone is not an error. */
  unlink(file: string): Promise<void>;
  /** Makes a rename in `dir` durable (a no-op where folders cannot be fsynced). */
  fsyncDir(dir: string): Promise<void>;
  mkdir(dir: string, mode?: number): Promise<void>;
  readdir(dir: string): Promise<string[]>;
}

/** `.mcp.json.mcp-oversight-<tag>-<random>.tmp`: hidden, beside the target, recognisable by recovery. */
export function tempPrefix(file: string, tag: string): string {
  return `.${basename(file)}.mcp-oversight-${tag}`;
}

function errno(e: unknown): string | undefined {
  return (e as NodeJS.ErrnoException | undefined)?.code;
}

export function symlinkRefusal(file: string): OversightError {
  return new OversightError('TARGET_UNWRITABLE', `${file} is a symbolic link. The Installer writes only regular files, never through a link (it could point anywhere). Replace the link with the file itself, then request a fresh proposal.`, {
    details: { file },
  });
}

/** An I/O failure as the stable TARGET_UNWRITABLE, saying what to check. */
export function unwritable(file: string, e: unknown, what = 'write'): OversightError {
  if (e instanceof OversightError) return e;
  const code = errno(e) ?? 'error';
  const hint =
    code === 'EACCES' || code === 'EPERM' || code === 'EROFS'
      ? 'check the permissions of the file and its folder'
      : code === 'ENOSPC' || code === 'EDQUOT'
        ? 'free some disk space'
        : code === 'ENOENT' || code === 'ENOTDIR'
          ? 'its folder is missing'
          : 'check the file and its folder';
  return new OversightError('TARGET_UNWRITABLE', `Could not ${what} ${file} (${code}: ${e instanceof Error ? e.message : String(e)}); ${hint}, then apply again.`, {
    cause: e,
    details: { file, errno: code },
  });
}

export const nodeFileOps: FileOps = {
  async read(file) {
    let st;
    try {
      st = await lstat(file);
    } catch (e) {
      if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return { file, bytes: undefined, hash: ABSENT_FILE_HASH, mode: undefined };
      throw unwritable(file, e, 'read');
    }
    if (st.isSymbolicLink()) throw symlinkRefusal(file);
    if (!st.isFile()) throw new OversightError('TARGET_UNWRITABLE', `${file} is not a regular file; the Installer will not replace it.`, { details: { file } });
    // O_NOFOLLOW: a link swapped in after the lstat is refused rather than followed.
    let fh;
    try {
      fh = await open(file, constants.O_RDONLY | (constants.O_NOFOLLOW ?? 0));
    } catch (e) {
      if (errno(e) === 'ELOOP') throw symlinkRefusal(file);
      if (errno(e) === 'ENOENT') return { file, bytes: undefined, hash: ABSENT_FILE_HASH, mode: undefined };
      throw unwritable(file, e, 'read');
    }
    try {
      const s = await fh.stat();
      if (s.size > MAX_TARGET_BYTES) throw new OversightError('TARGET_UNWRITABLE', `${file} is larger than ${MAX_TARGET_BYTES} bytes; the Installer will not rewrite it.`, { details: { file } });
      const bytes = await fh.readFile();
      return { file, bytes, hash: sha256Hex(bytes), mode: s.mode & 0o7777 };
    } finally {
      await fh.close();
    }
  },

  async writeTemp(file, text, mode, tag) {
    const tmp = join(dirname(file), `${tempPrefix(file, tag)}-${randomBytes(4).toString('hex')}.tmp`);
    // A replaced file keeps its mode; the temporary file starts private (0600) and gets that mode
    // only once written. A new file gets 0644 less the umask, as an editor would create it.
    const fh = await open(tmp, constants.O_WRONLY | constants.O_CREAT | constants.O_EXCL | (constants.O_NOFOLLOW ?? 0), mode === undefined ? 0o644 : 0o600);
    try {
      await fh.writeFile(text, 'utf8');
      if (mode !== undefined) await fh.chmod(mode);
      await fh.sync();
    } catch (e) {
      await fh.close().catch(() => undefined);
      await unlink(tmp).catch(() => undefined);
      throw e;
    }
    await fh.close();
    return tmp;
  },

  rename: (from, to) => rename(from, to),

  async unlink(file) {
    try {
      await unlink(file);
    } catch (e) {
      if (errno(e) !== 'ENOENT') throw e;
    }
  },

  async fsyncDir(dir) {
    let fh;
    try {
      fh = await open(dir, 'r');
      await fh.sync();
    } catch (e) {
      // Windows cannot open or fsync a folder; the rename itself is still atomic there.
      if (!['EISDIR', 'EINVAL', 'EPERM', 'EBADF', 'EACCES'].includes(errno(e) ?? '')) throw e;
    } finally {
      await fh?.close().catch(() => undefined);
    }
  },

  async mkdir(dir, mode) {
    await mkdir(dir, { recursive: true, ...(mode !== undefined ? { mode } : {}) });
  },

  async readdir(dir) {
    try {
      return await readdir(dir);
    } catch (e) {
      if (errno(e) === 'ENOENT' || errno(e) === 'ENOTDIR') return [];
      throw e;
    }
  },
};

/** Writes `text` to `file` atomically (temporary file, fsync, rename, fsync of the folder). */
export async function writeAtomic(ops: FileOps, file: string, text: string, mode: number | undefined, tag: string): Promise<void> {
  const tmp = await ops.writeTemp(file, text, mode, tag);
  try {
    await ops.rename(tmp, file);
  } catch (e) {
    await ops.unlink(tmp).catch(() => undefined);
    throw e;
  }
  await ops.fsyncDir(dirname(file));
}

/** Removes the temporary files an interrupted run with this tag left beside `file`. */
export async function removeTemps(ops: FileOps, file: string, tag: string): Promise<number> {
  const prefix = tempPrefix(file, tag);
  const dir = dirname(file);
  let n = 0;
  for (const name of await ops.readdir(dir)) {
    if (name.startsWith(prefix) && name.endsWith('.tmp')) {
      await ops.unlink(join(dir, name)).catch(() => undefined);
      n++;
    }
  }
  return n;
}

/** The bytes of a target as text; a file that is not UTF-8 cannot be edited safely and is refused. */
export function decodeText(state: FileState): string | undefined {
  if (state.bytes === undefined) return undefined;
  try {
    return new TextDecoder('utf-8', { fatal: true, ignoreBOM: true }).decode(state.bytes);
  } catch {
    throw new OversightError('PROPOSAL_INVALID', `${state.file} is not UTF-8 text; the Installer will not edit it.`, { details: { file: state.file } });
  }
}
