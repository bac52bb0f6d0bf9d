import type { ApprovalRequest } from '../../core/coordination/messages';
import { relative, sep } from 'node:path';
import { LIMITS, type ApprovalView, type AssessmentView, type FileView, type RemediationView } from '../../protocol/diff-preview';
import { parseUnifiedDiff } from './unified-diff';
import { visible } from './visible-text';

/**
 * ApprovalRequest -> what the diff preview shows. Pure (no vscode), so it is unit-tested directly.
 * Every string that came from a config file or a server is made visible (invisible and bidi
 * characters escaped) and cut to the protocol's limits, so the result always parses with
 * `ShowMessageSchema`. The webview sees only the proposal's masked `diff`, never `newText` (which is
 * exact and may hold a secret the config already holds; the native diff editor shows that).
 */
export interface ViewModelOptions {
  /** Diff lines shown across all files of one request (each file also stops at LIMITS.linesPerFile). */
  maxTotalLines?: number;
}

export const DEFAULT_MAX_TOTAL_LINES = 20_000;

export function toShowMessage(request: ApprovalRequest, opts: ViewModelOptions = {}): { type: 'show'; view: ApprovalView } {
  return { type: 'show', view: toApprovalView(request, opts) };
}

export function toApprovalView(request: ApprovalRequest, opts: ViewModelOptions = {}): ApprovalView {
  const s = request.subject;
  const who = request.requestedBy;
  return {
    requestId: request.id,
    subjectHash: s.subjectHash,
    title: visible(request.title, LIMITS.title),
    state: request.state,
    decidable: request.state === 'pending',
    requestedBy: visible(who.label === '' ? who.id : `${who.label} (${who.provider})`, LIMITS.label),
    requestedAt: request.requestedAt,
    expiresAt: request.expiresAt,
    ...(request.notes !== undefined && request.notes.length > 0 ? { notes: request.notes.slice(0, LIMITS.factors).map((n) => visible(n, LIMITS.text, '\n')) } : {}),
    subject: s.kind === 'remediation' ? remediationView(s.proposal, request.workspace, opts) : assessmentView(s.plan),
  };
}

type Proposal = Extract<ApprovalRequest['subject'], { kind: 'remediation' }>['proposal'];
type Plan = Extract<ApprovalRequest['subject'], { kind: 'assessment' }>['plan'];

function remediationView(p: Proposal, workspace: string, opts: ViewModelOptions): RemediationView {
  const shownPath = new Map(p.files.map((f) => [f.file, f.displayPath]));
  let budget = opts.maxTotalLines ?? DEFAULT_MAX_TOTAL_LINES;
  const files: FileView[] = p.files.slice(0, LIMITS.files).map((f, index) => {
    const parsed = parseUnifiedDiff(f.diff, { maxLines: Math.max(0, Math.min(LIMITS.linesPerFile, budget)) });
    if (parsed.diff.format === 'hunks') budget -= parsed.diff.hunks.reduce((n, h) => n + h.lines.length, 0);
    return {
      index,
      displayPath: visible(f.displayPath, LIMITS.path),
      created: f.baseHash === 'absent',
      added: parsed.added,
      removed: parsed.removed,
      truncated: parsed.truncated,
      diff: parsed.diff,
    };
  });
  const actions = p.actions.slice(0, LIMITS.actions).map((a) => ({
    kind: a.kind,
    description: visible(a.description, LIMITS.text, '\n'),
    displayPath: visible(shownPath.get(a.file) ?? displayPath(a.file, workspace), LIMITS.path),
    risk: a.risk,
    ...(a.ruleId !== undefined ? { ruleId: visible(a.ruleId, LIMITS.id) } : {}),
    ...(a.severity !== undefined ? { severity: a.severity } : {}),
    ...(a.server !== undefined ? { server: visible(a.server, LIMITS.label) } : {}),
    ...(a.followUp !== undefined ? { followUp: visible(a.followUp, LIMITS.text, '\n') } : {}),
  }));
  return {
    kind: 'remediation',
    risk: {
      level: p.riskAssessment.level,
      summary: visible(p.riskAssessment.summary, LIMITS.text, '\n'),
      factors: p.riskAssessment.factors.slice(0, LIMITS.factors).map((f) => visible(f, LIMITS.text, '\n')),
    },
    estimatedTime: { iso: p.estimatedTime.slice(0, 32), text: durationText(p.estimatedTime) },
    findingsFixed: p.actions.filter((a) => a.kind === 'remediate-finding' && a.findingFingerprint !== undefined).length,
    actions,
    files,
  };
}

function assessmentView(plan: Plan): AssessmentView {
  return {
    kind: 'assessment',
    servers: plan.servers.slice(0, LIMITS.servers).map((s) => ({
      name: visible(s.name, LIMITS.label),
      transport: visible(s.transport, 32),
      // Arguments and URLs were masked when the plan was built (they travel to the MCP client too).
      target: visible(s.transport === 'stdio' ? [s.command ?? '', ...s.args].join(' ') : (s.url ?? ''), LIMITS.text),
      ...(s.cwd !== undefined ? { cwd: visible(s.cwd, LIMITS.path) } : {}),
      envKeys: s.envKeys.slice(0, LIMITS.keys).map((k) => visible(k, LIMITS.label)),
      headerKeys: s.headerKeys.slice(0, LIMITS.keys).map((k) => visible(k, LIMITS.label)),
      displayPath: visible(displayPath(s.file, plan.workspace), LIMITS.path),
    })),
    timeoutSeconds: Math.round(plan.timeoutMs / 1000),
    concurrency: plan.concurrency,
  };
}

/** `PT1M30S` -> `about 1 min 30 s`; anything else as written. */
export function durationText(iso: string): string {
  const m = /^PT(?:(\d+)H)?(?:(\d+)M)?(?:(\d+)S)?$/.exec(iso);
  if (m === null || iso === 'PT') return iso.slice(0, 64);
  const parts = [m[1] !== undefined ? `${Number(m[1])} h` : '', m[2] !== undefined ? `${Number(m[2])} min` : '', m[3] !== undefined ? `${Number(m[3])} s` : ''].filter((p) => p !== '');
  return `about ${parts.join(' ')}`.slice(0, 64);
}

/** The path relative to the workspace when inside it (as the proposal builder writes displayPath). */
function displayPath(file: string, workspace: string): string {
  const rel = relative(workspace, file);
  return rel === '' || rel.startsWith('..') ? file : rel.split(sep).join('/');
}
