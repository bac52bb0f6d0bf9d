import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseTree } from 'jsonc-parser';
import type { Span, SpanIndex } from '../../../src/core/json/span';
import { indexStrictJson } from '../../../src/core/json/strict-index';
import { indexTree } from '../../../src/core/json/tree-index';

// ---------------------------------------------------------------------------------------------
// Oracles that do not depend on either indexer.

/** RFC 6901 segment escaping, written out independently of `pointerSegment`. */
const seg = (key: string): string => key.replaceAll('~', '~0').replaceAll('/', '~1');
const unseg = (s: string): string => s.replaceAll('~1', '/').replaceAll('~0', '~');

/** Every pointer of a parsed JSON value. */
function pointers(v: unknown, ptr = '', out: string[] = []): string[] {
  out.push(ptr);
  if (Array.isArray(v)) v.forEach((item: unknown, i) => pointers(item, `${ptr}/${i}`, out));
  else if (typeof v === 'object' && v !== null) for (const [k, item] of Object.entries(v)) pointers(item, `${ptr}/${seg(k)}`, out);
  return out;
}

function at(root: unknown, ptr: string): unknown {
  if (ptr === '') return root;
  let v: unknown = root;
  for (const s of ptr.slice(1).split('/').map(unseg)) {
    if (Array.isArray(v)) v = v[Number(s)];
    else if (typeof v === 'object' && v !== null && Object.hasOwn(v, s)) v = (v as Record<string, unknown>)[s];
    else throw new Error(`no ${ptr}`);
  }
  return v;
}

const JSON_WS = /^[ \t\n\r]*$/;
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Checks a span index against the text alone: exactly one span per value; each span's slice parses
 * to the value at its pointer; each key span's slice parses to the key and is followed by `:`.
 */
function assertSpansDescribe(text: string, spans: SpanIndex): void {
  const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  assert.deepEqual([...spans.keys()].sort(), pointers(value).sort());
  for (const [ptr, s] of spans) {
    const slice = text.slice(s.offset, s.offset + s.length);
    assert.ok(same(JSON.parse(slice), at(value, ptr)), `slice of ${ptr}: ${slice}`);
    const last = ptr.slice(ptr.lastIndexOf('/') + 1);
    const parent = ptr === '' ? undefined : at(value, ptr.slice(0, ptr.lastIndexOf('/')));
    if (parent === undefined || Array.isArray(parent)) {
      assert.deepEqual([s.keyOffset, s.keyLength], [-1, 0], `${ptr} has no key`);
    } else {
      const key = text.slice(s.keyOffset, s.keyOffset + s.keyLength);
      assert.equal(JSON.parse(key), unseg(last), `key of ${ptr}`);
      const between = text.slice(s.keyOffset + s.keyLength, s.offset);
      assert.match(between, /^[ \t\n\r]*:[ \t\n\r]*$/, `between key and value of ${ptr}`);
    }
  }
  const root = spans.get('');
  assert.ok(root);
  assert.match(text.slice(0, root.offset).replace(/^\uFEFF/, ''), JSON_WS);
  assert.match(text.slice(root.offset + root.length), JSON_WS);
}

function assertSameIndex(a: SpanIndex, b: SpanIndex, text: string): void {
  assert.deepEqual([...a.keys()].sort(), [...b.keys()].sort(), `same pointers for ${text}`);
  for (const [ptr, s] of a) {
    const t = b.get(ptr) as Span;
    assert.deepEqual(
      { offset: s.offset, length: s.length, keyOffset: s.keyOffset, keyLength: s.keyLength },
      { offset: t.offset, length: t.length, keyOffset: t.keyOffset, keyLength: t.keyLength },
      `span of ${JSON.stringify(ptr)} in ${text}`,
    );
  }
}

const treeIndex = (text: string) => indexTree(parseTree(text, [], { allowTrailingComma: false, disallowComments: true }));

// ---------------------------------------------------------------------------------------------
// A serialiser that writes the same value many ways: any JSON whitespace, optional escapes in
// strings (`\/`, `\uXXXX`, short escapes), numbers in exponent form. `JSON.stringify` writes only one.

type Draw = <T>(arb: fc.Arbitrary<T>) => T;

function serialise(v: unknown, draw: Draw): string {
  const ws = () => draw(fc.constantFrom('', '', ' ', '\n', '\t', '\r\n', '  \n\t '));
  const str = (s: string): string => {
    const mode = draw(fc.constantFrom('stringify', 'unicode', 'slash', 'mixed'));
    if (mode === 'stringify') return JSON.stringify(s);
    let out = '"';
    for (let i = 0; i < s.length; i++) {
      const ch = s[i] as string;
      const code = s.charCodeAt(i);
      const u = '\\u' + code.toString(16).padStart(4, '0').replace(/[a-f]/g, (c) => (mode === 'mixed' ? c.toUpperCase() : c));
      if (mode === 'unicode' || (mode === 'mixed' && i % 2 === 0)) out += u;
      else if (ch === '"' || ch === '\\' || code < 0x20) out += JSON.stringify(ch).slice(1, -1);
      else if (ch === '/' && mode === 'slash') out += '\\/';
      else out += ch;
    }
    return out + '"';
  };
  const num = (n: number): string => {
    const mode = draw(fc.constantFrom('plain', 'exp', 'EXP'));
    if (mode === 'plain' || !Number.isFinite(n)) return JSON.stringify(n);
    const e = n.toExponential();
    return mode === 'EXP' ? e.toUpperCase() : e;
  };
  const go = (x: unknown): string => {
    if (x === null || typeof x === 'boolean') return String(x);
    if (typeof x === 'number') return num(x);
    if (typeof x === 'string') return str(x);
    if (Array.isArray(x)) return '[' + ws() + x.map((item: unknown) => ws() + go(item) + ws()).join(',') + ws() + ']';
    const entries = Object.entries(x as Record<string, unknown>);
    return '{' + ws() + entries.map(([k, item]) => ws() + str(k) + ws() + ':' + ws() + go(item) + ws()).join(',') + ws() + '}';
  };
  return ws() + go(v) + ws();
}

// ---------------------------------------------------------------------------------------------

describe('indexStrictJson: exact spans', () => {
  const text = '{"a": [1, -2.5e+3, true, false, null], "b\\"c": "x\\ny\\u00e9\\/", "": {}, "d/e~f": [], "n": {"deep": [[0]]}}';
  const { spans, duplicateKeys } = indexStrictJson(text);
  const span = (ptr: string) => {
    const s = spans.get(ptr);
    assert.ok(s, `a span for ${JSON.stringify(ptr)}`);
    return s;
  };
  const valueSpan = (ptr: string, literal: string, from = 0) => {
    const offset = text.indexOf(literal, from);
    assert.notEqual(offset, -1);
    assert.deepEqual({ offset: span(ptr).offset, length: span(ptr).length }, { offset, length: literal.length }, ptr);
  };
  const keySpan = (ptr: string, literal: string) => {
    const keyOffset = text.indexOf(literal);
    assert.deepEqual({ keyOffset: span(ptr).keyOffset, keyLength: span(ptr).keyLength }, { keyOffset, keyLength: literal.length }, ptr);
  };

  it('covers the whole root, with no key', () => {
    assert.deepEqual(span(''), { offset: 0, length: text.length, keyOffset: -1, keyLength: 0 });
  });

  it('numbers and literals inside an array', () => {
    valueSpan('/a', '[1, -2.5e+3, true, false, null]');
    valueSpan('/a/0', '1');
    valueSpan('/a/1', '-2.5e+3');
    valueSpan('/a/2', 'true');
    valueSpan('/a/3', 'false');
    valueSpan('/a/4', 'null');
    for (let i = 0; i < 5; i++) assert.deepEqual([span(`/a/${i}`).keyOffset, span(`/a/${i}`).keyLength], [-1, 0]);
  });

  it('strings with escapes: quotes included, escapes counted as written', () => {
    valueSpan('/b"c', '"x\\ny\\u00e9\\/"');
    keySpan('/b"c', '"b\\"c"');
    assert.equal(JSON.parse(text.slice(span('/b"c').offset, span('/b"c').offset + span('/b"c').length)), 'x\nyé/');
  });

  it('the empty key, and keys that need pointer escaping', () => {
    valueSpan('/', '{}');
    keySpan('/', '""');
    valueSpan('/d~1e~0f', '[]');
    keySpan('/d~1e~0f', '"d/e~f"');
  });

  it('nested containers', () => {
    valueSpan('/n', '{"deep": [[0]]}');
    valueSpan('/n/deep', '[[0]]');
    valueSpan('/n/deep/0', '[0]');
    valueSpan('/n/deep/0/0', '0', text.indexOf('[[0]]'));
    keySpan('/n/deep', '"deep"');
    assert.equal(spans.size, pointers(JSON.parse(text)).length);
    assert.deepEqual(duplicateKeys, []);
  });

  it('whitespace of every kind around values, and CRLF line ends', () => {
    const t = ' \r\n\t{ \r\n  "k" \t:\r\n [ 1 ,\t2 ] \r\n} \n';
    const r = indexStrictJson(t);
    assert.deepEqual(r.spans.get(''), { offset: t.indexOf('{'), length: t.lastIndexOf('}') - t.indexOf('{') + 1, keyOffset: -1, keyLength: 0 });
    assert.deepEqual(r.spans.get('/k'), { offset: t.indexOf('['), length: t.indexOf(']') - t.indexOf('[') + 1, keyOffset: t.indexOf('"k"'), keyLength: 3 });
    assert.deepEqual(r.spans.get('/k/1'), { offset: t.indexOf('2'), length: 1, keyOffset: -1, keyLength: 0 });
    assertSpansDescribe(t, r.spans);
  });

  it('a scalar root', () => {
    for (const t of ['42', ' -0.5E-7 ', '"s\\"t"', 'null', '\ttrue\n', 'false', '""', '[]', '{}']) {
      const r = indexStrictJson(t);
      assert.equal(r.spans.size, 1, t);
      assertSpansDescribe(t, r.spans);
    }
  });

  it('a key and value containing structural characters and backslashes at the end of a string', () => {
    const t = '{"a\\\\":"]},:\\\\","{\\"}":["\\\\\\"",","]}';
    assertSpansDescribe(t, indexStrictJson(t).spans);
    assertSameIndex(indexStrictJson(t).spans, treeIndex(t).spans, t);
  });

  it('astral characters and lone surrogates count as UTF-16 code units, as JavaScript offsets do', () => {
    const t = '{"🚀":"😀x","k":"\ud800","z":1}';
    const r = indexStrictJson(t);
    assertSpansDescribe(t, r.spans);
    assert.deepEqual(r.spans.get('/z'), { offset: t.length - 2, length: 1, keyOffset: t.length - 6, keyLength: 3 });
  });
});

describe('indexStrictJson: duplicate keys', () => {
  it('reports the later key where it is; the later value wins, as in JSON.parse', () => {
    const t = '{"a": 1, "b": 2, "a": 3}';
    const { spans, duplicateKeys } = indexStrictJson(t);
    const second = t.lastIndexOf('"a"');
    assert.deepEqual(duplicateKeys, [{ offset: second, length: 3, keyOffset: second, keyLength: 3 }]);
    assert.deepEqual(spans.get('/a'), { offset: t.indexOf('3'), length: 1, keyOffset: second, keyLength: 3 });
    assert.deepEqual(treeIndex(t).duplicateKeys, duplicateKeys, 'the JSONC path reports the same');
  });

  it('each repetition is reported; the same key in different objects is not a duplicate', () => {
    const t = '{"x": [{"a": 1}, {"a": 2}], "y": {"a": 0, "a": 1, "a": 2}}';
    const { duplicateKeys } = indexStrictJson(t);
    assert.equal(duplicateKeys.length, 2);
    assert.deepEqual(treeIndex(t).duplicateKeys, duplicateKeys);
  });

  it('keys equal after unescaping are duplicates', () => {
    const t = '{"a": 1, "\\u0061": 2}';
    assert.equal(indexStrictJson(t).duplicateKeys.length, 1);
    assert.equal(treeIndex(t).duplicateKeys.length, 1);
  });

  it(
    'keys inside the value of a repeated key are not duplicates',
    { todo: 'bug: src/core/json/strict-index.ts reports a duplicate when index.has(child) — the pointer was set by the earlier definition of the parent key, not by a sibling; e.g. {"s":{"x":1},"s":{"x":2}} reports "x" too (tree-index.ts does not)' },
    () => {
      const t = '{"s": {"x": 1}, "s": {"x": 2}}';
      const { duplicateKeys } = indexStrictJson(t);
      assert.deepEqual(duplicateKeys, treeIndex(t).duplicateKeys);
      assert.equal(duplicateKeys.length, 1);
    },
  );
});

describe('indexStrictJson: input it does not expect', () => {
  it('throws (callers fall back) on JSONC and broken text rather than returning wrong spans', () => {
    for (const t of ['{"a":1,}', '[1,]', '// c\n{}', '{"a" 1}', '{"a":1', '"abc', '{a:1}', '[1 2]', '{} {}', '']) {
      assert.throws(() => indexStrictJson(t), Error, t);
    }
  });

  it('indexes nesting up to its depth limit, and throws an ordinary Error beyond it (no stack overflow)', () => {
    const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);
    assert.equal(indexStrictJson(nest(500)).spans.size, 500);
    assert.throws(() => indexStrictJson(nest(10_000)), (e: unknown) => e instanceof Error && !(e instanceof RangeError));
  });

  it('skips a leading BOM (positions stay in the original text)', () => {
    const t = '\uFEFF{"a":1}';
    const { spans } = indexStrictJson(t);
    assert.deepEqual(spans.get(''), { offset: 1, length: 7, keyOffset: -1, keyLength: 0 });
    assert.deepEqual(spans.get('/a'), { offset: 6, length: 1, keyOffset: 2, keyLength: 3 });
  });
});

describe('indexStrictJson agrees with indexTree(parseTree(text)) — the property that justifies it', () => {
  const indents = fc.constantFrom<string | number | undefined>(undefined, 0, 1, 2, 4, '\t', ' \t');

  it('for JSON.stringify of arbitrary values, with and without indentation', () => {
    fc.assert(
      fc.property(fc.jsonValue(), indents, (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        const strict = indexStrictJson(text);
        const tree = treeIndex(text);
        assertSameIndex(strict.spans, tree.spans, text);
        assert.deepEqual(strict.duplicateKeys, []);
        assert.deepEqual(tree.duplicateKeys, []);
        assertSpansDescribe(text, strict.spans);
      }),
      { numRuns: 1000 },
    );
  });

  it('for deep and wide values', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 40, depthSize: 'large' }), indents, (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        assertSameIndex(indexStrictJson(text).spans, treeIndex(text).spans, text);
      }),
      { numRuns: 200 },
    );
  });

  it('for strings of any code units, including escapes, lone surrogates and control characters', () => {
    const key = fc.string({ unit: 'binary', maxLength: 12 });
    const value = fc.oneof(fc.string({ unit: 'binary', maxLength: 12 }), fc.constantFrom('\\', '"', '\\"', '/', '~', '~1', '\u2028', '\u0000'));
    fc.assert(
      fc.property(fc.dictionary(key, fc.array(value, { maxLength: 3 })), indents, (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        const strict = indexStrictJson(text);
        assertSameIndex(strict.spans, treeIndex(text).spans, text);
        assertSpansDescribe(text, strict.spans);
      }),
      { numRuns: 500 },
    );
  });

  it('for the same values written any valid way: arbitrary whitespace, optional escapes, exponent numbers', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.gen(), (v, g) => {
        const text = serialise(v, (arb) => g(() => arb));
        assert.ok(same(JSON.parse(text), v), `the serialiser wrote ${text}`);
        const strict = indexStrictJson(text);
        assertSameIndex(strict.spans, treeIndex(text).spans, text);
        assert.deepEqual(strict.duplicateKeys, []);
        assertSpansDescribe(text, strict.spans);
      }),
      { numRuns: 1000 },
    );
  });

  // Objects with repeated keys: JSON.stringify never writes them, so build the text directly.
  const withDuplicates: fc.Arbitrary<string> = fc.letrec<{ node: string }>((tie) => ({
    node: fc.oneof(
      { depthSize: 'small', withCrossShrink: true },
      fc.constantFrom('1', '"s"', 'null'),
      fc.array(tie('node'), { maxLength: 3 }).map((items) => `[${items.join(',')}]`),
      fc
        .array(fc.tuple(fc.constantFrom('a', 'b', '0', 'a/b'), tie('node')), { maxLength: 4 })
        .map((entries) => `{${entries.map(([k, n]) => `${JSON.stringify(k)}: ${n}`).join(', ')}}`),
    ),
  })).node;

  it('for objects with repeated keys: the same spans (the last definition wins)', () => {
    fc.assert(
      fc.property(withDuplicates, (text) => {
        assertSameIndex(indexStrictJson(text).spans, treeIndex(text).spans, text);
      }),
      { numRuns: 1000 },
    );
  });

  it(
    'for objects with repeated keys: the same duplicate reports',
    { todo: 'bug: src/core/json/strict-index.ts pointer-based duplicate detection also flags keys under a repeated key (and an object key "0" after an array at the same pointer)' },
    () => {
      fc.assert(
        fc.property(withDuplicates, (text) => {
          assert.deepEqual(indexStrictJson(text).duplicateKeys, treeIndex(text).duplicateKeys, text);
        }),
        { numRuns: 1000 },
      );
    },
  );
});
