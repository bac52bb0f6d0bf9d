import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { LineSplitter } from '../../../../src/coordinator/servers/line-splitter';

describe('LineSplitter', () => {
  it('splits lines across chunks, including a UTF-8 character cut in two', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => lines.push(l));
    const bytes = Buffer.from('héllo\r\nwor');
    s.push(bytes.subarray(0, 2));
    s.push(bytes.subarray(2));
    s.push('ld\n\n  \nlast');
    s.end();
    assert.deepEqual(lines, ['héllo', 'world', 'last']);
  });

  it('replaces invalid UTF-8 and control characters, cuts long lines, survives a throwing logger', () => {
    const lines: string[] = [];
    const s = new LineSplitter((l) => {
      lines.push(l);
      if (lines.length === 1) throw new Error('logger broke');
    }, 10);
    s.push(Buffer.from([0xff, 0x41, 0x1b, 0x5b, 0x32, 0x4a, 0x09, 0x42, 0x0a]));
    s.push('x'.repeat(25));
    s.push(`${'y'.repeat(12)}\nz`);
    s.end();
    assert.equal(lines[0], '\uFFFDA\uFFFD[2J\tB');
    assert.deepEqual(lines.slice(1), ['x'.repeat(10), 'x'.repeat(10), 'x'.repeat(5) + 'y'.repeat(5), 'y'.repeat(7), 'z']);
  });
});
