/**
 * A coordinator in its own process, for the crash tests: `node --import tsx coordinator-harness.ts
 * WORKSPACE STORE ACTION [CRASH_POINT]`. ACTION `propose-approve` proposes every fix and approves it,
 * killing this process with SIGKILL at CRASH_POINT (no cleanup, no shutdown checkpoint: a real crash);
 * ACTION `resume` starts (which carries on with interrupted approvals), prints them, and stops.
 * Prints one JSON line per step on stdout.
 */
import { join } from 'node:path';
import { createCoordinator } from '../../../src/coordinator/create-coordinator';
import type { CrashPoint } from '../../../src/coordinator/approvals/approval-workflow';

const [workspace, store, action, crashAt] = process.argv.slice(2) as [string, string, string, CrashPoint | undefined];
const person = { id: 'alice@example.com', label: 'Alice', provider: 'github', verified: true };
const say = (o: unknown) => process.stdout.write(JSON.stringify(o) + '\n');

async function main() {
  const c = await createCoordinator({
    workspace,
    store,
    distDir: join(__dirname, '..', '..', '..', 'dist'),
    toolVersion: 'test',
    log: (l) => process.stderr.write(l + '\n'),
    serverOptions: { pingIntervalMs: 0, retry: { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 200 } },
    crashPoint: (point, id) => {
      if (point === crashAt) {
        say({ step: 'crash', point, id });
        process.kill(process.pid, 'SIGKILL');
        return new Promise<void>(() => undefined);
      }
    },
  });
  await c.start();
  if (action === 'propose-approve') {
    const r = await c.proposeRemediation({ requestedBy: person });
    say({ step: 'requested', id: r.id });
    const done = await c.decide({ requestId: r.id, decision: 'approved', subjectHash: r.subject.subjectHash, approver: person, decidedAt: new Date().toISOString() });
    say({ step: 'decided', id: done.id, state: done.state });
  } else {
    await c.idle();
    say({ step: 'resumed', approvals: c.approvals().map((r) => ({ id: r.id, state: r.state, alreadyApplied: r.execution?.alreadyApplied, history: r.history.map((h) => h.to) })) });
  }
  await c.stop();
}

main().catch((e: unknown) => {
  say({ step: 'error', message: e instanceof Error ? e.message : String(e) });
  process.exit(1);
});
