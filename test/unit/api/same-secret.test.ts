import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { RememberedSecret } from '../../../src/api/auth/same-secret';

/** The constant-time comparison behind the per-connection credential memo agrees with === everywhere. */
describe('RememberedSecret', () => {
  const printable = fc.string({ unit: fc.integer({ min: 0x20, max: 0x7e }).map((c) => String.fromCharCode(c)), maxLength: 700 });
  const anyText = fc.string({ unit: 'binary', maxLength: 700 });

  it('matches exactly the same text: any printable ASCII secret against any string (unicode, lone surrogates, NUL)', () => {
    fc.assert(
      fc.property(printable, fc.oneof(anyText, printable), (a, b) => {
        assert.equal(RememberedSecret.of(a)!.matches(b), a === b);
        assert.equal(RememberedSecret.of(a)!.matches(a), true);
      }),
      { numRuns: 2000 },
    );
  });

  it('near misses of the same length never match: one character changed anywhere, to anything', () => {
    fc.assert(
      fc.property(printable.filter((s) => s.length > 0), fc.nat(), fc.string({ unit: 'binary', minLength: 1, maxLength: 1 }), (a, i, ch) => {
        const at = i % a.length;
        const b = a.slice(0, at) + ch + a.slice(at + 1);
        assert.equal(RememberedSecret.of(a)!.matches(b), a === b);
      }),
      { numRuns: 2000 },
    );
  });

  it('works across secrets of very different lengths in turn (shared scratch grows, stale bytes never count)', () => {
    const long = RememberedSecret.of('x'.repeat(5000))!;
    const short = RememberedSecret.of('abcde')!;
    assert.ok(long.matches('x'.repeat(5000)));
    assert.ok(short.matches('abcde'));
    assert.ok(!short.matches('abcdx'));
    assert.ok(!long.matches('x'.repeat(4999) + 'y'));
    assert.ok(RememberedSecret.of('')!.matches(''));
    assert.ok(!RememberedSecret.of('')!.matches('a'));
  });

  it('remembers nothing that is not printable ASCII', () => {
    for (const s of ['tab\there', 'é', 'line\nbreak', '\u0000', 'emoji 😀', 'del\x7f']) assert.equal(RememberedSecret.of(s), undefined, JSON.stringify(s));
  });
});
