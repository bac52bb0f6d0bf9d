import { createHash } from 'node:crypto';
import { canonicalJson } from './canonical-json';

/** SHA-256 of a text's UTF-8 bytes, lower-case hex. `baseHash` of a file is this over the file as read. */
export function sha256Hex(text: string | Uint8Array): string {
  return createHash('sha256').update(text).digest('hex');
}

/**
 * Domain-separated hash of a JSON value: SHA-256 over `tag`, a NUL byte, and the canonical JSON.
 * The tag keeps a hash made for one purpose (a proposal) from being accepted for another (a grant).
 */
export function hashCanonical(tag: string, value: unknown): string {
  return createHash('sha256').update(tag).update('\0').update(canonicalJson(value)).digest('hex');
}

/** The domain tags in use; one place so that two modules never disagree on a spelling. */
export const HASH_TAGS = {
  proposal: 'mcp-oversight/proposal/v1',
  assessmentRequest: 'mcp-oversight/assessment-request/v1',
  grant: 'mcp-oversight/grant/v1',
  toolDefinition: 'mcp-oversight/tool-definition/v1',
  rollback: 'mcp-oversight/rollback/v1',
  /** One audit log entry (`hash` of the entry without `hash`); see src/core/audit/audit-line.ts. */
  auditEntry: 'mcp-oversight/audit-entry/v1',
  /** A signed checkpoint of the audit log's head. */
  auditCheckpoint: 'mcp-oversight/audit-checkpoint/v1',
  /** A signed retention anchor: "entries before seq N were deleted; entry N chains to this hash". */
  auditRetentionAnchor: 'mcp-oversight/audit-retention-anchor/v1',
} as const;
