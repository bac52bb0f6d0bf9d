import { parsePatch } from 'diff';
import { LIMITS, type DiffHunk, type DiffLine, type FileView } from '../../protocol/diff-preview';
import { visibleText } from './visible-text';

/**
 * A proposal file's unified diff (secrets already masked by the proposal builder) as hunks of
 * numbered lines for the webview. Pure. Parsed with the `diff` package's parsePatch (the same package
 * wrote it); a diff it cannot parse is shown as text instead. Lines beyond `maxLines` are left out and
 * the file is marked truncated: the native diff editor shows all of it.
 */
export interface ParsedDiff {
  added: number;
  removed: number;
  truncated: boolean;
  diff: FileView['diff'];
}

export interface ParseOptions {
  maxLines?: number;
  maxHunks?: number;
}

const KIND: Record<string, DiffLine['kind'] | undefined> = { ' ': 'context', '+': 'add', '-': 'del', '\\': 'note' };

export function parseUnifiedDiff(text: string, opts: ParseOptions = {}): ParsedDiff {
  const maxLines = opts.maxLines ?? LIMITS.linesPerFile;
  const maxHunks = opts.maxHunks ?? LIMITS.hunksPerFile;
  let patches;
  try {
    patches = parsePatch(text);
  } catch {
    return rawDiff(text);
  }
  // createTwoFilesPatch writes one file per diff; anything else is not what the proposal builder makes.
  if (patches.length !== 1 || patches[0] === undefined) return rawDiff(text);
  const hunks: DiffHunk[] = [];
  let added = 0;
  let removed = 0;
  let shown = 0;
  let truncated = false;
  for (const h of patches[0].hunks) {
    for (const l of h.lines) {
      if (l.startsWith('+')) added++;
      else if (l.startsWith('-')) removed++;
    }
    if (truncated) continue;
    if (hunks.length >= maxHunks) {
      truncated = true;
      continue;
    }
    const lines: DiffLine[] = [];
    let oldNo = h.oldStart;
    let newNo = h.newStart;
    for (const l of h.lines) {
      if (shown >= maxLines) {
        truncated = true;
        break;
      }
      const kind = KIND[l.charAt(0)];
      if (kind === undefined) return rawDiff(text);
      const v = visibleText(l.slice(1), LIMITS.line, '\t');
      const line: DiffLine = {
        kind,
        text: v.text,
        old: kind === 'context' || kind === 'del' ? oldNo : null,
        new: kind === 'context' || kind === 'add' ? newNo : null,
      };
      if (v.hidden) line.hidden = true;
      if (v.clipped) line.clipped = true;
      if (kind === 'context' || kind === 'del') oldNo++;
      if (kind === 'context' || kind === 'add') newNo++;
      lines.push(line);
      shown++;
    }
    if (lines.length > 0 || h.lines.length === 0) hunks.push({ header: `@@ -${h.oldStart},${h.oldLines} +${h.newStart},${h.newLines} @@`, lines });
  }
  return { added, removed, truncated, diff: { format: 'hunks', hunks } };
}

/** The diff as text (escaped and capped), counting +/- lines roughly. */
function rawDiff(text: string): ParsedDiff {
  let added = 0;
  let removed = 0;
  for (const l of text.split('\n')) {
    if (l.startsWith('+') && !l.startsWith('+++')) added++;
    else if (l.startsWith('-') && !l.startsWith('---')) removed++;
  }
  const v = visibleText(text, LIMITS.raw, '\t\n');
  return { added, removed, truncated: v.clipped, diff: { format: 'raw', text: v.text } };
}
