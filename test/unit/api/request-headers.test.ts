import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { scanHeaders } from '../../../src/api/request-headers';

describe('scanHeaders', () => {
  it('reads the headers the API uses in any case, and counts repeats of the ones it must refuse', () => {
    const h = scanHeaders(['HOST', 'localhost:1', 'X-Api-Key', 'mcpo_a', 'authorization', 'Bearer t', 'X-REQUEST-ID', 'r-1', 'Content-Type', 'application/json']);
    assert.deepEqual(h, { host: 'localhost:1', authorization: 'Bearer t', apiKey: 'mcpo_a', requestId: 'r-1', count: { host: 1, authorization: 1, apiKey: 1 } });
  });

  it('keeps the first of a repeated header and counts every one; a repeated request id is as if none was sent', () => {
    const h = scanHeaders(['Host', 'a', 'host', 'b', 'x-api-key', 'k1', 'X-API-KEY', 'k2', 'Authorization', 'x', 'authorization', 'y', 'authorization', 'z', 'x-request-id', 'one', 'x-request-id', 'two']);
    assert.equal(h.host, 'a');
    assert.equal(h.apiKey, 'k1');
    assert.equal(h.authorization, 'x');
    assert.equal(h.requestId, undefined);
    assert.deepEqual(h.count, { host: 2, authorization: 3, apiKey: 2 });
  });

  it('ignores headers that only share a length with one it reads, and a dangling name', () => {
    const h = scanHeaders(['hosx', 'a', 'content-type', 'b', 'authorizatio_', 'c', 'x-api-kez', 'd', 'host']);
    assert.deepEqual(h, { host: undefined, authorization: undefined, apiKey: undefined, requestId: undefined, count: { host: 0, authorization: 0, apiKey: 0 } });
  });
});
