import { z } from 'zod';
import { ReportedFindingSchema, SummarySchema } from '../assess/finding-summary';
import { APPROVAL_EVENTS, ApprovalStateSchema } from '../approvals/state-machine';
import { ApproverSchema, Sha256HexSchema, SignedGrantSchema } from '../grants/grant-schema';
import { LiveAssessmentPlanSchema } from '../live-plan/live-plan';
import { ConfigErrorSchema } from '../model/config-error';
import { ServerProbeSchema } from '../model/live';
import { RemediationProposalSchema } from '../remediation/proposal-schema';
import { ErrorResponseSchema } from './error-response';

/**
 * The design's message types, as zod schemas (the types are inferred from them). The coordinator
 * validates every one at its boundary: what a host hands it, what a server replies, what it reads back
 * from its store. `RemediationProposal` lives in core/remediation and `ErrorResponse` beside this file.
 */
const Iso = z.iso.datetime({ offset: true });
const Id = z.string().min(1).max(128);

/** Who acts: the editor's signed-in account, an API principal, the OS user, or the system itself. */
export const ActorSchema = ApproverSchema;
export type Actor = z.infer<typeof ActorSchema>;

export const AssessmentRequestSchema = z.object({
  requestId: Id,
  kind: z.enum(['static', 'live']),
  workspace: z.string().min(1).max(4096),
  includeGlobal: z.boolean().default(false),
  /** Live only: server names to assess (default every enabled one). */
  servers: z.array(z.string().max(1024)).max(500).optional(),
  requestedBy: ActorSchema,
  requestedAt: Iso,
});
export type AssessmentRequest = z.infer<typeof AssessmentRequestSchema>;

export const AssessmentResponseSchema = z.object({
  requestId: Id,
  assessmentId: z.string(),
  kind: z.enum(['static', 'live']),
  /** Where it ran: the Compliance Server, or in-process when that server was down (static only). */
  source: z.enum(['compliance-server', 'in-process']),
  degraded: z.boolean(),
  degradedReason: z.string().optional(),
  summary: SummarySchema,
  findings: z.array(ReportedFindingSchema),
  errors: z.array(ConfigErrorSchema),
  /** Live only: what each server returned (tools, prompts, resources) or why it was unreachable. */
  probes: z.array(ServerProbeSchema).optional(),
  completedAt: Iso,
});
export type AssessmentResponse = z.infer<typeof AssessmentResponseSchema>;

/** What a person reviews and decides on: a proposed change, or a live assessment that runs servers. */
export const ApprovalSubjectSchema = z.discriminatedUnion('kind', [
  z.object({ kind: z.literal('remediation'), proposal: RemediationProposalSchema, subjectHash: Sha256HexSchema }),
  z.object({ kind: z.literal('assessment'), plan: LiveAssessmentPlanSchema, subjectHash: Sha256HexSchema, description: z.string().max(100_000) }),
]);
export type ApprovalSubject = z.infer<typeof ApprovalSubjectSchema>;

/** The design's ApprovalResponse: a person's decision, naming the hash of exactly what they saw. */
export const ApprovalResponseSchema = z.object({
  requestId: Id,
  decision: z.enum(['approved', 'rejected']),
  subjectHash: Sha256HexSchema,
  approver: ActorSchema,
  decidedAt: Iso,
  reason: z.string().max(2000).optional(),
});
export type ApprovalResponse = z.infer<typeof ApprovalResponseSchema>;

export const ApprovalHistoryEntrySchema = z.object({
  from: ApprovalStateSchema.nullable(),
  to: ApprovalStateSchema,
  event: z.enum(APPROVAL_EVENTS).nullable(),
  at: Iso,
  actor: ActorSchema,
  reason: z.string().max(2000).optional(),
});
export type ApprovalHistoryEntry = z.infer<typeof ApprovalHistoryEntrySchema>;

/** What the Installer reports for an applied proposal (the fields the coordinator relies on). */
export const ExecutionOutcomeSchema = z.looseObject({
  executionId: z.string(),
  proposalId: z.string(),
  status: z.string(),
  alreadyApplied: z.boolean(),
  files: z.array(z.looseObject({ file: z.string(), displayPath: z.string(), newHash: z.string() })),
});
export type ExecutionOutcome = z.infer<typeof ExecutionOutcomeSchema>;

/** The design's ApprovalRequest, as stored and shown: the subject, its lifecycle, and the outcome. */
export const ApprovalRequestSchema = z.object({
  id: Id,
  workspace: z.string().min(1).max(4096),
  title: z.string().max(500),
  subject: ApprovalSubjectSchema,
  requestedBy: ActorSchema,
  requestedAt: Iso,
  expiresAt: Iso,
  state: ApprovalStateSchema,
  history: z.array(ApprovalHistoryEntrySchema),
  decision: ApprovalResponseSchema.optional(),
  /** The signed grant made from the decision; handed to the executing server. */
  grant: SignedGrantSchema.optional(),
  execution: ExecutionOutcomeSchema.optional(),
  assessment: AssessmentResponseSchema.optional(),
  error: ErrorResponseSchema.optional(),
  /**
   * What the reviewer should know besides the subject, from the server that made it (e.g. the static
   * findings a new server entry would have). Shown with the diff; not part of the signed subject.
   */
  notes: z.array(z.string().max(4000)).max(50).optional(),
  /** A stale proposal's fresh replacement (and back). */
  supersedes: Id.optional(),
  supersededBy: Id.optional(),
});
export type ApprovalRequest = z.infer<typeof ApprovalRequestSchema>;
