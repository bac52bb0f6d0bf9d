import type { AssessmentResult } from '../assess/assessment-result';
import { SEVERITIES, severityRank, type Severity } from '../model/severity';
import { createPainter, sanitizeForTerminal, type AnsiStyle, type Painter } from './ansi';
import { relativeUnder } from './report-paths';
import { unreportedErrors } from './unreported-errors';

export interface TableOptions {
  /** ANSI colour; the caller passes false for NO_COLOR or a non-TTY stdout. */
  color: boolean;
  /** Paths under it are shown relative to it. */
  baseDir?: string;
  /** Terminal width the layout aims for (default 100). */
  width?: number;
}

const DEFAULT_WIDTH = 100;
/** Below this, wrapping the message column would make it unreadable: let the line overflow instead. */
const MIN_MESSAGE_WIDTH = 30;
const GUTTER = '  ';

const SEVERITY_STYLE: Record<Severity, AnsiStyle[]> = {
  critical: ['bold', 'red'],
  high: ['red'],
  medium: ['yellow'],
  low: ['blue'],
  info: ['gray'],
};
const ERROR_STYLE: AnsiStyle[] = ['bold', 'red'];
/** Below every finding's order (minus a severity rank, 0 to -4). */
const ERROR_ORDER = -10;

interface Row {
  readonly line: number;
  readonly column: number;
  /** ERROR_ORDER for errors; minus the severity rank for findings, so that worse sorts first. */
  readonly order: number;
  readonly label: string;
  readonly labelStyle: AnsiStyle[];
  /** Server name, the error's field, or `(file)`. */
  readonly who: string;
  readonly message: string;
  readonly tag: string;
  /** A second line: the fix of an error, the reason of a suppression. */
  readonly note?: string;
  readonly suppressed: boolean;
}

/** Length in code points: close enough to terminal cells for the text config files hold. */
function len(s: string): number {
  return Array.from(s).length;
}

function truncate(s: string, max: number): string {
  const chars = Array.from(s);
  return chars.length <= max ? s : chars.slice(0, Math.max(0, max - 1)).join('') + '…';
}

function padEnd(s: string, width: number): string {
  return s + ' '.repeat(Math.max(0, width - len(s)));
}

/** Greedy word wrap; words longer than a line are cut. Always at least one line, none with trailing spaces. */
function wrap(text: string, width: number): string[] {
  const lines: string[] = [];
  let current = '';
  for (let word of text.split(' ')) {
    if (word === '') continue;
    while (len(word) > width) {
      if (current !== '') {
        lines.push(current);
        current = '';
      }
      const chars = Array.from(word);
      lines.push(chars.slice(0, width).join(''));
      word = chars.slice(width).join('');
    }
    if (current === '') current = word;
    else if (len(current) + 1 + len(word) <= width) current += ' ' + word;
    else {
      lines.push(current);
      current = word;
    }
  }
  lines.push(current);
  return lines;
}

/** The message wrapped, then the tag after a double space on its last line, or on a line of its own. */
function wrapWithTag(message: string, tag: string, width: number): string[] {
  const lines = wrap(message, width);
  const last = lines[lines.length - 1] ?? '';
  if (last === '') lines[lines.length - 1] = tag;
  else if (len(last) + GUTTER.length + len(tag) <= width) lines[lines.length - 1] = last + GUTTER + tag;
  else lines.push(tag);
  return lines;
}

function plural(n: number, one: string, many = one + 's'): string {
  return `${n} ${n === 1 ? one : many}`;
}

/** Relative to the base when under it; else the source's `~/…` form; else as given. */
function displayPathOf(file: string, result: AssessmentResult, baseDir: string | undefined): string {
  const rel = relativeUnder(file, baseDir);
  if (rel !== undefined) return rel;
  const source = result.sources.find((s) => s.file === file);
  if (source !== undefined && source.displayPath.startsWith('~')) return source.displayPath;
  return file;
}

function collectRows(result: AssessmentResult, baseDir: string | undefined): Map<string, Row[]> {
  const byFile = new Map<string, Row[]>();
  const push = (file: string, row: Row): void => {
    const key = sanitizeForTerminal(displayPathOf(file, result, baseDir));
    const rows = byFile.get(key);
    if (rows === undefined) byFile.set(key, [row]);
    else rows.push(row);
  };
  for (const e of unreportedErrors(result)) {
    push(e.file, {
      line: e.line,
      column: e.column,
      order: ERROR_ORDER,
      label: 'ERROR',
      labelStyle: ERROR_STYLE,
      who: sanitizeForTerminal(e.field),
      message: sanitizeForTerminal(e.client === undefined ? e.message : `${e.message} (${e.client})`),
      tag: e.code,
      note: `fix: ${sanitizeForTerminal(e.fix)}`,
      suppressed: false,
    });
  }
  for (const f of result.findings) {
    const s = f.suppressed;
    push(f.file, {
      line: f.line,
      column: f.column,
      order: -severityRank(f.severity),
      label: f.severity.toUpperCase(),
      labelStyle: SEVERITY_STYLE[f.severity],
      who: f.server === null ? '(file)' : sanitizeForTerminal(f.server),
      message: sanitizeForTerminal(f.message),
      tag: sanitizeForTerminal(f.ruleId),
      ...(s === undefined
        ? {}
        : { note: `suppressed: ${sanitizeForTerminal(s.reason)}${s.expires === undefined ? '' : ` (until ${sanitizeForTerminal(s.expires)})`}` }),
      suppressed: s !== undefined,
    });
  }
  const byTag = (a: Row, b: Row): number => (a.tag < b.tag ? -1 : a.tag > b.tag ? 1 : 0);
  for (const rows of byFile.values()) {
    // Errors first (a broken file explains missing findings), then by position, worse first at one position.
    rows.sort((a, b) => Number(b.order === ERROR_ORDER) - Number(a.order === ERROR_ORDER) || a.line - b.line || a.column - b.column || a.order - b.order || byTag(a, b));
  }
  return new Map([...byFile.entries()].sort(([a], [b]) => (a < b ? -1 : a > b ? 1 : 0)));
}

function renderRows(byFile: Map<string, Row[]>, width: number, paint: Painter): string[] {
  const all = [...byFile.values()].flat();
  const posWidth = Math.max(...all.map((r) => len(`${r.line}:${r.column}`)));
  const labelWidth = Math.max(...all.map((r) => len(r.label)));
  // Server names are the only unbounded column before the message: cap them so messages keep room.
  const whoCap = width >= DEFAULT_WIDTH ? 24 : Math.max(8, Math.floor(width / 5));
  const whoWidth = Math.min(whoCap, Math.max(...all.map((r) => len(r.who))));
  const indent = GUTTER.length + posWidth + GUTTER.length + labelWidth + GUTTER.length + whoWidth + GUTTER.length;
  const messageWidth = Math.max(MIN_MESSAGE_WIDTH, width - indent);
  const pad = ' '.repeat(indent);

  const out: string[] = [];
  for (const [file, rows] of byFile) {
    if (out.length > 0) out.push('');
    out.push(paint.paint(file, 'bold', 'underline'));
    for (const r of rows) {
      const dim = (text: string, ...styles: AnsiStyle[]): string => paint.paint(text, ...(r.suppressed ? (['dim'] as AnsiStyle[]) : styles));
      const label = dim(r.label, ...r.labelStyle) + ' '.repeat(labelWidth - len(r.label));
      const who = dim(padEnd(truncate(r.who, whoWidth), whoWidth));
      const tag = `[${r.tag}]`;
      const body = wrapWithTag(r.message, tag, messageWidth);
      // The tag ends the last line: grey it without touching the message before it.
      const paintBody = (text: string, i: number): string =>
        i === body.length - 1 ? dim(text.slice(0, text.length - tag.length)) + paint.paint(tag, 'gray') : dim(text);
      const [first = '', ...rest] = body.map(paintBody);
      out.push(GUTTER + padEnd(`${r.line}:${r.column}`, posWidth) + GUTTER + label + GUTTER + who + GUTTER + first);
      for (const text of rest) out.push(pad + text);
      if (r.note !== undefined) for (const text of wrap(r.note, messageWidth)) out.push(pad + paint.paint(text, 'dim'));
    }
  }
  return out.map((l) => l.trimEnd());
}

function summary(result: AssessmentResult, files: number, paint: Painter): string {
  const active = result.findings.filter((f) => f.suppressed === undefined);
  const suppressed = result.findings.length - active.length;
  const counts = SEVERITIES.map((s) => [s, active.filter((f) => f.severity === s).length] as const).filter(([, n]) => n > 0);
  let text = plural(active.length, 'finding');
  if (counts.length > 0) text += ` (${counts.map(([s, n]) => paint.paint(`${n} ${s}`, ...SEVERITY_STYLE[s])).join(', ')})`;
  text += ` in ${plural(files, 'file')}`;
  if (result.errors.length > 0) text += `, ${paint.paint(plural(result.errors.length, 'error'), ...ERROR_STYLE)}`;
  if (suppressed > 0) text += `; ${suppressed} suppressed`;
  return text;
}

/** When nothing at all was reported: say what was looked at, so that "nothing" is explainable. */
function nothingFound(result: AssessmentResult, width: number, paint: Painter): string[] {
  const existing = result.sources.filter((s) => s.exists).length;
  if (existing > 0) return [paint.paint(`No MCP configuration problems found in ${plural(existing, 'file')}.`, 'green')];
  const looked = result.sources.map((s) => sanitizeForTerminal(s.displayPath));
  const text = looked.length === 0 ? 'No MCP configuration files found.' : `No MCP configuration files found (looked for: ${looked.join(', ')}).`;
  return wrap(text, Math.max(MIN_MESSAGE_WIDTH, width - GUTTER.length)).map((l, i) => (i === 0 ? l : GUTTER + l));
}

/**
 * The human report for a terminal: findings grouped by file, config errors first with their fix,
 * then a one-line summary. Everything taken from config files is sanitised: a server name or
 * message must not be able to send escape sequences to the terminal of the person reviewing it.
 */
export function renderTable(result: AssessmentResult, opts: TableOptions): string {
  const paint = createPainter(opts.color);
  const width = opts.width ?? DEFAULT_WIDTH;
  const out: string[] = [];

  const byFile = collectRows(result, opts.baseDir);
  if (byFile.size > 0) out.push(...renderRows(byFile, width, paint), '');

  for (const note of result.policyNotes) {
    const [first = '', ...rest] = wrap(`policy: ${sanitizeForTerminal(note)}`, Math.max(MIN_MESSAGE_WIDTH, width - GUTTER.length));
    out.push(paint.paint(first, 'yellow'), ...rest.map((l) => GUTTER + paint.paint(l, 'yellow')));
  }
  if (result.policyNotes.length > 0) out.push('');

  if (byFile.size > 0) out.push(summary(result, byFile.size, paint));
  else out.push(...nothingFound(result, width, paint));
  return out.join('\n') + '\n';
}
