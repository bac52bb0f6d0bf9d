import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { sideBySide } from '../../../webview-ui/src/side-by-side';

describe('sideBySide', () => {
  const l = (kind: 'context' | 'add' | 'del' | 'note', text: string) => ({ kind, text, old: null, new: null });
  it('pairs a run of removed lines with the added run after it; context on both sides', () => {
    const rows = sideBySide([l('context', 'a'), l('del', 'b'), l('del', 'c'), l('add', 'B'), l('context', 'd'), l('add', 'E')]);
    assert.deepEqual(
      rows.map((r) => [r.left?.text ?? null, r.right?.text ?? null]),
      [
        ['a', 'a'],
        ['b', 'B'],
        ['c', null],
        ['d', 'd'],
        [null, 'E'],
      ],
    );
  });
  it('a note goes to the side of the line before it', () => {
    const rows = sideBySide([l('del', 'x'), l('note', 'no newline'), l('add', 'y'), l('note', 'no newline')]);
    assert.deepEqual(
      rows.map((r) => [r.left?.text ?? null, r.right?.text ?? null]),
      [
        ['x', 'y'],
        ['no newline', 'no newline'],
      ],
    );
  });
});
