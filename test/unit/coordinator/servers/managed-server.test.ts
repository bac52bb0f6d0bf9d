import assert from 'node:assert/strict';
import { afterEach, describe, it } from 'node:test';
import { ManagedServer, type ManagedServerOptions, type ServerHealth } from '../../../../src/coordinator/servers/managed-server';
import { OversightError } from '../../../../src/core/errors';
import { FakeFleet, sleep, until } from './fake-server';

const running: ManagedServer[] = [];
afterEach(async () => {
  await Promise.all(running.splice(0).map((s) => s.stop()));
});

function make(fleet: FakeFleet, o: Partial<ManagedServerOptions> = {}): ManagedServer {
  const s = new ManagedServer({
    name: 'installer',
    command: 'unused',
    args: [],
    transportFactory: fleet.factory,
    callTimeoutMs: 200,
    retry: { maxAttempts: 3, initialDelayMs: 5, maxDelayMs: 20 },
    breaker: { consecutiveFailures: 3, halfOpenAfterMs: 150 },
    restart: { initialDelayMs: 10, maxDelayMs: 50 },
    pingIntervalMs: 0,
    ...o,
  });
  running.push(s);
  return s;
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

describe('ManagedServer (fake transport)', () => {
  it('returns structuredContent and reports up with the pid', async () => {
    const fleet = new FakeFleet();
    const s = make(fleet);
    const states: string[] = [];
    s.onHealth((h) => states.push(h.state));
    await s.start();
    assert.deepEqual(await s.callTool('echo', { text: 'hi' }), { text: 'hi', pid: fleet.current.pid });
    const h = s.health();
    assert.equal(h.state, 'up');
    assert.equal(h.pid, fleet.current.pid);
    assert.equal(h.breaker, 'closed');
    assert.deepEqual(states, ['starting', 'up']);
  });

  it("a tool's own error code is thrown as is, never retried, never held against the breaker", async () => {
    const fleet = new FakeFleet();
    const s = make(fleet);
    await s.start();
    for (let i = 0; i < 5; i++) {
      const e = await rejects(s.callTool('refuse', { code: 'STALE_PROPOSAL' }), 'STALE_PROPOSAL');
      assert.deepEqual(e.details, { proposalId: 'p1' });
    }
    assert.equal(fleet.calls.get('refuse'), 5);
    assert.equal(s.health().breaker, 'closed');
    assert.equal(s.health().lastError, undefined);
  });

  it('SERVER_PROTOCOL for a result without structured content: not retried, counted by the breaker', async () => {
    const fleet = new FakeFleet();
    const s = make(fleet);
    await s.start();
    for (let i = 0; i < 3; i++) await rejects(s.callTool('plain', {}), 'SERVER_PROTOCOL');
    assert.equal(fleet.calls.get('plain'), 3);
    assert.equal(s.health().breaker, 'open');
    await rejects(s.callTool('echo', { text: 'x' }), 'CIRCUIT_OPEN');
  });

  it('timeouts are retried with backoff, then the breaker opens (CIRCUIT_OPEN, fast), goes half-open, and a good trial closes it', async () => {
    const fleet = new FakeFleet();
    const s = make(fleet, { retry: { maxAttempts: 2, initialDelayMs: 5, maxDelayMs: 10 } });
    const breakers: string[] = [];
    s.onHealth((h) => {
      if (breakers[breakers.length - 1] !== h.breaker) breakers.push(h.breaker);
    });
    await s.start();
    const t0 = Date.now();
    const e = await rejects(s.callTool('sleep', { ms: 10_000 }, { timeoutMs: 50 }), 'SERVER_TIMEOUT');
    assert.equal(e.details['timeoutMs'], 50);
    assert.equal(fleet.calls.get('sleep'), 2, 'two attempts');
    assert.ok(Date.now() - t0 < 1000);
    // The third consecutive failure opens the breaker; the call after fails fast.
    await rejects(s.callTool('sleep', { ms: 10_000 }, { timeoutMs: 50 }), 'CIRCUIT_OPEN');
    assert.equal(fleet.calls.get('sleep'), 3);
    assert.equal(s.health().breaker, 'open');
    const t1 = Date.now();
    const open = await rejects(s.callTool('echo', { text: 'x' }), 'CIRCUIT_OPEN');
    assert.ok(Date.now() - t1 < 50);
    assert.ok(Number(open.details['retryAfterMs']) > 0);
    assert.equal(s.health().lastError?.code, 'SERVER_TIMEOUT');
    await until(() => s.health().breaker === 'half-open', 2000, 'half-open');
    assert.deepEqual(await s.callTool('echo', { text: 'again' }), { text: 'again', pid: fleet.current.pid });
    assert.equal(s.health().breaker, 'closed');
    assert.deepEqual(breakers, ['closed', 'open', 'half-open', 'closed']);
  });

  it('a crash mid-call: down, restarted with backoff, the call retried on the new process', async () => {
    const fleet = new FakeFleet();
    const s = make(fleet);
    const states: string[] = [];
    s.onHealth((h) => {
      if (states[states.length - 1] !== h.state) states.push(h.state);
    });
    await s.start();
    const first = fleet.current;
    const call = s.callTool('sleep', { ms: 100 });
    await until(() => fleet.calls.get('sleep') === 1);
    first.crash();
    const r = await call;
    assert.notEqual(r['pid'], first.pid);
    assert.equal(r['pid'], fleet.current.pid);
    const h = s.health();
    assert.equal(h.state, 'up');
    assert.equal(h.restarts, 1);
    assert.equal(h.lastError?.code, 'SERVER_UNAVAILABLE');
    assert.match(h.lastError?.message ?? '', /killed by SIGKILL/);
    assert.deepEqual(states, ['starting', 'up', 'down', 'restarting', 'up']);
  });

  it('with retries exhausted a crash is SERVER_UNAVAILABLE', async () => {
    const fleet = new FakeFleet();
    const s = make(fleet, { retry: { maxAttempts: 1, initialDelayMs: 0, maxDelayMs: 0 } });
    await s.start();
    await rejects(s.callTool('crash', {}), 'SERVER_UNAVAILABLE');
    assert.equal(fleet.calls.get('crash'), 1);
    await until(() => s.health().state === 'up' && s.health().restarts === 1, 2000, 'restart');
  });

  it('start() rejects with SERVER_UNAVAILABLE when the first spawn fails and keeps restarting; calls wait for the restart', async () => {
    const fleet = new FakeFleet();
    fleet.failStarts = 2;
    const s = make(fleet, { restart: { initialDelayMs: 20, maxDelayMs: 40 } });
    const e = await rejects(s.start(), 'SERVER_UNAVAILABLE');
    assert.match(e.message, /exited with code 1/);
    assert.equal(s.health().state, 'down');
    // Waits inside its attempt timeout while the server comes back.
    const r = await s.callTool('echo', { text: 'late' }, { timeoutMs: 1000 });
    assert.equal(r['text'], 'late');
    assert.equal(s.health().restarts, 2);
  });

  it('a frozen process: pings fail, it is killed after N and restarted; pings update lastPingAt', async () => {
    const fleet = new FakeFleet();
    const s = make(fleet, { pingIntervalMs: 20, pingTimeoutMs: 30, pingFailuresBeforeKill: 2 });
    await s.start();
    await until(() => s.health().lastPingAt !== undefined, 2000, 'a ping');
    assert.equal(typeof s.health().lastPingMs, 'number');
    const first = fleet.current;
    first.frozen = true;
    await until(() => fleet.spawned.length === 2 && s.health().state === 'up', 3000, 'the restart');
    assert.equal(first.exitReason, 'was killed');
    assert.equal(s.health().restarts, 1);
    assert.match(s.health().lastError?.message ?? '', /ping|killed/);
  });

  it('bounded queue: beyond maxConcurrent + maxQueue calls get QUEUE_FULL; health counts them', async () => {
    const fleet = new FakeFleet();
    const s = make(fleet, { maxConcurrent: 1, maxQueue: 1, callTimeoutMs: 2000 });
    await s.start();
    const seen: ServerHealth[] = [];
    s.onHealth((h) => seen.push(h));
    const a = s.callTool('sleep', { ms: 80 });
    const b = s.callTool('echo', { text: 'b' });
    await rejects(s.callTool('echo', { text: 'c' }), 'QUEUE_FULL');
    assert.equal(s.health().inFlight, 1);
    assert.equal(s.health().queued, 1);
    assert.ok(seen.some((h) => h.queued === 1));
    assert.equal((await a)['slept'], 80);
    assert.equal((await b)['text'], 'b');
    assert.equal(s.health().inFlight + s.health().queued, 0);
  });

  it('a queued call gives up after its timeout with SERVER_TIMEOUT', async () => {
    const fleet = new FakeFleet();
    const s = make(fleet, { maxConcurrent: 1, maxQueue: 4, callTimeoutMs: 2000 });
    await s.start();
    const a = s.callTool('sleep', { ms: 300 });
    const e = await rejects(s.callTool('echo', { text: 'b' }, { timeoutMs: 50 }), 'SERVER_TIMEOUT');
    assert.equal(e.details['queued'], true);
    await a;
    assert.equal(fleet.calls.get('echo'), undefined, 'the abandoned call never ran');
  });

  it('a call that leaves the queue in time is not timed out by the queue while it runs', async () => {
    const fleet = new FakeFleet();
    const s = make(fleet, { maxConcurrent: 1, maxQueue: 4, callTimeoutMs: 2000 });
    await s.start();
    const a = s.callTool('sleep', { ms: 500 });
    // Waits ~500 ms in the queue (under its 1,500), then runs 1,200 ms: past the queue's deadline (t=1,500), within its own (t=2,000).
    const b = s.callTool('sleep', { ms: 1200 }, { timeoutMs: 1500 });
    await a;
    const r = await b;
    assert.ok(r['pid']);
    assert.equal(fleet.calls.get('sleep'), 2);
  });

  it("the caller's signal ends a call with its reason, without retry or breaker count", async () => {
    const fleet = new FakeFleet();
    const s = make(fleet, { callTimeoutMs: 5000 });
    await s.start();
    const ac = new AbortController();
    const call = s.callTool('sleep', { ms: 5000 }, { signal: ac.signal });
    await until(() => fleet.calls.get('sleep') === 1);
    ac.abort(new Error('user cancelled'));
    await assert.rejects(call, /user cancelled/);
    await sleep(30);
    assert.equal(fleet.calls.get('sleep'), 1);
    assert.equal(s.health().breaker, 'closed');
    assert.equal(s.health().lastError, undefined);
  });

  it('stop(): waiting calls fail with SERVER_UNAVAILABLE, no restart follows, later calls fail at once', async () => {
    const fleet = new FakeFleet();
    const s = make(fleet, { callTimeoutMs: 5000 });
    await s.start();
    const call = s.callTool('sleep', { ms: 5000 });
    await until(() => fleet.calls.get('sleep') === 1);
    await s.stop();
    await rejects(call, 'SERVER_UNAVAILABLE');
    assert.equal(s.health().state, 'stopped');
    assert.equal(s.health().pid, undefined);
    await sleep(60);
    assert.equal(fleet.spawned.length, 1, 'no restart after stop');
    await rejects(s.callTool('echo', { text: 'x' }), 'SERVER_UNAVAILABLE');
  });
});
