import { z } from 'zod';
import { JsonPathSchema } from '../model/location';
import { SeveritySchema } from '../model/severity';
import { BaseHashSchema, Sha256HexSchema } from '../grants/grant-schema';

/** One change to one JSON path: set `value`, or delete with `remove: true`. */
export const ProposalEditSchema = z.object({
  jsonPath: JsonPathSchema.min(1),
  value: z.unknown().optional(),
  remove: z.literal(true).optional(),
});
export type ProposalEdit = z.infer<typeof ProposalEditSchema>;

export const RiskLevelSchema = z.enum(['low', 'medium', 'high']);
export type RiskLevel = z.infer<typeof RiskLevelSchema>;

export const ProposalActionSchema = z.object({
  actionId: z.string().min(1).max(128),
  kind: z.enum(['remediate-finding', 'install-server', 'pin-tools']),
  description: z.string().max(4000),
  /** Absolute path of the file this action edits. */
  file: z.string().min(1).max(4096),
  edits: z.array(ProposalEditSchema).min(1).max(1000),
  risk: RiskLevelSchema,
  ruleId: z.string().max(128).optional(),
  findingFingerprint: z.string().max(128).optional(),
  severity: SeveritySchema.optional(),
  server: z.string().max(1024).optional(),
  /** What the person must do besides the edit (e.g. export an environment variable). */
  followUp: z.string().max(4000).optional(),
});
export type ProposalAction = z.infer<typeof ProposalActionSchema>;

/** One target file: its hash as read, the exact text after the change, and a unified diff to review. */
export const ProposalFileSchema = z.object({
  file: z.string().min(1).max(4096),
  /** The path as a person knows it (relative to the workspace when inside it). */
  displayPath: z.string().max(4096),
  baseHash: BaseHashSchema,
  newText: z.string().max(4 * 1024 * 1024),
  newHash: Sha256HexSchema,
  /** Unified diff of base -> new. Token-shaped secrets are masked in it; `newText` is exact. */
  diff: z.string(),
});
export type ProposalFile = z.infer<typeof ProposalFileSchema>;

export const RiskAssessmentSchema = z.object({
  level: RiskLevelSchema,
  summary: z.string(),
  factors: z.array(z.string()),
});
export type RiskAssessment = z.infer<typeof RiskAssessmentSchema>;

/**
 * The design's RemediationProposal. Its hash (`hashCanonical(HASH_TAGS.proposal, proposal)`) is what a
 * grant approves, so every field a reviewer sees is bound: change one byte and the grant no longer fits.
 */
export const RemediationProposalSchema = z.object({
  proposalId: z.string().min(1).max(128),
  assessmentId: z.string().min(1).max(128),
  actions: z.array(ProposalActionSchema).min(1).max(1000),
  riskAssessment: RiskAssessmentSchema,
  /** ISO 8601 duration: how long applying and the follow-ups take a person (e.g. `PT1M`). */
  estimatedTime: z.string().regex(/^PT(\d+H)?(\d+M)?(\d+S)?$/),
  requiresApproval: z.literal(true),
  timestamp: z.iso.datetime({ offset: true }),
  files: z.array(ProposalFileSchema).min(1).max(32),
});
export type RemediationProposal = z.infer<typeof RemediationProposalSchema>;
