import { link, readdir, readFile, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OversightError } from '../../core/errors';

function alive(pid: number): boolean {
  if (!Number.isInteger(pid) || pid <= 0) return false;
  if (pid === process.pid) return false; // a lock with our pid was left by a dead process that had it before
  try {
    process.kill(pid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

/**
 * Serialises applies, rollbacks and recovery: within this process (HTTP sessions share one Installer)
 * by a promise chain, and across processes (two clients each running the Installer on the same
 * workspace) by a lock file holding the owner's pid. A lock whose owner is dead (killed mid-apply) is
 * taken over; recovery then runs before anything else. Known limit: two processes taking over the same
 * dead lock at the same instant can both proceed; the journal and the stale checks still refuse a
 * proposal whose base changed, so the worst case is one STALE_PROPOSAL.
 */
export class ApplyLock {
  private tail: Promise<unknown> = Promise.resolve();

  constructor(
    private readonly file: string,
    private readonly waitMs = 5_000,
  ) {}

  /** Runs `fn` holding the lock; `tookOver` says the previous owner died holding it (recovery is due). */
  run<T>(fn: (held: { tookOver: boolean }) => Promise<T>): Promise<T> {
    const next = this.tail.then(async () => {
      const tookOver = await this.acquire();
      try {
        return await fn({ tookOver });
      } finally {
        await unlink(this.file).catch(() => undefined);
      }
    });
    this.tail = next.catch(() => undefined);
    return next;
  }

  /** Removes the pid files that processes killed while taking the lock left behind. */
  async removeLeftovers(): Promise<void> {
    const prefix = `${basename(this.file)}.`;
    for (const name of await readdir(dirname(this.file)).catch(() => [] as string[])) {
      if (!name.startsWith(prefix)) continue;
      const pid = Number(name.slice(prefix.length));
      if (Number.isInteger(pid) && pid !== process.pid && !alive(pid)) await unlink(join(dirname(this.file), name)).catch(() => undefined);
    }
  }

  private async acquire(): Promise<boolean> {
    const deadline = Date.now() + this.waitMs;
    let tookOver = false;
    for (;;) {
      // Written aside, then hard-linked into place: the lock appears atomically, already holding the pid.
      const mine = `${this.file}.${process.pid}`;
      await writeFile(mine, `${process.pid}\n`, { mode: 0o600 });
      try {
        await link(mine, this.file);
        return tookOver;
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code !== 'EEXIST') throw e;
      } finally {
        await unlink(mine).catch(() => undefined);
      }
      const owner = Number.parseInt(await readFile(this.file, 'utf8').catch(() => ''), 10);
      if (!alive(owner)) {
        await unlink(this.file).catch(() => undefined);
        tookOver = true;
        continue;
      }
      if (Date.now() > deadline) {
        throw new OversightError('TARGET_UNWRITABLE', `Another Installer process (pid ${owner}) is applying a change in this workspace. Nothing was done; try again in a moment.`);
      }
      await sleep(50);
    }
  }
}
