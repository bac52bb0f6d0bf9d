import { DocumentContext } from '../config/document-context';
import { parseDocument } from '../json/parse-document';
import type { ConfigError } from '../model/config-error';
import { formatJsonPath } from '../model/location';
import { redactError } from '../secrets/detect-secrets';
import { toolDefinitionHash } from './definition-hash';
import { LockFileSchema, PinnedServerSchema, PinnedToolSchema, type LockFile } from './lock-schema';

export type LockFileParse = { ok: true; lock: LockFile } | { ok: false; errors: ConfigError[] };

const WHAT = 'MCP Oversight lock file';

/**
 * Reads `.kilocode/mcp-oversight.lock.json`. Never throws: a file that is not strict JSON, has a
 * duplicate key, breaks the schema, files a tool under another tool's name or holds a hash that does
 * not match its definition (edited by hand) yields errors with file, line, column, field and a fix.
 * A lock that fails is not used at all: comparing against part of it would hide changes.
 */
export function parseLockFile(text: string, file: string): LockFileParse {
  try {
    return parse(text, file);
  } catch (e) {
    return { ok: false, errors: [{ code: 'unreadable', file, line: 1, column: 1, jsonPath: [], field: '(file)', message: `The lock file could not be read: ${e instanceof Error ? e.message : String(e)}.`, fix: 'Delete it and pin the tools again.' }] };
  }
}

function parse(text: string, file: string): LockFileParse {
  const doc = parseDocument(text);
  const ctx = new DocumentContext(file, doc);
  const fail = (errors: ConfigError[]): LockFileParse => ({ ok: false, errors: errors.map(redactError) });
  if (text.trim() === '') return fail([ctx.error('invalid-json', [], 'The lock file is empty.', 'Delete it and pin the tools again, or restore it from version control.', WHAT)]);
  if (doc.syntaxErrors.length > 0 || doc.value === undefined) {
    const first = doc.syntaxErrors[0];
    const pos = first === undefined ? { line: 1, column: 1 } : doc.lines.position(first.offset);
    return fail([{ ...ctx.error('invalid-json', [], `The lock file is not valid JSON${first ? `: ${first.message}` : ''}.`, 'Fix the syntax at this line and column, or restore the file from version control.', WHAT), ...pos }]);
  }
  if (!doc.strictJson && !doc.bom) {
    const at = doc.firstComment ?? doc.firstTrailingComma;
    const pos = at === undefined ? { line: 1, column: 1 } : doc.lines.position(at.offset);
    return fail([{ ...ctx.error('invalid-json', [], 'The lock file has comments or trailing commas; it is written as plain JSON.', 'Remove them (the file is generated: re-pin rather than edit it).', WHAT), ...pos }]);
  }
  if (doc.duplicateKeys.length > 0) {
    const first = doc.duplicateKeys[0] as (typeof doc.duplicateKeys)[number];
    const pos = doc.lines.position(first.offset);
    return fail([{ ...ctx.error('schema', [], `The lock file has a key twice (${doc.text.slice(first.offset, first.offset + Math.min(first.length, 80))}); the later one would silently win.`, 'Keep one entry, or restore the file from version control.', WHAT), ...pos }]);
  }
  const parsed = LockFileSchema.safeParse(doc.value);
  if (!parsed.success) return fail(ctx.schemaErrors([], parsed.error, WHAT));

  // The value as parsed, not zod's copy: the schema has no transforms, and zod's copy would turn a
  // tool or server named `__proto__` into a prototype instead of a key.
  const lock = doc.value as LockFile;
  const errors: ConfigError[] = [];
  for (const [server, entry] of Object.entries(lock.servers)) {
    // Again per entry: zod's records skip a key named `__proto__`.
    const checked = PinnedServerSchema.safeParse(entry);
    if (!checked.success) {
      errors.push(...ctx.schemaErrors(['servers', server], checked.error, WHAT));
      continue;
    }
    for (const [tool, pinned] of Object.entries(entry.tools)) {
      const toolChecked = PinnedToolSchema.safeParse(pinned);
      if (!toolChecked.success) {
        errors.push(...ctx.schemaErrors(['servers', server, 'tools', tool], toolChecked.error, WHAT));
        continue;
      }
      const at = ['servers', server, 'tools', tool];
      if (pinned.definition.name !== tool) {
        errors.push(ctx.error('schema', [...at, 'definition', 'name'], `${formatJsonPath([...at, 'definition', 'name'])}: the definition is named "${pinned.definition.name}" but filed under "${tool}".`, 'Re-pin the tools of this server; do not edit the lock by hand.', WHAT));
        continue;
      }
      let actual: string | undefined;
      try {
        actual = toolDefinitionHash(pinned.definition);
      } catch (e) {
        errors.push(ctx.error('schema', [...at, 'definition'], `${formatJsonPath([...at, 'definition'])}: cannot be hashed (${e instanceof Error ? e.message : String(e)}).`, 'Re-pin the tools of this server.', WHAT));
        continue;
      }
      if (actual !== pinned.sha256) {
        errors.push(
          ctx.error('schema', [...at, 'sha256'], `${formatJsonPath([...at, 'sha256'])}: does not match the pinned definition (the file was edited by hand, or damaged).`, 'Restore the file from version control, or review the tools and re-pin them.', WHAT),
        );
      }
    }
  }
  return errors.length > 0 ? fail(errors) : { ok: true, lock };
}

/**
 * The lock as the file's text: keys sorted (by UTF-16 code units, `version` first), two-space
 * indentation, a final newline. The same lock always gives the same bytes, so a re-pin shows in git
 * as exactly the tools that changed.
 */
export function lockFileText(lock: LockFile): string {
  const { version, servers } = lock;
  return JSON.stringify({ version, servers: sortedCopy(servers) }, null, 2) + '\n';
}

/** A copy of a JSON value with every object's keys sorted. Definitions are depth-checked before they get here. */
export function sortedCopy(value: unknown): unknown {
  if (Array.isArray(value)) return value.map(sortedCopy);
  if (value === null || typeof value !== 'object') return value;
  const record = value as Record<string, unknown>;
  const out: Record<string, unknown> = {};
  for (const k of Object.keys(record).sort((a, b) => (a < b ? -1 : a > b ? 1 : 0))) {
    if (record[k] === undefined) continue;
    // defineProperty: a key named __proto__ stays a key.
    Object.defineProperty(out, k, { value: sortedCopy(record[k]), enumerable: true, writable: true, configurable: true });
  }
  return out;
}
