import type { SpanNode, TextRange } from './span';

const MAX_DEPTH = 512;

interface Frame {
  node: MutableNode;
  /** Key of the member being parsed next (objects only). */
  isObject: boolean;
}

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

/** Counts lines while skipping JSON whitespace (a small class: V8 inlines the method in the hot loop). */
class LineCounter {
  line = 1;
  lineStart = 0;
  constructor(private readonly text: string) {}

  /** The index of the first non-whitespace character at or after `i`. */
  skipWhitespace(i: number): number {
    const text = this.text;
    const n = text.length;
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10 || (c === 13 && text.charCodeAt(i + 1) !== 10)) {
        this.line++;
        this.lineStart = ++i;
      } else if (c === 32 || c === 13 || c === 9) i++;
      else break;
    }
    return i;
  }
}

/**
 * The index just past the string that opens at `start`. `indexOf` finds the closing quote at native
 * speed; a quote preceded by an odd run of backslashes is escaped and skipped. Strings in valid JSON
 * hold no raw line breaks, so skipping one never changes the line count.
 */
function skipString(text: string, start: number): number {
  let q = text.indexOf('"', start + 1);
  for (;;) {
    if (q === -1) throw new Error('unterminated string');
    let b = q - 1;
    while (text.charCodeAt(b) === 92) b--;
    if ((q - 1 - b) % 2 === 0) return q + 1;
    q = text.indexOf('"', q + 1);
  }
}

/**
 * Indexes every value of a text that `JSON.parse` has already accepted, in one pass over the
 * characters, counting lines as it goes. It exists because `jsonc-parser`'s tree costs ~9x
 * `JSON.parse` and a whole assessment must stay within 10x of it (see bench/); JSONC files take the
 * `jsonc-parser` path instead, and a property test checks that both paths agree. One function with
 * an explicit stack (no recursion, no closures) because this is the hottest loop of an assessment.
 * Throws on input it does not expect (callers then fall back to that path).
 */
export function indexStrictJson(text: string): { root: SpanNode; duplicateKeys: TextRange[] } {
  const duplicateKeys: TextRange[] = [];
  const n = text.length;
  const stack: Frame[] = [];
  const lines = new LineCounter(text);
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  lines.lineStart = i;
  let root: MutableNode | undefined;
  // The pending member key of the innermost object, set when its `"key":` has been read.
  let key = '';
  let keyOffset = -1;
  let keyLength = 0;

  for (;;) {
    // Whitespace before a value.
    i = lines.skipWhitespace(i);
    const start = i;
    const node: MutableNode = { offset: start, length: 0, line: lines.line, column: start - lines.lineStart + 1, endLine: 0, endColumn: 0, keyOffset, keyLength };
    const parent = stack[stack.length - 1];
    if (parent === undefined) root = node;
    else if (parent.isObject) {
      const props = parent.node.props as Map<string, SpanNode>;
      if (props.has(key)) duplicateKeys.push({ offset: keyOffset, length: keyLength });
      props.set(key, node);
    } else (parent.node.items as SpanNode[]).push(node);

    const c = text.charCodeAt(i);
    let opened = false;
    if (c === 123 /* { */ || c === 91 /* [ */) {
      if (stack.length >= MAX_DEPTH) throw new Error('nesting too deep');
      i++;
      if (c === 123) node.props = new Map();
      else node.items = [];
      stack.push({ node, isObject: c === 123 });
      opened = true;
    } else if (c === 34 /* " */) {
      i = skipString(text, i);
    } else {
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 44 || d === 93 || d === 125 || d === 32 || d === 10 || d === 13 || d === 9) break;
        i++;
      }
      if (i === start) throw new Error(`unexpected character at ${i}`);
    }
    if (!opened) {
      node.length = i - start;
      node.endLine = lines.line;
      node.endColumn = i - lines.lineStart + 1;
    }

    // After a value (or an opening bracket): close containers, read the next key.
    let expectValue = false;
    let justOpened = opened;
    while (!expectValue) {
      const top = stack[stack.length - 1];
      if (top === undefined) {
        // Only whitespace may follow the root value.
        for (; i < n; i++) {
          const d = text.charCodeAt(i);
          if (d !== 10 && d !== 32 && d !== 13 && d !== 9) throw new Error(`trailing content at ${i}`);
        }
        return { root: root as SpanNode, duplicateKeys };
      }
      i = lines.skipWhitespace(i);
      const d = text.charCodeAt(i);
      const closer = top.isObject ? 125 : 93;
      if (d === closer) {
        i++;
        stack.pop();
        top.node.length = i - top.node.offset;
        top.node.endLine = lines.line;
        top.node.endColumn = i - lines.lineStart + 1;
        justOpened = false;
        continue;
      }
      if (!justOpened) {
        if (d !== 44 /* , */) throw new Error(`expected , at ${i}`);
        i++;
      }
      justOpened = false;
      if (top.isObject) {
        i = lines.skipWhitespace(i);
        if (text.charCodeAt(i) !== 34) throw new Error(`expected a key at ${i}`);
        const ks = i;
        i = skipString(text, i);
        const raw = text.slice(ks + 1, i - 1);
        key = raw.includes('\\') ? (JSON.parse(text.slice(ks, i)) as string) : raw;
        keyOffset = ks;
        keyLength = i - ks;
        i = lines.skipWhitespace(i);
        if (text.charCodeAt(i) !== 58) throw new Error(`expected : at ${i}`);
        i++;
      } else {
        keyOffset = -1;
        keyLength = 0;
      }
      expectValue = true;
    }
  }
}
