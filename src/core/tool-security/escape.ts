/**
 * Making what a server said safe to show a person: every character that is invisible, changes the
 * reading direction or drives a terminal becomes a visible escape, so a quote reads exactly as the
 * model would receive it and cannot itself hide anything or rewrite the screen.
 */

/**
 * Characters a quote must never carry raw: controls (Cc), format characters (Cf: zero-width, bidi,
 * tags, soft hyphen, …), private use (Co), lone surrogates (Cs), line/paragraph separators, variation
 * selectors, the combining grapheme joiner, Hangul fillers and the braille blank (they render as
 * nothing or as a blank).
 */
// The class lists combining marks and variation selectors on purpose, each to be matched alone.
// eslint-disable-next-line no-misleading-character-class
export const UNSAFE_CHAR = /[\p{Cc}\p{Cf}\p{Co}\p{Cs}\p{Zl}\p{Zp}\u034f\u115f\u1160\u2800\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/u;
// eslint-disable-next-line no-misleading-character-class
const UNSAFE_GLOBAL = new RegExp(UNSAFE_CHAR.source, 'gu');

function escapeChar(ch: string): string {
  if (ch === '\x1b') return '\\x1b';
  if (ch === '\n') return '\\n';
  if (ch === '\r') return '\\r';
  if (ch === '\t') return '\\t';
  const code = ch.codePointAt(0) ?? 0;
  return `\\u{${code.toString(16).toUpperCase().padStart(4, '0')}}`;
}

/** `text` with every unsafe character written as an escape (`\u{200B}`, `\x1b`, `\n`). */
export function escapeInvisible(text: string): string {
  return text.replace(UNSAFE_GLOBAL, escapeChar);
}

/**
 * `text` escaped and cut to about `max` characters of output (never inside an escape or a
 * surrogate pair), with `…` where it was cut.
 */
export function escapeCapped(text: string, max = 200): string {
  let out = '';
  let i = 0;
  while (i < text.length) {
    const cp = text.codePointAt(i) ?? 0;
    const ch = String.fromCodePoint(cp);
    // A lone surrogate comes back from codePointAt as itself: one code unit.
    const width = cp > 0xffff ? 2 : 1;
    const piece = UNSAFE_CHAR.test(ch) ? escapeChar(ch) : ch;
    if (out.length + piece.length > max) return out + '…';
    out += piece;
    i += width;
  }
  return out;
}

/** Index moved off the low half of a surrogate pair, so a cut never splits one. */
function onBoundary(text: string, i: number): number {
  if (i <= 0 || i >= text.length) return Math.max(0, Math.min(i, text.length));
  const c = text.charCodeAt(i);
  const before = text.charCodeAt(i - 1);
  return c >= 0xdc00 && c <= 0xdfff && before >= 0xd800 && before <= 0xdbff ? i - 1 : i;
}

export interface QuoteOptions {
  /** Characters of context on each side. Default 40. */
  context?: number;
  /** Longest part of the span itself kept (its head and tail). Default 160. */
  span?: number;
  /** Longest quote after escaping. Default 320. */
  max?: number;
}

/**
 * The span `[start, end)` of `text` with some context on either side, escaped and capped: what a
 * finding shows so that a person can judge it. A long span keeps its head and tail.
 */
export function quoteSpan(text: string, start: number, end: number, opts: QuoteOptions = {}): string {
  const context = opts.context ?? 40;
  const spanMax = opts.span ?? 160;
  const max = opts.max ?? 320;
  const s = onBoundary(text, Math.max(0, Math.min(start, text.length)));
  const e = onBoundary(text, Math.max(s, Math.min(end, text.length)));
  const from = onBoundary(text, s - context);
  const to = onBoundary(text, e + context);
  let middle: string;
  if (e - s <= spanMax) {
    middle = escapeInvisible(text.slice(s, e));
  } else {
    const head = onBoundary(text, s + Math.ceil(spanMax * 0.7));
    const tail = onBoundary(text, e - Math.floor(spanMax * 0.3));
    middle = escapeInvisible(text.slice(s, head)) + '…' + escapeInvisible(text.slice(tail, e));
  }
  const before = (from > 0 ? '…' : '') + escapeInvisible(text.slice(from, s));
  const after = escapeInvisible(text.slice(e, to)) + (to < text.length ? '…' : '');
  const quote = before + middle + after;
  // Escapes can make it long (a run of hidden characters is eight output characters each).
  return quote.length <= max ? quote : (s > 0 ? '…' : '') + escapeCapped(text.slice(s, to), max);
}
