import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineIndex } from '../../../src/core/json/line-index';

describe('LineIndex', () => {
  it('maps offsets to 1-based lines and columns', () => {
    const idx = new LineIndex('ab\ncd\n\nef');
    assert.deepEqual(idx.position(0), { line: 1, column: 1 });
    assert.deepEqual(idx.position(1), { line: 1, column: 2 });
    assert.deepEqual(idx.position(3), { line: 2, column: 1 });
    assert.deepEqual(idx.position(6), { line: 3, column: 1 });
    assert.deepEqual(idx.position(8), { line: 4, column: 2 });
  });
});
