import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { canonicalJson } from '../../../src/core/crypto/canonical-json';
import { hashCanonical, HASH_TAGS, sha256Hex } from '../../../src/core/crypto/hash';

/** A copy of `v` with every object's keys inserted in an order chosen by `pick` (deep). */
function reorder(v: unknown, pick: (n: number) => number): unknown {
  if (Array.isArray(v)) return v.map((x) => reorder(x, pick));
  if (v === null || typeof v !== 'object') return v;
  const keys = Object.keys(v);
  const out: Record<string, unknown> = {};
  while (keys.length > 0) {
    const [k] = keys.splice(pick(keys.length) % keys.length, 1);
    // defineProperty: a `__proto__` key must stay an own property, as JSON.parse makes it.
    Object.defineProperty(out, k!, { value: reorder((v as Record<string, unknown>)[k!], pick), enumerable: true, writable: true, configurable: true });
  }
  return out;
}

describe('canonicalJson', () => {
  it('does not depend on key order or whitespace', () => {
    const a = JSON.parse('{ "b": 1, "a": { "y": [1, 2, {"q": true, "p": null}], "x": "s" } }') as unknown;
    const b = JSON.parse('{"a":{"x":"s","y":[1,2,{"p":null,"q":true}]},"b":1}') as unknown;
    assert.equal(canonicalJson(a), canonicalJson(b));
    assert.equal(canonicalJson(a), '{"a":{"x":"s","y":[1,2,{"p":null,"q":true}]},"b":1}');
  });

  it('keeps array order (arrays are sequences, not sets)', () => {
    assert.notEqual(canonicalJson([1, 2]), canonicalJson([2, 1]));
  });

  it('sorts keys by UTF-16 code units (the RFC 8785 §3.2.3 example)', () => {
    // RFC 8785's sorting example: the emoji (a surrogate pair, 0xD83D…) sorts before U+FB33,
    // which sorting by code point would put the other way round.
    const value = { '\u20ac': 'Euro Sign', '\r': 'Carriage Return', '\ufb33': 'Hebrew Letter Dalet With Dagesh', '1': 'One', '\ud83d\ude00': 'Emoji: Grinning Face', '\u0080': 'Control', '\u00f6': 'Latin Small Letter O With Diaeresis' };
    const keys = Object.keys(JSON.parse(canonicalJson(value)) as object);
    // Object.keys puts integer-like keys first; compare the order in the text instead.
    const text = canonicalJson(value);
    const order = ['\r', '1', '\u0080', '\u00f6', '\u20ac', '\ud83d\ude00', '\ufb33'].map((k) => text.indexOf(JSON.stringify(k) + ':'));
    assert.equal(keys.length, 7);
    assert.ok(order.every((at, i) => at >= 0 && (i === 0 || at > order[i - 1]!)), `keys in RFC 8785 order: ${text}`);
  });

  it('orders a key before its extensions and upper case before lower case', () => {
    assert.equal(canonicalJson({ ab: 1, a: 2, B: 3, b: 4, '': 5 }), '{"":5,"B":3,"a":2,"ab":1,"b":4}');
  });

  it('writes literals, strings and numbers as ECMAScript does (RFC 8785 §3.2.2)', () => {
    assert.equal(canonicalJson([null, true, false]), '[null,true,false]');
    assert.equal(canonicalJson(['€$\u000f\nA\'B"\\\\"/']), '["€$\\u000f\\nA\'B\\"\\\\\\\\\\"/"]');
    assert.equal(canonicalJson([1e21, 1e-7, 0.000001, 1e20, 333333333.3333333, 4.5, 2e-3, 0.1 + 0.2]), '[1e+21,1e-7,0.000001,100000000000000000000,333333333.3333333,4.5,0.002,0.30000000000000004]');
    assert.equal(canonicalJson(Number.MAX_SAFE_INTEGER), '9007199254740991');
    assert.equal(canonicalJson(5e-324), '5e-324');
  });

  it('writes -0 as 0', () => {
    assert.equal(canonicalJson(-0), '0');
    assert.equal(canonicalJson({ a: -0 }), canonicalJson({ a: 0 }));
  });

  it('writes an empty object, array and string', () => {
    assert.equal(canonicalJson({ a: {}, b: [], c: '' }), '{"a":{},"b":[],"c":""}');
  });

  it('drops properties whose value is undefined (as JSON.stringify does)', () => {
    assert.equal(canonicalJson({ a: 1, b: undefined, c: { d: undefined } }), '{"a":1,"c":{}}');
  });

  it('accepts a value shared in two places (not a cycle)', () => {
    const shared = { x: 1 };
    assert.equal(canonicalJson({ a: shared, b: [shared, shared] }), '{"a":{"x":1},"b":[{"x":1},{"x":1}]}');
  });

  it('refuses values that are not JSON', () => {
    const refuse = (v: unknown, re: RegExp) => assert.throws(() => canonicalJson(v), (e: unknown) => e instanceof TypeError && re.test(e.message));
    refuse(NaN, /NaN is not a JSON number/);
    refuse({ a: Infinity }, /Infinity/);
    refuse([-Infinity], /-Infinity/);
    refuse([1, undefined], /undefined at index 1/);
    // eslint-disable-next-line no-sparse-arrays
    refuse([1, , 3], /undefined at index 1/);
    refuse(undefined, /undefined is not JSON/);
    refuse(10n, /bigint is not JSON/);
    refuse({ a: 1n }, /bigint/);
    refuse({ f: () => 1 }, /function is not JSON/);
    refuse(Symbol('s'), /symbol/);
    const cyclic: Record<string, unknown> = { a: 1 };
    cyclic['self'] = cyclic;
    refuse(cyclic, /cyclic/);
    const arr: unknown[] = [];
    arr.push({ inner: arr });
    refuse(arr, /cyclic/);
  });

  it('refuses a Date rather than hashing it as {} (two different dates would hash the same)', () => {
    assert.throws(() => canonicalJson({ at: new Date(0) }), TypeError);
    // Refused at the top level too, naming the type: never the same "{}" for two dates.
    assert.throws(() => canonicalJson(new Date(0)), /Date/);
    assert.throws(() => canonicalJson(new Date(1)), /Date/);
  });

  it('refuses Map, Set and class instances, naming the type; accepts null-prototype objects', () => {
    class Point {
      constructor(readonly x: number) {}
    }
    assert.throws(() => canonicalJson(new Map([['a', 1]])), (e: unknown) => e instanceof TypeError && /Map/.test(e.message));
    assert.throws(() => canonicalJson([new Set([1])]), (e: unknown) => e instanceof TypeError && /Set/.test(e.message));
    assert.throws(() => canonicalJson({ p: new Point(1) }), (e: unknown) => e instanceof TypeError && /Point/.test(e.message));
    assert.throws(() => canonicalJson(Object.create({ inherited: 1 }) as object), TypeError);
    const bare = Object.create(null) as Record<string, unknown>;
    bare['b'] = 1;
    bare['a'] = [2];
    assert.equal(canonicalJson(bare), '{"a":[2],"b":1}');
  });

  it('agrees with a reference: JSON.stringify per scalar, keys sorted by Array#sort (UTF-16 code units)', () => {
    const ref = (v: unknown): string => {
      if (Array.isArray(v)) return `[${v.map(ref).join(',')}]`;
      if (v !== null && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        return `{${Object.keys(o)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${ref(o[k])}`)
          .join(',')}}`;
      }
      return JSON.stringify(v);
    };
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        assert.equal(canonicalJson(v), ref(v));
      }),
      { seed: 8785, numRuns: 300 },
    );
  });

  it('agrees with the reference on every path: sorted already, copied to sort, integer-like keys, __proto__, very deep', () => {
    // canonicalJson hands values whose keys are (or can be copied to be) in order to JSON.stringify and
    // writes the rest itself; both must give the reference's bytes.
    const ref = (v: unknown): string => {
      if (Array.isArray(v)) return `[${v.map(ref).join(',')}]`;
      if (v !== null && typeof v === 'object') {
        const o = v as Record<string, unknown>;
        return `{${Object.keys(o)
          .filter((k) => o[k] !== undefined)
          .sort()
          .map((k) => `${JSON.stringify(k)}:${ref(o[k])}`)
          .join(',')}}`;
      }
      return JSON.stringify(v);
    };
    const key = fc.oneof(fc.string({ maxLength: 4 }), fc.constantFrom('__proto__', '0', '1', '10', '2', '01', '-1', '4294967295', 'a', 'B'));
    const value = fc.letrec((tie) => ({
      node: fc.oneof({ depthSize: 'small' }, fc.jsonValue({ maxDepth: 0 }), fc.array(tie('node'), { maxLength: 4 }), fc.dictionary(key, tie('node'), { maxKeys: 5 })),
    })).node;
    fc.assert(
      fc.property(value, fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (v, choices) => {
        let i = 0;
        const shuffled = reorder(v, () => choices[i++ % choices.length]!);
        assert.equal(canonicalJson(shuffled), ref(v));
        assert.equal(canonicalJson(v), ref(v));
      }),
      { seed: 9, numRuns: 500 },
    );
    const protoKey = JSON.parse('{"z":1,"__proto__":{"b":2,"a":1}}') as unknown;
    assert.equal(canonicalJson(protoKey), '{"__proto__":{"a":1,"b":2},"z":1}');
    let deep: unknown = { b: 1, a: 2 };
    for (let d = 0; d < 400; d++) deep = d % 2 === 0 ? [deep] : { y: deep, x: d };
    assert.equal(canonicalJson(deep), ref(deep));
    assert.equal(canonicalJson({ b: undefined, a: 1, c: [{ e: 1, d: undefined }] }), '{"a":1,"c":[{"e":1}]}');
  });

  it('writes what it read once: no toJSON, getter second read or proxy reordering changes the bytes', () => {
    const arr = [1];
    Object.defineProperty(arr, 'toJSON', { value: () => 'x' });
    assert.equal(canonicalJson(arr), '[1]');
    const obj = { a: 1 };
    Object.defineProperty(obj, 'toJSON', { value: () => 'x' });
    assert.equal(canonicalJson(obj), '{"a":1}');
    let reads = 0;
    const flaky = Object.defineProperty({}, 'a', { enumerable: true, get: () => (reads++ === 0 ? 1 : Number.NaN) });
    assert.equal(canonicalJson(flaky), '{"a":1}');
    let flip = false;
    const target = { a: 1, b: 2 };
    const proxy = new Proxy(target, {
      ownKeys: () => {
        flip = !flip;
        return flip ? ['a', 'b'] : ['b', 'a'];
      },
    });
    assert.equal(canonicalJson(proxy), '{"a":1,"b":2}');
    const protos = [Object.prototype, Array.prototype] as unknown as Record<string, unknown>[];
    for (const proto of protos) {
      proto['toJSON'] = () => 'polluted';
      try {
        assert.equal(canonicalJson({ a: [1, { b: 2 }] }), '{"a":[1,{"b":2}]}');
      } finally {
        delete proto['toJSON'];
      }
    }
  });

  it('round-trips: canonicalJson(JSON.parse(canonicalJson(x))) === canonicalJson(x)', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const c = canonicalJson(v);
        assert.equal(canonicalJson(JSON.parse(c)), c);
        // The text is itself valid JSON with the same value (up to -0, which JSON makes 0).
        assert.deepEqual(JSON.parse(c), JSON.parse(JSON.stringify(v)));
      }),
      { seed: 1, numRuns: 500 },
    );
  });

  it('is the same for the same value with keys in any order', () => {
    fc.assert(
      fc.property(fc.jsonValue({ maxDepth: 4 }), fc.array(fc.nat(), { minLength: 1, maxLength: 20 }), (v, choices) => {
        let i = 0;
        const shuffled = reorder(v, () => choices[i++ % choices.length]!);
        assert.equal(canonicalJson(shuffled), canonicalJson(v));
      }),
      { seed: 2, numRuns: 300 },
    );
  });

  it('has no whitespace outside strings', () => {
    fc.assert(
      fc.property(fc.jsonValue(), (v) => {
        const outside = canonicalJson(v).replace(/"(?:[^"\\]|\\.)*"/g, '');
        assert.doesNotMatch(outside, /\s/);
      }),
      { seed: 3, numRuns: 200 },
    );
  });
});

describe('sha256Hex and hashCanonical', () => {
  it('sha256Hex matches the FIPS 180-2 vectors, for strings and bytes', () => {
    assert.equal(sha256Hex(''), 'e3b0c44298fc1c149afbf4c8996fb92427ae41e4649b934ca495991b7852b855');
    assert.equal(sha256Hex('abc'), 'ba7816bf8f01cfea414140de5dae2223b00361a396177a9cb410ff61f20015ad');
    assert.equal(sha256Hex(new TextEncoder().encode('abc')), sha256Hex('abc'));
    // UTF-8 bytes of the text, not UTF-16.
    assert.equal(sha256Hex('é'), createHash('sha256').update(Buffer.from([0xc3, 0xa9])).digest('hex'));
  });

  it('hashCanonical is SHA-256 over tag, NUL, canonical JSON', () => {
    const v = { b: [1, 'x'], a: null };
    assert.equal(hashCanonical('t', v), sha256Hex(`t\0${canonicalJson(v)}`));
    assert.match(hashCanonical('t', v), /^[0-9a-f]{64}$/);
  });

  it('does not depend on key order', () => {
    assert.equal(hashCanonical(HASH_TAGS.proposal, { a: 1, b: 2 }), hashCanonical(HASH_TAGS.proposal, { b: 2, a: 1 }));
  });

  it('separates domains: the same value under another tag hashes differently', () => {
    const v = { grantId: 'g', subjectHash: 'x' };
    const hashes = Object.values(HASH_TAGS).map((tag) => hashCanonical(tag, v));
    assert.equal(new Set(hashes).size, hashes.length);
    assert.notEqual(hashCanonical(HASH_TAGS.proposal, v), sha256Hex(canonicalJson(v)));
  });

  it('the tags are distinct and versioned', () => {
    const tags = Object.values(HASH_TAGS);
    assert.equal(new Set(tags).size, tags.length);
    for (const t of tags) assert.match(t, /^mcp-oversight\/[a-z-]+\/v\d+$/);
  });

  it('the NUL separator keeps tag and value apart', () => {
    // Without a separator, tag "ab" + value and tag "a" + a value starting with "b" could collide;
    // canonical JSON never starts with NUL or a letter other than t/f/n, but check the obvious pair.
    assert.notEqual(hashCanonical('a', 'b'), hashCanonical('a"', 'b'));
    fc.assert(
      fc.property(fc.string(), fc.string(), fc.jsonValue(), (t1, t2, v) => {
        fc.pre(t1 !== t2 && !t1.includes('\0') && !t2.includes('\0'));
        assert.notEqual(hashCanonical(t1, v), hashCanonical(t2, v));
      }),
      { seed: 4, numRuns: 200 },
    );
  });
});
