import type { TextRange, SpanNode } from './span';

const MAX_DEPTH = 512;

interface MutableNode {
  offset: number;
  length: number;
  line: number;
  column: number;
  endLine: number;
  endColumn: number;
  keyOffset: number;
  keyLength: number;
  props?: Map<string, SpanNode>;
  items?: SpanNode[];
}

/**
 * Indexes every value of a text that `JSON.parse` has already accepted, in one pass over the
 * characters, counting lines as it goes. It exists because `jsonc-parser`'s tree costs ~9x
 * `JSON.parse` and a whole assessment must stay within 10x of it (see bench/); JSONC files take the
 * `jsonc-parser` path instead, and a property test checks that both paths agree. Throws on input it
 * does not expect (callers then fall back to that path).
 */
export function indexStrictJson(text: string): { root: SpanNode; duplicateKeys: TextRange[] } {
  const duplicateKeys: TextRange[] = [];
  const n = text.length;
  let i = 0;
  let line = 1;
  let lineStart = 0;

  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        line++;
        lineStart = ++i;
      } else if (c === 32 || c === 13 || c === 9) i++;
      else return;
    }
  };
  // Valid JSON strings hold no raw line breaks, so skipping one never changes the line.
  const skipString = (): void => {
    i++;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 34) {
        i++;
        return;
      }
      i += c === 92 ? 2 : 1;
    }
    throw new Error('unterminated string');
  };
  const fail = (what: string): never => {
    throw new Error(`unexpected ${what} at ${i}`);
  };

  const value = (keyOffset: number, keyLength: number, depth: number): SpanNode => {
    if (depth > MAX_DEPTH) fail('nesting depth');
    ws();
    const start = i;
    const node: MutableNode = { offset: start, length: 0, line, column: start - lineStart + 1, endLine: 0, endColumn: 0, keyOffset, keyLength };
    const c = text.charCodeAt(i);
    if (c === 123 /* { */) {
      const props = new Map<string, SpanNode>();
      node.props = props;
      i++;
      ws();
      if (text.charCodeAt(i) === 125) i++;
      else {
        for (;;) {
          ws();
          if (text.charCodeAt(i) !== 34) fail('object key');
          const ks = i;
          skipString();
          const ke = i;
          let key = text.slice(ks + 1, ke - 1);
          if (key.includes('\\')) key = JSON.parse(text.slice(ks, ke)) as string;
          ws();
          if (text.charCodeAt(i) !== 58) fail('colon');
          i++;
          if (props.has(key)) duplicateKeys.push({ offset: ks, length: ke - ks });
          props.set(key, value(ks, ke - ks, depth + 1));
          ws();
          const d = text.charCodeAt(i++);
          if (d === 44) continue;
          if (d === 125) break;
          fail('object delimiter');
        }
      }
    } else if (c === 91 /* [ */) {
      const items: SpanNode[] = [];
      node.items = items;
      i++;
      ws();
      if (text.charCodeAt(i) === 93) i++;
      else {
        for (;;) {
          items.push(value(-1, 0, depth + 1));
          ws();
          const d = text.charCodeAt(i++);
          if (d === 44) continue;
          if (d === 93) break;
          fail('array delimiter');
        }
      }
    } else if (c === 34) {
      skipString();
    } else {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 44 || d === 93 || d === 125 || d === 32 || d === 10 || d === 13 || d === 9) break;
        i++;
      }
      if (i === start) fail('value');
    }
    node.length = i - start;
    node.endLine = line;
    node.endColumn = i - lineStart + 1;
    return node;
  };

  if (text.charCodeAt(0) === 0xfeff) i = lineStart = 1;
  const root = value(-1, 0, 0);
  ws();
  if (i !== n) fail('trailing content');
  return { root, duplicateKeys };
}
