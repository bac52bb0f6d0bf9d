import { mkdir, open, readFile, stat, unlink } from 'node:fs/promises';
import { hostname } from 'node:os';
import { dirname } from 'node:path';
import { setTimeout as sleep } from 'node:timers/promises';
import { OversightError } from '../../core/errors';
import { writeDurably } from '../../coordinator/durable-write';
import type { ApiKeyPersistence } from './api-keys';

export interface FileKeyPersistenceOptions {
  /** How long a change waits for another process's lock before giving up (default 10 s). */
  lockTimeoutMs?: number;
  /** A lock older than this was left by a crash and is taken over (default 30 s; a change holds it for milliseconds). */
  staleLockMs?: number;
}

/**
 * The CLI's API key store: one JSON file (`store/api/api-keys.json`), folder 0700, file 0600, each save
 * atomic and durable (`writeDurably`: temp file, fsync, rename).
 * - `version()` is the file's inode, size and times from one `stat`: every save renames a new file
 *   into place, so it changes even within the same millisecond.
 * - `exclusive()` takes `<file>.lock` (O_EXCL; pid, host, time inside) for the few milliseconds of a
 *   read-merge-write, so `apikey revoke` and a running `serve` never overwrite each other's changes. A
 *   lock whose process is gone (same host) or that is older than `staleLockMs` is taken over.
 */
export function fileKeyPersistence(file: string, options: FileKeyPersistenceOptions = {}): ApiKeyPersistence {
  const lockFile = `${file}.lock`;
  const lockTimeoutMs = options.lockTimeoutMs ?? 10_000;
  const staleLockMs = options.staleLockMs ?? 30_000;
  return {
    location: file,
    async load() {
      try {
        return await readFile(file, 'utf8');
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
        throw ioError(`Cannot read the API key file ${file}`, e);
      }
    },
    async save(text) {
      try {
        await mkdir(dirname(file), { recursive: true, mode: 0o700 });
        await writeDurably(file, text, 0o600);
      } catch (e) {
        throw ioError(`Cannot write the API key file ${file}`, e);
      }
    },
    async version() {
      try {
        const s = await stat(file, { bigint: true });
        return `${s.ino}:${s.size}:${s.mtimeNs}:${s.ctimeNs}`;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
        throw ioError(`Cannot read the API key file ${file}`, e);
      }
    },
    async exclusive(fn) {
      await mkdir(dirname(file), { recursive: true, mode: 0o700 }).catch((e: unknown) => {
        throw ioError(`Cannot create the folder of the API key file ${file}`, e);
      });
      const release = await acquire(lockFile, lockTimeoutMs, staleLockMs);
      try {
        return await fn();
      } finally {
        await release();
      }
    },
  };
}

async function acquire(lockFile: string, timeoutMs: number, staleMs: number): Promise<() => Promise<void>> {
  const me = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  const deadline = Date.now() + timeoutMs;
  for (;;) {
    try {
      const fh = await open(lockFile, 'wx', 0o600);
      try {
        await fh.writeFile(JSON.stringify(me));
      } finally {
        await fh.close();
      }
      return () => unlink(lockFile).catch(() => undefined);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw ioError(`Cannot create the lock file ${lockFile}`, e);
    }
    if (await isStale(lockFile, staleMs)) {
      // Two processes could both judge the same lock stale; that needs a crash while holding it first, and a change takes milliseconds.
      await unlink(lockFile).catch(() => undefined);
      continue;
    }
    if (Date.now() >= deadline) {
      const holder = await readFile(lockFile, 'utf8').catch(() => '');
      throw new OversightError('io', `The API key store is locked by another process (${lockFile}: ${holder.slice(0, 200) || 'no details'}). Try again; if no MCP Oversight process is running, delete that file.`);
    }
    await sleep(10 + Math.floor(Math.random() * 40));
  }
}

async function isStale(lockFile: string, staleMs: number): Promise<boolean> {
  const [info, text] = await Promise.all([stat(lockFile).catch(() => undefined), readFile(lockFile, 'utf8').catch(() => undefined)]);
  if (info === undefined || text === undefined) return false; // released meanwhile: just try again
  if (Date.now() - info.mtimeMs > staleMs) return true;
  try {
    const holder = JSON.parse(text) as { pid?: unknown; host?: unknown };
    return typeof holder.pid === 'number' && holder.host === hostname() && !alive(holder.pid);
  } catch {
    return false; // created but not written yet
  }
}

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

function ioError(what: string, e: unknown): OversightError {
  return new OversightError('io', `${what}: ${(e as NodeJS.ErrnoException).code ?? (e instanceof Error ? e.message : String(e))}.`, { cause: e });
}
