import type { Severity } from '../model/severity';
import type { NormalizedText } from './normalize';
import type { TextItem } from './text-items';
import type { ToolSecurityRuleId } from './types';

/** What a text check knows of the configuration around the string it reads. */
export interface ServerView {
  serverName: string;
  /** This server's own tool names. */
  ownTools: ReadonlySet<string>;
  /** Tool names of the other configured servers -> the servers that have them. */
  otherTools: ReadonlyMap<string, readonly string[]>;
  /** Lower-cased names of the other configured servers -> as configured. */
  otherServers: ReadonlyMap<string, string>;
  longDescription: number;
}

export interface TextHit {
  ruleId: ToolSecurityRuleId;
  severity: Severity;
  /** The span, in the normalised text unless `original` is set. */
  start: number;
  end: number;
  /** Offsets are into the original text (checks that look for the characters normalisation drops). */
  original?: boolean;
  message: string;
}

export interface TextInput {
  item: TextItem;
  norm: NormalizedText;
  server: ServerView;
}

/** One check over one string; reports through `emit`. Never throws on any input. */
export type TextDetector = (input: TextInput, emit: (hit: TextHit) => void) => void;

/**
 * Whether `text[at]` sits in the same sentence as a match of `re` within `radius` characters:
 * looks at the window only, so the cost is bounded whatever the text's length.
 */
export function nearby(text: string, start: number, end: number, re: RegExp, radius = 120): boolean {
  const from = Math.max(0, start - radius);
  const to = Math.min(text.length, end + radius);
  let window = text.slice(from, to);
  // Keep to the sentence: cut at the last sentence end before the span and the first after it.
  const rel = start - from;
  const relEnd = end - from;
  const before = lastBoundary(window, rel);
  const after = firstBoundary(window, relEnd);
  window = window.slice(before, after);
  re.lastIndex = 0;
  return re.test(window);
}

/** Sentence ends: `.`, `!` or `?` followed by white space, or a blank line. */
function lastBoundary(s: string, upTo: number): number {
  for (let i = upTo - 1; i > 0; i--) {
    const c = s[i];
    if ((c === ' ' || c === '\n') && (s[i - 1] === '.' || s[i - 1] === '!' || s[i - 1] === '?' || (c === '\n' && s[i - 1] === '\n'))) return i;
  }
  return 0;
}

function firstBoundary(s: string, from: number): number {
  for (let i = from; i < s.length - 1; i++) {
    const c = s[i];
    const n = s[i + 1];
    if ((c === '.' || c === '!' || c === '?') && (n === ' ' || n === '\n')) return i + 1;
    if (c === '\n' && n === '\n') return i;
  }
  return s.length;
}

/** Every match of a global regex, with a cap so a text full of matches stays cheap to report. */
export function* matches(re: RegExp, text: string, cap = 50): Generator<RegExpExecArray> {
  re.lastIndex = 0;
  let n = 0;
  for (let m = re.exec(text); m !== null && n < cap; m = re.exec(text)) {
    n++;
    yield m;
    if (m[0].length === 0) re.lastIndex++;
  }
}
