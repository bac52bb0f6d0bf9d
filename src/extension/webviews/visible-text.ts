import { UNSAFE_CHAR } from '../../core/tool-security/escape';

/**
 * Text from a config file or a server, made safe to show in the webview as text: every invisible,
 * bidi or control character becomes a visible `\u{…}` escape (so a diff line cannot read differently
 * from what it is — "Trojan Source"), then it is cut to `max` characters. The webview sets it with
 * textContent only; this is about what a person sees, not about markup.
 */
const UNSAFE_GLOBAL = new RegExp(UNSAFE_CHAR.source, 'gu');

export interface VisibleText {
  text: string;
  /** Some character was replaced by an escape. */
  hidden: boolean;
  /** The text was cut. */
  clipped: boolean;
}

/** `keep` lists characters shown raw despite UNSAFE_CHAR (a tab in a diff line, newlines in a description). */
export function visibleText(raw: string, max: number, keep = ''): VisibleText {
  let hidden = false;
  // Cut first (with room for escapes) so a multi-megabyte line costs no more than `max` characters' work.
  const head = raw.length > max * 2 ? raw.slice(0, max * 2) : raw;
  const escaped = head.replace(UNSAFE_GLOBAL, (ch) => {
    if (keep.includes(ch)) return ch;
    hidden = true;
    return `\\u{${(ch.codePointAt(0) ?? 0).toString(16).toUpperCase().padStart(4, '0')}}`;
  });
  if (escaped.length <= max && head.length === raw.length) return { text: escaped, hidden, clipped: false };
  return { text: cut(escaped, max - 1) + '…', hidden, clipped: true };
}

/** Shortcut: the visible text only. */
export function visible(raw: string, max: number, keep = ''): string {
  return visibleText(raw, max, keep).text;
}

/** `s` cut to at most `max` UTF-16 units, never inside a surrogate pair or a `\u{…}` escape. */
function cut(s: string, max: number): string {
  if (s.length <= max) return s;
  let end = max;
  const c = s.charCodeAt(end - 1);
  if (c >= 0xd800 && c <= 0xdbff) end--;
  const open = s.lastIndexOf('\\u{', end - 1);
  if (open !== -1 && s.indexOf('}', open) >= end) end = open;
  return s.slice(0, end);
}
