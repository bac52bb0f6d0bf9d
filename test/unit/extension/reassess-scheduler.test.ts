import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ReassessScheduler, type SchedulerTimers } from '../../../src/extension/servers/reassess-scheduler';

/** A fake clock: timers fire only when the test advances time. */
class FakeTimers implements SchedulerTimers {
  now = 0;
  private next = 1;
  private readonly pending = new Map<number, { at: number; fn: () => void }>();
  set(fn: () => void, ms: number): unknown {
    const id = this.next++;
    this.pending.set(id, { at: this.now + ms, fn });
    return id;
  }
  clear(handle: unknown): void {
    this.pending.delete(handle as number);
  }
  get count(): number {
    return this.pending.size;
  }
  advance(ms: number): void {
    this.now += ms;
    for (const [id, t] of [...this.pending].sort((a, b) => a[1].at - b[1].at)) {
      if (t.at <= this.now) {
        this.pending.delete(id);
        t.fn();
      }
    }
  }
}

const tick = () => new Promise<void>((r) => setImmediate(r));

/** A run the test finishes by hand, to see what happens while it is going on. */
function controlledRun() {
  let runs = 0;
  let finish: (() => void) | undefined;
  const run = () => {
    runs++;
    return new Promise<void>((r) => (finish = r));
  };
  return { run, runs: () => runs, finish: async () => { finish?.(); await tick(); await tick(); } };
}

describe('ReassessScheduler', () => {
  it('debounces a burst of requests into one run delayMs after the last', async () => {
    const t = new FakeTimers();
    let runs = 0;
    const s = new ReassessScheduler(async () => void runs++, 500, undefined, t);
    s.request();
    t.advance(300);
    s.request();
    t.advance(300);
    s.request();
    assert.equal(t.count, 1, 'one timer at a time');
    t.advance(499);
    assert.equal(runs, 0);
    t.advance(1);
    await tick();
    assert.equal(runs, 1);
    assert.equal(s.busy, false);
  });

  it('never overlaps runs: changes during a run make exactly one more run', async () => {
    const t = new FakeTimers();
    const c = controlledRun();
    const s = new ReassessScheduler(c.run, 500, undefined, t);
    s.request();
    t.advance(500);
    assert.equal(c.runs(), 1);
    for (let i = 0; i < 5; i++) {
      s.request();
      t.advance(500);
    }
    assert.equal(c.runs(), 1, 'still the first run');
    await c.finish();
    assert.equal(c.runs(), 2, 'exactly one more');
    await c.finish();
    assert.equal(c.runs(), 2);
    assert.equal(s.busy, false);
  });

  it('now() runs at once, cancels a pending debounce and resolves after a run that started after it', async () => {
    const t = new FakeTimers();
    const c = controlledRun();
    const s = new ReassessScheduler(c.run, 500, undefined, t);
    s.request();
    let done = false;
    const p = s.now().then(() => (done = true));
    assert.equal(c.runs(), 1);
    assert.equal(t.count, 0, 'the debounce timer was cancelled');
    let second = false;
    const q = s.now().then(() => (second = true));
    await c.finish();
    await p;
    assert.equal(done, true);
    assert.equal(second, false, 'the second now() waits for the run after');
    assert.equal(c.runs(), 2);
    await c.finish();
    await q;
    assert.equal(second, true);
  });

  it('reports a failing run and carries on', async () => {
    const t = new FakeTimers();
    const errors: unknown[] = [];
    let runs = 0;
    const s = new ReassessScheduler(async () => {
      runs++;
      if (runs === 1) throw new Error('boom');
    }, 500, (e) => errors.push(e), t);
    await s.now();
    await s.now();
    assert.equal(runs, 2);
    assert.equal(errors.length, 1);
  });

  it('does nothing after dispose and releases whoever waits', async () => {
    const t = new FakeTimers();
    const c = controlledRun();
    const s = new ReassessScheduler(c.run, 500, undefined, t);
    const p = s.now();
    const q = s.now();
    s.request();
    s.dispose();
    await Promise.all([p, q]);
    assert.equal(t.count, 0);
    await c.finish();
    assert.equal(c.runs(), 1, 'the queued run does not start');
    s.request();
    t.advance(1000);
    assert.equal(c.runs(), 1);
  });
});
