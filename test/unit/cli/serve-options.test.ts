import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { parseServe, SERVE_USAGE } from '../../../src/cli/serve-options';

describe('serve options', () => {
  it('defaults: loopback, port 7341, rate 100 then 10/s, 1 MiB bodies, answers once the access entry is written', () => {
    const o = parseServe([], '/tmp/ws');
    assert.equal(o.workspace, '/tmp/ws');
    assert.equal(o.host, '127.0.0.1');
    assert.equal(o.port, 7341);
    assert.equal(o.rateBurst, 100);
    assert.equal(o.ratePerSecond, 10);
    assert.equal(o.bodyLimitKiB, 1024);
    assert.equal(o.syncAccess, false);
  });

  it('--sync-access makes every answer wait for its entry to be synced, and is documented', () => {
    assert.equal(parseServe(['--sync-access'], '/tmp/ws').syncAccess, true);
    assert.match(SERVE_USAGE, /--sync-access/);
  });
});
