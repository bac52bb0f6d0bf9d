import type { ChildProcess } from 'node:child_process';

/**
 * Process groups we started and have not yet killed. If this process exits first (an uncaught
 * error, a test runner killing its worker), the 'exit' hook kills them: a probe never leaves
 * servers running behind it.
 */
const live = new Set<number>();
let hooked = false;

function killOnExit(): void {
  for (const pgid of live) signalGroup(pgid, 'SIGKILL');
}

export function trackGroup(pgid: number): void {
  if (!hooked) {
    hooked = true;
    process.once('exit', killOnExit);
  }
  live.add(pgid);
}

/** Sends `signal` to every process of the group; a group that is already gone is not an error. */
export function signalGroup(pgid: number, signal: NodeJS.Signals): void {
  try {
    // Windows has no process groups: the leader alone is what we can reach.
    process.kill(process.platform === 'win32' ? pgid : -pgid, signal);
  } catch {
    // ESRCH: nobody left in the group.
  }
}

const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, ms).unref();
  });

/**
 * Stops the process group led by `child` (spawned with `detached: true`, so its pid is the group id
 * and a `sh -c "npx …"` wrapper's grandchildren are in it too): SIGTERM to the whole group, up to
 * `graceMs` for the leader to exit, then SIGKILL to the group whatever happened. The SIGKILL is
 * unconditional because members that outlive their leader are orphans nobody would wait for, and
 * "is the group empty?" cannot be asked reliably: where PID 1 does not reap, dead orphans stay as
 * zombies and still answer `kill(-pgid, 0)`. Resolves once the leader has exited (or after a second
 * grace period if even SIGKILL did not end it, e.g. a process in uninterruptible sleep).
 */
export async function killGroup(child: ChildProcess, leaderExited: Promise<void>, graceMs: number): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  const running = child.exitCode === null && child.signalCode === null;
  signalGroup(pgid, 'SIGTERM');
  if (running) await Promise.race([leaderExited, sleep(graceMs)]);
  signalGroup(pgid, 'SIGKILL');
  live.delete(pgid);
  if (child.exitCode === null && child.signalCode === null) await Promise.race([leaderExited, sleep(graceMs)]);
}
