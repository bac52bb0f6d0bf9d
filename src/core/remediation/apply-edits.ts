import { applyEdits, createScanner, modify, parse, parseTree, type FormattingOptions, type JSONPath, type Node, type ParseError } from 'jsonc-parser';
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
 * Drops repeated edits: the same removal path counts once (a second removal of index 1 would remove
 * the element that moved into it), and of several sets of one path the last wins.
 */
export function dedupeEdits(edits: readonly ProposalEdit[]): ProposalEdit[] {
  const lastSet = new Map<string, number>();
  edits.forEach((e, i) => {
    if (e.remove !== true) lastSet.set(JSON.stringify(e.jsonPath), i);
  });
  const removals = new Set<string>();
  return edits.filter((e, i) => {
    const key = JSON.stringify(e.jsonPath);
    if (e.remove !== true) return lastSet.get(key) === i;
    if (removals.has(key)) return false;
    removals.add(key);
    return true;
  });
}

/**
 * Applies JSON-path edits to a JSON/JSONC text, so comments, key order and layout outside the edited
 * values survive. Sets go through jsonc-parser's `modify` (it builds missing parents and indents new
 * text like its neighbours); removals are done here on the parse tree's exact offsets, because
 * jsonc-parser 3.3.1 breaks the last element of a one-line array (microsoft/node-jsonc-parser#108),
 * takes comments next to the removed node with it and re-formats the whole line. Deterministic: the
 * Installer recomputes the result from the file and the proposal's edits and refuses to write if it
 * differs from the reviewed text. An edit that cannot apply is PROPOSAL_INVALID naming file and path.
 */
export function applyJsonEdits(text: string, edits: readonly ProposalEdit[], file: string): string {
  const formattingOptions: FormattingOptions = { ...detectFormatting(text), keepLines: true };
  let out = text;
  for (const edit of orderEdits(dedupeEdits(edits))) {
    if (edit.remove === true) {
      out = removeAt(out, edit.jsonPath, file);
      continue;
    }
    if (edit.value === undefined) {
      throw new OversightError('PROPOSAL_INVALID', `${file}: an edit at ${JSON.stringify(edit.jsonPath)} has neither a value nor remove: true.`);
    }
    checkSettable(out, edit.jsonPath, file);
    try {
      out = applyEdits(out, modify(out, edit.jsonPath, edit.value, { formattingOptions }));
    } catch (e) {
      throw cannot(file, 'set', edit.jsonPath, e instanceof Error ? e.message : String(e), e);
    }
  }
  const errors: ParseError[] = [];
  parse(out, errors, PARSE_OPTIONS);
  const before: ParseError[] = [];
  parse(text, before, PARSE_OPTIONS);
  if (errors.length > before.length) {
    throw new OversightError('PROPOSAL_INVALID', `${file}: the edits would leave the file unparsable; nothing was changed. Fix the file's syntax first.`);
  }
  return out;
}

const PARSE_OPTIONS = { allowTrailingComma: true, disallowComments: false } as const;

function cannot(file: string, what: 'set' | 'remove', path: JSONPath, reason: string, cause?: unknown): OversightError {
  return new OversightError('PROPOSAL_INVALID', `${file}: cannot ${what} ${JSON.stringify(path)}: ${reason}.`, cause === undefined ? {} : { cause });
}

type Step = { kind: 'found'; value: Node; entry: Node } | { kind: 'absent' } | { kind: 'invalid'; reason: string };

/** One path segment down from a node: the value found (and the node that holds it in its parent: property or element). */
function step(node: Node, segment: string | number): Step {
  if (node.type === 'object' && typeof segment === 'string') {
    // The first property of that name, as jsonc-parser's findNodeAtLocation (and so `modify`) picks.
    const prop = node.children?.find((p) => p.children?.[0]?.value === segment);
    const value = prop?.children?.[1];
    return prop !== undefined && value !== undefined ? { kind: 'found', value, entry: prop } : { kind: 'absent' };
  }
  if (node.type === 'array' && typeof segment === 'number') {
    const items = node.children ?? [];
    if (!Number.isInteger(segment) || segment < 0 || segment >= items.length) return { kind: 'invalid', reason: `index ${segment} is out of range (the array has ${items.length} element(s))` };
    return { kind: 'found', value: items[segment]!, entry: items[segment]! };
  }
  const what = node.type === 'object' || node.type === 'array' ? `an ${node.type}` : `a ${node.type}`;
  return { kind: 'invalid', reason: `${typeof segment === 'number' ? `index ${segment}` : `property ${JSON.stringify(segment)}`} of ${what}` };
}

/** The node at `path` as far as it exists: the deepest node reached and how many segments that took. */
function walk(root: Node | undefined, path: JSONPath): { node: Node | undefined; depth: number; invalid?: string } {
  let node = root;
  let depth = 0;
  for (const segment of path) {
    if (node === undefined) break;
    const s = step(node, segment);
    if (s.kind === 'invalid') return { node, depth, invalid: s.reason };
    if (s.kind === 'absent') return { node, depth };
    node = s.value;
    depth++;
  }
  return { node, depth };
}

/** Refuses a set that `modify` would misplace or throw on: a scalar on the way, or an index past the end. */
function checkSettable(text: string, path: JSONPath, file: string): void {
  const root = parseTree(text, [], PARSE_OPTIONS);
  const { node, depth, invalid } = walk(root, path.slice(0, -1));
  const last = path[path.length - 1]!;
  if (invalid !== undefined) throw cannot(file, 'set', path, invalid);
  if (node === undefined || depth < path.length - 1) return; // missing parents are created
  if (node.type === 'array' && typeof last === 'number') {
    const n = node.children?.length ?? 0;
    if (last !== -1 && (!Number.isInteger(last) || last < 0 || last > n)) throw cannot(file, 'set', path, `index ${last} is out of range (the array has ${n} element(s))`);
    return;
  }
  const s = step(node, last);
  if (s.kind === 'invalid') throw cannot(file, 'set', path, s.reason);
}

// jsonc-parser's SyntaxKind is an ambient const enum, which isolatedModules cannot read: its values.
const COMMA = 5;
const SKIPPED = new Set([12 /* LineCommentTrivia */, 13 /* BlockCommentTrivia */, 14 /* LineBreakTrivia */, 15 /* Trivia */]);

/** The comma after `from`, skipping whitespace and comments; undefined if another token comes first. */
function commaAfter(text: string, from: number): { start: number; end: number } | undefined {
  const scanner = createScanner(text, false);
  scanner.setPosition(from);
  for (;;) {
    const token: number = scanner.scan();
    if (SKIPPED.has(token)) continue;
    if (token !== COMMA) return undefined;
    return { start: scanner.getTokenOffset(), end: scanner.getTokenOffset() + scanner.getTokenLength() };
  }
}

const isBlank = (s: string) => /^\s*$/.test(s);
const isHorizontalBlank = (s: string) => /^[ \t]*$/.test(s);
const end = (n: Node) => n.offset + n.length;
/** `i` moved past spaces and tabs. */
function skipHorizontal(text: string, i: number): number {
  while (text[i] === ' ' || text[i] === '\t') i++;
  return i;
}

/**
 * Removes the property or element at `path`: the node and one comma, nothing else, so comments next
 * to it and the layout of its neighbours stay. A removal that leaves a line blank deletes the line.
 * A missing key is nothing to do; a missing parent or an index out of range is PROPOSAL_INVALID.
 */
function removeAt(text: string, path: JSONPath, file: string): string {
  const root = parseTree(text, [], PARSE_OPTIONS);
  if (root === undefined) throw cannot(file, 'remove', path, 'the file holds no JSON value');
  const parentPath = path.slice(0, -1);
  const { node: parent, depth, invalid } = walk(root, parentPath);
  if (invalid !== undefined) throw cannot(file, 'remove', path, invalid);
  if (parent === undefined || depth < parentPath.length) throw cannot(file, 'remove', path, `its parent ${JSON.stringify(parentPath.slice(0, depth + 1))} does not exist`);
  const s = step(parent, path[path.length - 1]!);
  if (s.kind === 'invalid') throw cannot(file, 'remove', path, s.reason);
  if (s.kind === 'absent') return text;
  const target = s.entry;
  const siblings = parent.children ?? [];
  const i = siblings.indexOf(target);
  const ranges: [number, number][] = [];
  const next = siblings[i + 1];
  const prev = siblings[i - 1];
  const trailing = next === undefined ? commaAfter(text, end(target)) : undefined;
  if (next !== undefined || (trailing !== undefined && prev !== undefined)) {
    // Followed by a comma (the separator, or a trailing comma): the node, its comma and the spaces after it.
    const comma = commaAfter(text, end(target));
    if (comma === undefined) throw cannot(file, 'remove', path, 'no comma after it (the file is malformed there)');
    let after = skipHorizontal(text, comma.end);
    let from = target.offset;
    if (next === undefined && (text[after] === ']' || text[after] === '}')) {
      // `["a", "b",]` -> `["a",]`, not `["a", ]`.
      while (from > 0 && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--;
    }
    if (text[after] === undefined) after = comma.end;
    if (isBlank(text.slice(end(target), comma.start))) ranges.push([from, after]);
    else ranges.push(widen(text, from, end(target)), [comma.start, after]);
  } else if (prev !== undefined) {
    // The last one: the comma after the previous sibling and the node; comments in between stay.
    const comma = commaAfter(text, end(prev));
    if (comma === undefined) throw cannot(file, 'remove', path, 'no comma before it (the file is malformed there)');
    const from = isHorizontalBlank(text.slice(end(prev), comma.start)) ? end(prev) : comma.start;
    if (isHorizontalBlank(text.slice(comma.end, target.offset))) ranges.push([from, end(target)]);
    else ranges.push([from, comma.end], widen(text, target.offset, end(target)));
  } else {
    // The only one: the node and a trailing comma (comments between them stay); a container left with
    // only whitespace becomes `[]`/`{}`.
    const inner: [number, number] = [parent.offset + 1, end(parent) - 1];
    const left = trailing === undefined ? text.slice(inner[0], target.offset) + text.slice(end(target), inner[1]) : text.slice(inner[0], target.offset) + text.slice(end(target), trailing.start) + text.slice(trailing.end, inner[1]);
    if (isBlank(left) && text[inner[1]] === (parent.type === 'array' ? ']' : '}')) ranges.push(inner);
    else if (trailing === undefined) ranges.push(widen(text, target.offset, end(target)));
    else if (isBlank(text.slice(end(target), trailing.start))) ranges.push(widen(text, target.offset, trailing.end));
    else ranges.push(widen(text, target.offset, end(target)), [trailing.start, skipHorizontal(text, trailing.end)]);
  }
  let out = text;
  for (const [from, to] of ranges.sort((a, b) => b[0] - a[0])) {
    out = dropBlankLine(out.slice(0, from) + out.slice(to), from);
  }
  return out;
}

/** A node's range with the spaces after it, and the spaces before it too when a bracket follows (`"x", "y" ]` loses `, "y" `). */
function widen(text: string, from: number, to: number): [number, number] {
  const stop = skipHorizontal(text, to);
  if (text[stop] === ']' || text[stop] === '}') {
    while (from > 0 && (text[from - 1] === ' ' || text[from - 1] === '\t')) from--;
  }
  return [from, stop];
}

/** Deletes the line holding offset `at` if a removal left only whitespace on it (with its line end). */
function dropBlankLine(text: string, at: number): string {
  const start = text.lastIndexOf('\n', at - 1) + 1;
  let stop = text.indexOf('\n', at);
  if (stop === -1) stop = text.length;
  if (!isBlank(text.slice(start, stop))) return text;
  if (stop < text.length) return text.slice(0, start) + text.slice(stop + 1);
  if (start === 0) return text;
  // The last line, without a line end after it: take the line end before it instead.
  const before = text[start - 2] === '\r' ? start - 2 : start - 1;
  return text.slice(0, before) + text.slice(stop);
}
