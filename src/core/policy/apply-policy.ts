import type { Finding } from '../model/finding';
import { redactSecrets } from '../secrets/detect-secrets';
import { globMatch } from './glob';
import type { Policy, Suppression } from './policy-schema';

export interface PolicySubject {
  ruleId: string;
  category: string;
  server: string | undefined;
  /** Relative to the workspace, as suppressions name files. */
  file: string;
}

/**
 * The suppression that applies, if any. An expired one does not apply; `onExpired` is told once per
 * suppression so the report can say so. One definition for static and live findings.
 */
export function findSuppression(policy: Policy, s: PolicySubject, today: string, onExpired: (s: Suppression) => void): Suppression | undefined {
  for (const sup of policy.suppressions ?? []) {
    const ruleOk = sup.rule === '*' || sup.rule === s.ruleId || sup.rule === `category:${s.category}`;
    const serverOk = sup.server === undefined || (s.server !== undefined && globMatch(sup.server, s.server));
    const fileOk = sup.file === undefined || globMatch(sup.file, s.file);
    if (!ruleOk || !serverOk || !fileOk) continue;
    if (sup.expires !== undefined && sup.expires < today) {
      onExpired(sup);
      continue;
    }
    return sup;
  }
  return undefined;
}

export function severityOverride(policy: Policy, ruleId: string, category: string) {
  return policy.severity?.[ruleId] ?? policy.severity?.[`category:${category}`];
}

export function expiredNote(s: Suppression): string {
  return redactSecrets(`Suppression of "${s.rule}"${s.server ? ` for server "${s.server}"` : ''} expired on ${s.expires ?? ''}; its findings are reported again. Reason given: ${s.reason}`);
}

/** Severity overrides and suppressions for findings made outside the rule engine (live checks). */
export function applyPolicy(findings: readonly Finding[], policy: Policy, now: Date): { findings: Finding[]; notes: string[] } {
  const today = now.toISOString().slice(0, 10);
  const noted = new Set<Suppression>();
  const notes: string[] = [];
  const out = findings.map((f) => {
    const severity = severityOverride(policy, f.ruleId, f.category) ?? f.severity;
    const sup = findSuppression(policy, { ruleId: f.ruleId, category: f.category, server: f.server ?? undefined, file: f.file }, today, (s) => {
      if (!noted.has(s)) {
        noted.add(s);
        notes.push(expiredNote(s));
      }
    });
    const next: Finding = { ...f, severity };
    if (sup !== undefined) next.suppressed = sup.expires === undefined ? { reason: sup.reason } : { reason: sup.reason, expires: sup.expires };
    return next;
  });
  return { findings: out, notes };
}
