import { createScanner, getNodeValue, parseTree, printParseErrorCode, type Node, type ParseError } from 'jsonc-parser';
import { LineIndex } from './line-index';
import type { TextRange, SpanNode } from './span';
import { indexStrictJson } from './strict-index';
import { indexTree } from './tree-index';

export interface SyntaxIssue {
  readonly message: string;
  readonly offset: number;
  readonly length: number;
}

/** A config file's text, parsed once: its value, where every value is, and how it deviates from JSON. */
export interface ParsedDocument {
  readonly text: string;
  /** `undefined` when nothing could be recovered. */
  readonly value: unknown;
  /** Where every value is (undefined when nothing could be recovered). */
  readonly root: SpanNode | undefined;
  readonly lines: LineIndex;
  /** True when `JSON.parse` accepts the text as it is (what legacy KiloCode, Cline and Roo require). */
  readonly strictJson: boolean;
  /** The file starts with a byte-order mark: editors accept it, `JSON.parse` (so strict clients) does not. */
  readonly bom: boolean;
  /** First comment and first trailing comma, if any (valid JSONC, rejected by strict-JSON clients). */
  readonly firstComment?: TextRange;
  readonly firstTrailingComma?: TextRange;
  /** Keys that appear twice in one object: the later one silently wins, in every client. */
  readonly duplicateKeys: readonly TextRange[];
  /** Syntax errors even for a JSONC parser; the value is then only what could be recovered. */
  readonly syntaxErrors: readonly SyntaxIssue[];
}

// jsonc-parser's SyntaxKind is a `const enum`, which isolated modules cannot inline; same values.
const Kind = { CloseBrace: 2, CloseBracket: 4, Comma: 5, LineComment: 12, BlockComment: 13, LineBreak: 14, Trivia: 15, EOF: 17 } as const;

const span = (offset: number, length: number): TextRange => ({ offset, length });

/**
 * Parses JSON or JSONC without ever throwing: plain JSON (the common case) goes through the native
 * parser and a one-pass indexer; anything else through `jsonc-parser`, which recovers what it can.
 */
export function parseDocument(text: string): ParsedDocument {
  // Built lazily: the strict path counts lines itself and most files never need this.
  let lineIndex: LineIndex | undefined;
  const lines = (): LineIndex => (lineIndex ??= new LineIndex(text));
  const bom = text.charCodeAt(0) === 0xfeff;
  // The JSON body; offsets everywhere stay those of `text` (the indexers skip a BOM themselves).
  const body = bom ? text.slice(1) : text;
  let value: unknown;
  let strict = true;
  try {
    value = JSON.parse(body);
  } catch {
    strict = false; // JSONC or broken: the jsonc-parser path below tells which
  }
  if (strict) {
    try {
      return { text, value, ...indexStrictJson(text), get lines() { return lines(); }, strictJson: !bom, bom, syntaxErrors: [] };
    } catch {
      // Valid JSON the indexer will not walk (nested beyond its depth limit): keep the value, locate what jsonc-parser can.
      const located = safeTree(body, bom);
      return { text, value, root: located.root, duplicateKeys: located.duplicateKeys, lines: lines(), strictJson: !bom, bom, syntaxErrors: [] };
    }
  }
  try {
    const errors: ParseError[] = [];
    const tree = parseTree(body, errors, { allowTrailingComma: true, disallowComments: false, allowEmptyContent: false });
    const skip = bom ? 1 : 0;
    const features = scanJsoncFeatures(body);
    const firstComment = features.firstComment && span(features.firstComment.offset + skip, features.firstComment.length);
    const firstTrailingComma = features.firstTrailingComma && span(features.firstTrailingComma.offset + skip, features.firstTrailingComma.length);
    return {
      text,
      value: tree === undefined ? undefined : (getNodeValue(tree) as unknown),
      ...indexTree(tree && bom ? shift(tree) : tree, lines()),
      lines: lines(),
      strictJson: false,
      bom,
      ...(firstComment ? { firstComment } : {}),
      ...(firstTrailingComma ? { firstTrailingComma } : {}),
      syntaxErrors: errors.map((e) => ({ message: describeParseError(e), offset: e.offset + skip, length: e.length })),
    };
  } catch (e) {
    // jsonc-parser recurses; hostile nesting can exhaust the stack.
    const message = e instanceof RangeError ? 'the file nests values too deeply to read' : `could not parse: ${String(e)}`;
    return {
      text,
      value: undefined,
      root: undefined,
      duplicateKeys: [],
      lines: lines(),
      strictJson: false,
      bom,
      syntaxErrors: [{ message, offset: 0, length: 0 }],
    };
  }
}

/** jsonc-parser offsets are into the body; with a BOM they are one short of the text's. */
function shift(node: Node): Node {
  return { ...node, offset: node.offset + 1, parent: undefined, ...(node.children ? { children: node.children.map(shift) } : {}) };
}

function safeTree(body: string, bom: boolean): ReturnType<typeof indexTree> {
  try {
    const tree = parseTree(body, [], { allowTrailingComma: true });
    return indexTree(tree && bom ? shift(tree) : tree, new LineIndex(bom ? '\ufeff' + body : body));
  } catch {
    return { root: undefined, duplicateKeys: [] };
  }
}

function describeParseError(e: ParseError): string {
  switch (printParseErrorCode(e.error)) {
    case 'InvalidSymbol': return 'unexpected character';
    case 'InvalidNumberFormat': return 'invalid number';
    case 'PropertyNameExpected': return 'expected a property name in double quotes';
    case 'ValueExpected': return 'expected a value';
    case 'ColonExpected': return "expected ':' after the property name";
    case 'CommaExpected': return "expected ',' between entries";
    case 'CloseBraceExpected': return "expected '}' to close the object";
    case 'CloseBracketExpected': return "expected ']' to close the array";
    case 'EndOfFileExpected': return 'unexpected content after the end of the document';
    case 'InvalidCommentToken': return 'invalid comment';
    case 'UnexpectedEndOfComment': return 'unterminated block comment';
    case 'UnexpectedEndOfString': return 'unterminated string';
    case 'UnexpectedEndOfNumber': return 'unterminated number';
    case 'InvalidUnicode': return 'invalid \\u escape';
    case 'InvalidEscapeCharacter': return 'invalid escape character';
    case 'InvalidCharacter': return 'invalid character in string (control characters must be escaped)';
    default: return 'syntax error';
  }
}

function scanJsoncFeatures(text: string): { firstComment?: TextRange; firstTrailingComma?: TextRange } {
  const scanner = createScanner(text, false);
  let firstComment: TextRange | undefined;
  let firstTrailingComma: TextRange | undefined;
  let pendingComma: TextRange | undefined;
  for (let kind: number = scanner.scan(); kind !== Kind.EOF; kind = scanner.scan()) {
    switch (kind) {
      case Kind.LineComment:
      case Kind.BlockComment:
        firstComment ??= span(scanner.getTokenOffset(), scanner.getTokenLength());
        break;
      case Kind.Trivia:
      case Kind.LineBreak:
        break;
      case Kind.Comma:
        pendingComma = span(scanner.getTokenOffset(), 1);
        break;
      case Kind.CloseBrace:
      case Kind.CloseBracket:
        if (pendingComma) firstTrailingComma ??= pendingComma;
        pendingComma = undefined;
        break;
      default:
        pendingComma = undefined;
    }
    if (firstComment && firstTrailingComma) break;
  }
  return { ...(firstComment ? { firstComment } : {}), ...(firstTrailingComma ? { firstTrailingComma } : {}) };
}
