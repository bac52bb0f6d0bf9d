/**
 * Canonical JSON (the RFC 8785 shape for the values we produce): object keys sorted by UTF-16 code
 * units, no whitespace, numbers as JavaScript prints them. Two parties that hash "the same" value get
 * the same bytes, whatever order or spacing their JSON had. Non-JSON values (undefined inside arrays,
 * functions, NaN, Infinity, bigint, cycles, Date/Map/Set/class instances) are errors rather than silently dropped: a hash over a
 * value that does not round-trip would bind an approval to something nobody saw.
 */
export function canonicalJson(value: unknown): string {
  // Fast path: a copy of the value whose objects list their keys in canonical order is written by
  // JSON.stringify, which then produces exactly the canonical bytes. A copy, never the value itself: it
  // reads every property once (a getter or proxy cannot answer JSON.stringify differently) and holds no
  // `toJSON`. Objects with integer-like keys (which JavaScript always enumerates first, numerically),
  // very deep or cyclic values, and a `toJSON` planted on Array or Object prototypes take the writer.
  if (!('toJSON' in PROBE)) {
    const ordered = canonicalCopy(value, 0);
    if (ordered !== UNORDERABLE) return JSON.stringify(ordered);
  }
  const parts: string[] = [];
  write(value, parts, new Set());
  return parts.join('');
}

/** An array: `toJSON` found on it comes from Array.prototype or Object.prototype (a polluted prototype). */
const PROBE: unknown[] = [];
const UNORDERABLE: unique symbol = Symbol('unorderable');
/** Deeper than this, the writer below takes over (it detects cycles; a legitimate deep value is fine there). */
const MAX_FAST_DEPTH = 256;
const INTEGER_LIKE = /^(?:0|[1-9][0-9]*)$/;

/**
 * A copy of `value` (arrays fresh, objects with a null prototype) in which every object enumerates its
 * defined keys in canonical order; UNORDERABLE when no JavaScript object can (integer-like keys) or the
 * value is too deep. Throws the writer's TypeError for what is not JSON.
 */
function canonicalCopy(value: unknown, depth: number): unknown {
  if (value === null) return value;
  switch (typeof value) {
    case 'string':
    case 'boolean':
      return value;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      return value; // JSON.stringify writes -0 as 0, as the writer does.
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
  if (depth > MAX_FAST_DEPTH) return UNORDERABLE;
  if (Array.isArray(value)) {
    const n = value.length;
    const out: unknown[] = new Array(n);
    for (let i = 0; i < n; i++) {
      const item: unknown = value[i];
      if (item === undefined) throw new TypeError(`canonicalJson: undefined at index ${i}`);
      const o = canonicalCopy(item, depth + 1);
      if (o === UNORDERABLE) return UNORDERABLE;
      out[i] = o;
    }
    return out;
  }
  const proto: unknown = Object.getPrototypeOf(value);
  if (proto !== Object.prototype && proto !== null) throw new TypeError(`canonicalJson: a ${typeNameOf(value)} is not a plain JSON object`);
  const record = value as Record<string, unknown>;
  const keys = Object.keys(record);
  const values: unknown[] = new Array(keys.length);
  let sorted = true;
  let prev: string | undefined;
  for (let i = 0; i < keys.length; i++) {
    const k = keys[i] as string;
    const v = record[k];
    if (v === undefined) continue;
    const o = canonicalCopy(v, depth + 1);
    if (o === UNORDERABLE) return UNORDERABLE;
    values[i] = o;
    if (prev !== undefined && !(prev < k)) sorted = false;
    prev = k;
  }
  const order = keys.map((_k, i) => i).filter((i) => values[i] !== undefined);
  if (!sorted) {
    order.sort((a, b) => compareCodeUnits(keys[a] as string, keys[b] as string));
    // JavaScript enumerates integer-like keys first whatever the insertion order: such an object cannot be sorted.
    if (order.some((i) => INTEGER_LIKE.test(keys[i] as string))) return UNORDERABLE;
  }
  // A null prototype: a `__proto__` key stays an own property (as JSON.parse makes it), and no `toJSON` is inherited.
  const out = Object.create(null) as Record<string, unknown>;
  for (const i of order) out[keys[i] as string] = values[i];
  return out;
}

function write(value: unknown, out: string[], stack: Set<object>): void {
  if (value === null) {
    out.push('null');
    return;
  }
  switch (typeof value) {
    case 'string':
      out.push(JSON.stringify(value));
      return;
    case 'boolean':
      out.push(value ? 'true' : 'false');
      return;
    case 'number':
      if (!Number.isFinite(value)) throw new TypeError(`canonicalJson: ${value} is not a JSON number`);
      out.push(Object.is(value, -0) ? '0' : JSON.stringify(value));
      return;
    case 'object':
      break;
    default:
      throw new TypeError(`canonicalJson: a ${typeof value} is not JSON`);
  }
  const obj = value as object;
  // Date, Map, Set, class instances: typeof 'object' but no own enumerable JSON keys; writing "{}" would
  // make two different dates hash the same. Only plain objects (prototype Object.prototype or null) and arrays.
  if (!Array.isArray(obj)) {
    const proto: unknown = Object.getPrototypeOf(obj);
    if (proto !== Object.prototype && proto !== null) throw new TypeError(`canonicalJson: a ${typeNameOf(obj)} is not a plain JSON object`);
  }
  if (stack.has(obj)) throw new TypeError('canonicalJson: cyclic value');
  stack.add(obj);
  if (Array.isArray(obj)) {
    out.push('[');
    for (let i = 0; i < obj.length; i++) {
      if (i > 0) out.push(',');
      const item: unknown = obj[i];
      if (item === undefined) throw new TypeError(`canonicalJson: undefined at index ${i}`);
      write(item, out, stack);
    }
    out.push(']');
  } else {
    const record = obj as Record<string, unknown>;
    // Keys whose value is undefined are left out, as JSON.stringify does (zod optionals produce them).
    const keys = Object.keys(record)
      .filter((k) => record[k] !== undefined)
      .sort(compareCodeUnits);
    out.push('{');
    keys.forEach((k, i) => {
      if (i > 0) out.push(',');
      out.push(JSON.stringify(k), ':');
      write(record[k], out, stack);
    });
    out.push('}');
  }
  stack.delete(obj);
}

function typeNameOf(obj: object): string {
  const ctor: unknown = (obj as { constructor?: unknown }).constructor;
  return typeof ctor === 'function' && ctor.name !== '' ? ctor.name : Object.prototype.toString.call(obj).slice(8, -1);
}

/** RFC 8785 orders keys by UTF-16 code units, which is what `<` on JS strings does. */
function compareCodeUnits(a: string, b: string): number {
  return a < b ? -1 : a > b ? 1 : 0;
}
