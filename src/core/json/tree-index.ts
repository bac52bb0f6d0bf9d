import type { Node } from 'jsonc-parser';
import { pointerSegment, type Span, type SpanIndex } from './span';

/** Indexes a `jsonc-parser` tree (the JSONC and error-recovery path) into the same shape as `indexStrictJson`. */
export function indexTree(root: Node | undefined): { spans: SpanIndex; duplicateKeys: Span[] } {
  const index: SpanIndex = new Map();
  const duplicateKeys: Span[] = [];
  if (root === undefined) return { spans: index, duplicateKeys };
  // Iterative, so that hostile nesting cannot overflow the stack here.
  const stack: { node: Node; ptr: string; keyOffset: number; keyLength: number }[] = [
    { node: root, ptr: '', keyOffset: -1, keyLength: 0 },
  ];
  while (stack.length > 0) {
    const { node, ptr, keyOffset, keyLength } = stack.pop() as (typeof stack)[number];
    index.set(ptr, { offset: node.offset, length: node.length, keyOffset, keyLength });
    const children = node.children ?? [];
    // Children go on the stack last-first, so the last of duplicate keys wins, as in JSON.parse.
    if (node.type === 'object') {
      const seen = new Set<string>();
      for (const prop of children) {
        const keyNode = prop.children?.[0];
        if (keyNode === undefined || typeof keyNode.value !== 'string') continue;
        if (seen.has(keyNode.value)) duplicateKeys.push({ offset: keyNode.offset, length: keyNode.length, keyOffset: keyNode.offset, keyLength: keyNode.length });
        seen.add(keyNode.value);
      }
      for (const prop of [...children].reverse()) {
        const [keyNode, valueNode] = prop.children ?? [];
        if (keyNode === undefined || valueNode === undefined || typeof keyNode.value !== 'string') continue;
        stack.push({
          node: valueNode,
          ptr: ptr + '/' + pointerSegment(keyNode.value),
          keyOffset: keyNode.offset,
          keyLength: keyNode.length,
        });
      }
    } else if (node.type === 'array') {
      for (let k = children.length - 1; k >= 0; k--) {
        stack.push({ node: children[k] as Node, ptr: ptr + '/' + k, keyOffset: -1, keyLength: 0 });
      }
    }
  }
  return { spans: index, duplicateKeys };
}
