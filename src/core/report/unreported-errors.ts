import type { AssessmentResult } from '../assess/assessment-result';
import type { ConfigError } from '../model/config-error';

/**
 * The config errors that no `config-error` finding already stands for. The engine turns every
 * error into such a finding (with severity and fingerprint), so reports that show findings must not
 * show the error again: code scanning would raise two alerts for one problem.
 */
export function unreportedErrors(result: AssessmentResult): ConfigError[] {
  const reported = new Set(result.findings.filter((f) => f.ruleId === 'config-error').map((f) => `${f.file}\u0000${f.line}\u0000${f.column}\u0000${f.message}`));
  if (reported.size === 0) return result.errors;
  return result.errors.filter((e) => {
    for (const key of reported) if (key.startsWith(`${e.file}\u0000${e.line}\u0000${e.column}\u0000${e.message}`)) return false;
    return true;
  });
}
