import { asciiLookAlike } from './confusables';

/**
 * Text as the phrase checks read it: invisible characters removed (`do n\u200Bot tell` reads as
 * `do not tell`) and look-alike letters mapped to ASCII (`ignоre` with a Cyrillic о reads as
 * `ignore`). `origin[i]` is the index in the original text of normalised character `i`, and
 * `origin[text.length]` the original length, so a match maps back to the span to quote.
 */
export interface NormalizedText {
  text: string;
  origin: Int32Array;
}

// eslint-disable-next-line no-misleading-character-class
const DROP = /^[\p{Cf}\u034f\u115f\u1160\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]$/u;

export function normalizeForMatching(text: string): NormalizedText {
  // Plain ASCII (the common case) needs no work.
  let ascii = true;
  for (let i = 0; i < text.length; i++) {
    if (text.charCodeAt(i) >= 0x80) {
      ascii = false;
      break;
    }
  }
  if (ascii) {
    const origin = new Int32Array(text.length + 1);
    for (let i = 0; i <= text.length; i++) origin[i] = i;
    return { text, origin };
  }
  const parts: string[] = [];
  const origin: number[] = [];
  for (let i = 0; i < text.length; ) {
    const cp = text.codePointAt(i) ?? 0;
    const width = cp > 0xffff ? 2 : 1;
    if (cp < 0x80) {
      parts.push(text[i] as string);
      origin.push(i);
    } else {
      const ch = String.fromCodePoint(cp);
      if (!DROP.test(ch)) {
        const a = asciiLookAlike(cp);
        const out = a ?? ch;
        parts.push(out);
        for (let k = 0; k < out.length; k++) origin.push(i);
      }
    }
    i += width;
  }
  origin.push(text.length);
  return { text: parts.join(''), origin: Int32Array.from(origin) };
}
