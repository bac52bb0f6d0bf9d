import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
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

  it('its timer does not keep the process alive', () => {
    const dog = new Watchdog(10_000);
    const w = dog.watch(60_000, () => assert.fail('never'));
    // Were the interval ref'd, node:test would wait for it; done() also clears the set.
    w.done();
    assert.equal(dog.size, 0);
  });
});
