import type { Node } from 'jsonc-parser';
import type { LineIndex } from './line-index';
import type { TextRange, SpanNode } from './span';

/** Converts a `jsonc-parser` tree (the JSONC and error-recovery path) into the same SpanNode tree as `indexStrictJson`. */
export function indexTree(root: Node | undefined, lines: LineIndex): { root: SpanNode | undefined; duplicateKeys: TextRange[] } {
  const duplicateKeys: TextRange[] = [];
  if (root === undefined) return { root: undefined, duplicateKeys };

  const make = (node: Node, keyOffset: number, keyLength: number): SpanNode & { props?: Map<string, SpanNode>; items?: SpanNode[] } => {
    const start = lines.position(node.offset);
    const end = lines.position(node.offset + node.length);
    return { offset: node.offset, length: node.length, line: start.line, column: start.column, endLine: end.line, endColumn: end.column, keyOffset, keyLength };
  };
  // Iterative, so that hostile nesting cannot overflow the stack here.
  const top = make(root, -1, 0);
  const stack: { node: Node; span: ReturnType<typeof make> }[] = [{ node: root, span: top }];
  while (stack.length > 0) {
    const { node, span } = stack.pop() as (typeof stack)[number];
    const children = node.children ?? [];
    if (node.type === 'object') {
      const props = new Map<string, SpanNode>();
      span.props = props;
      for (const prop of children) {
        const [keyNode, valueNode] = prop.children ?? [];
        if (keyNode === undefined || typeof keyNode.value !== 'string') continue;
        if (props.has(keyNode.value)) duplicateKeys.push({ offset: keyNode.offset, length: keyNode.length });
        if (valueNode === undefined) {
          props.delete(keyNode.value);
          continue;
        }
        const child = make(valueNode, keyNode.offset, keyNode.length);
        props.set(keyNode.value, child);
        stack.push({ node: valueNode, span: child });
      }
    } else if (node.type === 'array') {
      const items: SpanNode[] = [];
      span.items = items;
      for (const item of children) {
        const child = make(item, -1, 0);
        items.push(child);
        stack.push({ node: item, span: child });
      }
    }
  }
  return { root: top, duplicateKeys };
}
