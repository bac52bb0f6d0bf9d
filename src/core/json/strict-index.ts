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
  let i = text.charCodeAt(0) === 0xfeff ? 1 : 0;
  let line = 1;
  let lineStart = i;
  let root: MutableNode | undefined;
  // The pending member key of the innermost object, set when its `"key":` has been read.
  let key = '';
  let keyOffset = -1;
  let keyLength = 0;

  for (;;) {
    // Whitespace before a value.
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 10) {
        line++;
        lineStart = ++i;
      } else if (c === 32 || c === 13 || c === 9) i++;
      else break;
    }
    const start = i;
    const node: MutableNode = { offset: start, length: 0, line, column: start - lineStart + 1, endLine: 0, endColumn: 0, keyOffset, keyLength };
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
      node.endLine = line;
      node.endColumn = i - lineStart + 1;
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
      while (i < n) {
        const d = text.charCodeAt(i);
        if (d === 10) {
          line++;
          lineStart = ++i;
        } else if (d === 32 || d === 13 || d === 9) i++;
        else break;
      }
      const d = text.charCodeAt(i);
      const closer = top.isObject ? 125 : 93;
      if (d === closer) {
        i++;
        stack.pop();
        top.node.length = i - top.node.offset;
        top.node.endLine = line;
        top.node.endColumn = i - lineStart + 1;
        justOpened = false;
        continue;
      }
      if (!justOpened) {
        if (d !== 44 /* , */) throw new Error(`expected , at ${i}`);
        i++;
      }
      justOpened = false;
      if (top.isObject) {
        while (i < n) {
          const e = text.charCodeAt(i);
          if (e === 10) {
            line++;
            lineStart = ++i;
          } else if (e === 32 || e === 13 || e === 9) i++;
          else break;
        }
        if (text.charCodeAt(i) !== 34) throw new Error(`expected a key at ${i}`);
        const ks = i;
        i = skipString(text, i);
        const raw = text.slice(ks + 1, i - 1);
        key = raw.includes('\\') ? (JSON.parse(text.slice(ks, i)) as string) : raw;
        keyOffset = ks;
        keyLength = i - ks;
        while (i < n) {
          const e = text.charCodeAt(i);
          if (e === 10) {
            line++;
            lineStart = ++i;
          } else if (e === 32 || e === 13 || e === 9) i++;
          else break;
        }
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
