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

describe('LineIndex and the strict indexer with CRLF and lone CR line ends', () => {
  it('count lines the way editors do, and agree with each other', async () => {
    const { indexStrictJson } = await import('../../../src/core/json/strict-index');
    for (const eol of ['\n', '\r\n', '\r']) {
      const text = ['{', '  "a": 1,', '  "b": [true]', '}'].join(eol);
      const root = indexStrictJson(text).root;
      const b = root.props?.get('b');
      assert.ok(b);
      assert.deepEqual({ line: b.line, column: b.column }, { line: 3, column: 8 }, JSON.stringify(eol));
      assert.deepEqual(new LineIndex(text).position(b.offset), { line: 3, column: 8 }, JSON.stringify(eol));
    }
  });
});
