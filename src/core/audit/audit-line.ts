import { hash as oneShotHash } from 'node:crypto';
import { canonicalJson } from '../crypto/canonical-json';
import { HASH_TAGS } from '../crypto/hash';
import { OversightError } from '../errors';
import { AuditEntrySchema, type AuditEntry, type AuditEntryBody } from './audit-entry';

/**
 * One entry is one line: the canonical JSON of the entry without `hash` (keys in the order actor, kind,
 * payload, prevHash, seq, subject, ts) with `,"hash":"<64 hex>"` spliced in before the final `}`. So the
 * hashed bytes are the line minus a fixed-length suffix plus `}`, and a verifier needs no JSON.parse:
 * `hash` is the last 66..2 characters, `"prevHash":"` is found with lastIndexOf (inside a JSON string a
 * `"` is always escaped, and only payload — which sorts before prevHash — may hold free-form keys).
 */
export const AUDIT_HASH_SUFFIX_LENGTH = ',"hash":"'.length + 64 + '"}'.length;
export const AUDIT_ENTRY_TAG_PREFIX = `${HASH_TAGS.auditEntry}\0`;
/** Longest line the writer accepts; a reader treats longer as broken. */
export const AUDIT_MAX_LINE_BYTES = 256 * 1024;

/** SHA-256 over the domain tag, NUL, and the canonical JSON of the entry without `hash`. */
export function hashAuditBody(bodyJson: string): string {
  return oneShotHash('sha256', AUDIT_ENTRY_TAG_PREFIX + bodyJson, 'hex');
}

/** The line (without its newline) and hash of an entry. Throws TypeError on a value that is not JSON. */
export function encodeAuditLine(body: AuditEntryBody): { line: string; hash: string } {
  // Rebuilt in the canonical order so a caller's extra keys (e.g. a stray `hash`) can never slip in.
  const json = canonicalJson({ actor: body.actor, kind: body.kind, payload: body.payload, prevHash: body.prevHash, seq: body.seq, subject: body.subject, ts: body.ts });
  const hash = hashAuditBody(json);
  return { line: `${json.slice(0, -1)},"hash":"${hash}"}`, hash };
}

/** The hashed body of a line: everything before the hash suffix, closed again. */
export function auditLineBody(line: string): string {
  return line.slice(0, -AUDIT_HASH_SUFFIX_LENGTH) + '}';
}

/**
 * Reads one line back (show, export, newest, query): JSON, then the schema. A broken line is an
 * `AUDIT_BROKEN` error naming `where` (file:line) and saying to run `audit verify`.
 */
export function parseAuditLine(line: string, where: string): AuditEntry {
  let raw: unknown;
  try {
    raw = JSON.parse(line);
  } catch {
    throw new OversightError('AUDIT_BROKEN', `${where}: not a JSON audit entry (${describeLine(line)}). Run "mcp-oversight audit verify" to find the first bad entry.`, { details: { where } });
  }
  const r = AuditEntrySchema.safeParse(raw);
  if (!r.success) {
    const issue = r.error.issues[0];
    const path = issue?.path.join('.') ?? '';
    throw new OversightError('AUDIT_BROKEN', `${where}: not a valid audit entry (${path === '' ? '' : `${path}: `}${issue?.message ?? 'invalid'}). Run "mcp-oversight audit verify" to find the first bad entry.`, {
      details: { where },
    });
  }
  return r.data;
}

function describeLine(line: string): string {
  return line.length === 0 ? 'empty line' : `${line.length} characters`;
}

const TS_KEY = ',"ts":"';
const TS_LENGTH = '2026-01-01T00:00:00.000Z'.length;

/**
 * The `ts` of a line read positionally (it is the last key of the body and fixed-width), for skipping
 * entries by time before parsing them. Undefined when the line is not shaped as written.
 */
export function auditLineTimestamp(line: string): string | undefined {
  const end = line.length - AUDIT_HASH_SUFFIX_LENGTH - 1;
  const start = end - TS_LENGTH;
  if (start < TS_KEY.length || line.charCodeAt(end) !== 0x22 || !line.startsWith(TS_KEY, start - TS_KEY.length)) return undefined;
  return line.slice(start, end);
}
