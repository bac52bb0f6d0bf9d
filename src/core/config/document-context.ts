import type { ZodError } from 'zod';
import type { ParsedDocument } from '../json/parse-document';
import { nearestNode, type SpanNode } from '../json/span';
import type { ConfigError } from '../model/config-error';
import { formatJsonPath, type JsonPath, type Location, type Position } from '../model/location';

export function positionOf(node: SpanNode | undefined): Position {
  if (node === undefined) return { line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, length: 0 };
  return { line: node.line, column: node.column, endLine: node.endLine, endColumn: node.endColumn, offset: node.offset, length: node.length };
}

/** A parsed config file plus the helpers every reader needs: locations and error construction. */
export class DocumentContext {
  constructor(
    readonly file: string,
    readonly doc: ParsedDocument,
  ) {}

  /** Where `path` is, or its nearest existing ancestor (e.g. the object that lacks a required field). */
  location(path: JsonPath): Location {
    return { file: this.file, jsonPath: [...path], ...positionOf(nearestNode(this.doc.root, path)) };
  }

  error(code: ConfigError['code'], path: JsonPath, message: string, fix: string, client?: string): ConfigError {
    const loc = this.location(path);
    return {
      code,
      file: this.file,
      line: loc.line,
      column: loc.column,
      jsonPath: [...path],
      field: path.length === 0 ? '(file)' : formatJsonPath(path),
      message,
      fix,
      ...(client === undefined ? {} : { client }),
    };
  }

  /** One ConfigError per zod issue, located at the deepest part of the issue's path that exists. */
  schemaErrors(base: JsonPath, error: ZodError, client: string): ConfigError[] {
    return error.issues.map((issue) => {
      const path = [...base, ...issue.path.filter((p): p is string | number => typeof p !== 'symbol')];
      return this.error('schema', path, `${formatJsonPath(path)}: ${issue.message}`, fixFor(issue.code, path), client);
    });
  }
}

function fixFor(code: string, path: JsonPath): string {
  const field = formatJsonPath(path);
  switch (code) {
    case 'invalid_type':
      return `Set ${field} to the kind of value the message names.`;
    case 'too_small':
      return `${field} is too small or empty: give it a value.`;
    case 'too_big':
      return `${field} is too large: use a smaller value.`;
    case 'invalid_value':
      return `Use one of the values listed for ${field}.`;
    case 'unrecognized_keys':
      return `Remove the unknown keys from ${field}.`;
    default:
      return `Correct ${field} as the message says.`;
  }
}
