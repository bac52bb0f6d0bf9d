import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createTwoFilesPatch } from 'diff';
import fc from 'fast-check';
import { FileViewSchema } from '../../../src/protocol/diff-preview';
import { parseUnifiedDiff } from '../../../src/extension/webviews/unified-diff';
import { visibleText } from '../../../src/extension/webviews/visible-text';

const fileView = (text: string) => ({ index: 0, displayPath: 'a.json', created: false, ...parseUnifiedDiff(text) });

describe('parseUnifiedDiff', () => {
  it('numbers lines on both sides across hunks, and keeps the "no newline" note', () => {
    const base = Array.from({ length: 30 }, (_, i) => `line ${i + 1}`).join('\n') + '\n';
    const next = base.replace('line 3\n', 'line three\n').replace('line 28\n', 'line 28\nline 28b\n').replace(/\n$/, '');
    const p = parseUnifiedDiff(createTwoFilesPatch('a', 'a', base, next, 'current', 'proposed'));
    assert.equal(p.diff.format, 'hunks');
    if (p.diff.format !== 'hunks') return;
    assert.equal(p.diff.hunks.length, 2);
    const [h1, h2] = p.diff.hunks;
    assert.equal(h1?.header, '@@ -1,7 +1,7 @@');
    assert.deepEqual(h1?.lines.find((l) => l.kind === 'del'), { kind: 'del', text: 'line 3', old: 3, new: null });
    assert.deepEqual(h1?.lines.find((l) => l.kind === 'add'), { kind: 'add', text: 'line three', old: null, new: 3 });
    assert.ok(h2?.lines.some((l) => l.kind === 'note' && l.text.includes('No newline')));
    assert.equal(p.added, 3);
    assert.equal(p.removed, 2);
    assert.equal(p.truncated, false);
  });

  it('caps hunks and lines', () => {
    const base = Array.from({ length: 400 }, (_, i) => `l${i}`).join('\n');
    const next = base.replace(/l(\d*0)\b/g, 'X$1');
    const d = createTwoFilesPatch('a', 'a', base, next);
    const p = parseUnifiedDiff(d, { maxHunks: 3 });
    assert.ok(p.diff.format === 'hunks' && p.diff.hunks.length === 3 && p.truncated);
    const q = parseUnifiedDiff(d, { maxLines: 10 });
    assert.ok(q.diff.format === 'hunks' && q.diff.hunks.flatMap((h) => h.lines).length === 10 && q.truncated);
  });

  it('an empty diff has no hunks; garbage becomes raw text', () => {
    const e = parseUnifiedDiff('');
    assert.ok(e.diff.format === 'hunks' || e.diff.format === 'raw');
    const g = parseUnifiedDiff('diff --git a b\n@@ -1 +1 @@\n?what\n');
    assert.equal(g.diff.format, 'raw');
  });

  it('never throws, and what it returns always fits the protocol (property)', () => {
    const diffish = fc.array(
      fc.oneof(
        fc.constantFrom('--- a', '+++ b', '@@ -1,2 +1,2 @@', '@@ -0,0 +1 @@', '\\ No newline at end of file', 'Index: x', '==='),
        fc.tuple(fc.constantFrom(' ', '+', '-', '', '@', '\\'), fc.string({ unit: 'binary', maxLength: 40 })).map(([a, b]) => a + b),
      ),
      { maxLength: 40 },
    );
    fc.assert(
      fc.property(fc.oneof(diffish.map((ls) => ls.join('\n')), fc.string({ unit: 'binary' })), (text) => {
        const r = FileViewSchema.safeParse(fileView(text));
        assert.ok(r.success, JSON.stringify(text));
      }),
      { numRuns: 2000 },
    );
  });
});

describe('visibleText', () => {
  it('escapes invisible characters, keeps what it is told to, cuts long text without splitting an escape or a pair', () => {
    assert.deepEqual(visibleText('a\u200Bb', 100), { text: 'a\\u{200B}b', hidden: true, clipped: false });
    assert.deepEqual(visibleText('a\tb\nc', 100, '\t'), { text: 'a\tb\\u{000A}c', hidden: true, clipped: false });
    assert.equal(visibleText('\u{E0041}', 100).text, '\\u{E0041}', 'tag characters');
    const cut = visibleText('ab\u202E'.repeat(100), 20);
    assert.ok(cut.clipped && cut.text.length <= 20 && cut.text.endsWith('…'));
    assert.ok(!/\\u\{[0-9A-F]*…$/.test(cut.text), 'not inside an escape');
    const emoji = visibleText('😀'.repeat(50), 11);
    assert.ok(!/[\uD800-\uDBFF]…$/.test(emoji.text), 'not inside a surrogate pair');
  });
});
