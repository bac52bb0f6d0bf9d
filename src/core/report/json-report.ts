import type { AssessmentResult } from '../assess/assessment-result';
import type { ConfigError } from '../model/config-error';
import type { Finding, Remediation } from '../model/finding';

type Source = AssessmentResult['sources'][number];
type RuleInfo = AssessmentResult['rules'][number];

/*
 * Key order of each object in the output. `satisfies Record<keyof T, true>` makes adding a field
 * to a schema without placing it here a compile error, so the report never silently drops a field
 * and its order never depends on how the producer happened to build the object.
 */
const RESULT_KEYS = {
  version: true,
  tool: true,
  workspace: true,
  sources: true,
  findings: true,
  errors: true,
  policyNotes: true,
  rules: true,
} as const satisfies Record<keyof AssessmentResult, true>;

const TOOL_KEYS = { name: true, version: true } as const satisfies Record<keyof AssessmentResult['tool'], true>;

const SOURCE_KEYS = {
  id: true,
  file: true,
  displayPath: true,
  format: true,
  scope: true,
  exists: true,
  readBy: true,
  strictJson: true,
  serverCount: true,
} as const satisfies Record<keyof Source, true>;

const READ_BY_KEYS = { client: true, precedence: true } as const satisfies Record<keyof Source['readBy'][number], true>;

const FINDING_KEYS = {
  ruleId: true,
  category: true,
  severity: true,
  server: true,
  serverId: true,
  file: true,
  line: true,
  column: true,
  endLine: true,
  endColumn: true,
  jsonPath: true,
  message: true,
  remediable: true,
  remediation: true,
  fingerprint: true,
  suppressed: true,
} as const satisfies Record<keyof Finding, true>;

/**
 * A remediation's `edits` carry values from the file (the value to write may sit beside another
 * secret in the same string): reports never print them. They are applied in-process, after approval.
 */
const REMEDIATION_KEYS = { description: true, followUp: true } as const satisfies Partial<Record<keyof Remediation, true>>;

const SUPPRESSED_KEYS = { reason: true, expires: true } as const satisfies Record<keyof NonNullable<Finding['suppressed']>, true>;

const ERROR_KEYS = {
  code: true,
  file: true,
  line: true,
  column: true,
  jsonPath: true,
  field: true,
  message: true,
  fix: true,
  client: true,
} as const satisfies Record<keyof ConfigError, true>;

const RULE_KEYS = {
  id: true,
  category: true,
  severity: true,
  title: true,
  rationale: true,
  help: true,
} as const satisfies Record<keyof RuleInfo, true>;

/** A copy of `obj` with exactly the listed keys, in that order; undefined values are left out. */
function ordered<T extends object>(obj: T, keys: Record<keyof T, true>): Record<string, unknown> {
  const out: Record<string, unknown> = {};
  const values = obj as Record<keyof T, unknown>;
  for (const key of Object.keys(keys) as (keyof T & string)[]) {
    const value = values[key];
    if (value !== undefined) out[key] = value;
  }
  return out;
}

function orderFinding(f: Finding): Record<string, unknown> {
  return ordered(
    {
      ...f,
      remediation:
        f.remediation === undefined
          ? undefined
          : ordered(f.remediation, REMEDIATION_KEYS as Record<keyof Remediation, true>),
      suppressed: f.suppressed === undefined ? undefined : ordered(f.suppressed, SUPPRESSED_KEYS),
    },
    FINDING_KEYS,
  );
}

/**
 * The `--format json` report: the AssessmentResult with keys in a fixed order, so that two runs over
 * the same files produce byte-identical output (diffable in CI). Paths are kept as given.
 */
export function renderJson(result: AssessmentResult): string {
  const doc = ordered(
    {
      ...result,
      tool: ordered(result.tool, TOOL_KEYS),
      sources: result.sources.map((s) => ordered({ ...s, readBy: s.readBy.map((r) => ordered(r, READ_BY_KEYS)) }, SOURCE_KEYS)),
      findings: result.findings.map(orderFinding),
      errors: result.errors.map((e) => ordered(e, ERROR_KEYS)),
      rules: result.rules.map((r) => ordered(r, RULE_KEYS)),
    },
    RESULT_KEYS,
  );
  return JSON.stringify(doc, null, 2) + '\n';
}
