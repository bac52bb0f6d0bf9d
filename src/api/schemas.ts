import { z } from 'zod';
import { AuditEntrySchema, AuditKindSchema } from '../core/audit/audit-entry';
import { ApprovalStateSchema } from '../core/approvals/state-machine';
import { SummarySchema } from '../core/assess/finding-summary';
import { ErrorResponseSchema } from '../core/coordination/error-response';
import { AssessmentResponseSchema } from '../core/coordination/messages';
import { Sha256HexSchema } from '../core/grants/grant-schema';
import { ProposalActionSchema, ProposalEditSchema, ProposalFileSchema, RemediationProposalSchema } from '../core/remediation/proposal-schema';

/**
 * The HTTP API's bodies, as zod schemas: what the server validates at its boundary, what the types are
 * inferred from, and what the OpenAPI document is generated from (openapi.ts). Requests are strict:
 * an unknown field is a 400, not silently ignored, so a misspelt option never changes meaning.
 */
const Iso = z.iso.datetime({ offset: true });
const Id = z.string().min(1).max(128);
const Name = z.string().min(1).max(1024);

/**
 * The design's AssessmentRequest as a caller sends it. Who asks and when is not theirs to say: the
 * authenticated principal and the server's clock are recorded (`requestedBy`/`requestedAt` are accepted
 * for compatibility and ignored). `workspace`, when given, must be the one this server oversees.
 */
export const ApiAssessmentRequestSchema = z.strictObject({
  requestId: Id.optional(),
  kind: z.enum(['static', 'live']).default('static'),
  workspace: z.string().min(1).max(4096).optional(),
  includeGlobal: z.boolean().default(false),
  /** Live only: the configured servers to run (default every enabled one). */
  servers: z.array(Name).min(1).max(500).optional(),
  /** Remediation only: the findings to fix (default every fixable one). */
  fingerprints: z.array(z.string().min(1).max(128)).min(1).max(1000).optional(),
  requestedBy: z.unknown().optional(),
  requestedAt: z.unknown().optional(),
});
export type ApiAssessmentRequest = z.infer<typeof ApiAssessmentRequestSchema>;

/**
 * The design's ApprovalResponse as a caller sends it: the decision on one request, naming the hash of
 * exactly what was reviewed. The approver is the authenticated principal and the time is the server's;
 * `approver`/`decidedAt` are accepted for compatibility and ignored.
 */
export const ApiApprovalResponseSchema = z.strictObject({
  requestId: Id,
  decision: z.enum(['approved', 'rejected']),
  subjectHash: Sha256HexSchema,
  reason: z.string().max(2000).optional(),
  approver: z.unknown().optional(),
  decidedAt: z.unknown().optional(),
});
export type ApiApprovalResponse = z.infer<typeof ApiApprovalResponseSchema>;

/** One approval request as status reports show it (never the diff or file contents). */
export const ApprovalStatusSchema = z.object({
  requestId: Id,
  kind: z.enum(['assessment', 'remediation']),
  state: ApprovalStateSchema,
  title: z.string(),
  subjectHash: Sha256HexSchema,
  requestedBy: z.string(),
  requestedAt: Iso,
  expiresAt: Iso,
  decidedBy: z.string().optional(),
  decision: z.enum(['approved', 'rejected']).optional(),
  supersededBy: Id.optional(),
  executionId: z.string().optional(),
  error: ErrorResponseSchema.optional(),
});
export type ApprovalStatus = z.infer<typeof ApprovalStatusSchema>;

/** A live assessment waits for a person: what `POST /assessment/request` answers for `kind: live` (202). */
export const LiveAssessmentPendingSchema = ApprovalStatusSchema.extend({
  servers: z.array(z.string()),
  description: z.string(),
});

/**
 * The design's RemediationProposal with its approval request, as much as a caller may see of config
 * files: `newText` and the edits' values (a whole file, the new value of a URL or an argument can carry a
 * password) are left out, and every line of the diff, context included, goes through the secret masking.
 * The hashes stay, and `subjectHash` still binds every byte of the full proposal.
 */
export const ApiProposalFileSchema = ProposalFileSchema.omit({ newText: true }).extend({ newBytes: z.number().int().nonnegative() });
export const ApiProposalActionSchema = ProposalActionSchema.extend({ edits: z.array(ProposalEditSchema.pick({ jsonPath: true, remove: true })) });
export const ApiRemediationProposalSchema = z.object({
  requestId: Id,
  state: ApprovalStateSchema,
  title: z.string(),
  expiresAt: Iso,
  subjectHash: Sha256HexSchema,
  notes: z.array(z.string()).optional(),
  proposal: RemediationProposalSchema.omit({ files: true, actions: true }).extend({ actions: z.array(ApiProposalActionSchema), files: z.array(ApiProposalFileSchema) }),
});
export type ApiRemediationProposal = z.infer<typeof ApiRemediationProposalSchema>;

/** The design's ExecutionResult: what the Installer did for an approved remediation. */
export const ExecutionResultSchema = z.object({
  requestId: Id,
  state: ApprovalStateSchema,
  executionId: z.string(),
  proposalId: z.string(),
  status: z.string(),
  alreadyApplied: z.boolean(),
  files: z.array(z.object({ displayPath: z.string(), newHash: z.string() })),
  approvedBy: z.string(),
});
export type ExecutionResult = z.infer<typeof ExecutionResultSchema>;

export const ServerHealthSchema = z.object({ state: z.string(), breaker: z.string() });

/** The design's AssessmentStatus: the servers' health, the newest static assessment, live assessments. */
export const AssessmentStatusSchema = z.object({
  servers: z.object({ compliance: ServerHealthSchema, installer: ServerHealthSchema }),
  lastAssessment: AssessmentResponseSchema.pick({ assessmentId: true, completedAt: true, source: true, degraded: true, summary: true }).nullable(),
  pendingApprovals: z.number().int().nonnegative(),
  liveAssessments: z.array(ApprovalStatusSchema),
});
export type AssessmentStatus = z.infer<typeof AssessmentStatusSchema>;

/** The design's RemediationStatus: remediation requests by state, newest first, and the dead-letter queue. */
export const RemediationStatusSchema = z.object({
  counts: z.partialRecord(ApprovalStateSchema, z.number().int().nonnegative()),
  deadLetters: z.number().int().nonnegative(),
  remediations: z.array(ApprovalStatusSchema),
});
export type RemediationStatus = z.infer<typeof RemediationStatusSchema>;

/** Query string of the two review endpoints: the one request to show. */
export const ReviewQuerySchema = z.strictObject({ requestId: Id });

/** Query string of the two log endpoints. Numbers arrive as text. */
export const LogQuerySchema = z.strictObject({
  limit: z.coerce.number().int().min(1).max(1000).default(100),
  beforeSeq: z.coerce.number().int().positive().optional(),
  since: Iso.optional(),
  until: Iso.optional(),
  kind: z.array(AuditKindSchema).max(50).optional(),
  actor: z.string().min(1).max(256).optional(),
  server: z.string().min(1).max(256).optional(),
});
export type LogQuery = z.infer<typeof LogQuerySchema>;

/** The design's AuditLog: one audit entry, as stored (secrets already replaced by keyed hashes). */
export const AuditLogSchema = AuditEntrySchema;
export const AuditLogPageSchema = z.array(AuditLogSchema);

export const HealthSchema = z.object({ status: z.literal('ok') });

export { AssessmentResponseSchema, ErrorResponseSchema, SummarySchema };
