/** The few SGR styles the terminal reports use. */
export type AnsiStyle = 'bold' | 'dim' | 'underline' | 'red' | 'green' | 'yellow' | 'blue' | 'magenta' | 'cyan' | 'gray';

const CODES: Record<AnsiStyle, readonly [open: number, close: number]> = {
  bold: [1, 22],
  dim: [2, 22],
  underline: [4, 24],
  red: [31, 39],
  green: [32, 39],
  yellow: [33, 39],
  blue: [34, 39],
  magenta: [35, 39],
  cyan: [36, 39],
  gray: [90, 39],
};

export interface Painter {
  readonly enabled: boolean;
  /** `text` wrapped in the styles; `text` itself unchanged when colour is off (not a single escape byte). */
  paint(text: string, ...styles: AnsiStyle[]): string;
}

/**
 * A painter that colours only when `enabled`. The caller decides (NO_COLOR, TTY): this module never
 * looks at the environment, so the core stays pure and the output of a given call is deterministic.
 */
export function createPainter(enabled: boolean): Painter {
  return {
    enabled,
    paint(text: string, ...styles: AnsiStyle[]): string {
      // Painting an empty string would still emit escapes that a "no colour" check could trip on.
      if (!enabled || styles.length === 0 || text === '') return text;
      let open = '';
      let close = '';
      for (const s of styles) {
        const [o, c] = CODES[s];
        open += `\x1b[${o}m`;
        close = `\x1b[${c}m` + close;
      }
      return open + text + close;
    },
  };
}

/**
 * Characters that must never reach a terminal raw from a config file: C0/C1 controls (ESC starts
 * an escape sequence that can rewrite the screen or the window title), bidi controls and
 * zero-width, invisible or format characters (they make text read differently from what it is:
 * "Trojan Source", hidden tag-character text, Hangul fillers that render as blanks):
 *  - U+0000–U+001F, U+007F–U+009F controls; U+00AD soft hyphen; U+034F combining grapheme joiner
 *  - U+061C Arabic letter mark; U+115F, U+1160, U+3164, U+FFA0 Hangul fillers; U+180E Mongolian vowel separator
 *  - U+200B–U+200F zero-width characters and directional marks; U+2028–U+202E separators and bidi embeddings
 *  - U+2060–U+206F word joiner, invisible operators, bidi isolates and deprecated format characters
 *  - U+FE00–U+FE0F and U+E0100–U+E01EF variation selectors; U+FEFF byte order mark
 *  - U+FFF9–U+FFFB interlinear annotation controls; U+E0000–U+E007F tag characters
 */
// The class lists combining marks and variation selectors on purpose, each to be matched alone:
// that is what no-misleading-character-class warns about.
const UNSAFE =
  // eslint-disable-next-line no-control-regex, no-misleading-character-class
  /[\u0000-\u001f\u007f-\u009f\u00ad\u034f\u061c\u115f\u1160\u180e\u200b-\u200f\u2028-\u202e\u2060-\u206f\u3164\ufe00-\ufe0f\ufeff\uffa0\ufff9-\ufffb\u{e0000}-\u{e007f}\u{e0100}-\u{e01ef}]/gu;

/** Makes untrusted text safe and single-line for a terminal: unsafe characters become visible escapes. */
export function sanitizeForTerminal(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const code = ch.codePointAt(0) ?? 0;
    if (ch === '\n') return '\\n';
    if (ch === '\r') return '\\r';
    if (ch === '\t') return '\\t';
    return code <= 0xff ? `\\x${code.toString(16).padStart(2, '0')}` : `\\u{${code.toString(16)}}`;
  });
}

/** Removes SGR escapes (for width computations and tests). */
export function stripAnsi(text: string): string {
  // eslint-disable-next-line no-control-regex
  return text.replace(/\x1b\[[0-9;]*m/g, '');
}
