import { createHash } from 'node:crypto';
import type * as Sarif from 'sarif';
import type { AssessmentResult } from '../assess/assessment-result';
import type { Category } from '../model/category';
import type { ConfigError } from '../model/config-error';
import type { Finding } from '../model/finding';
import { toPointer } from '../model/location';
import { SeveritySchema, type Severity } from '../model/severity';
import { directoryUri, fileUri, relativeUnder, relativeUri } from './report-paths';
import { unreportedErrors } from './unreported-errors';

export const SARIF_SCHEMA_URI = 'https://json.schemastore.org/sarif-2.1.0.json';
export const TOOL_INFORMATION_URI = 'https://github.com/mcp-oversight/mcp-oversight';
/** The synthetic rule that config errors (unreadable, invalid or rejected files) are reported under. */
export const CONFIG_ERROR_RULE_ID = 'config-error';
/** Key of `partialFingerprints`: versioned, so that a change of fingerprint scheme is not mistaken for new results. */
export const FINGERPRINT_KEY = 'mcpOversight/v1';

const SRCROOT = '%SRCROOT%';

type RuleInfo = AssessmentResult['rules'][number];

const LEVEL: Record<Severity, Sarif.Result.level> = {
  critical: 'error',
  high: 'error',
  medium: 'warning',
  low: 'note',
  info: 'note',
};

/** GitHub code scanning maps these to its critical/high/medium/low bands (>= 9, >= 7, >= 4, > 0). */
const SECURITY_SEVERITY: Record<Severity, string> = {
  critical: '9.5',
  high: '8.0',
  medium: '5.5',
  low: '3.0',
  info: '0.0',
};

const CONFIG_ERROR_CATEGORY: Category = 'invalid-config';
const CONFIG_ERROR_SEVERITY: Severity = 'high';

const CONFIG_ERROR_RULE: RuleInfo = {
  id: CONFIG_ERROR_RULE_ID,
  category: CONFIG_ERROR_CATEGORY,
  severity: CONFIG_ERROR_SEVERITY,
  title: 'MCP config file cannot be used as written',
  rationale:
    'The file is unreadable, is not valid JSON, or would be rejected by the client that reads it. Its servers are then ' +
    'not what the file appears to say, and nothing in it can be assessed until it is fixed.',
  help: 'Fix the reported field as the message describes, then run the assessment again.',
};

/** Rule metadata carries severity as a plain string; anything unknown is reported as medium rather than dropped. */
function asSeverity(s: string): Severity {
  const parsed = SeveritySchema.safeParse(s);
  return parsed.success ? parsed.data : 'medium';
}

/** `secret-in-config` -> `SecretInConfig` (SARIF `name` is meant to be an identifier-like string). */
function pascalCase(id: string): string {
  return id
    .split(/[^A-Za-z0-9]+/)
    .filter((w) => w !== '')
    .map((w) => w.charAt(0).toUpperCase() + w.slice(1))
    .join('');
}

function descriptor(rule: RuleInfo): Sarif.ReportingDescriptor {
  const severity = asSeverity(rule.severity);
  return {
    id: rule.id,
    name: pascalCase(rule.id),
    shortDescription: { text: rule.title },
    fullDescription: { text: rule.rationale },
    help: { text: rule.help, markdown: `**${rule.title}**\n\n${rule.rationale}\n\n${rule.help}` },
    defaultConfiguration: { level: LEVEL[severity] },
    properties: {
      category: rule.category,
      tags: ['security', rule.category],
      'security-severity': SECURITY_SEVERITY[severity],
    },
  };
}

/** Rule metadata for a finding whose rule is missing from `result.rules`, so that its ruleIndex still points somewhere. */
function ruleFromFinding(f: Finding): RuleInfo {
  return { id: f.ruleId, category: f.category, severity: f.severity, title: f.ruleId, rationale: f.ruleId, help: f.ruleId };
}

/** The rules in `result.rules` order, then any referenced but undescribed ones, then `config-error` if used. */
function collectRules(result: AssessmentResult): { rules: RuleInfo[]; index: Map<string, number> } {
  const rules: RuleInfo[] = [];
  const index = new Map<string, number>();
  const add = (rule: RuleInfo): void => {
    if (index.has(rule.id)) return;
    index.set(rule.id, rules.length);
    rules.push(rule);
  };
  result.rules.forEach(add);
  for (const f of result.findings) add(ruleFromFinding(f));
  if (unreportedErrors(result).length > 0) add(CONFIG_ERROR_RULE);
  return { rules, index };
}

/** Under the base: relative, against %SRCROOT%. Elsewhere: an absolute file URI. */
function artifactLocation(file: string, baseDir: string | undefined): Sarif.ArtifactLocation {
  const rel = relativeUnder(file, baseDir);
  if (rel !== undefined) {
    return baseDir === undefined ? { uri: relativeUri(rel) } : { uri: relativeUri(rel), uriBaseId: SRCROOT };
  }
  const abs = fileUri(file);
  // A relative path that climbs out of the base has no better form than itself.
  return { uri: abs ?? relativeUri(file.replace(/\\/g, '/')) };
}

function findingResult(f: Finding, ruleIndex: number, baseDir: string | undefined): Sarif.Result {
  const out: Sarif.Result = {
    ruleId: f.ruleId,
    ruleIndex,
    level: LEVEL[f.severity],
    message: { text: f.message },
    locations: [
      {
        physicalLocation: {
          artifactLocation: artifactLocation(f.file, baseDir),
          region: { startLine: f.line, startColumn: f.column, endLine: f.endLine, endColumn: f.endColumn },
        },
      },
    ],
    partialFingerprints: { [FINGERPRINT_KEY]: f.fingerprint },
    properties: { category: f.category, severity: f.severity, server: f.server, remediable: f.remediable },
  };
  if (f.suppressed !== undefined) {
    const suppression: Sarif.Suppression = { kind: 'external', status: 'accepted', justification: f.suppressed.reason };
    if (f.suppressed.expires !== undefined) suppression.properties = { expires: f.suppressed.expires };
    out.suppressions = [suppression];
  }
  return out;
}

function errorResult(e: ConfigError, ruleIndex: number, baseDir: string | undefined): Sarif.Result {
  const location = artifactLocation(e.file, baseDir);
  // Built from the base-relative URI, not the raw path, so that it is the same on every machine.
  const fingerprint = createHash('sha256')
    .update([CONFIG_ERROR_RULE_ID, e.code, location.uri ?? '', toPointer(e.jsonPath)].join('\0'))
    .digest('hex')
    .slice(0, 32);
  const properties: Sarif.PropertyBag = {
    category: CONFIG_ERROR_CATEGORY,
    severity: CONFIG_ERROR_SEVERITY,
    code: e.code,
    field: e.field,
    fix: e.fix,
  };
  if (e.client !== undefined) properties['client'] = e.client;
  return {
    ruleId: CONFIG_ERROR_RULE_ID,
    ruleIndex,
    level: LEVEL[CONFIG_ERROR_SEVERITY],
    // The fix goes in the message too: it is what the reader needs, and viewers show only the message.
    message: { text: `${e.message} Fix: ${e.fix}` },
    locations: [{ physicalLocation: { artifactLocation: location, region: { startLine: e.line, startColumn: e.column } } }],
    partialFingerprints: { [FINGERPRINT_KEY]: fingerprint },
    properties,
  };
}

/**
 * SARIF 2.1.0 (one run) for GitHub code scanning and other SARIF viewers. `baseDir` should be the
 * repository root: files under it get relative URIs against `%SRCROOT%`, which is how code scanning
 * matches results to files; others get absolute `file://` URIs.
 */
export function renderSarif(result: AssessmentResult, opts: { baseDir?: string }): string {
  const { baseDir } = opts;
  const { rules, index } = collectRules(result);
  const indexOf = (id: string): number => index.get(id) ?? -1;

  const results: Sarif.Result[] = [
    ...result.findings.map((f) => findingResult(f, indexOf(f.ruleId), baseDir)),
    ...unreportedErrors(result).map((e) => errorResult(e, indexOf(CONFIG_ERROR_RULE_ID), baseDir)),
  ];

  const invocation: Sarif.Invocation = { executionSuccessful: true };
  if (result.policyNotes.length > 0) {
    // Policy problems (e.g. an expired suppression) are about the tool's configuration, not the code.
    invocation.toolConfigurationNotifications = result.policyNotes.map((note) => ({ level: 'warning', message: { text: note } }));
  }

  const run: Sarif.Run = {
    tool: {
      driver: {
        name: 'mcp-oversight',
        version: result.tool.version,
        informationUri: TOOL_INFORMATION_URI,
        rules: rules.map(descriptor),
      },
    },
    invocations: [invocation],
    results,
    // Our columns come from JavaScript string offsets.
    columnKind: 'utf16CodeUnits',
  };
  const baseUri = baseDir === undefined ? undefined : directoryUri(baseDir);
  if (baseUri !== undefined) run.originalUriBaseIds = { [SRCROOT]: { uri: baseUri } };

  const log: Sarif.Log = { $schema: SARIF_SCHEMA_URI, version: '2.1.0', runs: [run] };
  return JSON.stringify(log, null, 2) + '\n';
}
