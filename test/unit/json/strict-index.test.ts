import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseTree } from 'jsonc-parser';
import { LineIndex } from '../../../src/core/json/line-index';
import type { SpanNode } from '../../../src/core/json/span';
import { indexStrictJson } from '../../../src/core/json/strict-index';
import { indexTree } from '../../../src/core/json/tree-index';

/** A node's numbers, without its children. */
interface Flat {
  offset: number;
  length: number;
  keyOffset: number;
  keyLength: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
}
type SpanIndex = Map<string, Flat>;

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

/** Every node of a span tree by JSON pointer (written here, independently of the code under test). */
function flatten(root: SpanNode | undefined): SpanIndex {
  const out: SpanIndex = new Map();
  const walk = (n: SpanNode, ptr: string): void => {
    const { offset, length, keyOffset, keyLength, line, column, endLine, endColumn } = n;
    out.set(ptr, { offset, length, keyOffset, keyLength, line, column, endLine, endColumn });
    n.props?.forEach((child, key) => walk(child, `${ptr}/${seg(key)}`));
    n.items?.forEach((child, i) => walk(child, `${ptr}/${i}`));
  };
  if (root) walk(root, '');
  return out;
}

/** 1-based line and column of an offset, counted on the text (lines end at \n, as LineIndex has it). */
function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1) ?? '').length + 1 };
}

const JSON_WS = /^[ \t\n\r]*$/;

/** Offsets and key offsets only. */
const four = (s: Flat | undefined) => (s === undefined ? undefined : { offset: s.offset, length: s.length, keyOffset: s.keyOffset, keyLength: s.keyLength });
const same = (a: unknown, b: unknown): boolean => JSON.stringify(a) === JSON.stringify(b);

/**
 * Checks a span index against the text alone: exactly one span per value; each span's slice parses
 * to the value at its pointer; each key span's slice parses to the key and is followed by `:`.
 */
function assertSpansDescribe(text: string, spans: SpanIndex): void {
  const value: unknown = JSON.parse(text.charCodeAt(0) === 0xfeff ? text.slice(1) : text);
  assert.deepEqual([...spans.keys()].sort(), pointers(value).sort());
  for (const [ptr, s] of spans) {
    const start = lineCol(text, s.offset);
    const end = lineCol(text, s.offset + s.length);
    if (s.line !== start.line || s.column !== start.column || s.endLine !== end.line || s.endColumn !== end.column) {
      assert.fail(`line/column of ${ptr}: ${JSON.stringify(s)}, expected ${JSON.stringify({ start, end })}`);
    }
    const slice = text.slice(s.offset, s.offset + s.length);
    if (!same(JSON.parse(slice), at(value, ptr))) assert.fail(`slice of ${ptr}: ${slice}`);
    const last = ptr.slice(ptr.lastIndexOf('/') + 1);
    const parent = ptr === '' ? undefined : at(value, ptr.slice(0, ptr.lastIndexOf('/')));
    if (parent === undefined || Array.isArray(parent)) {
      if (s.keyOffset !== -1 || s.keyLength !== 0) assert.fail(`${ptr} has no key, got ${s.keyOffset}/${s.keyLength}`);
    } else {
      const key = text.slice(s.keyOffset, s.keyOffset + s.keyLength);
      if (JSON.parse(key) !== unseg(last)) assert.fail(`key of ${ptr}: ${key}`);
      const between = text.slice(s.keyOffset + s.keyLength, s.offset);
      if (!/^[ \t\n\r]*:[ \t\n\r]*$/.test(between)) assert.fail(`between key and value of ${ptr}: ${JSON.stringify(between)}`);
    }
  }
  const root = spans.get('');
  assert.ok(root);
  assert.match(text.slice(0, root.offset).replace(/^\uFEFF/, ''), JSON_WS);
  assert.match(text.slice(root.offset + root.length), JSON_WS);
}

/** Both indexes hold the same pointers with the same numbers each (messages built only on failure). */
function assertSameIndex(a: SpanIndex, b: SpanIndex, text: string): void {
  const differs = a.size !== b.size || [...a].some(([ptr, s]) => !same(s, b.get(ptr)));
  if (!differs) return;
  const show = (m: SpanIndex) => Object.fromEntries([...m].sort(([x], [y]) => (x < y ? -1 : 1)));
  assert.deepEqual(show(a), show(b), `indexes differ for ${text}`);
}

/** The JSONC path's index of a text, flattened. */
function treeIndex(text: string): { spans: SpanIndex; duplicateKeys: { offset: number; length: number }[] } {
  const r = indexTree(parseTree(text, [], { allowTrailingComma: false, disallowComments: true }), new LineIndex(text));
  return { spans: flatten(r.root), duplicateKeys: r.duplicateKeys };
}

/** The strict path's index of a text, flattened. */
function strictIndex(text: string): { spans: SpanIndex; duplicateKeys: { offset: number; length: number }[] } {
  const r = indexStrictJson(text);
  return { spans: flatten(r.root), duplicateKeys: r.duplicateKeys };
}

// ---------------------------------------------------------------------------------------------
// A serialiser that writes the same value many ways: any JSON whitespace, optional escapes in
// strings (`\/`, `\uXXXX`, short escapes), numbers in exponent form. `JSON.stringify` writes only one.

/** Picks options from a fixed stream of generated numbers (so that fast-check can shrink it). */
function chooser(choices: readonly number[]): <T>(...options: T[]) => T {
  let k = 0;
  return <T>(...options: T[]): T => options[(choices[k++ % choices.length] ?? 0) % options.length] as T;
}

function serialise(v: unknown, choices: readonly number[]): string {
  const draw = chooser(choices);
  const ws = () => draw('', '', ' ', '\n', '\t', '\r\n', '  \n\t ');
  const str = (s: string): string => {
    const mode = draw('stringify', 'unicode', 'slash', 'mixed');
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
    const mode = draw('plain', 'exp', 'EXP');
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
  const { spans, duplicateKeys } = strictIndex(text);
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
    assert.deepEqual(four(span('')), { offset: 0, length: text.length, keyOffset: -1, keyLength: 0 });
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
    const r = strictIndex(t);
    assert.deepEqual(four(r.spans.get('')), { offset: t.indexOf('{'), length: t.lastIndexOf('}') - t.indexOf('{') + 1, keyOffset: -1, keyLength: 0 });
    assert.deepEqual(four(r.spans.get('/k')), { offset: t.indexOf('['), length: t.indexOf(']') - t.indexOf('[') + 1, keyOffset: t.indexOf('"k"'), keyLength: 3 });
    assert.deepEqual(four(r.spans.get('/k/1')), { offset: t.indexOf('2'), length: 1, keyOffset: -1, keyLength: 0 });
    assertSpansDescribe(t, r.spans);
  });

  it('a scalar root', () => {
    for (const t of ['42', ' -0.5E-7 ', '"s\\"t"', 'null', '\ttrue\n', 'false', '""', '[]', '{}']) {
      const r = strictIndex(t);
      assert.equal(r.spans.size, 1, t);
      assertSpansDescribe(t, r.spans);
    }
  });

  it('a key and value containing structural characters and backslashes at the end of a string', () => {
    const t = '{"a\\\\":"]},:\\\\","{\\"}":["\\\\\\"",","]}';
    assertSpansDescribe(t, strictIndex(t).spans);
    assertSameIndex(strictIndex(t).spans, treeIndex(t).spans, t);
  });

  it('astral characters and lone surrogates count as UTF-16 code units, as JavaScript offsets do', () => {
    const t = '{"🚀":"😀x","k":"\ud800","z":1}';
    const r = strictIndex(t);
    assertSpansDescribe(t, r.spans);
    assert.deepEqual(four(r.spans.get('/z')), { offset: t.length - 2, length: 1, keyOffset: t.length - 6, keyLength: 3 });
  });
});

describe('indexStrictJson: duplicate keys', () => {
  it('reports the later key where it is; the later value wins, as in JSON.parse', () => {
    const t = '{"a": 1, "b": 2, "a": 3}';
    const { spans, duplicateKeys } = strictIndex(t);
    const second = t.lastIndexOf('"a"');
    assert.deepEqual(duplicateKeys, [{ offset: second, length: 3 }]);
    assert.deepEqual(four(spans.get('/a')), { offset: t.indexOf('3'), length: 1, keyOffset: second, keyLength: 3 });
    assert.deepEqual(treeIndex(t).duplicateKeys, duplicateKeys, 'the JSONC path reports the same');
  });

  it('each repetition is reported; the same key in different objects is not a duplicate', () => {
    const t = '{"x": [{"a": 1}, {"a": 2}], "y": {"a": 0, "a": 1, "a": 2}}';
    const { duplicateKeys } = strictIndex(t);
    assert.equal(duplicateKeys.length, 2);
    assert.deepEqual(treeIndex(t).duplicateKeys, duplicateKeys);
  });

  it('keys equal after unescaping are duplicates', () => {
    const t = '{"a": 1, "\\u0061": 2}';
    assert.equal(strictIndex(t).duplicateKeys.length, 1);
    assert.equal(treeIndex(t).duplicateKeys.length, 1);
  });

  it('keys inside the value of a repeated key are not duplicates', () => {
    const t = '{"s": {"x": 1}, "s": {"x": 2}}';
    const { duplicateKeys } = strictIndex(t);
    assert.deepEqual(duplicateKeys, treeIndex(t).duplicateKeys);
    assert.deepEqual(duplicateKeys, [{ offset: t.lastIndexOf('"s"'), length: 3 }]);
  });

  it('the later definition replaces the earlier one entirely: none of its children remain', () => {
    const t = '{"s": {"x": [1, 2, 3], "y": 0}, "s": {"x": []}}';
    for (const { spans } of [strictIndex(t), treeIndex(t)]) {
      assert.deepEqual([...spans.keys()].sort(), ['', '/s', '/s/x']);
      assert.equal(spans.get('/s')?.offset, t.lastIndexOf('{"x"'));
    }
  });
});

describe('indexStrictJson: input it does not expect', () => {
  it('throws (callers fall back) on JSONC and broken text rather than returning wrong spans', () => {
    for (const t of ['{"a":1,}', '[1,]', '// c\n{}', '{"a" 1}', '{"a":1', '"abc', '{a:1}', '[1 2]', '{} {}', '']) {
      assert.throws(() => indexStrictJson(t), Error, t);
    }
  });

  it('indexes nesting up to its depth limit, and throws an ordinary Error beyond it (no stack overflow)', () => {
    const nest = (n: number) => '['.repeat(n) + ']'.repeat(n);
    assert.equal(strictIndex(nest(500)).spans.size, 500);
    assert.throws(() => indexStrictJson(nest(10_000)), (e: unknown) => e instanceof Error && !(e instanceof RangeError));
  });

  it('skips a leading BOM (offsets stay in the original text)', () => {
    const t = '\uFEFF{"a":1}';
    const { spans } = strictIndex(t);
    assert.deepEqual(four(spans.get('')), { offset: 1, length: 7, keyOffset: -1, keyLength: 0 });
    assert.deepEqual(four(spans.get('/a')), { offset: 6, length: 1, keyOffset: 2, keyLength: 3 });
  });
});

describe('indexStrictJson agrees with indexTree(parseTree(text)) — the property that justifies it', () => {
  const indents = fc.constantFrom<string | number | undefined>(undefined, 0, 1, 2, 4, '\t', ' \t');

  it('for JSON.stringify of arbitrary values, with and without indentation', () => {
    fc.assert(
      fc.property(fc.jsonValue(), indents, (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        const strict = strictIndex(text);
        const tree = treeIndex(text);
        assertSameIndex(strict.spans, tree.spans, text);
        assert.deepEqual(strict.duplicateKeys, []);
        assert.deepEqual(tree.duplicateKeys, []);
        assertSpansDescribe(text, strict.spans);
      }),
      { numRuns: 1000 },
    );
  });

  it('for deeply nested values (up to 300 levels of arrays and objects around an arbitrary value)', () => {
    const wrapped = fc.tuple(fc.array(fc.constantFrom('array', 'object', 'odd-key'), { maxLength: 300 }), fc.jsonValue({ maxDepth: 3 })).map(([layers, leaf]) =>
      layers.reduce<unknown>((inner, layer) => (layer === 'array' ? [inner] : layer === 'object' ? { k: inner } : { '~/': 1, '': inner }), leaf),
    );
    fc.assert(
      fc.property(wrapped, indents, (v, indent) => {
        const text = JSON.stringify(v, null, indent);
        const strict = strictIndex(text);
        assertSameIndex(strict.spans, treeIndex(text).spans, text);
        assertSpansDescribe(text, strict.spans);
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
        const strict = strictIndex(text);
        assertSameIndex(strict.spans, treeIndex(text).spans, text);
        assertSpansDescribe(text, strict.spans);
      }),
      { numRuns: 500 },
    );
  });

  it('for the same values written any valid way: arbitrary whitespace, optional escapes, exponent numbers', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 5 }), fc.array(fc.nat(), { minLength: 1, maxLength: 64 }), (v, choices) => {
        const text = serialise(v, choices);
        assert.ok(same(JSON.parse(text), v), `the serialiser wrote ${text}`);
        const strict = strictIndex(text);
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
        assertSameIndex(strictIndex(text).spans, treeIndex(text).spans, text);
      }),
      { numRuns: 1000 },
    );
  });

  it('for objects with repeated keys: the same duplicate reports (in any order)', () => {
    const sorted = (d: { offset: number; length: number }[]) => [...d].sort((x, y) => x.offset - y.offset);
    fc.assert(
      fc.property(withDuplicates, (text) => {
        assert.deepEqual(sorted(strictIndex(text).duplicateKeys), sorted(treeIndex(text).duplicateKeys), text);
      }),
      { numRuns: 1000 },
    );
  });
});
