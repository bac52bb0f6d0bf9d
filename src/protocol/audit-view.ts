import * as z from 'zod/mini';

/**
 * Messages between the extension host and the sidebar audit panel (the `mcpOversight.audit` webview
 * view). Both sides parse every message they receive with these schemas and drop (and log) what does
 * not fit. Entries carry text from configs and MCP servers (hostile input): the host makes invisible and
 * direction-changing characters visible and clips, the page sets everything through textContent.
 *
 * zod/mini, as in diff-preview.ts: the page bundles this file. The kinds are repeated from
 * src/core/audit/audit-entry.ts (the page may not import core); a unit test checks that they agree.
 */

export const AUDIT_VIEW_LIMITS = {
  /** Entries per page (the newest, then "Load older" pages backwards). */
  page: 200,
  /** Entries the panel keeps at most (older pages beyond this are not loaded into the page). */
  maxRows: 5000,
  id: 256,
  label: 256,
  provider: 64,
  summary: 300,
  /** The pretty-printed payload of one entry, as shown when it is expanded. */
  payload: 20_000,
  message: 2000,
  filterText: 256,
} as const;

/** The audit log's kinds (AUDIT_KINDS in src/core/audit/audit-entry.ts; a test checks they agree). */
export const AUDIT_VIEW_KINDS = [
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
export type AuditViewKind = (typeof AUDIT_VIEW_KINDS)[number];

const str = (max: number) => z.string().check(z.maxLength(max));
const seq = z.int().check(z.minimum(1), z.maximum(Number.MAX_SAFE_INTEGER));
/** An ISO-8601 time with an offset (what `Date#toISOString` writes, or any offset). */
const IsoTime = z.string().check(z.maxLength(40), z.regex(/^\d{4}-\d{2}-\d{2}T\d{2}:\d{2}(:\d{2}(\.\d{1,9})?)?(Z|[+-]\d{2}:\d{2})$/));

/** The filters as the panel applies them; empty text means "any". */
export const AuditFilterSchema = z.strictObject({
  kind: z.optional(z.enum(AUDIT_VIEW_KINDS)),
  server: z.optional(str(AUDIT_VIEW_LIMITS.filterText)),
  actor: z.optional(str(AUDIT_VIEW_LIMITS.filterText)),
  /** Inclusive. */
  since: z.optional(IsoTime),
  /** Exclusive. */
  until: z.optional(IsoTime),
});
export type AuditFilter = z.infer<typeof AuditFilterSchema>;

/** One entry as a row of the panel. Every string is already visible-escaped and clipped by the host. */
export const AuditRowSchema = z.strictObject({
  seq,
  ts: str(40),
  kind: str(64),
  actor: z.strictObject({ id: str(AUDIT_VIEW_LIMITS.label), label: str(AUDIT_VIEW_LIMITS.label), provider: str(AUDIT_VIEW_LIMITS.provider), verified: z.boolean() }),
  subject: z.strictObject({ type: str(64), id: str(AUDIT_VIEW_LIMITS.id), server: z.optional(str(AUDIT_VIEW_LIMITS.label)) }),
  summary: str(AUDIT_VIEW_LIMITS.summary),
  /** The payload (redacted by the log before it was hashed) as indented JSON. */
  payload: str(AUDIT_VIEW_LIMITS.payload),
  /** The payload was longer than AUDIT_VIEW_LIMITS.payload and was cut. */
  payloadClipped: z.boolean(),
  /** Some character in this row was invisible or direction-changing and is shown as an escape. */
  hidden: z.boolean(),
});
export type AuditRow = z.infer<typeof AuditRowSchema>;

export const VERIFY_STATUSES = ['unverified', 'running', 'ok', 'broken', 'error'] as const;
/** The chain's verification state, as words (the host's view model writes them). */
export const VerifyViewSchema = z.strictObject({
  status: z.enum(VERIFY_STATUSES),
  /** The headline: "Verified up to seq N at …", "Not verified yet", "BROKEN at seq N: …". */
  text: str(AUDIT_VIEW_LIMITS.message),
  /** More lines (unanchored entries, notes, where the break is, what to do). */
  details: z.array(str(AUDIT_VIEW_LIMITS.message)).check(z.maxLength(20)),
});
export type VerifyView = z.infer<typeof VerifyViewSchema>;

// ---- host -> webview ----

/**
 * host -> webview: rows for the current filter. `replace`: these are the rows; `older`: append them
 * below the rows shown; `newer`: put them above (entries appended since).
 */
export const EntriesMessageSchema = z.strictObject({
  type: z.literal('entries'),
  mode: z.enum(['replace', 'older', 'newer']),
  rows: z.array(AuditRowSchema).check(z.maxLength(AUDIT_VIEW_LIMITS.page * 2)),
  /** More (older) entries may match: "Load older" is offered. */
  hasOlder: z.boolean(),
  filter: AuditFilterSchema,
  /** Why these rows came now (announced): a filter, a refresh, live entries. */
  reason: z.enum(['open', 'filter', 'refresh', 'live', 'older']),
});
export type EntriesMessage = z.infer<typeof EntriesMessageSchema>;

export const VerifyMessageSchema = z.strictObject({ type: z.literal('verify'), state: VerifyViewSchema });

/** host -> webview: there is no audit to show here (untrusted workspace, no folder, coordinator failed). */
export const UnavailableMessageSchema = z.strictObject({ type: z.literal('unavailable'), message: str(AUDIT_VIEW_LIMITS.message) });

/** host -> webview: a read or an action failed (shown and announced; the rows shown stay). */
export const ErrorMessageSchema = z.strictObject({ type: z.literal('error'), message: str(AUDIT_VIEW_LIMITS.message) });

/** host -> webview: a read is on its way (the page shows it busy). */
export const LoadingMessageSchema = z.strictObject({ type: z.literal('loading') });

export const AuditHostToWebviewSchema = z.discriminatedUnion('type', [EntriesMessageSchema, VerifyMessageSchema, UnavailableMessageSchema, ErrorMessageSchema, LoadingMessageSchema]);
export type AuditHostToWebview = z.infer<typeof AuditHostToWebviewSchema>;

// ---- webview -> host ----

export const AuditWebviewToHostSchema = z.discriminatedUnion('type', [
  /** The page's script runs. */
  z.strictObject({ type: z.literal('ready') }),
  /** Apply these filters (an audited read). */
  z.strictObject({ type: z.literal('query'), filter: AuditFilterSchema }),
  /** The next page of older entries for the current filter (an audited read). */
  z.strictObject({ type: z.literal('loadOlder') }),
  /** Read the newest entries again (an audited read). */
  z.strictObject({ type: z.literal('refresh') }),
  /** Verify the chain. */
  z.strictObject({ type: z.literal('verify') }),
  /** Run the export command. */
  z.strictObject({ type: z.literal('export') }),
]);
export type AuditWebviewToHost = z.infer<typeof AuditWebviewToHostSchema>;
