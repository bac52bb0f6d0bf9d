/** Where a JSON value sits in its text; `keyOffset` is -1 for the root and for array elements. */
export interface Span {
  readonly offset: number;
  readonly length: number;
  readonly keyOffset: number;
  readonly keyLength: number;
}

/** Every value of a document by its JSON pointer (`""` is the root). */
export type SpanIndex = Map<string, Span>;

export function pointerSegment(key: string): string {
  return key.includes('~') || key.includes('/') ? key.replace(/~/g, '~0').replace(/\//g, '~1') : key;
}
