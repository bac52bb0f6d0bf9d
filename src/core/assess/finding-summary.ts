import { z } from 'zod';
import { FindingSchema, RemediationSchema, type Finding } from '../model/finding';
import { SEVERITIES, type Severity } from '../model/severity';

/** Findings as tools return them: remediation edits left out (values may sit beside a secret). */
export const ReportedFindingSchema = FindingSchema.extend({ remediation: RemediationSchema.omit({ edits: true }).optional() });
export type ReportedFinding = z.infer<typeof ReportedFindingSchema>;

export const SummarySchema = z.object({ critical: z.number(), high: z.number(), medium: z.number(), low: z.number(), info: z.number() });

export function reported(f: Finding): ReportedFinding {
  if (f.remediation === undefined) return f;
  const { edits: _edits, ...rest } = f.remediation;
  return { ...f, remediation: rest };
}

export function summarize(findings: readonly Finding[]): Record<Severity, number> {
  const out = Object.fromEntries(SEVERITIES.map((s) => [s, 0])) as Record<Severity, number>;
  for (const f of findings) if (f.suppressed === undefined) out[f.severity]++;
  return out;
}

export function summaryLine(findings: readonly Finding[]): string {
  const s = summarize(findings);
  return SEVERITIES.map((k) => `${s[k]} ${k}`).join(', ');
}
