import type { Severity } from '../../model/severity';
import type { TextDetector, TextHit } from '../detector';
import { escapeCapped } from '../escape';
import type { ToolSecurityRuleId } from '../types';

/**
 * Characters a person does not see but a model reads: Unicode tag characters (invisible ASCII, the
 * "ASCII smuggling" of hidden instructions), bidi controls (text that reads differently from what it
 * is), terminal escapes (text that rewrites or hides itself in a terminal), variation selectors used
 * as a byte channel, zero-width and other invisible characters, and stray control characters.
 *
 * Legitimate uses are left alone: a zero-width joiner inside an emoji or an Indic word, a variation
 * selector after an emoji or a CJK ideograph, the tag sequence of a subdivision flag (🏴 + tags),
 * direction marks in right-to-left text, a byte order mark at the very start.
 */
// eslint-disable-next-line no-control-regex, no-misleading-character-class
const CANDIDATE = /[\x00-\x08\x0b-\x1f\x7f-\x9f\p{Cf}\p{Co}\u034f\u115f\u1160\u2028\u2029\u2800\u3164\uffa0\ufe00-\ufe0f\u{e0100}-\u{e01ef}]/gu;
const RTL_LETTER = /[\u0590-\u08ff\ufb1d-\ufdff\ufe70-\ufefc]/u;
const BLACK_FLAG = 0x1f3f4;

interface Tally {
  ruleId: ToolSecurityRuleId;
  severity: Severity;
  count: number;
  start: number;
  end: number;
  codes: Set<number>;
}

function hex(cp: number): string {
  return 'U+' + cp.toString(16).toUpperCase().padStart(4, '0');
}

/** Code point just before index `i` (handles a surrogate pair), or -1 at the start. */
function before(text: string, i: number): number {
  if (i <= 0) return -1;
  const low = text.charCodeAt(i - 1);
  if (low >= 0xdc00 && low <= 0xdfff && i >= 2) {
    const cp = text.codePointAt(i - 2) ?? -1;
    if (cp > 0xffff) return cp;
  }
  return low;
}

function after(text: string, i: number): number {
  return i < text.length ? (text.codePointAt(i) ?? -1) : -1;
}

const isVariationSelector = (cp: number): boolean => (cp >= 0xfe00 && cp <= 0xfe0f) || (cp >= 0xe0100 && cp <= 0xe01ef);
const isTag = (cp: number): boolean => cp >= 0xe0000 && cp <= 0xe007f;

export const hiddenCharacters: TextDetector = ({ item }, emit) => {
  const text = item.text;
  const tallies = new Map<string, Tally>();
  let tagText = '';
  let tagStart = -1;
  let tagEnd = -1;
  let hasRtl: boolean | undefined;

  const count = (key: string, ruleId: ToolSecurityRuleId, severity: Severity, cp: number, start: number, end: number): void => {
    const t = tallies.get(key);
    if (t === undefined) tallies.set(key, { ruleId, severity, count: 1, start, end, codes: new Set([cp]) });
    else {
      t.count++;
      if (t.codes.size < 6) t.codes.add(cp);
    }
  };

  CANDIDATE.lastIndex = 0;
  for (let m = CANDIDATE.exec(text); m !== null; m = CANDIDATE.exec(text)) {
    const i = m.index;
    const cp = m[0].codePointAt(0) ?? 0;
    const end = i + m[0].length;
    const prev = before(text, i);
    const next = after(text, end);

    if (isTag(cp)) {
      // A subdivision flag: 🏴 then lower-case letters and digits as tags, then CANCEL TAG.
      if (flagSequence(text, i)) continue;
      if (tagStart < 0) tagStart = i;
      tagEnd = end;
      if (cp >= 0xe0020 && cp <= 0xe007e && tagText.length < 2_000) tagText += String.fromCharCode(cp - 0xe0000);
      continue;
    }
    if (cp === 0x1b || cp === 0x9b) {
      // The whole escape sequence, for the quote: ESC [ parameters final-byte.
      let j = end;
      if (cp === 0x1b && text[j] === '[') j++;
      while (j < text.length && j - end < 32 && /[0-9;?]/.test(text[j] as string)) j++;
      if (j < text.length && j - end < 33) j++;
      count('ansi', 'hidden-ansi-escape', 'high', cp, i, j);
      continue;
    }
    if ((cp >= 0x202a && cp <= 0x202e) || (cp >= 0x2066 && cp <= 0x2069)) {
      count('bidi', 'hidden-bidi-control', 'high', cp, i, end);
      continue;
    }
    if (cp === 0x200e || cp === 0x200f || cp === 0x061c) {
      hasRtl ??= RTL_LETTER.test(text);
      if (!hasRtl) count('marks', 'hidden-bidi-control', 'low', cp, i, end);
      continue;
    }
    if (isVariationSelector(cp)) {
      // After an emoji, a symbol or an ideograph (anything non-ASCII that is not itself a selector),
      // or a keycap base for VS15/VS16: how text and emoji presentation is chosen.
      const legitBase = prev > 0x7f && !isVariationSelector(prev) && !isTag(prev);
      const keycap = (cp === 0xfe0e || cp === 0xfe0f) && prev >= 0 && /[0-9#*]/.test(String.fromCodePoint(prev));
      if (!legitBase && !keycap) count('vs', 'hidden-variation-selectors', 'medium', cp, i, end);
      continue;
    }
    if (cp === 0x200d || cp === 0x200c) {
      // Joiners inside emoji sequences and in scripts that use them.
      if ((prev > 0x7f && next > 0x7f) || (cp === 0x200c && (prev > 0x7f || next > 0x7f))) continue;
      count('zw', 'hidden-characters', 'medium', cp, i, end);
      continue;
    }
    if (cp === 0xfeff && i === 0) {
      count('bom', 'hidden-characters', 'low', cp, i, end);
      continue;
    }
    if (cp === 0x00ad) {
      count('soft-hyphen', 'hidden-characters', 'low', cp, i, end);
      continue;
    }
    if (cp === 0x0d) {
      if (next !== 0x0a) count('cr', 'hidden-characters', 'low', cp, i, end);
      continue;
    }
    if (cp === 0x2028 || cp === 0x2029) {
      count('separator', 'hidden-characters', 'low', cp, i, end);
      continue;
    }
    if (cp >= 0xe000 && cp <= 0xf8ff) {
      // Private use: icon fonts draw glyphs there; other readers see nothing or a box.
      count('private', 'hidden-characters', 'low', cp, i, end);
      continue;
    }
    if (cp > 0xffff && !(cp >= 0xe0000 && cp <= 0xe0fff)) {
      // Supplementary private use planes, and the few format characters there (musical, Egyptian).
      count('private', 'hidden-characters', 'low', cp, i, end);
      continue;
    }
    if ((cp >= 0x0600 && cp <= 0x0605) || cp === 0x06dd || cp === 0x070f || cp === 0x08e2 || cp === 0x110bd) {
      // Arabic and Syriac number and abbreviation marks: visible in their scripts.
      continue;
    }
    const control = cp < 0x20 || (cp >= 0x7f && cp <= 0x9f);
    count(control ? 'control' : 'zw', 'hidden-characters', 'medium', cp, i, end);
  }

  if (tagStart >= 0) {
    const shown = escapeCapped(tagText, 200);
    emit({
      ruleId: 'hidden-tag-characters',
      severity: 'critical',
      start: tagStart,
      end: tagEnd,
      original: true,
      message: tagText === '' ? 'Unicode tag characters (invisible to people, read by models).' : `Hidden text in Unicode tag characters (invisible to people, read by models): "${shown}".`,
    });
  }
  for (const [key, t] of tallies) emit(finish(key, t));
};

function finish(key: string, t: Tally): TextHit {
  const codes = [...t.codes].map(hex).join(', ') + (t.count > t.codes.size ? ', …' : '');
  const n = t.count === 1 ? 'one' : String(t.count);
  const s = t.count === 1 ? '' : 's';
  let severity = t.severity;
  let message: string;
  switch (key) {
    case 'ansi':
      message = `${n} terminal escape sequence${s} (${codes}): they can recolour, hide or overwrite text where it is shown.`;
      break;
    case 'bidi':
      message = `${n} bidirectional control${s} (${codes}): the text reads differently from what it is ("Trojan Source").`;
      break;
    case 'marks':
      message = `${n} direction mark${s} (${codes}) in text without right-to-left letters.`;
      break;
    case 'vs':
      // Runs of selectors off any base can encode arbitrary bytes (one selector per byte).
      if (t.count >= 2) severity = 'high';
      message = `${n} variation selector${s} (${codes}) with no emoji or ideograph to modify: invisible, and able to carry hidden bytes.`;
      break;
    case 'zw':
      if (t.count >= 8) severity = 'high';
      message = `${n} zero-width or invisible character${s} (${codes})${t.count >= 8 ? ': enough to encode hidden text' : ''}.`;
      break;
    case 'control':
      message = `${n} control character${s} (${codes}).`;
      break;
    case 'cr':
      message = `${n} carriage return${s} not followed by a line feed: in a terminal the text after it overwrites the line.`;
      break;
    case 'bom':
      message = 'A byte order mark (U+FEFF) at the start.';
      break;
    case 'soft-hyphen':
      message = `${n} soft hyphen${s} (U+00AD), invisible where the line does not break.`;
      break;
    case 'separator':
      message = `${n} Unicode line or paragraph separator${s} (${codes}).`;
      break;
    default:
      message = `${n} private-use character${s} (${codes}): not text, shown as nothing or a box.`;
  }
  return { ruleId: t.ruleId, severity, start: t.start, end: t.end, original: true, message };
}

/** Whether the tag at `i` belongs to a flag sequence: 🏴, 1–7 tag letters or digits, CANCEL TAG. */
function flagSequence(text: string, i: number): boolean {
  // Walk back over tags to the flag.
  let j = i;
  let back = 0;
  while (j >= 2 && back < 8) {
    const cp = text.codePointAt(j - 2) ?? 0;
    if (!isTag(cp) || cp === 0xe007f) break;
    j -= 2;
    back++;
  }
  if (j < 2 || text.codePointAt(j - 2) !== BLACK_FLAG) return false;
  // And forward to CANCEL TAG, all tags lower-case letters or digits.
  let k = j;
  for (let n = 0; n < 9 && k < text.length; n++) {
    const cp = text.codePointAt(k) ?? 0;
    if (cp === 0xe007f) return n >= 2;
    if (!((cp >= 0xe0061 && cp <= 0xe007a) || (cp >= 0xe0030 && cp <= 0xe0039))) return false;
    k += 2;
  }
  return false;
}
