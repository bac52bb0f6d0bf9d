import { z } from 'zod';
import { CategorySchema } from './category';
import { JsonPathSchema } from './location';
import { SeveritySchema } from './severity';

/** One edit of a remediation: set (or, with `remove`, delete) the value at `jsonPath` in `file`. */
export const RemediationEditSchema = z.object({
  file: z.string(),
  jsonPath: JsonPathSchema,
  /** The new value; absent together with `remove: true`. */
  value: z.unknown().optional(),
  remove: z.boolean().optional(),
});
export type RemediationEdit = z.infer<typeof RemediationEditSchema>;

/**
 * The exact change that would fix a finding. Never applied here: a later step turns it into text
 * edits, shows the diff, and applies it only after a person approves.
 */
export const RemediationSchema = z.object({
  description: z.string(),
  edits: z.array(RemediationEditSchema).min(1),
  /** What the person must do besides the edit (e.g. export an environment variable). */
  followUp: z.string().optional(),
});
export type Remediation = z.infer<typeof RemediationSchema>;

export const FindingSchema = z.object({
  ruleId: z.string(),
  category: CategorySchema,
  severity: SeveritySchema,
  /** Server name, or null for findings about a whole file. */
  server: z.string().nullable(),
  serverId: z.string().optional(),
  file: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
  endLine: z.number().int().positive(),
  endColumn: z.number().int().positive(),
  jsonPath: JsonPathSchema,
  /** Never contains a secret: secrets appear only masked (`ghp_…7f3a`). */
  message: z.string(),
  remediable: z.boolean(),
  remediation: RemediationSchema.optional(),
  /** Stable across runs and unrelated edits (rule, file, path, server): for SARIF and baselines. */
  fingerprint: z.string(),
  /** Set when a policy suppression matched: the finding is reported but does not fail the run. */
  suppressed: z.object({ reason: z.string(), expires: z.string().optional() }).optional(),
});
export type Finding = z.infer<typeof FindingSchema>;
