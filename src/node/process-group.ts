import type { ChildProcess } from 'node:child_process';
import { readdirSync, readFileSync } from 'node:fs';

/**
 * Process groups we started and have not yet killed (live probes' configured servers, the
 * coordinator's two MCP servers). If this process exits first (an uncaught error, a test runner
 * killing its worker), the 'exit' hook kills them: nothing we start outlives us.
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

// Not unref'd: waiting for a group to die must keep the process alive (bounded by the grace period),
// or a caller whose other handles are closed would exit with the kill unfinished.
const sleep = (ms: number) =>
  new Promise<void>((resolve) => {
    setTimeout(resolve, Math.max(0, ms));
  });

/**
 * Whether any process of the group is still running. `kill(-pgid, 0)` alone cannot tell: where
 * PID 1 does not reap (many containers), dead orphans stay in the group as zombies. So when it says
 * "someone is there", Linux's /proc is asked whether anyone there is not a zombie.
 */
export function groupHasLiveMembers(pgid: number): boolean {
  try {
    process.kill(process.platform === 'win32' ? pgid : -pgid, 0);
  } catch (e) {
    return (e as NodeJS.ErrnoException).code === 'EPERM';
  }
  if (process.platform !== 'linux') return true;
  let pids: string[];
  try {
    pids = readdirSync('/proc').filter((d) => d.charCodeAt(0) >= 48 && d.charCodeAt(0) <= 57);
  } catch {
    return true;
  }
  for (const pid of pids) {
    let stat: string;
    try {
      stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    } catch {
      continue; // gone meanwhile
    }
    // "pid (comm) state ppid pgrp …"; comm may hold spaces and parentheses, so cut at the last ")".
    const fields = stat.slice(stat.lastIndexOf(')') + 2).split(' ');
    if (Number(fields[2]) === pgid && fields[0] !== 'Z' && fields[0] !== 'X') return true;
  }
  return false;
}

const running = (child: ChildProcess) => child.exitCode === null && child.signalCode === null;

/**
 * The group, and the leader by pid while Node has not reaped it (so its pid cannot have been
 * reused): between fork and setsid the child is not its group's leader yet, and a probe cancelled
 * at that instant must still reach it.
 */
function signalAll(child: ChildProcess, pgid: number, signal: NodeJS.Signals): void {
  signalGroup(pgid, signal);
  // A stopped process (SIGSTOP, a debugger) acts on SIGTERM only once continued.
  if (signal === 'SIGTERM') signalGroup(pgid, 'SIGCONT');
  if (running(child)) {
    try {
      process.kill(pgid, signal);
    } catch {
      // already gone
    }
  }
}

/** Waits for the leader's exit, then polls the group, until `deadline`; true when nobody is left. */
async function groupGone(child: ChildProcess, pgid: number, leaderExited: Promise<void>, deadline: number): Promise<boolean> {
  await Promise.race([leaderExited, sleep(deadline - Date.now())]);
  for (;;) {
    if (!running(child) && !groupHasLiveMembers(pgid)) return true;
    if (Date.now() >= deadline) return false;
    await sleep(10);
  }
}

/**
 * Stops the process group led by `child` (spawned with `detached: true`, so its pid is the group id
 * and a `sh -c "npx …"` wrapper's grandchildren are in it too): SIGTERM to the whole group, up to
 * `graceMs` for all of it to exit, then SIGKILL to whoever is left and up to `graceMs` more for them
 * to be gone. Resolves only when no process of the group runs any more (or, past both graces, when
 * something survives even SIGKILL, such as a process stuck in uninterruptible sleep).
 */
export async function killGroup(child: ChildProcess, leaderExited: Promise<void>, graceMs: number): Promise<void> {
  const pgid = child.pid;
  if (pgid === undefined) return;
  signalAll(child, pgid, 'SIGTERM');
  if (!(await groupGone(child, pgid, leaderExited, Date.now() + graceMs))) {
    signalAll(child, pgid, 'SIGKILL');
    await groupGone(child, pgid, leaderExited, Date.now() + graceMs);
  }
  live.delete(pgid);
}
