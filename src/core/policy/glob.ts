/**
 * Case-insensitive glob match where only `*` is special (it matches any run of characters, `/` included).
 *
 * No RegExp: `*a*a*a…` as `.*a.*a.*a…` backtracks exponentially. The glob is its literal pieces
 * between stars: the first must start the value, the last end it, and each one between is taken
 * at its leftmost place after the previous one (taking it any later can only leave less room for
 * the rest). One forward pass of `indexOf` searches: linear in the value, whatever the glob.
 */
export function globMatch(glob: string, value: string): boolean {
  const pieces = fold(glob).split('*');
  const v = fold(value);
  const first = pieces[0] as string;
  if (pieces.length === 1) return first === v;
  const last = pieces[pieces.length - 1] as string;
  const end = v.length - last.length;
  if (end < first.length || !v.startsWith(first) || !v.endsWith(last)) return false;
  let at = first.length;
  for (let i = 1; i < pieces.length - 1; i++) {
    const piece = pieces[i] as string;
    if (piece === '') continue;
    const found = v.indexOf(piece, at);
    if (found === -1 || found + piece.length > end) return false;
    at = found + piece.length;
  }
  return true;
}

/**
 * Case folding one UTF-16 unit at a time, as a RegExp's `i` flag does it without `u`: the upper
 * case of each unit, unless that is more than one unit or maps a non-ASCII unit to ASCII. Lengths
 * are kept, so the matcher compares unit by unit.
 */
function fold(s: string): string {
  let ascii = true;
  for (let i = 0; i < s.length && ascii; i++) ascii = s.charCodeAt(i) < 0x80;
  if (ascii) return s.toUpperCase();
  let out = '';
  for (let i = 0; i < s.length; i++) {
    const ch = s.charAt(i);
    const up = ch.toUpperCase();
    out += up.length === 1 && !(ch.charCodeAt(0) >= 0x80 && up.charCodeAt(0) < 0x80) ? up : ch;
  }
  return out;
}

/** Allowed by an allow/deny pair: deny wins; an absent or empty allow list allows everything. */
export function allowedBy(list: { allow?: string[] | undefined; deny?: string[] | undefined } | undefined, value: string): { ok: true } | { ok: false; why: string } {
  if (list === undefined) return { ok: true };
  const denied = list.deny?.find((g) => globMatch(g, value));
  if (denied !== undefined) return { ok: false, why: `denied by "${denied}"` };
  if (list.allow !== undefined && list.allow.length > 0 && !list.allow.some((g) => globMatch(g, value))) {
    return { ok: false, why: `not in the allowed list (${list.allow.map((g) => `"${g}"`).join(', ')})` };
  }
  return { ok: true };
}
