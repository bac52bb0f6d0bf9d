import { z } from 'zod';
import { ConfigErrorSchema } from '../model/config-error';
import { FindingSchema, RemediationSchema } from '../model/finding';
import { ConfigSourceSchema } from '../model/source';

/**
 * The result of a static assessment: what the CLI prints as `--format json` (a public contract,
 * `version` bumps on breaking change) and what the servers and the extension pass around.
 */
export const AssessmentResultSchema = z.object({
  version: z.literal(1),
  tool: z.object({ name: z.literal('mcp-oversight'), version: z.string() }),
  workspace: z.string().optional(),
  sources: z.array(ConfigSourceSchema.omit({ errors: true })),
  findings: z.array(FindingSchema),
  errors: z.array(ConfigErrorSchema),
  /** Rules that ran, with their metadata, so reports (SARIF) can describe them. */
  rules: z.array(
    z.object({
      id: z.string(),
      category: z.string(),
      severity: z.string(),
      title: z.string(),
      rationale: z.string(),
      help: z.string(),
    }),
  ),
  /** Problems with the policy itself (e.g. an expired suppression), reported, never fatal. */
  policyNotes: z.array(z.string()),
});
export type AssessmentResult = z.infer<typeof AssessmentResultSchema>;

/**
 * What `--format json` prints: the result, except that remediations keep their description and
 * follow-up but not their edits (edit values come from the file and may sit beside a secret).
 */
export const JsonReportSchema = AssessmentResultSchema.extend({
  findings: z.array(FindingSchema.extend({ remediation: RemediationSchema.omit({ edits: true }).optional() })),
});
export type JsonReport = z.infer<typeof JsonReportSchema>;
