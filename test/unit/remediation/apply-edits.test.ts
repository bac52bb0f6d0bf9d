import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { OversightError } from '../../../src/core/errors';
import { applyJsonEdits, detectFormatting, orderEdits } from '../../../src/core/remediation/apply-edits';
import type { ProposalEdit } from '../../../src/core/remediation/proposal-schema';

const F = '/ws/.kilocode/mcp.json';

function parsed(text: string): unknown {
  const errors: ParseError[] = [];
  const v: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  assert.deepEqual(errors, [], `parses:\n${text}`);
  return v;
}

function throwsCode(fn: () => unknown, code: string, re?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OversightError, `an OversightError; got ${String(e)}`);
    assert.equal(e.code, code);
    if (re) assert.match(e.message, re);
    return true;
  });
}

const JSONC = `{
  // MCP servers of this repository
  "mcpServers": {
    /* the file system, read-only */
    "fs": {
      "command": "npx", // pinned below
      "args": ["-y", "@modelcontextprotocol/server-filesystem@2025.8.21", "."],
      "alwaysAllow": [
        "read_file",
        "*",
        "write_file",
        "list_directory",
        "delete_file",
      ],
      "env": {
        "TOKEN": "plain", // pasted by mistake
        "MODE": "ro",
      },
    },
    // remote docs
    "docs": { "url": "http://docs.example.com/mcp" },
  },
  // trailing note
}
`;

const COMMENTS = ['// MCP servers of this repository', '/* the file system, read-only */', '// pinned below', '// pasted by mistake', '// remote docs', '// trailing note'];

describe('detectFormatting', () => {
  it('reads indentation and line ends from the text', () => {
    assert.deepEqual(detectFormatting('{\n  "a": 1\n}'), { insertSpaces: true, tabSize: 2, eol: '\n' });
    assert.deepEqual(detectFormatting('{\r\n    "a": 1\r\n}'), { insertSpaces: true, tabSize: 4, eol: '\r\n' });
    assert.deepEqual(detectFormatting('{\n\t"a": 1\n}'), { insertSpaces: false, tabSize: 1, eol: '\n' });
    assert.deepEqual(detectFormatting('{"a":1}'), { insertSpaces: true, tabSize: 2, eol: '\n' });
    assert.deepEqual(detectFormatting(''), { insertSpaces: true, tabSize: 2, eol: '\n' });
  });
});

describe('orderEdits', () => {
  it('keeps sets first in the given order, then removals deepest and highest index first', () => {
    const edits: ProposalEdit[] = [
      { jsonPath: ['a', 1], remove: true },
      { jsonPath: ['x'], value: 1 },
      { jsonPath: ['a', 3], remove: true },
      { jsonPath: ['a', 1, 'k'], remove: true },
      { jsonPath: ['w'], value: 2 },
      { jsonPath: ['a', 10], remove: true },
      { jsonPath: ['a', 2], remove: true },
    ];
    assert.deepEqual(
      orderEdits(edits).map((e) => e.jsonPath),
      [['x'], ['w'], ['a', 10], ['a', 3], ['a', 2], ['a', 1, 'k'], ['a', 1]],
    );
  });

  it('sorts indexes as numbers, not strings (10 after 9)', () => {
    const out = orderEdits([9, 10, 2].map((i) => ({ jsonPath: ['a', i], remove: true as const })));
    assert.deepEqual(out.map((e) => e.jsonPath[1]), [10, 9, 2]);
  });
});

describe('applyJsonEdits', () => {
  it('sets a value and keeps every comment, trailing comma and the layout around it', () => {
    const out = applyJsonEdits(JSONC, [{ jsonPath: ['mcpServers', 'fs', 'env', 'TOKEN'], value: '${env:TOKEN}' }], F);
    assert.equal(out, JSONC.replace('"TOKEN": "plain"', '"TOKEN": "${env:TOKEN}"'));
  });

  it('removes several array elements by index in one go: exactly those, whatever order they are given in', () => {
    const wanted = ['read_file', 'list_directory'];
    for (const order of [[1, 2, 4], [4, 2, 1], [2, 4, 1]]) {
      const out = applyJsonEdits(JSONC, order.map((i) => ({ jsonPath: ['mcpServers', 'fs', 'alwaysAllow', i], remove: true as const })), F);
      const v = parsed(out) as { mcpServers: { fs: { alwaysAllow: string[]; args: string[] } } };
      assert.deepEqual(v.mcpServers.fs.alwaysAllow, wanted, `order ${order.join(',')}`);
      for (const c of COMMENTS) assert.ok(out.includes(c), `${c} survives`);
      // Lines outside the array are untouched.
      assert.equal(out.slice(0, out.indexOf('"alwaysAllow"')), JSONC.slice(0, JSONC.indexOf('"alwaysAllow"')));
      assert.equal(out.slice(out.indexOf('"env"')), JSONC.slice(JSONC.indexOf('"env"')));
    }
  });

  it('mixes sets and removals: sets address the text as read, removals do not shift them', () => {
    const out = applyJsonEdits(
      JSONC,
      [
        { jsonPath: ['mcpServers', 'fs', 'alwaysAllow', 1], remove: true },
        { jsonPath: ['mcpServers', 'fs', 'alwaysAllow', 3], value: 'list_dir' },
        { jsonPath: ['mcpServers', 'docs', 'url'], value: 'https://docs.example.com/mcp' },
        { jsonPath: ['mcpServers', 'fs', 'alwaysAllow', 4], remove: true },
        { jsonPath: ['mcpServers', 'fs', 'env', 'TOKEN'], value: '${env:TOKEN}' },
        { jsonPath: ['mcpServers', 'fs', 'args', 1], value: '@modelcontextprotocol/server-filesystem@2026.1.1' },
      ],
      F,
    );
    const v = parsed(out) as { mcpServers: { fs: { alwaysAllow: string[]; args: string[]; env: Record<string, string> }; docs: { url: string } } };
    assert.deepEqual(v.mcpServers.fs.alwaysAllow, ['read_file', 'write_file', 'list_dir']);
    assert.deepEqual(v.mcpServers.fs.args, ['-y', '@modelcontextprotocol/server-filesystem@2026.1.1', '.']);
    assert.deepEqual(v.mcpServers.fs.env, { TOKEN: '${env:TOKEN}', MODE: 'ro' });
    assert.equal(v.mcpServers.docs.url, 'https://docs.example.com/mcp');
    for (const c of COMMENTS) assert.ok(out.includes(c), `${c} survives`);
  });

  it('keeps tabs and CRLF: inserted text uses them and no lone LF appears', () => {
    const text = '{\r\n\t// servers\r\n\t"mcpServers": {\r\n\t\t"a": {\r\n\t\t\t"command": "node",\r\n\t\t\t"args": [\r\n\t\t\t\t"x.js",\r\n\t\t\t\t"--flag"\r\n\t\t\t]\r\n\t\t}\r\n\t}\r\n}\r\n';
    const out = applyJsonEdits(
      text,
      [
        { jsonPath: ['mcpServers', 'a', 'args', 1], remove: true },
        { jsonPath: ['mcpServers', 'a', 'env'], value: { K: '${env:K}' } },
      ],
      F,
    );
    assert.deepEqual(parsed(out), { mcpServers: { a: { command: 'node', args: ['x.js'], env: { K: '${env:K}' } } } });
    assert.doesNotMatch(out, /(?<!\r)\n/, `only CRLF: ${JSON.stringify(out)}`);
    assert.ok(out.includes('\r\n\t\t\t"env": {\r\n\t\t\t\t"K": "${env:K}"\r\n\t\t\t}'), JSON.stringify(out));
    assert.ok(out.startsWith('{\r\n\t// servers\r\n'));
    assert.ok(out.endsWith('}\r\n'));
  });

  it('adds a property after one with a trailing comment: the comment survives', () => {
    const text = '{\n\t"a": {\n\t\t"b": 1 // about b\n\t}\n}\n';
    const out = applyJsonEdits(text, [{ jsonPath: ['a', 'n'], value: 2 }], F);
    assert.deepEqual(parsed(out), { a: { b: 1, n: 2 } });
    assert.ok(out.includes('// about b'));
  });

  it('keeps a comment between a removed element and the next one', () => {
    const text = '{\n  "alwaysAllow": [\n    "write_file",\n    // read-only tools\n    "read_file"\n  ]\n}\n';
    const out = applyJsonEdits(text, [{ jsonPath: ['alwaysAllow', 0], remove: true }], F);
    assert.deepEqual(parsed(out), { alwaysAllow: ['read_file'] });
    assert.ok(out.includes('// read-only tools'), out);
  });

  it('removing the last property keeps the trailing comment of the one before', () => {
    const out = applyJsonEdits(JSONC, [{ jsonPath: ['mcpServers', 'fs', 'env', 'MODE'], remove: true }], F);
    assert.deepEqual((parsed(out) as { mcpServers: { fs: { env: unknown } } }).mcpServers.fs.env, { TOKEN: 'plain' });
    assert.ok(out.includes('// pasted by mistake'), out);
  });

  it('removes the last element of a one-line array', () => {
    const text = '{\n  "mcpServers": {\n    "fs": { "command": "npx", "alwaysAllow": ["read_file", "write_file"] }\n  }\n}\n';
    const out = applyJsonEdits(text, [{ jsonPath: ['mcpServers', 'fs', 'alwaysAllow', 1], remove: true }], F);
    assert.deepEqual(parsed(out), { mcpServers: { fs: { command: 'npx', alwaysAllow: ['read_file'] } } });
  });

  it('keeps a one-line array on one line when an element is removed', () => {
    const text = '{\n  "alwaysAllow": ["a", "b", "c"],\n  "x": 1\n}\n';
    const out = applyJsonEdits(text, [{ jsonPath: ['alwaysAllow', 0], remove: true }], F);
    assert.equal(out, '{\n  "alwaysAllow": ["b", "c"],\n  "x": 1\n}\n');
  });

  it('the same removal twice removes one element', () => {
    const out = applyJsonEdits('{\n  "a": [\n    1,\n    2,\n    3\n  ]\n}\n', [{ jsonPath: ['a', 1], remove: true }, { jsonPath: ['a', 1], remove: true }], F);
    assert.deepEqual(parsed(out), { a: [1, 3] });
  });

  it('removes exactly the node and one comma: the layout around it stays', () => {
    const cases: [string, (string | number)[][], string][] = [
      ['{"a": ["x", "y"]}', [['a', 1]], '{"a": ["x"]}'],
      ['{"a": ["x", "y",]}', [['a', 1]], '{"a": ["x",]}'],
      ['{"a": ["x", /* c */ "y"]}', [['a', 1]], '{"a": ["x" /* c */]}'],
      ['{"a": ["x", /* c */ "y"]}', [['a', 0]], '{"a": [/* c */ "y"]}'],
      ['{"a": ["x"], "b": 1}', [['a', 0]], '{"a": [], "b": 1}'],
      ['{"a": [\n    "x"\n  ], "b": 1}', [['a', 0]], '{"a": [], "b": 1}'],
      ['{"a": [ /* k */ "x" ]}', [['a', 0]], '{"a": [ /* k */]}'],
      ['{\n  "a": 1,\n  "b": 2\n}\n', [['a']], '{\n  "b": 2\n}\n'],
      ['{\n  "a": 1, // one\n  "b": 2 // two\n}\n', [['b']], '{\n  "a": 1 // one\n  // two\n}\n'],
      ['{\n  "a": {\n    "x": [1,\n      2]\n  },\n  "b": 2\n}\n', [['a']], '{\n  "b": 2\n}\n'],
      ['{\r\n\t"a": [\r\n\t\t"x",\r\n\t\t"y"\r\n\t]\r\n}\r\n', [['a', 1]], '{\r\n\t"a": [\r\n\t\t"x"\r\n\t]\r\n}\r\n'],
      ['{ "a": 1, "b": 2, "c": 3 }', [['b']], '{ "a": 1, "c": 3 }'],
    ];
    for (const [text, paths, want] of cases) {
      assert.equal(applyJsonEdits(text, paths.map((jsonPath) => ({ jsonPath, remove: true as const })), F), want, text);
    }
  });

  it('of several sets of one path the last wins; a removal given twice counts once', () => {
    const out = applyJsonEdits('{"a": 1, "b": [1, 2, 3]}', [{ jsonPath: ['a'], value: 2 }, { jsonPath: ['b', 0], remove: true }, { jsonPath: ['a'], value: 3 }, { jsonPath: ['b', 0], remove: true }], F);
    assert.equal(out, '{"a": 3, "b": [2, 3]}');
  });

  it('an index past the end is refused, for sets as for removals, naming file and path', () => {
    throwsCode(() => applyJsonEdits('[1]', [{ jsonPath: [5], remove: true }], F), 'PROPOSAL_INVALID', /mcp\.json: cannot remove \[5\]: index 5 is out of range/);
    throwsCode(() => applyJsonEdits('{"a":[1]}', [{ jsonPath: ['a', 3], value: 2 }], F), 'PROPOSAL_INVALID', /cannot set \["a",3\]/);
    throwsCode(() => applyJsonEdits('{"a":1}', [{ jsonPath: ['x', 'y'], remove: true }], F), 'PROPOSAL_INVALID', /\["x","y"\].*does not exist/);
    throwsCode(() => applyJsonEdits('{"a":[1]}', [{ jsonPath: ['a', 'k'], remove: true }], F), 'PROPOSAL_INVALID', /property "k" of an array/);
    // Appending at the end stays possible.
    assert.deepEqual(parsed(applyJsonEdits('{"a":[1]}', [{ jsonPath: ['a', 1], value: 2 }], F)), { a: [1, 2] });
  });

  it('creates a file from nothing', () => {
    const out = applyJsonEdits('', [{ jsonPath: ['mcpServers', 'x'], value: { command: 'node', args: ['a.js'] } }], F);
    assert.deepEqual(parsed(out), { mcpServers: { x: { command: 'node', args: ['a.js'] } } });
  });

  it('an edit with neither value nor remove is PROPOSAL_INVALID', () => {
    throwsCode(() => applyJsonEdits(JSONC, [{ jsonPath: ['mcpServers'] }], F), 'PROPOSAL_INVALID', /neither a value nor remove/);
  });

  it('removing a key that is not there changes nothing', () => {
    assert.equal(applyJsonEdits(JSONC, [{ jsonPath: ['mcpServers', 'nope'], remove: true }], F), JSONC);
  });

  it('an edit that cannot apply is PROPOSAL_INVALID, not an internal error', () => {
    throwsCode(() => applyJsonEdits('{"a":[1,2,3]}', [{ jsonPath: ['a', 5], remove: true }], F), 'PROPOSAL_INVALID');
    throwsCode(() => applyJsonEdits('{"a":1}', [{ jsonPath: ['x', 'y'], remove: true }], F), 'PROPOSAL_INVALID');
    throwsCode(() => applyJsonEdits('{"a":1}', [{ jsonPath: ['a', 0], value: 2 }], F), 'PROPOSAL_INVALID');
  });

  it('a file that is already broken may be edited elsewhere, but no new syntax error is introduced', () => {
    const broken = '{\n  "a": 1,\n  "b": [1, 2\n}\n';
    const out = applyJsonEdits(broken, [{ jsonPath: ['a'], value: 2 }], F);
    assert.ok(out.includes('"a": 2'));
  });

  it('is deterministic', () => {
    const edits: ProposalEdit[] = [
      { jsonPath: ['mcpServers', 'fs', 'alwaysAllow', 1], remove: true },
      { jsonPath: ['mcpServers', 'new'], value: { command: 'node' } },
    ];
    assert.equal(applyJsonEdits(JSONC, edits, F), applyJsonEdits(JSONC, edits, F));
  });
});

// -------------------------------------------------------------------------------------------
// Property: random set/remove edits on random JSON objects give parsable text with exactly the
// value a model computes (sets address the text as read; removals the nodes as read).
// -------------------------------------------------------------------------------------------

type Json = null | boolean | number | string | Json[] | { [k: string]: Json };
type Path = (string | number)[];

const keyArb = fc.oneof(fc.constantFrom('a', 'b', 'command', 'args', 'é', 'x y', '"q"', 'a\\b', '😀'), fc.string({ maxLength: 4 })).filter((k) => k !== '__proto__');
const { json: jsonArb } = fc.letrec<{ json: Json }>((tie) => ({
  json: fc.oneof(
    { depthSize: 'small', withCrossShrink: true },
    fc.constant(null),
    fc.boolean(),
    fc.integer(),
    fc.double({ noNaN: true, noDefaultInfinity: true }),
    fc.string({ maxLength: 6 }),
    fc.array(tie('json'), { maxLength: 4 }),
    fc.dictionary(keyArb, tie('json'), { maxKeys: 4 }),
  ),
}));
const rootArb = fc.dictionary(keyArb, jsonArb, { minKeys: 1, maxKeys: 5 });

/** Every path into `v` (not the root), with whether it names an object (a place for a new key). */
function pathsOf(v: Json, at: Path = [], out: { path: Path; isObject: boolean }[] = []): { path: Path; isObject: boolean }[] {
  const entries: [string | number, Json][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : isObj(v) ? Object.entries(v) : [];
  for (const [k, x] of entries) {
    out.push({ path: [...at, k], isObject: isObj(x) });
    pathsOf(x, [...at, k], out);
  }
  return out;
}
function isObj(v: Json): v is { [k: string]: Json } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}
const isPrefix = (p: Path, q: Path) => p.length <= q.length && p.every((s, i) => s === q[i]);
const normal = (v: unknown): Json => JSON.parse(JSON.stringify(v)) as Json;

const REMOVED = Symbol('removed');
function model(root: Json, edits: ProposalEdit[]): Json {
  const v = normal(root) as Record<string | number, unknown>;
  const parentOf = (path: Path): Record<string | number, unknown> | undefined => {
    let cur: unknown = v;
    for (const s of path.slice(0, -1)) {
      if (cur === null || typeof cur !== 'object') return undefined;
      cur = (cur as Record<string | number, unknown>)[s];
    }
    return cur !== null && typeof cur === 'object' ? (cur as Record<string | number, unknown>) : undefined;
  };
  for (const e of edits) if (e.remove !== true) parentOf(e.jsonPath)![e.jsonPath.at(-1)!] = normal(e.value);
  for (const e of edits) {
    if (e.remove !== true) continue;
    const p = parentOf(e.jsonPath);
    if (p !== undefined && e.jsonPath.at(-1)! in p) p[e.jsonPath.at(-1)!] = REMOVED;
  }
  const strip = (x: unknown): unknown => {
    if (Array.isArray(x)) return x.filter((y) => y !== REMOVED).map(strip);
    if (x !== null && typeof x === 'object') return Object.fromEntries(Object.entries(x).filter(([, y]) => y !== REMOVED).map(([k, y]) => [k, strip(y)]));
    return x;
  };
  return strip(v) as Json;
}

const caseArb = rootArb.chain((root) => {
  const paths = pathsOf(root);
  const newKeys = [{ path: [] as Path, isObject: true }, ...paths.filter((p) => p.isObject)].map((p) => fc.tuple(fc.constant(p.path), keyArb));
  return fc.record({
    root: fc.constant(root),
    removals: fc.subarray(paths.map((p) => p.path)),
    sets: fc.array(fc.tuple(fc.oneof(fc.constantFrom(...paths.map((p) => p.path)), ...newKeys.map((a) => a.map(([at, k]) => [...at, k] as Path))), jsonArb), { maxLength: 4 }),
    layout: fc.constantFrom<[string | number, string]>([2, '\n'], ['\t', '\n'], [4, '\r\n'], [2, '\r\n']),
    shuffle: fc.nat(),
  });
});

function editsOf(c: { removals: Path[]; sets: [Path, Json][]; shuffle: number }): ProposalEdit[] {
  // Sets never overlap each other, nor lie under (or on top of) a removed node's descendants.
  const sets: [Path, Json][] = [];
  for (const [p, value] of c.sets) {
    if (sets.some(([q]) => isPrefix(p, q) || isPrefix(q, p))) continue;
    if (c.removals.some((r) => isPrefix(p, r) && r.length > p.length)) continue;
    sets.push([p, value]);
  }
  const edits: ProposalEdit[] = [...sets.map(([jsonPath, value]) => ({ jsonPath, value })), ...c.removals.map((jsonPath) => ({ jsonPath, remove: true as const }))];
  // Any interleaving of the sets and removals (sets keep their relative order: they do not overlap anyway).
  const out = [...edits];
  for (let i = out.length - 1; i > 0; i--) {
    const j = (c.shuffle + i * 7919) % (i + 1);
    [out[i], out[j]] = [out[j]!, out[i]!];
  }
  return out;
}

describe('applyJsonEdits property', () => {
  it('random set/remove edits on indented JSON objects always give parsable text holding exactly the expected value', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const edits = editsOf(c);
        if (edits.length === 0) return;
        const text = JSON.stringify(c.root, null, c.layout[0]).replaceAll('\n', c.layout[1]) + c.layout[1];
        const out = applyJsonEdits(text, edits, F);
        assert.deepEqual(parsed(out), model(c.root, edits));
      }),
      { seed: 20260601, numRuns: 400 },
    );
  });

  it('the same on one-line JSON', () => {
    fc.assert(
      fc.property(caseArb, (c) => {
        const edits = editsOf(c);
        if (edits.length === 0) return;
        const out = applyJsonEdits(JSON.stringify(c.root), edits, F);
        assert.deepEqual(parsed(out), model(c.root, edits));
      }),
      { seed: 20260602, numRuns: 400 },
    );
  });
});

// -------------------------------------------------------------------------------------------
// Property: random removals in JSONC full of comments (one-line and multi-line, with and without
// trailing commas) give parsable text with exactly the expected value; every comment that is not
// inside a removed value survives, and no line is left blank.
// -------------------------------------------------------------------------------------------

interface Commented {
  text: string;
  /** Each comment with the path of the value it sits inside (a container, or a property between key and value). */
  comments: { text: string; owner: Path }[];
}

function withComments(root: Json, seed: number, multiline: boolean, eol: string): Commented {
  let state = seed >>> 0 || 1;
  const rand = (n: number) => {
    state = (Math.imul(state, 1103515245) + 12345) >>> 0;
    return (state >>> 16) % n;
  };
  const comments: Commented['comments'] = [];
  const comment = (owner: Path, indent: string): string => {
    const kind = rand(4);
    if (kind < 2) return '';
    const text = kind === 3 && multiline ? `// #c${comments.length}#` : `/* #c${comments.length}# */`;
    comments.push({ text, owner });
    return text.startsWith('//') ? ` ${text}${eol}${indent}` : ` ${text} `;
  };
  const ser = (v: Json, path: Path, depth: number): string => {
    if (v === null || typeof v !== 'object') return JSON.stringify(v);
    const entries: [string | number, Json][] = Array.isArray(v) ? v.map((x, i) => [i, x]) : Object.entries(v);
    const [open, close] = Array.isArray(v) ? ['[', ']'] : ['{', '}'];
    if (entries.length === 0) return open + comment(path, '  '.repeat(depth)) + close;
    const inner = '  '.repeat(depth + 1);
    // A new line (after a line comment, the one that comment ended), so the fixture has no blank line.
    const nl = (t: string, indent: string) => (!multiline ? `${t} ` : /\n[ \t]*$/.test(t) ? t.replace(/[ \t]*$/, indent) : t + eol + indent);
    const items = entries.map(([k, x]) => {
      const value = ser(x, [...path, k], depth + 1);
      return typeof k === 'number' ? value : `${JSON.stringify(k)}${comment([...path, k], inner)}:${comment([...path, k], inner)}${value}`;
    });
    let s = nl(open + comment(path, inner), inner);
    items.forEach((item, i) => {
      s += item;
      if (i < items.length - 1) s = nl(s + comment(path, inner) + ',' + comment(path, inner), inner);
    });
    if (rand(3) === 0) s += ',';
    return nl(s + comment(path, '  '.repeat(depth)), '  '.repeat(depth)) + close;
  };
  return { text: ser(root, [], 0) + eol, comments };
}

const commentedArb = rootArb.chain((root) =>
  fc.record({
    root: fc.constant(root),
    removals: fc.subarray(pathsOf(root).map((p) => p.path), { minLength: 1 }),
    seed: fc.integer(),
    multiline: fc.boolean(),
    eol: fc.constantFrom('\n', '\r\n'),
  }),
);

describe('applyJsonEdits property: removals keep comments', () => {
  it('random removals in commented JSONC: parsable, the expected value, every comment outside a removed value kept, no blank line left', () => {
    fc.assert(
      fc.property(commentedArb, (c) => {
        const { text, comments } = withComments(c.root, c.seed, c.multiline, c.eol);
        assert.deepEqual(parsed(text), normal(c.root), 'the fixture itself');
        const edits = c.removals.map((jsonPath) => ({ jsonPath, remove: true as const }));
        const out = applyJsonEdits(text, edits, F);
        assert.deepEqual(parsed(out), model(c.root, edits), `${text}\n->\n${out}`);
        for (const k of comments) {
          const removed = c.removals.some((r) => isPrefix(r, k.owner));
          if (!removed) assert.ok(out.includes(k.text), `${k.text} survives:\n${text}\n->\n${out}`);
        }
        const blankLines = (t: string) => t.split(c.eol).slice(0, -1).filter((l) => l.trim() === '').length;
        assert.equal(blankLines(text), 0, 'the fixture has no blank line');
        assert.equal(blankLines(out), 0, `no blank line left:\n${text}\n->\n${out}`);
        if (!c.multiline) assert.equal(out.split(c.eol).length, text.split(c.eol).length, 'one-line JSON stays on one line');
        if (c.eol === '\r\n') assert.doesNotMatch(out, /(?<!\r)\n/);
      }),
      { seed: 20260603, numRuns: 500 },
    );
  });
});
