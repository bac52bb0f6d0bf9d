/**
 * Letters from other scripts (and styled forms) that look like ASCII ones. Used both to read through
 * look-alike spellings in descriptions (`ignоre` with a Cyrillic о) and to tell when a tool name
 * imitates another (`reаd_file`). A small table of the common cases, not all of Unicode's
 * confusables.txt: enough for Cyrillic, Greek and Armenian look-alikes; NFKC handles full-width and
 * mathematical letters.
 */
const TABLE: ReadonlyMap<number, string> = new Map(
  [
    // Cyrillic
    'аa', 'вb', 'еe', 'ёe', 'кk', 'мm', 'нh', 'оo', 'рp', 'сc', 'тt', 'уy', 'хx', 'іi', 'їi', 'јj', 'ѕs', 'ԁd', 'ԛq', 'ԝw', 'һh', 'ӏl', 'ɡg',
    'АA', 'ВB', 'ЕE', 'ЁE', 'КK', 'МM', 'НH', 'ОO', 'РP', 'СC', 'ТT', 'УY', 'ХX', 'ІI', 'ЇI', 'ЈJ', 'ЅS', 'ԌG', 'ԚQ', 'ԜW', 'ӀI',
    // Greek
    'αa', 'βb', 'εe', 'ιi', 'κk', 'νv', 'οo', 'ρp', 'τt', 'υu', 'χx', 'γy', 'ωw',
    'ΑA', 'ΒB', 'ΕE', 'ΖZ', 'ΗH', 'ΙI', 'ΚK', 'ΜM', 'ΝN', 'ΟO', 'ΡP', 'ΤT', 'ΥY', 'ΧX',
    // Armenian and Latin look-alikes
    'օo', 'ոn', 'սu', 'ցg', 'հh', 'ıi', 'ȷj', 'ɑa', 'ɩi', 'ℓl', 'ǀl', 'ꓲI', 'ꓳO', 'ꓚC', 'ꓑP', 'ꓢS', 'ꓔT',
  ].map((pair) => [pair.codePointAt(0) ?? 0, pair.slice(-1)]),
);

/**
 * The ASCII a non-ASCII character imitates, or undefined. `cp` must be above 0x7f.
 */
export function asciiLookAlike(cp: number): string | undefined {
  const t = TABLE.get(cp);
  if (t !== undefined) return t;
  // Full-width forms and mathematical alphanumerics: NFKC maps them to plain ASCII.
  if ((cp >= 0xff01 && cp <= 0xff5e) || (cp >= 0x1d400 && cp <= 0x1d7ff) || (cp >= 0x2100 && cp <= 0x214f)) {
    const n = String.fromCodePoint(cp).normalize('NFKC');
    if (n.length === 1 && n.charCodeAt(0) < 0x80) return n;
  }
  return undefined;
}

/**
 * The shape a tool name makes on screen, for comparing names: look-alike letters mapped to ASCII,
 * then characters that are hard to tell apart in common fonts merged (`I`, `l`, `1`, `|` -> `l`;
 * `0`, `O` -> `o`; `rn` -> `m`; `vv` -> `w`), case folded and separators (`-`, `_`, `.`, space) unified.
 * Invisible characters are dropped.
 */
export function nameSkeleton(name: string): string {
  let folded = '';
  for (const ch of name) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp < 0x80) folded += ch;
    else {
      const a = asciiLookAlike(cp);
      if (a !== undefined) folded += a;
      else if (!INVISIBLE.test(ch)) folded += ch;
    }
  }
  return folded
    .replace(/[Il1|]/g, 'l')
    .replace(/[0O]/g, 'o')
    .toLowerCase()
    .replace(/rn/g, 'm')
    .replace(/vv/g, 'w')
    .replace(/[-_. ]+/g, '_');
}

/** Case and separators only (`Read-File` and `read_file` are the same). */
export function looseName(name: string): string {
  return name.toLowerCase().replace(/[-_. ]+/g, '_');
}

// eslint-disable-next-line no-misleading-character-class
const INVISIBLE = /^[\p{Cc}\p{Cf}\u034f\u115f\u1160\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]$/u;

/** Whether the name has a character outside ASCII that imitates an ASCII one. */
export function hasLookAlike(name: string): boolean {
  for (const ch of name) {
    const cp = ch.codePointAt(0) ?? 0;
    if (cp >= 0x80 && asciiLookAlike(cp) !== undefined) return true;
  }
  return false;
}
