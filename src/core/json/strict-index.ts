import { pointerSegment, type Span, type SpanIndex } from './span';

const MAX_DEPTH = 512;

/**
 * Indexes every value of a text that `JSON.parse` has already accepted, in one pass over the
 * characters. It exists because `jsonc-parser`'s tree costs ~9x `JSON.parse` and assessment must stay
 * within 10x of it (see bench/); JSONC files take the `jsonc-parser` path instead, and a property test
 * checks that both paths agree. Throws on input it does not expect; callers then fall back.
 */
export function indexStrictJson(text: string): { spans: SpanIndex; duplicateKeys: Span[] } {
  const index: SpanIndex = new Map();
  const duplicateKeys: Span[] = [];
  const n = text.length;
  let i = 0;

  const ws = (): void => {
    while (i < n) {
      const c = text.charCodeAt(i);
      if (c === 32 || c === 10 || c === 13 || c === 9) i++;
      else return;
    }
  };
  const skipString = (): void => {
    i++; // opening quote
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

  const value = (ptr: string, keyOffset: number, keyLength: number, depth: number): void => {
    if (depth > MAX_DEPTH) fail('nesting depth');
    ws();
    const start = i;
    const c = text.charCodeAt(i);
    if (c === 123 /* { */) {
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
          const child = ptr + '/' + pointerSegment(key);
          if (index.has(child)) duplicateKeys.push({ offset: ks, length: ke - ks, keyOffset: ks, keyLength: ke - ks });
          value(child, ks, ke - ks, depth + 1);
          ws();
          const d = text.charCodeAt(i++);
          if (d === 44) continue;
          if (d === 125) break;
          fail('object delimiter');
        }
      }
    } else if (c === 91 /* [ */) {
      i++;
      ws();
      if (text.charCodeAt(i) === 93) i++;
      else {
        for (let k = 0; ; k++) {
          value(ptr + '/' + k, -1, 0, depth + 1);
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
    const span: Span = { offset: start, length: i - start, keyOffset, keyLength };
    index.set(ptr, span);
  };

  if (text.charCodeAt(0) === 0xfeff) i = 1;
  value('', -1, 0, 0);
  ws();
  if (i !== n) fail('trailing content');
  return { spans: index, duplicateKeys };
}
