import type { Finding } from '../../core/model/finding';
import type { Severity } from '../../core/model/severity';
import type { FolderAssessment } from '../servers/assessment-store';
import { visible } from '../webviews/visible-text';

/**
 * Findings as Problems, as plain data (no `vscode` here, so it is unit-tested; diagnostics.ts maps it).
 * Suppressed findings (a policy accepted them) stay visible but quiet: a Hint ending in
 * "(suppressed: reason)", so nobody wonders where a finding went and nobody is nagged by it.
 */
export type DiagnosticLevel = 'error' | 'warning' | 'information' | 'hint';

/** 0-based, end exclusive: VS Code's Range. */
export interface RangeModel {
  startLine: number;
  startCharacter: number;
  endLine: number;
  endCharacter: number;
}

export interface DiagnosticModel {
  /** A finding of a rule (code links to docs/RULES.md), or an error in the policy file (the folder was not assessed). */
  kind: 'finding' | 'policy';
  file: string;
  range: RangeModel;
  level: DiagnosticLevel;
  message: string;
  ruleId: string;
  fingerprint: string;
  severity: Severity;
  /** A Quick Fix can propose a remediation: remediable, and the coordinator's folder can find it by fingerprint. */
  fixable: boolean;
  suppressed: boolean;
}

const RANK: Record<Severity, number> = { critical: 4, high: 3, medium: 2, low: 1, info: 0 };

/** Higher is worse (the same order as core/model/severity, without pulling zod into the extension bundle). */
export function severityRank(s: Severity): number {
  return RANK[s] ?? 0;
}

export function atLeast(s: Severity, min: Severity): boolean {
  return severityRank(s) >= severityRank(min);
}

export function diagnosticLevel(s: Severity): DiagnosticLevel {
  if (s === 'critical' || s === 'high') return 'error';
  if (s === 'medium') return 'warning';
  if (s === 'low') return 'information';
  return 'hint';
}

/** A finding's 1-based range (end column exclusive, as the span indexer makes it) as a 0-based one, never inverted. */
export function toRange(p: { line: number; column: number; endLine: number; endColumn: number }): RangeModel {
  const startLine = Math.max(0, p.line - 1);
  const startCharacter = Math.max(0, p.column - 1);
  let endLine = Math.max(0, p.endLine - 1);
  let endCharacter = Math.max(0, p.endColumn - 1);
  if (endLine < startLine || (endLine === startLine && endCharacter < startCharacter)) {
    endLine = startLine;
    endCharacter = startCharacter;
  }
  return { startLine, startCharacter, endLine, endCharacter };
}

/**
 * The rule's section of docs/RULES.md on the repository's web page, or undefined when package.json's
 * repository is not an https URL. GitHub's heading anchors: lower case, only [a-z0-9-_].
 */
export function ruleDocsUrl(repositoryUrl: string | undefined, ruleId: string): string | undefined {
  if (!repositoryUrl) return undefined;
  const base = repositoryUrl.trim().replace(/^git\+/, '').replace(/\.git$/, '').replace(/\/+$/, '');
  if (!/^https:\/\/[^\s/?#@]+\/[^\s?#]+$/.test(base)) return undefined;
  const anchor = ruleId.toLowerCase().replace(/[^a-z0-9_-]/g, '');
  return `${base}/blob/main/docs/RULES.md${anchor ? `#${anchor}` : ''}`;
}

function message(f: Finding): string {
  // Rule messages quote server names from the file: bidi and control characters shown as escapes.
  const text = visible(f.message, 2000);
  return f.suppressed ? `${text} (suppressed: ${visible(f.suppressed.reason, 300)})` : text;
}

function add(out: Map<string, DiagnosticModel[]>, m: DiagnosticModel): void {
  const list = out.get(m.file);
  if (list) list.push(m);
  else out.set(m.file, [m]);
}

function isInside(file: string, folder: string): boolean {
  const f = file.replace(/\\/g, '/');
  const d = folder.replace(/\\/g, '/').replace(/\/+$/, '');
  return f.startsWith(`${d}/`);
}

/**
 * Every folder's shown findings (at least its `minimumSeverity`) by file. A global file is in every
 * folder's assessment: each finding appears once. Only the primary folder's own files get a Quick Fix:
 * the coordinator assesses that folder, and fingerprints are relative to it (another folder's
 * `.kilocode/mcp.json` would name the wrong file).
 */
export function diagnosticModels(assessments: readonly FolderAssessment[]): Map<string, DiagnosticModel[]> {
  const out = new Map<string, DiagnosticModel[]>();
  const seen = new Set<string>();
  for (const a of assessments) {
    for (const f of a.findings) {
      if (!atLeast(f.severity, a.minimumSeverity)) continue;
      const key = `${f.file}\u0000${f.ruleId}\u0000${f.line}:${f.column}\u0000${f.message}`;
      if (seen.has(key)) continue;
      seen.add(key);
      const model: DiagnosticModel = {
        kind: 'finding',
        file: f.file,
        range: toRange(f),
        level: f.suppressed ? 'hint' : diagnosticLevel(f.severity),
        message: message(f),
        ruleId: f.ruleId,
        fingerprint: f.fingerprint,
        severity: f.severity,
        // A suppressed finding has no fix to propose: the Compliance Server leaves suppressed findings out.
        fixable: f.remediable && f.suppressed === undefined && a.primary && isInside(f.file, a.folder),
        suppressed: f.suppressed !== undefined,
      };
      add(out, model);
    }
    for (const e of a.policyErrors) {
      const at = { line: e.line, column: e.column, endLine: e.line, endColumn: e.column + 1 };
      const message = `MCP policy error in ${visible(e.field, 200)}: ${visible(e.message, 1000)} ${visible(e.fix, 500)} The folder was not assessed.`;
      add(out, { kind: 'policy', file: e.file, range: toRange(at), level: 'error', message, ruleId: 'policy', fingerprint: '', severity: 'high', fixable: false, suppressed: false });
    }
  }
  for (const list of out.values()) list.sort((x, y) => x.range.startLine - y.range.startLine || x.range.startCharacter - y.range.startCharacter);
  return out;
}
