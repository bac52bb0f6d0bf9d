import type { JsonPath } from '../model/location';

/**
 * Tolerant accessors over an unvalidated server entry: they take what has the right type and skip
 * the rest, so that a schema-violating entry is still assessed for what it does contain.
 */
export type Raw = Record<string, unknown>;

export function isRecord(v: unknown): v is Raw {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}

export function stringField(obj: Raw, key: string, base: JsonPath): { value: string; path: JsonPath } | undefined {
  const v = obj[key];
  return typeof v === 'string' ? { value: v, path: [...base, key] } : undefined;
}

export function stringList(v: unknown, base: JsonPath, from = 0): { values: string[]; paths: JsonPath[] } {
  const values: string[] = [];
  const paths: JsonPath[] = [];
  if (Array.isArray(v)) {
    for (let i = from; i < v.length; i++) {
      const item: unknown = v[i];
      if (typeof item === 'string') {
        values.push(item);
        paths.push([...base, i]);
      }
    }
  }
  return { values, paths };
}

export function stringRecord(v: unknown, base: JsonPath): { values: Record<string, string>; paths: Record<string, JsonPath> } {
  const values: Record<string, string> = {};
  const paths: Record<string, JsonPath> = {};
  if (isRecord(v)) {
    for (const [k, item] of Object.entries(v)) {
      // Numbers and booleans are common in env blocks and are passed on as strings by the clients.
      if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') {
        setOwn(values, k, String(item));
        setOwn(paths, k, [...base, k]);
      }
    }
  }
  return { values, paths };
}

export function numberField(obj: Raw, key: string): number | undefined {
  const v = obj[key];
  return typeof v === 'number' && Number.isFinite(v) ? v : undefined;
}

/** `obj[key] = value`, except that a key named `__proto__` becomes an ordinary own entry (and is assessed). */
export function setOwn<T>(obj: Record<string, T>, key: string, value: T): void {
  if (key === '__proto__') Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
  else obj[key] = value;
}
