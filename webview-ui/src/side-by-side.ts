import type { DiffLine } from '../../src/protocol/diff-preview';

/** One row of a side-by-side diff: the base's line on the left, the proposal's on the right. */
export interface SideBySideRow {
  left: DiffLine | null;
  right: DiffLine | null;
}

/**
 * A hunk's lines as side-by-side rows: context on both sides; a run of removed lines and the run of
 * added lines after it paired row by row (the longer run leaves blanks on the other side); a
 * "\ No newline at end of file" note on the side of the line before it. Pure, so it is unit-tested.
 */
export function sideBySide(lines: readonly DiffLine[]): SideBySideRow[] {
  const rows: SideBySideRow[] = [];
  let dels: DiffLine[] = [];
  let adds: DiffLine[] = [];
  const flush = () => {
    const n = Math.max(dels.length, adds.length);
    for (let i = 0; i < n; i++) rows.push({ left: dels[i] ?? null, right: adds[i] ?? null });
    dels = [];
    adds = [];
  };
  let last: DiffLine['kind'] | undefined;
  for (const line of lines) {
    if (line.kind === 'del') {
      if (adds.length > 0) flush();
      dels.push(line);
    } else if (line.kind === 'add') {
      adds.push(line);
    } else if (line.kind === 'note') {
      if (last === 'del') dels.push(line);
      else if (last === 'add') adds.push(line);
      else {
        flush();
        rows.push({ left: line, right: line });
      }
      continue;
    } else {
      flush();
      rows.push({ left: line, right: line });
    }
    last = line.kind;
  }
  flush();
  return rows;
}
