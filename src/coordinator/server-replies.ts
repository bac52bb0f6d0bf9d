import { z } from 'zod';
import { ReportedFindingSchema, SummarySchema } from '../core/assess/finding-summary';
import { hashCanonical, HASH_TAGS } from '../core/crypto/hash';
import { OversightError } from '../core/errors';
import { describeLivePlan, livePlanHash, LiveAssessmentPlanSchema } from '../core/live-plan/live-plan';
import { ConfigErrorSchema } from '../core/model/config-error';
import { ServerProbeSchema } from '../core/model/live';
import { RemediationProposalSchema } from '../core/remediation/proposal-schema';

/**
 * The servers' replies as the coordinator accepts them: validated with zod (a server is a process
 * that can be replaced or broken), and every subject hash recomputed here rather than taken on the
 * server's word, since that hash is what a person's approval will sign.
 */
export const StaticReplySchema = z.object({ assessmentId: z.string(), summary: SummarySchema, findings: z.array(ReportedFindingSchema), errors: z.array(ConfigErrorSchema) });
export const LiveReplySchema = z.object({ assessmentId: z.string(), summary: SummarySchema, findings: z.array(ReportedFindingSchema), probes: z.array(ServerProbeSchema) });
export const ProposalReplySchema = z.object({ proposal: RemediationProposalSchema, subjectHash: z.string() });
/** What install_server says besides its proposal: where the entry goes and what the rules find in it. */
export const InstallReplyExtras = z.object({
  target: z.object({ displayPath: z.string().max(4096), created: z.boolean() }),
  findings: z.array(z.object({ ruleId: z.string().max(128), severity: z.string().max(16), message: z.string().max(2000), line: z.number() })).max(200),
  notes: z.array(z.string().max(4000)).max(40),
});
export const PlanReplySchema = z.object({ plan: LiveAssessmentPlanSchema, subjectHash: z.string(), description: z.string() });

export function parseReply<S extends z.ZodType>(schema: S, value: unknown, where: string): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  throw new OversightError('SERVER_PROTOCOL', `${where} replied with something that is not a valid result (${r.error.issues.slice(0, 2).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}).`, { details: { where } });
}

export function checkedProposal(value: unknown, where: string) {
  const { proposal } = parseReply(ProposalReplySchema, value, where);
  return { proposal, subjectHash: hashCanonical(HASH_TAGS.proposal, proposal) };
}

export function checkedPlan(value: unknown, where: string) {
  const { plan } = parseReply(PlanReplySchema, value, where);
  return { plan, description: describeLivePlan(plan), subjectHash: livePlanHash(plan) };
}

export { ExecutionOutcomeSchema as ExecutionReply } from '../core/coordination/messages';
