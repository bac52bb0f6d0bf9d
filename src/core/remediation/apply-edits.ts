import { applyEdits, modify, parse, type FormattingOptions, type ParseError } from 'jsonc-parser';
import { OversightError } from '../errors';
import type { ProposalEdit } from './proposal-schema';

/** Indentation and line ends of the file as written, so inserted text looks like its neighbours. */
export function detectFormatting(text: string): FormattingOptions {
  const eol = text.includes('\r\n') ? '\r\n' : '\n';
  const indented = /\n([ \t]+)\S/.exec(text);
  const indent = indented?.[1] ?? '  ';
  const insertSpaces = !indent.startsWith('\t');
  return { insertSpaces, tabSize: insertSpaces ? Math.min(Math.max(indent.length, 1), 8) : 1, eol };
}

/**
 * Orders edits so that each path still means what it meant in the text as read: sets first (in the
 * given order), then removals, deepest and highest array index first (removing element 1 before
 * element 3 would shift 3 to 2).
 */
export function orderEdits(edits: readonly ProposalEdit[]): ProposalEdit[] {
  const sets = edits.filter((e) => e.remove !== true);
  const removals = edits.filter((e) => e.remove === true);
  removals.sort((a, b) => comparePathsDescending(a.jsonPath, b.jsonPath));
  return [...sets, ...removals];
}

function comparePathsDescending(a: readonly (string | number)[], b: readonly (string | number)[]): number {
  const n = Math.min(a.length, b.length);
  for (let i = 0; i < n; i++) {
    const x = a[i]!;
    const y = b[i]!;
    if (x === y) continue;
    if (typeof x === 'number' && typeof y === 'number') return y - x;
    return String(y) < String(x) ? -1 : 1;
  }
  return b.length - a.length;
}

/**
 * Applies JSON-path edits to a JSON/JSONC text with jsonc-parser, so comments, key order and
 * indentation outside the edited values survive. Deterministic: the Installer recomputes the result
 * from the file and the proposal's edits and refuses to write if it differs from the reviewed text.
 */
export function applyJsonEdits(text: string, edits: readonly ProposalEdit[], file: string): string {
  const formattingOptions = detectFormatting(text);
  let out = text;
  for (const edit of orderEdits(edits)) {
    const value = edit.remove === true ? undefined : edit.value;
    if (edit.remove !== true && value === undefined) {
      throw new OversightError('PROPOSAL_INVALID', `${file}: an edit at ${JSON.stringify(edit.jsonPath)} has neither a value nor remove: true.`);
    }
    out = applyEdits(out, modify(out, edit.jsonPath, value, { formattingOptions }));
  }
  const errors: ParseError[] = [];
  parse(out, errors, { allowTrailingComma: true, disallowComments: false });
  const before: ParseError[] = [];
  parse(text, before, { allowTrailingComma: true, disallowComments: false });
  if (errors.length > before.length) {
    throw new OversightError('PROPOSAL_INVALID', `${file}: the edits would leave the file unparsable; nothing was changed. Fix the file's syntax first.`);
  }
  return out;
}
