import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { Watchdog } from '../../../src/api/watchdog';

const sleep = (ms: number) => new Promise((r) => setTimeout(r, ms));

describe('Watchdog', () => {
  it('expires a wait not done by its deadline, once, and never one that was done', async () => {
    let t = 0;
    const dog = new Watchdog(5, () => t);
    const fired: string[] = [];
    dog.watch(100, () => fired.push('late'));
    const ok = dog.watch(100, () => fired.push('done in time'));
    dog.watch(1000, () => fired.push('long'));
    ok.done();
    ok.done();
    t = 99;
    await sleep(20);
    assert.deepEqual(fired, []);
    t = 100;
    await sleep(20);
    assert.deepEqual(fired, ['late']);
    assert.equal(dog.size, 1);
    t = 5000;
    await sleep(20);
    assert.deepEqual(fired, ['late', 'long']);
    assert.equal(dog.size, 0, 'nothing left watched: the timer stops');
  });

  it('done() says whether it ended the wait: true once in time, false after the deadline fired', async () => {
    let t = 0;
    const dog = new Watchdog(5, () => t);
    const inTime = dog.watch(100, () => assert.fail('never'));
    let fired = 0;
    const late = dog.watch(100, () => fired++);
    assert.equal(inTime.done(), true);
    assert.equal(inTime.done(), false, 'a second done() ends nothing');
    t = 100;
    await sleep(20);
    assert.equal(fired, 1);
    assert.equal(late.done(), false, 'its deadline had fired');
  });

  it('its timer does not keep the process alive', () => {
    const dog = new Watchdog(10_000);
    const w = dog.watch(60_000, () => assert.fail('never'));
    // Were the interval ref'd, node:test would wait for it; done() also clears the set.
    w.done();
    assert.equal(dog.size, 0);
  });

  it('a done() on a wait whose slot was reused leaves the new wait watched', () => {
    const dog = new Watchdog(60_000);
    const a = dog.watch(10, () => assert.fail('a was done'));
    a.done();
    const b = dog.watch(10, () => assert.fail('b was done'));
    a.done(); // late and repeated: must not release b, which took a's slot
    assert.equal(dog.size, 1);
    b.done();
    assert.equal(dog.size, 0);
  });

  it('matches a model: whatever the order of waits, dones and sweeps, exactly the waits not done by their deadline fire, once', () => {
    const op = fc.oneof(
      fc.record({ k: fc.constant('watch' as const), ms: fc.integer({ min: 0, max: 50 }) }),
      fc.record({ k: fc.constant('done' as const), i: fc.nat(40) }),
      fc.record({ k: fc.constant('advance' as const), ms: fc.integer({ min: 0, max: 30 }) }),
    );
    fc.assert(
      fc.property(fc.array(op, { maxLength: 80 }), (ops) => {
        let t = 0;
        const dog = new Watchdog(1_000_000, () => t);
        const sweep = () => (dog as unknown as { sweep(): void }).sweep();
        const waits: { w: ReturnType<Watchdog['watch']>; deadline: number; done: boolean; fired: number }[] = [];
        for (const o of ops) {
          if (o.k === 'watch') {
            const rec = { w: undefined as unknown as ReturnType<Watchdog['watch']>, deadline: t + o.ms, done: false, fired: 0 };
            rec.w = dog.watch(o.ms, () => void rec.fired++);
            waits.push(rec);
          } else if (o.k === 'done') {
            const rec = waits[o.i % Math.max(1, waits.length)];
            if (rec && rec.fired === 0) rec.done = true;
            rec?.w.done();
          } else {
            t += o.ms;
            sweep();
            for (const r of waits) assert.equal(r.fired, !r.done && r.deadline <= t ? 1 : 0);
          }
          assert.equal(dog.size, waits.filter((r) => !r.done && r.fired === 0).length);
        }
        dog.watch(0, () => undefined).done(); // leaves no timer behind
        t += 1;
        sweep();
      }),
      { numRuns: 300 },
    );
  });
});
