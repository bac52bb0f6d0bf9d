/**
 * Where a JSON value sits in its text, with the same shape as the value: objects keep their members
 * in a Map (no prototype keys, last duplicate wins as in JSON.parse), arrays their items. Lines and
 * columns are 1-based; columns count UTF-16 code units, as editors and SARIF do.
 */
export interface SpanNode {
  readonly offset: number;
  readonly length: number;
  readonly line: number;
  readonly column: number;
  readonly endLine: number;
  readonly endColumn: number;
  /** Offset and length of the member's key (quotes included); -1 for the root and array items. */
  readonly keyOffset: number;
  readonly keyLength: number;
  readonly props?: Map<string, SpanNode>;
  readonly items?: SpanNode[];
}

/** A stretch of text: a duplicate key, a comment, a trailing comma. */
export interface TextRange {
  readonly offset: number;
  readonly length: number;
}

/** The node at `path`, or undefined. */
export function nodeAt(root: SpanNode | undefined, path: readonly (string | number)[]): SpanNode | undefined {
  let node = root;
  for (const seg of path) {
    if (node === undefined) return undefined;
    node = typeof seg === 'number' ? node.items?.[seg] : node.props?.get(seg);
  }
  return node;
}

/** The node at `path` or at its nearest ancestor that exists (for a missing field: the object that lacks it). */
export function nearestNode(root: SpanNode | undefined, path: readonly (string | number)[]): SpanNode | undefined {
  let node = root;
  for (const seg of path) {
    const next = typeof seg === 'number' ? node?.items?.[seg] : node?.props?.get(seg);
    if (next === undefined) return node;
    node = next;
  }
  return node;
}
