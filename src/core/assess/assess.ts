import { relative, sep } from 'node:path';
import type { ConfigModel } from '../model/config-model';
import type { Finding } from '../model/finding';
import type { Locator } from '../config/locator';
import { severityRank } from '../model/severity';
import { expiredNote, findSuppression, severityOverride } from '../policy/apply-policy';
import { redactSecrets } from '../secrets/detect-secrets';
import { EMPTY_POLICY, type Policy, type Suppression } from '../policy/policy-schema';
import { ALL_RULES } from '../rules/all-rules';
import { ruleFailure, type Rule, type RuleHit } from '../rules/rule';
import type { AssessmentResult } from './assessment-result';
import { fingerprint } from './fingerprint';

export interface AssessOptions {
  /** Positions of fields (from loadConfigModel); without it findings point at their server's entry. */
  locator?: Locator;
  /** File texts (from loadConfigModel), for rules that scan beyond the modelled fields. */
  texts?: ReadonlyMap<string, string>;
  rules?: readonly Rule[];
  policy?: Policy;
  /** For suppression expiry; tests pass a fixed date. */
  now?: Date;
  toolVersion: string;
}

function relativeFile(workspace: string | undefined, file: string): string {
  if (workspace === undefined) return file;
  const rel = relative(workspace, file);
  return rel.startsWith('..') ? file : rel.split(sep).join('/');
}

/** Runs the static rules over a model and applies the policy. Pure: no I/O, no clock unless `now` is absent. */
export function assessModel(model: ConfigModel, opts: AssessOptions): AssessmentResult {
  const rules = opts.rules ?? ALL_RULES;
  const policy = opts.policy ?? EMPTY_POLICY;
  const today = (opts.now ?? new Date()).toISOString().slice(0, 10);
  const notes: string[] = [];
  const expiredNoted = new Set<Suppression>();
  const findings: Finding[] = [];
  const relCache = new Map<string, string>();
  const rel = (file: string): string => {
    let r = relCache.get(file);
    if (r === undefined) relCache.set(file, (r = relativeFile(model.workspace, file)));
    return r;
  };

  const suppressionFor = (rule: Rule, hit: RuleHit, file: string): Suppression | undefined =>
    findSuppression(policy, { ruleId: rule.id, category: rule.category, server: hit.server?.name, file: rel(file) }, today, (s) => {
      if (!expiredNoted.has(s)) {
        expiredNoted.add(s);
        notes.push(expiredNote(s));
      }
    });

  const hasSuppressions = (policy.suppressions?.length ?? 0) > 0;
  for (const rule of rules) {
    const override = severityOverride(policy, rule.id, rule.category);
    const onHit = (hit: RuleHit) => {
      const file = hit.server?.file ?? hit.file ?? '';
      const pos = hit.server ? (opts.locator?.locate(file, hit.path) ?? hit.server.position) : undefined;
      const line = pos?.line ?? hit.at?.line ?? 1;
      const column = pos?.column ?? hit.at?.column ?? 1;
      const server = hit.server?.name ?? null;
      const suppression = hasSuppressions ? suppressionFor(rule, hit, file) : undefined;
      // Built field by field (no spreads): this runs once per finding, thousands of times on big configs.
      const finding: Finding = {
        ruleId: rule.id,
        category: rule.category,
        severity: override ?? hit.severity ?? rule.severity,
        server,
        file,
        line,
        column,
        endLine: pos?.endLine ?? line,
        endColumn: pos?.endColumn ?? column,
        jsonPath: hit.path,
        // Rules mask what they quote; this second pass catches whatever a rule quoted by accident.
        message: redactSecrets(hit.message),
        remediable: hit.remediation !== undefined,
        fingerprint: fingerprint({ ruleId: rule.id, file: rel(file), path: hit.path, server, key: hit.key }),
      };
      if (hit.server) finding.serverId = hit.server.id;
      if (hit.remediation) {
        // Descriptions quote the config (flags, tool names): the same second pass as for messages.
        const { description, followUp } = hit.remediation;
        finding.remediation = { ...hit.remediation, description: redactSecrets(description), ...(followUp === undefined ? {} : { followUp: redactSecrets(followUp) }) };
      }
      if (suppression) finding.suppressed = suppression.expires === undefined ? { reason: suppression.reason } : { reason: suppression.reason, expires: suppression.expires };
      findings.push(finding);
    };
    try {
      rule.check({ model, policy, ...(opts.texts ? { texts: opts.texts } : {}) }, onHit);
    } catch (e) {
      // Model-wide rules (per-server ones catch per server): never let one abort the assessment.
      const first = model.sources.find((src) => src.exists);
      onHit({ file: first?.file ?? '', path: [], key: 'rule-failure', severity: 'medium', message: ruleFailure(rule.id, undefined, e) });
    }
  }
  findings.sort((a, b) => (a.file < b.file ? -1 : a.file > b.file ? 1 : a.line - b.line || a.column - b.column || severityRank(b.severity) - severityRank(a.severity) || (a.ruleId < b.ruleId ? -1 : 1)));

  return {
    version: 1,
    tool: { name: 'mcp-oversight', version: opts.toolVersion },
    ...(model.workspace === undefined ? {} : { workspace: model.workspace }),
    sources: model.sources.map(({ errors: _errors, ...rest }) => rest),
    findings,
    errors: model.sources.flatMap((s) => s.errors),
    rules: rules.map((r) => ({ id: r.id, category: r.category, severity: r.severity, title: r.title, rationale: r.rationale, help: r.help })),
    policyNotes: notes,
  };
}
