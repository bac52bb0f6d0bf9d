import type { DiffLine, FileView } from '../../src/protocol/diff-preview';
import { h } from './dom';
import { sideBySide } from './side-by-side';
import type { WorkQueue } from './work-queue';

export type DiffLayout = 'unified' | 'split';

/** Rows built before the first paint, across all files; the rest follow in slices. */
export interface RowBudget {
  rows: number;
}

const CHUNK = 400;

function num(n: number | null): HTMLTableCellElement {
  return h('td', { class: 'ln' }, n === null ? '' : String(n));
}

// The +/− sign and its spoken form ("added: ") come from the stylesheet (td.add::before), one element
// per line fewer: that matters on long diffs.
function code(line: DiffLine | null): HTMLTableCellElement {
  if (line === null) return h('td', { class: 'code empty' });
  const td = h('td', { class: `code ${line.kind}` }, line.text);
  if (line.hidden) td.append(' ', h('span', { class: 'flag', title: 'This line holds invisible or direction-changing characters, shown as \\u{…}' }, 'hidden characters'));
  if (line.clipped) td.append(' ', h('span', { class: 'flag' }, 'line cut'));
  return td;
}

/** One file's diff as a table, unified or side by side. Text goes in through textContent only. */
export function diffTable(file: FileView, layout: DiffLayout, budget: RowBudget, queue: WorkQueue): HTMLElement {
  if (file.diff.format === 'raw') return h('pre', { class: 'raw-diff', tabindex: '0', 'aria-label': `Unified diff of ${file.displayPath}` }, file.diff.text);
  const span = layout === 'unified' ? '3' : '4';
  const rows: (() => HTMLTableRowElement)[] = [];
  for (const hunk of file.diff.hunks) {
    rows.push(() => h('tr', { class: 'hunk' }, h('td', { colspan: span }, hunk.header)));
    if (layout === 'unified') {
      for (const line of hunk.lines) rows.push(() => h('tr', {}, num(line.old), num(line.new), code(line)));
    } else {
      for (const row of sideBySide(hunk.lines)) rows.push(() => h('tr', {}, num(row.left?.old ?? null), code(row.left), num(row.right?.new ?? null), code(row.right)));
    }
  }
  const cols =
    layout === 'unified'
      ? h('colgroup', {}, h('col', { class: 'ln' }), h('col', { class: 'ln' }), h('col', {}))
      : h('colgroup', {}, h('col', { class: 'ln' }), h('col', { class: 'half' }), h('col', { class: 'ln' }), h('col', { class: 'half' }));
  const head =
    layout === 'unified'
      ? h('tr', {}, h('th', { scope: 'col' }, 'Current line'), h('th', { scope: 'col' }, 'Proposed line'), h('th', { scope: 'col' }, 'Text'))
      : h('tr', {}, h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Current'), h('th', { scope: 'col' }, 'Line'), h('th', { scope: 'col' }, 'Proposed'));
  const table = h('table', { class: `diff ${layout}` }, cols, h('thead', { class: 'sr-only' }, head));
  const now = Math.min(rows.length, Math.max(0, budget.rows));
  budget.rows -= now;
  table.append(chunk(rows, 0, now));
  for (let from = now; from < rows.length; from += CHUNK) {
    const start = from;
    queue.push(() => table.append(chunk(rows, start, Math.min(rows.length, start + CHUNK))));
  }
  return h('div', { class: 'diff-scroll', tabindex: '0', role: 'region', 'aria-label': `Diff of ${file.displayPath}` }, table);
}

function chunk(rows: readonly (() => HTMLTableRowElement)[], from: number, to: number): HTMLTableSectionElement {
  const body = h('tbody');
  for (let i = from; i < to; i++) body.append(rows[i]!());
  return body;
}
