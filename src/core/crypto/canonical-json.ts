/**
 * Canonical JSON (the RFC 8785 shape for the values we produce): object keys sorted by UTF-16 code
 * units, no whitespace, numbers as JavaScript prints them. Two parties that hash "the same" value get
 * the same bytes, whatever order or spacing their JSON had. Non-JSON values (undefined inside arrays,
 * functions, NaN, Infinity, bigint, cycles, Date/Map/Set/class instances) are errors rather than silently dropped: a hash over a
 * value that does not round-trip would bind an approval to something nobody saw.
 */
export function canonicalJson(value: unknown): string {
  const parts: string[] = [];
  write(value, parts, new Set());
  return parts.join('');
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
