import { hostname } from 'node:os';
import { open, readFile, stat, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import { OversightError } from '../../core/errors';
import { LOCK_FILE } from './audit-files';

/**
 * One writer per audit folder: `writer.lock` created with O_EXCL holding pid, host and start time.
 * A lock left by a process that no longer exists on this host is taken over; a lock on another host
 * (a shared folder) or of a live process is refused with what to do. Readers never take it.
 */
export interface AuditLock {
  release(): Promise<void>;
}

const LockInfo = (text: string): { pid: number; host: string; since: string } | undefined => {
  try {
    const v = JSON.parse(text) as { pid?: unknown; host?: unknown; since?: unknown };
    return typeof v.pid === 'number' && typeof v.host === 'string' && typeof v.since === 'string' ? { pid: v.pid, host: v.host, since: v.since } : undefined;
  } catch {
    return undefined;
  }
};

function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

/** Audit folders this process holds: our own pid in a lock file is only ours if it is listed here. */
const heldHere = new Set<string>();

export async function acquireAuditLock(dir: string): Promise<AuditLock> {
  const file = join(dir, LOCK_FILE);
  const me = { pid: process.pid, host: hostname(), since: new Date().toISOString() };
  for (let attempt = 0; attempt < 3; attempt++) {
    try {
      const fh = await open(file, 'wx', 0o600);
      try {
        await fh.writeFile(JSON.stringify(me));
        await fh.sync();
      } finally {
        await fh.close();
      }
      let released = false;
      heldHere.add(file);
      return {
        release: async () => {
          if (released) return;
          released = true;
          heldHere.delete(file);
          await unlink(file).catch(() => undefined);
        },
      };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw new OversightError('io', `could not lock the audit log in ${dir}: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
    }
    const text = await readFile(file, 'utf8').catch(() => undefined);
    if (text === undefined) continue; // released meanwhile
    const holder = LockInfo(text);
    if (holder === undefined) {
      // Created but never written (the holder died between open and write): stale after a few seconds.
      const age = Date.now() - ((await stat(file).catch(() => undefined))?.mtimeMs ?? Date.now());
      if (age > 5000) {
        await unlink(file).catch(() => undefined);
        continue;
      }
      throw new OversightError('io', `the audit log in ${dir} is being opened by another process; try again in a few seconds.`);
    }
    // Our own pid but not held by us: left by an earlier process that had this pid (PID 1 in a container restarted).
    if (holder.host === me.host && (!alive(holder.pid) || (holder.pid === process.pid && !heldHere.has(file)))) {
      await unlink(file).catch(() => undefined);
      continue;
    }
    throw new OversightError(
      'io',
      `the audit log in ${dir} is open for writing in another process (pid ${holder.pid} on ${holder.host} since ${holder.since}). Close that VS Code window or coordinator; if that process no longer exists, delete ${file}.`,
      { details: { holder } },
    );
  }
  throw new OversightError('io', `could not lock the audit log in ${dir}: the lock file keeps changing; is another coordinator starting?`);
}
