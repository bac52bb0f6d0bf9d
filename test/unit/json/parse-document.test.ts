import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseDocument, type ParsedDocument } from '../../../src/core/json/parse-document';
import { nodeAt, type SpanNode } from '../../../src/core/json/span';
import { indexStrictJson } from '../../../src/core/json/strict-index';

/** 1-based line and column of an offset, counted on the text. */
function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  return { line: before.length, column: (before.at(-1) ?? '').length + 1 };
}

/** Every node by JSON pointer, with its numbers only. */
function flatten(root: SpanNode | undefined): Map<string, Omit<SpanNode, 'props' | 'items'>> {
  const out = new Map<string, Omit<SpanNode, 'props' | 'items'>>();
  const walk = (n: SpanNode, ptr: string): void => {
    const { offset, length, keyOffset, keyLength, line, column, endLine, endColumn } = n;
    out.set(ptr, { offset, length, keyOffset, keyLength, line, column, endLine, endColumn });
    n.props?.forEach((child, key) => walk(child, `${ptr}/${key.replaceAll('~', '~0').replaceAll('/', '~1')}`));
    n.items?.forEach((child, i) => walk(child, `${ptr}/${i}`));
  };
  if (root) walk(root, '');
  return out;
}

function node(doc: ParsedDocument, path: (string | number)[]): SpanNode {
  const n = nodeAt(doc.root, path);
  assert.ok(n, `a node at ${JSON.stringify(path)}`);
  return n;
}

/** Plain objects (jsonc-parser builds objects without a prototype). */
const plain = (v: unknown): unknown => (v === undefined ? undefined : JSON.parse(JSON.stringify(v)));

const slice = (text: string, r: { offset: number; length: number } | undefined): string => (r ? text.slice(r.offset, r.offset + r.length) : '(none)');

describe('parseDocument: strict JSON', () => {
  const text = '{\n  "mcpServers": {\n    "a": { "command": "npx", "args": ["-y", "pkg@1.0.0"] }\n  }\n}\n';
  const doc = parseDocument(text);

  it('takes the JSON.parse path: strictJson, the value, no syntax errors, no JSONC features', () => {
    assert.equal(doc.strictJson, true);
    assert.deepEqual(doc.value, JSON.parse(text));
    assert.deepEqual(doc.syntaxErrors, []);
    assert.equal(doc.firstComment, undefined);
    assert.equal(doc.firstTrailingComma, undefined);
    assert.deepEqual(doc.duplicateKeys, []);
    assert.equal(doc.text, text);
  });

  it('indexes every value, exactly as indexStrictJson does, at the right line and column', () => {
    assert.deepEqual(flatten(doc.root), flatten(indexStrictJson(text).root));
    const pkg = node(doc, ['mcpServers', 'a', 'args', 1]);
    assert.equal(slice(text, pkg), '"pkg@1.0.0"');
    assert.deepEqual({ line: pkg.line, column: pkg.column }, lineCol(text, text.indexOf('"pkg@1.0.0"')));
    assert.deepEqual({ line: pkg.line, column: pkg.column }, { line: 3, column: 45 });
    assert.deepEqual(doc.lines.position(pkg.offset), { line: 3, column: 45 }, 'lines agrees with the nodes');
  });

  it('reports duplicate keys at the later key', () => {
    const t = '{"a": 1,\n "a": 2}';
    const d = parseDocument(t);
    assert.equal(d.strictJson, true);
    assert.deepEqual(d.value, { a: 2 });
    assert.deepEqual(d.duplicateKeys, [{ offset: t.lastIndexOf('"a"'), length: 3 }]);
  });
});

describe('parseDocument: JSONC', () => {
  const text = [
    '{',
    '  // servers for this repo, with a "quoted" word and a comma, here',
    '  "mcp": {',
    '    "github": {',
    '      "type": "local",',
    '      "command": ["npx", "-y", "pkg@1.0.0",], /* trailing comma above */',
    '      "url": "https://example.com//not-a-comment",',
    '    },',
    '  },',
    '}',
    '',
  ].join('\n');
  const doc = parseDocument(text);

  it('reads the value; strictJson is false; no syntax errors', () => {
    assert.equal(doc.strictJson, false);
    assert.deepEqual(doc.syntaxErrors, []);
    assert.deepEqual(plain(doc.value), {
      mcp: { github: { type: 'local', command: ['npx', '-y', 'pkg@1.0.0'], url: 'https://example.com//not-a-comment' } },
    });
  });

  it('locates the first comment and the first trailing comma', () => {
    assert.equal(slice(text, doc.firstComment), '// servers for this repo, with a "quoted" word and a comma, here');
    assert.deepEqual(lineCol(text, doc.firstComment?.offset ?? -1), { line: 2, column: 3 });
    assert.equal(doc.firstTrailingComma?.offset, text.indexOf(',]'));
    assert.equal(doc.firstTrailingComma?.length, 1);
  });

  it('locates values after comments exactly', () => {
    const pkg = node(doc, ['mcp', 'github', 'command', 2]);
    assert.equal(slice(text, pkg), '"pkg@1.0.0"');
    assert.deepEqual({ line: pkg.line, column: pkg.column }, lineCol(text, text.indexOf('"pkg@1.0.0"')));
    const url = node(doc, ['mcp', 'github', 'url']);
    assert.equal(slice(text, { offset: url.keyOffset, length: url.keyLength }), '"url"');
    assert.deepEqual({ line: url.endLine, column: url.endColumn }, lineCol(text, url.offset + url.length));
  });

  it('a block comment first; a comment between a comma and the bracket still leaves the comma trailing', () => {
    const t = '/* header */ [1, 2, // two\n]';
    const d = parseDocument(t);
    assert.equal(slice(t, d.firstComment), '/* header */');
    assert.equal(d.firstTrailingComma?.offset, t.indexOf(', //'));
    assert.deepEqual(plain(d.value), [1, 2]);
  });

  it('a trailing comma without any comment', () => {
    const t = '{"a": [1, 2], "b": {"c": 3,}}';
    const d = parseDocument(t);
    assert.equal(d.firstComment, undefined);
    assert.equal(d.firstTrailingComma?.offset, t.indexOf(',}'));
    assert.deepEqual(d.syntaxErrors, []);
  });

  it('a comment without any trailing comma', () => {
    const t = '{"a": [1, 2] // end\n}';
    const d = parseDocument(t);
    assert.equal(slice(t, d.firstComment), '// end');
    assert.equal(d.firstTrailingComma, undefined);
  });

  it('comment-like and comma-like text inside strings is neither', () => {
    const t = '{"u": "http://x//y", "s": ",]", "b": "/* no */",}';
    const d = parseDocument(t);
    assert.equal(d.firstComment, undefined);
    assert.equal(d.firstTrailingComma?.offset, t.length - 2);
  });

  it('JSONC and strict paths give the same nodes for the same JSON (a trailing comment only moves the path)', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.constantFrom<number | undefined>(undefined, 2), (v, indent) => {
        const json = JSON.stringify(v, null, indent);
        const strict = parseDocument(json);
        const jsonc = parseDocument(json + '\n// trailing comment\n');
        assert.equal(strict.strictJson, true);
        assert.equal(jsonc.strictJson, false);
        assert.deepEqual(jsonc.syntaxErrors, []);
        assert.deepEqual(plain(jsonc.value), plain(strict.value));
        assert.deepEqual(flatten(jsonc.root), flatten(strict.root));
      }),
      { numRuns: 300 },
    );
  });
});

describe('parseDocument: syntax errors', () => {
  /** The first error's message and where it is, by line and column. */
  const first = (t: string) => {
    const d = parseDocument(t);
    assert.equal(d.strictJson, false);
    const e = d.syntaxErrors[0];
    assert.ok(e, `a syntax error in ${JSON.stringify(t)}`);
    return { message: e.message, ...d.lines.position(e.offset) };
  };

  it('missing comma: at the token that follows', () => {
    const t = '{\n  "a": 1\n  "b": 2\n}';
    assert.deepEqual(first(t), { message: "expected ',' between entries", ...lineCol(t, t.indexOf('"b"')) });
  });

  it('unterminated string: at its opening quote', () => {
    const t = '{\n  "mcpServers": {\n    "x": { "command": "np\n  }\n}';
    assert.deepEqual(first(t), { message: 'unterminated string', ...lineCol(t, t.indexOf('"np')) });
  });

  it('missing colon, bare word, unclosed object', () => {
    const colon = '{\n  "a" 1\n}';
    assert.deepEqual(first(colon), { message: "expected ':' after the property name", ...lineCol(colon, colon.indexOf('1')) });
    const word = '{\n  "a": yes\n}';
    assert.deepEqual(first(word), { message: 'unexpected character', ...lineCol(word, word.indexOf('yes')) });
    const unclosed = '{\n  "a": [1, 2]\n';
    const e = first(unclosed);
    assert.equal(e.message, "expected '}' to close the object");
    assert.deepEqual({ line: e.line, column: e.column }, lineCol(unclosed, unclosed.length));
  });

  it('an empty or blank file: "expected a value"', () => {
    assert.equal(first('').message, 'expected a value');
    assert.equal(first(' \n ').message, 'expected a value');
    assert.equal(parseDocument('').value, undefined);
  });

  it('recovers what it can', () => {
    const d = parseDocument('{"a": 1 "b": [2, 3}');
    assert.ok(d.syntaxErrors.length > 0);
    assert.deepEqual((d.value as Record<string, unknown>)['a'], 1);
  });
});

describe('parseDocument: hostile input never throws', () => {
  const cases: [string, string][] = [
    ['100,000 [', '['.repeat(100_000)],
    ['100,000 [ ] balanced (valid JSON)', '['.repeat(100_000) + ']'.repeat(100_000)],
    ['100,000 {"a": unclosed', '{"a":'.repeat(100_000)],
    ['100,000 {"a": closed (valid JSON)', '{"a":'.repeat(100_000) + '0' + '}'.repeat(100_000)],
    ['100,000 [ with a comment (JSONC path)', '// c\n' + '['.repeat(100_000) + ']'.repeat(100_000)],
    ['unterminated block comment', '{ /* '],
    ['a lone quote', '"'],
    ['NUL and control characters', '{"a\u0000": "\u0001"}'],
  ];
  for (const [name, t] of cases) {
    it(name, () => {
      let d: ParsedDocument | undefined;
      assert.doesNotThrow(() => (d = parseDocument(t)));
      assert.ok(d);
      assert.ok(d.value !== undefined || d.syntaxErrors.length > 0, 'either a value or a reason');
      for (const e of d.syntaxErrors) assert.ok(e.message.length > 0 && e.offset >= 0 && e.offset <= t.length);
    });
  }

  it('a deep file yields "nests too deeply", not a crash', () => {
    const d = parseDocument('['.repeat(100_000));
    assert.equal(d.value, undefined);
    assert.equal(d.root, undefined);
    assert.ok(d.syntaxErrors.some((e) => /deep/.test(e.message)));
  });

  it(
    'valid JSON deeper than the strict indexer goes (600 levels) is still strictJson',
    () => {
      const t = '['.repeat(600) + ']'.repeat(600);
      assert.doesNotThrow(() => JSON.parse(t));
      assert.equal(parseDocument(t).strictJson, true);
    },
  );

  it('never throws on arbitrary text, and agrees with JSON.parse on JSON', () => {
    const tokens = fc.constantFrom('{', '}', '[', ']', ',', ':', '"k"', '"', '\\', '1', '-', 'e', 'null', 'tru', '//', '/*', '*/', '\n', ' ', '\uFEFF', '\r');
    const anyText = fc.oneof(fc.string({ unit: 'binary', maxLength: 300 }), fc.array(tokens, { maxLength: 80 }).map((t) => t.join('')));
    fc.assert(
      fc.property(anyText, (t) => {
        const d = parseDocument(t);
        let parsed: unknown;
        let ok = true;
        try {
          parsed = JSON.parse(t);
        } catch {
          ok = false;
        }
        if (ok) {
          assert.equal(d.strictJson, true);
          assert.deepEqual(d.value, parsed);
          assert.deepEqual(d.syntaxErrors, []);
        } else {
          assert.equal(d.strictJson, false);
        }
      }),
      { numRuns: 2000 },
    );
  });
});

describe('parseDocument: byte order mark', () => {
  const t = '\uFEFF{\n  "a": [1, 2]\n}';
  const d = parseDocument(t);

  it('is not strict JSON (JSON.parse, and so legacy KiloCode, rejects it)', () => {
    assert.throws(() => JSON.parse(t));
    assert.equal(d.strictJson, false);
  });

  it('the value is recovered and offsets refer to the text as read (BOM included)', () => {
    assert.deepEqual(plain(d.value), { a: [1, 2] });
    assert.equal(d.root?.offset, 1);
    const two = node(d, ['a', 1]);
    assert.equal(slice(t, two), '2');
    assert.deepEqual({ line: two.line, column: two.column }, lineCol(t, t.indexOf('2')));
  });

  it(
    'a BOM alone is not a syntax error',
    () => {
      assert.deepEqual(d.syntaxErrors, []);
    },
  );
});
