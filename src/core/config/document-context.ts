import type { ZodError } from 'zod';
import type { ParsedDocument } from '../json/parse-document';
import type { Span } from '../json/span';
import type { ConfigError } from '../model/config-error';
import { formatJsonPath, toPointer, type JsonPath, type Location, type Position } from '../model/location';

/** A parsed config file plus the helpers every reader needs: locations and error construction. */
export class DocumentContext {
  constructor(
    readonly file: string,
    readonly doc: ParsedDocument,
  ) {}

  position(span: Span): Position {
    const start = this.doc.lines.position(span.offset);
    const end = this.doc.lines.position(span.offset + span.length);
    return {
      line: start.line,
      column: start.column,
      endLine: end.line,
      endColumn: end.column,
      offset: span.offset,
      length: span.length,
    };
  }

  /** The span of the value at `path`, or of its nearest ancestor that exists (e.g. for a missing field). */
  spanAt(path: JsonPath): Span {
    for (let k = path.length; k >= 0; k--) {
      const span = this.doc.spans.get(toPointer(path.slice(0, k)));
      if (span) return span;
    }
    return { offset: 0, length: 0, keyOffset: -1, keyLength: 0 };
  }

  location(path: JsonPath): Location {
    return { file: this.file, jsonPath: [...path], ...this.position(this.spanAt(path)) };
  }

  /**
   * Positions of every value under each member of the object at `container`, grouped by member name
   * (pointer-escaped, see `pointerSegment`) and keyed by JSON pointer. One pass over the whole index,
   * so that reading N servers stays linear.
   */
  positionsByMember(container: JsonPath): Map<string, Record<string, Position>> {
    const prefix = toPointer(container) + '/';
    const groups = new Map<string, Record<string, Position>>();
    for (const [ptr, span] of this.doc.spans) {
      if (!ptr.startsWith(prefix)) continue;
      const slash = ptr.indexOf('/', prefix.length);
      const member = slash === -1 ? ptr.slice(prefix.length) : ptr.slice(prefix.length, slash);
      let group = groups.get(member);
      if (group === undefined) groups.set(member, (group = {}));
      group[ptr] = this.position(span);
    }
    return groups;
  }

  error(
    code: ConfigError['code'],
    path: JsonPath,
    message: string,
    fix: string,
    client?: string,
  ): ConfigError {
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
      return `Give ${field} a value of the type shown, or remove it.`;
    case 'too_small':
      return `${field} is too small or empty: give it a value.`;
    case 'too_big':
      return `${field} is too large: use a smaller value.`;
    case 'invalid_value':
      return `Use one of the values listed for ${field}.`;
    case 'unrecognized_keys':
      return `Remove the unknown keys from ${field}.`;
    case 'custom':
      return `Change ${field} as the message says.`;
    default:
      return `Correct ${field} as the message says.`;
  }
}
