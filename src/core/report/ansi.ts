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
 * an escape sequence that can rewrite the screen or the window title), bidi overrides and
 * zero-width characters (they make text read differently from what it is: "Trojan Source").
 */
// eslint-disable-next-line no-control-regex
const UNSAFE = /[\u0000-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/g;

/** Makes untrusted text safe and single-line for a terminal: unsafe characters become visible escapes. */
export function sanitizeForTerminal(text: string): string {
  return text.replace(UNSAFE, (ch) => {
    const code = ch.charCodeAt(0);
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
