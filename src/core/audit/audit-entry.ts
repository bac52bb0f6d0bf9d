import { z } from 'zod';
import { ApproverSchema, Sha256HexSchema, type Approver } from '../grants/grant-schema';

/** What an audit entry records. A closed list: readers (exports, the UI) switch on it. */
export const AUDIT_KINDS = [
  'coordinator.started',
  'coordinator.stopped',
  'assessment.requested',
  'assessment.completed',
  'assessment.failed',
  'approval.requested',
  'approval.decided',
  'approval.expired',
  'approval.cancelled',
  'execution.started',
  'execution.completed',
  'execution.failed',
  'request.failed',
  'dead-letter.added',
  'dead-letter.retried',
  'dead-letter.discarded',
  'server.health',
  'audit.accessed',
  'audit.torn-line',
  'auth.failed',
  'audit.pruned',
  'api.started',
  'api.stopped',
  'api.access',
  'api.rate-limited',
  'api.key-created',
  'api.key-revoked',
  'api.token-issued',
] as const;
export const AuditKindSchema = z.enum(AUDIT_KINDS);
export type AuditKind = z.infer<typeof AuditKindSchema>;

/**
 * What an entry is about. Strict, and its keys sort after `prevHash`/`seq` in canonical JSON: the
 * line reader finds `"prevHash":"` positionally (see audit-line.ts), so nothing after it may hold a key.
 */
export const AuditSubjectSchema = z
  .object({
    type: z.enum(['approval', 'assessment', 'proposal', 'execution', 'server', 'request', 'dead-letter', 'audit', 'auth', 'coordinator', 'api', 'api-key']),
    id: z.string().max(256),
    server: z.string().max(256).optional(),
  })
  .strict();
export type AuditSubject = z.infer<typeof AuditSubjectSchema>;

/** The actor is an `Approver` (host-supplied identity); stored strictly, so a line holds only these keys. */
export const AuditActorSchema = ApproverSchema.strict();

/** The coordinator itself (start, stop, expiry, health, torn-line recovery). */
export const SYSTEM_ACTOR: Approver = Object.freeze({ id: 'mcp-oversight', label: 'MCP Oversight coordinator', provider: 'system', verified: true });

export const AuditPayloadSchema = z.record(z.string(), z.unknown());

/** What a caller hands `AuditLog.append`: the log adds seq, ts, prevHash and hash. */
export const AuditInputSchema = z.object({
  actor: ApproverSchema,
  kind: AuditKindSchema,
  subject: AuditSubjectSchema,
  payload: AuditPayloadSchema,
});
export interface AuditInput {
  actor: Approver;
  kind: AuditKind;
  subject: AuditSubject;
  payload: Record<string, unknown>;
}

/** ISO-8601 UTC as `Date#toISOString` writes it (fixed width: the line reader relies on it). */
export const AuditTimestampSchema = z.iso.datetime({ precision: 3 });

export const AuditEntrySchema = AuditInputSchema.extend({
  actor: AuditActorSchema,
  seq: z.number().int().positive(),
  ts: AuditTimestampSchema,
  prevHash: Sha256HexSchema,
  hash: Sha256HexSchema,
}).strict();
export type AuditEntry = z.infer<typeof AuditEntrySchema>;
export type AuditEntryBody = Omit<AuditEntry, 'hash'>;

/** `prevHash` of entry 1. */
export const GENESIS_HASH = '0'.repeat(64);
