/**
 * ManagedServer against real processes: our two server bundles (run `npm run build` first), a fixture
 * whose tools answer with structured content (managed-fixture.mjs) and the hostile fixture. Faults are
 * real: SIGKILL mid-request, a tool that never answers, SIGSTOP, a server that ignores SIGTERM.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, cpSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, afterEach, before, describe, it } from 'node:test';
import { ManagedServer, type ManagedServerOptions, type ServerHealth } from '../../src/coordinator/servers/managed-server';
import { generateGrantKeyPair, publicKeyPem } from '../../src/core/grants/grant-crypto';
import { OversightError } from '../../src/core/errors';
import { FIXTURE_SERVER, ROOT } from './support/server-process';

const MANAGED_FIXTURE = join(ROOT, 'test', 'fixtures', 'servers', 'managed-fixture.mjs');
const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

async function until(cond: () => boolean, ms: number, what: string): Promise<void> {
  const end = Date.now() + ms;
  while (!cond()) {
    if (Date.now() > end) throw new Error(`timed out after ${ms} ms waiting for ${what}`);
    await sleep(10);
  }
}

/** Alive = exists and is not a zombie (PID 1 of a container may not reap orphans). */
function alive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    const stat = readFileSync(`/proc/${pid}/stat`, 'utf8');
    const state = stat.slice(stat.lastIndexOf(')') + 2).split(' ')[0];
    return state !== 'Z' && state !== 'X';
  } catch {
    return process.platform !== 'linux';
  }
}

async function rejects(p: Promise<unknown>, code: string): Promise<OversightError> {
  try {
    await p;
  } catch (e) {
    assert.ok(e instanceof OversightError, `not an OversightError: ${String(e)}`);
    assert.equal(e.code, code, e.message);
    return e;
  }
  assert.fail(`resolved, expected ${code}`);
}

const started: ManagedServer[] = [];
function managed(o: Partial<ManagedServerOptions> & Pick<ManagedServerOptions, 'args'>, logs: string[] = []): ManagedServer {
  const s = new ManagedServer({
    name: 'compliance',
    command: process.execPath,
    callTimeoutMs: 5000,
    connectTimeoutMs: 10_000,
    retry: { maxAttempts: 3, initialDelayMs: 20, maxDelayMs: 100 },
    breaker: { consecutiveFailures: 5, halfOpenAfterMs: 1000 },
    restart: { initialDelayMs: 50, maxDelayMs: 200 },
    pingIntervalMs: 0,
    killGraceMs: 500,
    log: (l) => logs.push(l),
    ...o,
  });
  started.push(s);
  return s;
}

afterEach(async () => {
  await Promise.all(started.splice(0).map((s) => s.stop()));
});

describe('ManagedServer with real processes', () => {
  let ws: string;
  before(() => {
    for (const b of ['compliance-server.js', 'installer-server.js']) assert.ok(existsSync(join(ROOT, 'dist', b)), `dist/${b} missing: run npm run build`);
    ws = mkdtempSync(join(tmpdir(), 'managed-ws-'));
    cpSync(join(ROOT, 'examples', 'demo-workspace'), ws, { recursive: true });
  });
  after(() => rmSync(ws, { recursive: true, force: true }));

  const serverArgs = (bundle: string) => [join(ROOT, 'dist', bundle), '--workspace', ws];

  it('both bundles: the public key is handed over, results are structured, a tool error code is not retried, pings update lastPingAt', async () => {
    const keys = generateGrantKeyPair();
    const env = { MCP_OVERSIGHT_GRANT_PUBLIC_KEY: publicKeyPem(keys.publicKey) };
    const clog: string[] = [];
    const ilog: string[] = [];
    const compliance = managed({ args: serverArgs('compliance-server.js'), env, pingIntervalMs: 100 }, clog);
    const installer = managed({ name: 'installer', args: serverArgs('installer-server.js'), env, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 1000 }, retry: { maxAttempts: 3, initialDelayMs: 2000, maxDelayMs: 2000 } }, ilog);
    await Promise.all([compliance.start(), installer.start()]);
    assert.ok(clog.some((l) => l.startsWith('[compliance]') && l.includes('approvals by signed grants')), clog.join('\n'));
    assert.ok(ilog.some((l) => l.startsWith('[installer]') && l.includes('approvals by signed grants')), ilog.join('\n'));

    const assessed = await compliance.callTool('assess_configuration', {});
    assert.equal(typeof assessed['assessmentId'], 'string');
    assert.equal(typeof (assessed['summary'] as Record<string, number>)['critical'], 'number');
    const listed = await installer.callTool('list_servers', {});
    assert.equal(typeof listed['serverCount'], 'number');

    // A refusal is the server working: thrown with its code at once (no 2 s retry delay), breaker untouched.
    const t0 = Date.now();
    for (let i = 0; i < 3; i++) {
      try {
        await installer.callTool('apply_remediation', { proposal: { garbage: true } });
        assert.fail('garbage applied');
      } catch (e) {
        assert.ok(e instanceof OversightError);
        assert.ok(['INVALID_ARGUMENT', 'PROPOSAL_INVALID'].includes(e.code), `${e.code}: ${e.message}`);
      }
    }
    await rejects(installer.callTool('rollback', { executionId: 'does-not-exist' }), 'EXECUTION_NOT_FOUND');
    assert.ok(Date.now() - t0 < 1500, 'not retried');
    assert.equal(installer.health().breaker, 'closed');
    assert.equal(installer.health().lastError, undefined);

    await until(() => compliance.health().lastPingAt !== undefined, 3000, 'a ping');
    const first = compliance.health().lastPingAt!;
    await until(() => compliance.health().lastPingAt! > first, 3000, 'a later ping');
    assert.ok((compliance.health().lastPingMs ?? -1) >= 0);
  });

  it('a server SIGKILLed mid-request: the call is retried on the restarted process and succeeds; back up with restarts=1', async () => {
    const logs: string[] = [];
    const s = managed({ name: 'installer', args: [MANAGED_FIXTURE] }, logs);
    await s.start();
    const pid = s.health().pid!;
    const call = s.callTool('sleep', { ms: 600 });
    await sleep(200);
    process.kill(pid, 'SIGKILL');
    const r = await call;
    assert.equal(r['slept'], 600);
    assert.notEqual(r['pid'], pid);
    const h = s.health();
    assert.equal(h.state, 'up');
    assert.equal(h.restarts, 1);
    assert.equal(h.pid, r['pid']);
    assert.match(h.lastError?.message ?? '', /was killed by SIGKILL/);
    assert.equal(alive(pid), false);
  });

  it('…and with retries exhausted the call fails with SERVER_UNAVAILABLE, naming the kill', async () => {
    const s = managed({ name: 'installer', args: [MANAGED_FIXTURE], retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 } });
    await s.start();
    const pid = s.health().pid!;
    const call = s.callTool('sleep', { ms: 2000 });
    await sleep(200);
    process.kill(pid, 'SIGKILL');
    const e = await rejects(call, 'SERVER_UNAVAILABLE');
    assert.match(e.message, /was killed by SIGKILL during sleep/);
    await until(() => s.health().state === 'up', 5000, 'the restart');
    assert.equal(s.health().restarts, 1);
  });

  it('a tool that hangs: SERVER_TIMEOUT within the timeout (request cancelled), breaker opens after N, half-open after the delay, a good trial closes it', async () => {
    const logs: string[] = [];
    const s = managed({ args: [MANAGED_FIXTURE], callTimeoutMs: 300, retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 }, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 600 } }, logs);
    const breakers: ServerHealth['breaker'][] = [];
    s.onHealth((h) => {
      if (breakers[breakers.length - 1] !== h.breaker) breakers.push(h.breaker);
    });
    await s.start();
    const t0 = Date.now();
    await rejects(s.callTool('sleep', { ms: 60_000 }), 'SERVER_TIMEOUT');
    const took = Date.now() - t0;
    assert.ok(took >= 290 && took < 1500, `took ${took} ms`);
    await until(() => logs.some((l) => l.includes('sleep 60000 cancelled')), 2000, 'the cancellation to reach the server');
    assert.equal(s.health().breaker, 'closed');
    await rejects(s.callTool('sleep', { ms: 60_000 }), 'SERVER_TIMEOUT');
    assert.equal(s.health().breaker, 'open');
    const t1 = Date.now();
    await rejects(s.callTool('echo', { text: 'x' }), 'CIRCUIT_OPEN');
    assert.ok(Date.now() - t1 < 100, 'fails fast');
    await until(() => s.health().breaker === 'half-open', 2000, 'half-open');
    assert.deepEqual(await s.callTool('echo', { text: 'back' }), { text: 'back', pid: s.health().pid });
    assert.equal(s.health().breaker, 'closed');
    assert.deepEqual(breakers, ['closed', 'open', 'half-open', 'closed']);
    assert.equal(s.health().state, 'up', 'a slow tool is not a dead process');
  });

  it('a frozen process (SIGSTOP): pings fail, it is killed and restarted', async () => {
    const logs: string[] = [];
    const s = managed({ args: [MANAGED_FIXTURE], pingIntervalMs: 100, pingTimeoutMs: 150, pingFailuresBeforeKill: 2 }, logs);
    await s.start();
    const pid = s.health().pid!;
    process.kill(pid, 'SIGSTOP');
    await until(() => s.health().state === 'up' && s.health().pid !== pid, 5000, 'the restart');
    assert.equal(s.health().restarts, 1);
    assert.ok(logs.some((l) => l.includes(`no answer to 2 pings: killing pid ${pid}`)), logs.join('\n'));
    assert.equal(alive(pid), false);
    assert.equal((await s.callTool('echo', { text: 'ok' }))['text'], 'ok');
  });

  it('while the installer is down the compliance server keeps answering', async () => {
    const compliance = managed({ args: serverArgs('compliance-server.js') });
    const installer = managed({ name: 'installer', args: serverArgs('installer-server.js'), restart: { initialDelayMs: 2000, maxDelayMs: 2000 }, retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 } });
    await Promise.all([compliance.start(), installer.start()]);
    const pid = installer.health().pid!;
    process.kill(pid, 'SIGKILL');
    await until(() => installer.health().state === 'down', 2000, 'installer down');
    const r = await compliance.callTool('assess_configuration', {});
    assert.equal(typeof r['assessmentId'], 'string');
    assert.equal(installer.health().state, 'down', 'still down while compliance answered');
    await rejects(installer.callTool('list_servers', {}, { timeoutMs: 200 }), 'SERVER_UNAVAILABLE');
    assert.equal(compliance.health().breaker, 'closed');
    await until(() => installer.health().state === 'up', 5000, 'installer back');
    assert.equal(typeof (await installer.callTool('list_servers', {}))['serverCount'], 'number');
  });

  it('garbage on stderr and a banner on stdout do not break the connection; stderr reaches the log line by line', async () => {
    const logs: string[] = [];
    const s = managed({ args: [MANAGED_FIXTURE, '--stderr-garbage', '--banner'] }, logs);
    await s.start();
    assert.equal((await s.callTool('echo', { text: 'fine' }))['text'], 'fine');
    assert.ok(logs.includes('[compliance] after garbage'), logs.join('\n').slice(0, 500));
    assert.ok(logs.some((l) => l.includes('stdout: skipped a line that is not JSON-RPC')));
    assert.ok(logs.every((l) => l.length < 5000 && !l.includes('\u001b')));
  });

  it('a server that exits at start: start() rejects with SERVER_UNAVAILABLE (reason kept, token redacted) and restarts go on until stop()', async () => {
    const logs: string[] = [];
    const s = managed({ args: [FIXTURE_SERVER, 'crash'] }, logs);
    const e = await rejects(s.start(), 'SERVER_UNAVAILABLE');
    assert.match(e.message, /exited with code 3/);
    assert.doesNotMatch(e.message + logs.join('\n'), /ghp_aB3dE5gH7jK9/);
    await until(() => s.health().restarts >= 2, 5000, 'restarts');
    assert.notEqual(s.health().state, 'up');
    await s.stop();
    const n = s.health().restarts;
    await sleep(300);
    assert.equal(s.health().restarts, n, 'no restart after stop');
  });

  it('a server that never answers initialize: start() rejects after connectTimeoutMs and the process is killed', async () => {
    const s = managed({ args: [FIXTURE_SERVER, 'hang'], connectTimeoutMs: 300, restart: { initialDelayMs: 5000, maxDelayMs: 5000 } });
    const t0 = Date.now();
    const e = await rejects(s.start(), 'SERVER_UNAVAILABLE');
    assert.ok(Date.now() - t0 < 3000);
    assert.match(e.message, /initialize failed|timed out/i);
    assert.equal(s.health().state, 'down');
  });

  it('a command that cannot be spawned: start() rejects with SERVER_UNAVAILABLE naming it', async () => {
    const s = managed({ command: join(ROOT, 'no-such-node'), args: [], restart: { initialDelayMs: 5000, maxDelayMs: 5000 } });
    const e = await rejects(s.start(), 'SERVER_UNAVAILABLE');
    assert.match(e.message, /could not be started .*no-such-node.*ENOENT/);
    assert.equal(s.health().lastError?.code, 'SERVER_UNAVAILABLE');
  });

  it('stop() leaves no process: a server that ignores SIGTERM and its grandchild are gone', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'managed-pid-'));
    try {
      const a = managed({ args: [FIXTURE_SERVER, 'ignore-sigterm'], killGraceMs: 300 });
      const pidFile = join(dir, 'grandchild.pid');
      const b = managed({ args: [FIXTURE_SERVER, 'spawn-child', pidFile] });
      await Promise.all([a.start(), b.start()]);
      const pids = [a.health().pid!, b.health().pid!, Number(readFileSync(pidFile, 'utf8'))];
      assert.ok(pids.every(alive));
      const t0 = Date.now();
      await Promise.all([a.stop(), b.stop()]);
      assert.ok(Date.now() - t0 < 3000);
      await until(() => pids.every((p) => !alive(p)), 2000, `pids ${pids.join(', ')} gone`);
      assert.equal(a.health().state, 'stopped');
      await rejects(a.callTool('echo', { text: 'x' }), 'SERVER_UNAVAILABLE');
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });
});
