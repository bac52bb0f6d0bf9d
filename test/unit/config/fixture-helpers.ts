/**
 * Shared helpers for the config reader tests: fixture loading, and line/column arithmetic done
 * independently of `LineIndex`, so that the tests check positions against the text itself.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { toPointer, type JsonPath } from '../../../src/core/model/location';

export const FIXTURES = join(__dirname, '..', '..', 'fixtures', 'configs');

/** A fixture's text, exactly as committed (a BOM, if any, is kept). */
export function fixture(rel: string): string {
  return readFileSync(join(FIXTURES, rel), 'utf8');
}

/** 1-based line and column (UTF-16 code units) of `offset`, counted directly on the text. */
export function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  const last = before[before.length - 1] ?? '';
  return { line: before.length, column: last.length + 1 };
}

/** Offset of `needle`, which must occur exactly once in `text` (so that the test cannot pick the wrong one). */
export function uniqueOffset(text: string, needle: string): number {
  const at = text.indexOf(needle);
  assert.notEqual(at, -1, `${JSON.stringify(needle)} is not in the text`);
  assert.equal(text.indexOf(needle, at + 1), -1, `${JSON.stringify(needle)} occurs more than once`);
  return at;
}

/** Line and column of the unique occurrence of `needle`. */
export function positionOf(text: string, needle: string): { line: number; column: number } {
  return lineCol(text, uniqueOffset(text, needle));
}

/** The value at a JSON path, or `undefined` when the path does not exist. */
export function valueAt(root: unknown, path: JsonPath): unknown {
  let v: unknown = root;
  for (const seg of path) {
    if (Array.isArray(v) && typeof seg === 'number') v = v[seg];
    else if (typeof v === 'object' && v !== null && !Array.isArray(v) && typeof seg === 'string' && Object.hasOwn(v, seg)) {
      v = (v as Record<string, unknown>)[seg];
    } else return undefined;
  }
  return v;
}

/** Every JSON pointer under (and including) the value at `path`, computed from the value alone. */
export function pointersUnder(root: unknown, path: JsonPath): string[] {
  const out: string[] = [];
  const walk = (v: unknown, p: JsonPath): void => {
    out.push(toPointer(p));
    if (Array.isArray(v)) v.forEach((item: unknown, i) => walk(item, [...p, i]));
    else if (typeof v === 'object' && v !== null) for (const [k, item] of Object.entries(v)) walk(item, [...p, k]);
  };
  walk(valueAt(root, path), path);
  return out.sort();
}

/** Parses a slice of a (possibly JSONC) file as a value. */
export function parseSlice(text: string): unknown {
  return parseJsonc(text, [], { allowTrailingComma: true });
}
