import type { ChildProcess } from 'node:child_process';

/**
 * Process groups of managed servers that are still running. If the coordinator's process exits
 * without stopping them (a crash, a test runner killing its worker), the 'exit' hook SIGKILLs them:
 * a server never outlives its coordinator. (Same approach as src/live/process-group.ts, which the
 * coordinator may not import.)
 */
const live = new Set<number>();
let hooked = false;

export function trackGroup(pgid: number): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', () => {
      for (const g of live) signalGroup(g, 'SIGKILL');
    });
  }
  live.add(pgid);
}

export function untrackGroup(pgid: number): void {
  live.delete(pgid);
}

/** Sends `signal` to the whole group led by `pgid`; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    // Windows has no process groups: the leader alone is what we can reach.
    process.kill(process.platform === 'win32' ? pgid : -pgid, signal);
  } catch {
    // ESRCH: nobody left in the group.
  }
}

/** Whether the group still has a member that signal 0 reaches (zombies included; good enough for a wait loop). */
export function groupExists(pgid: number): boolean {
  try {
    process.kill(process.platform === 'win32' ? pgid : -pgid, 0);
    return true;
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, Math.max(0, ms)));

/**
 * SIGTERM (and SIGCONT, so a stopped process can act on it) to the group led by `child`, up to
 * `graceMs` for the leader to exit, then SIGKILL to the whole group. Resolves once the leader has
 * exited (or after a second grace period if even SIGKILL did not end it).
 */
export async function killGroup(child: ChildProcess, exited: Promise<void>, graceMs: number): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  const running = () => child.exitCode === null && child.signalCode === null;
  if (running()) {
    signalGroup(pgid, 'SIGTERM');
    signalGroup(pgid, 'SIGCONT');
    await Promise.race([exited, sleep(graceMs)]);
  }
  // Grandchildren may ignore SIGTERM although the leader did not: the group gets SIGKILL either way.
  signalGroup(pgid, 'SIGKILL');
  if (running()) await Promise.race([exited, sleep(graceMs)]);
  untrackGroup(pgid);
}
