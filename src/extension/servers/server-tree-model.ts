import type { ServerHealthView } from '../../coordinator/ports';
import type { Finding } from '../../core/model/finding';
import type { McpServer } from '../../core/model/server';
import type { Severity } from '../../core/model/severity';
import { atLeast, severityRank, toRange, type RangeModel } from '../diagnostics/diagnostic-model';
import { visible } from '../webviews/visible-text';
import type { FolderAssessment } from './assessment-store';
import { liveKey, type LiveHealth } from './live-health';

/**
 * What the Servers view shows, as plain data (unit-tested; servers-tree.ts maps it): each existing
 * config file (by display path) with its servers, each server with its static findings, worst severity
 * and last live health; then "MCP Oversight services". Every string from a config file goes through
 * `visible` (bidi, newlines and controls shown as escapes); tooltips are plain lines the adapter appends
 * as text, never as markdown. No env values, headers or args are shown: only the command's name and a
 * URL's host.
 */
export interface ServerNode {
  id: string;
  label: string;
  description?: string;
  /** Plain text lines: the adapter escapes them (MarkdownString.appendText). */
  tooltip: string[];
  /** A codicon id, and the theme color to paint it with. */
  icon: string;
  color?: string;
  contextValue: 'mcpConfigFile' | 'mcpServer' | 'mcpFinding' | 'mcpServices' | 'mcpService' | 'mcpDetail';
  children: ServerNode[];
  /** What "open" shows: a file, with a range to select. */
  open?: { file: string; range?: RangeModel };
}

/** The coordinator's servers: their health, or why there is none. */
export type ServicesState = { kind: 'up'; health: readonly ServerHealthView[] } | { kind: 'untrusted' } | { kind: 'not-started' };

const LOOK: Record<Severity | 'none', { icon: string; color: string }> = {
  critical: { icon: 'error', color: 'problemsErrorIcon.foreground' },
  high: { icon: 'error', color: 'problemsErrorIcon.foreground' },
  medium: { icon: 'warning', color: 'problemsWarningIcon.foreground' },
  low: { icon: 'info', color: 'problemsInfoIcon.foreground' },
  info: { icon: 'info', color: 'problemsInfoIcon.foreground' },
  none: { icon: 'pass', color: 'testing.iconPassed' },
};

const plural = (n: number, what: string) => `${n} ${what}${n === 1 ? '' : 's'}`;
const text = (s: string, max = 120) => visible(s, max);

function worstOf(findings: readonly Finding[]): Severity | undefined {
  let worst: Severity | undefined;
  for (const f of findings) if (!f.suppressed && (worst === undefined || severityRank(f.severity) > severityRank(worst))) worst = f.severity;
  return worst;
}

/** What the server runs or reaches, without anything secret: the command's name, or the URL's scheme and host. */
export function launcher(s: Pick<McpServer, 'transport' | 'command' | 'url'>): string {
  if (s.transport === 'stdio') return s.command ? text(s.command.split(/[\\/]/).pop() ?? s.command, 60) : '(no command)';
  try {
    const u = new URL(s.url ?? '');
    return `${u.protocol}//${u.host}`;
  } catch {
    return '(invalid URL)';
  }
}

function liveText(l: LiveHealth): string {
  return l.status === 'ok' ? `live: ok, ${plural(l.tools, 'tool')}, ${Math.round(l.totalMs)} ms` : `live: unreachable (${text(l.reason ?? 'no reason', 200)})`;
}

function findingNode(parentId: string, f: Finding): ServerNode {
  const look = LOOK[f.severity];
  return {
    id: `${parentId}/finding:${f.fingerprint}:${f.line}`,
    label: f.ruleId,
    description: `${f.severity}${f.suppressed ? ' (suppressed)' : ''} · ${text(f.message, 100)}`,
    tooltip: [`${f.ruleId} (${f.severity})`, text(f.message, 2000), ...(f.suppressed ? [`Suppressed by policy: ${text(f.suppressed.reason, 300)}`] : [])],
    icon: f.suppressed ? 'circle-slash' : look.icon,
    color: f.suppressed ? 'disabledForeground' : look.color,
    contextValue: 'mcpFinding',
    children: [],
    open: { file: f.file, range: toRange(f) },
  };
}

function serverNode(fileId: string, s: McpServer, findings: readonly Finding[], live: LiveHealth | undefined): ServerNode {
  const id = `${fileId}/server:${s.name}`;
  const worst = worstOf(findings);
  const look = LOOK[worst ?? 'none'];
  const counts = findings.length === 0 ? 'no findings' : `${plural(findings.length, 'finding')}${worst ? `, worst ${worst}` : ''}`;
  const parts = [...(s.enabled ? [] : ['disabled']), counts, ...(live ? [liveText(live)] : [])];
  const liveNode: ServerNode[] = live
    ? [{ id: `${id}/live`, label: live.status === 'ok' ? 'Live check: ok' : 'Live check: unreachable', description: `${liveText(live)} · ${live.at}`, tooltip: [liveText(live), `Checked at ${live.at}`, ...(live.findings ? [`${plural(live.findings, 'live finding')}${live.worst ? `, worst ${live.worst}` : ''}`] : [])], icon: live.status === 'ok' ? 'pulse' : 'debug-disconnect', ...(live.status === 'ok' ? {} : { color: 'problemsWarningIcon.foreground' }), contextValue: 'mcpDetail', children: [] }]
    : [];
  return {
    id,
    label: text(s.name, 100),
    description: parts.join(' · '),
    tooltip: [`Server ${text(s.name, 200)}`, `${s.transport} · ${launcher(s)}${s.enabled ? '' : ' · disabled'}`, counts, ...(live ? [liveText(live), `Last live check: ${live.at}`] : ['No live check yet'])],
    icon: s.enabled ? look.icon : 'circle-slash',
    color: s.enabled ? look.color : 'disabledForeground',
    contextValue: 'mcpServer',
    children: [...findings.map((f) => findingNode(id, f)), ...liveNode],
    open: { file: s.file, range: toRange(s.position) },
  };
}

/** Existing config files with their servers (a global file once, from whichever folder read it first). */
export function configNodes(assessments: readonly FolderAssessment[], live: ReadonlyMap<string, LiveHealth>): ServerNode[] {
  const out: ServerNode[] = [];
  const seen = new Set<string>();
  const multiRoot = assessments.length > 1;
  for (const a of assessments) {
    const shown = a.findings.filter((f) => atLeast(f.severity, a.minimumSeverity));
    for (const src of a.sources) {
      if (!src.exists || seen.has(src.file)) continue;
      seen.add(src.file);
      const id = `file:${src.file}`;
      const servers = a.servers.filter((s) => s.file === src.file);
      const fileFindings = shown.filter((f) => f.file === src.file);
      const loose = fileFindings.filter((f) => f.server === null || !servers.some((s) => s.name === f.server));
      const worst = worstOf(fileFindings);
      const where = src.scope === 'global' ? 'global' : multiRoot ? text(a.folderName, 60) : undefined;
      out.push({
        id,
        label: text(src.displayPath, 200),
        description: [where, plural(servers.length, 'server'), plural(fileFindings.length, 'finding')].filter(Boolean).join(' · '),
        tooltip: [text(src.file, 500), `${src.format} · ${src.scope}`, `Read by ${src.readBy.map((r) => r.client).join(', ') || 'no client (shadowed by a file of higher precedence)'}`, ...(src.errors.length ? [plural(src.errors.length, 'error') + ' reading the file'] : [])],
        icon: src.errors.length ? 'warning' : 'file-code',
        ...(src.errors.length || worst ? { color: LOOK[worst ?? 'medium'].color } : {}),
        contextValue: 'mcpConfigFile',
        children: [...servers.map((s) => serverNode(id, s, fileFindings.filter((f) => f.server === s.name), live.get(liveKey(s.file, s.name)))), ...loose.map((f) => findingNode(id, f))],
        open: { file: src.file },
      });
    }
  }
  return out;
}

const SERVICE_NAME: Record<string, string> = { compliance: 'Compliance Server', installer: 'Installer' };

export function servicesNode(state: ServicesState): ServerNode {
  const detail = (key: string, label: string, tooltip: string): ServerNode => ({ id: `services/${key}`, label, tooltip: [tooltip], icon: 'info', contextValue: 'mcpDetail', children: [] });
  const children =
    state.kind === 'untrusted'
      ? [detail('untrusted', 'Not started: this workspace is not trusted', 'Only static checks run here; trust the workspace to start the Compliance Server and the Installer.')]
      : state.kind === 'not-started'
        ? [detail('not-started', 'Not started yet', 'They start with the first review, fix or live check.')]
        : state.health.map((h): ServerNode => {
            const ok = h.state === 'up' && h.breaker === 'closed';
            const bad = h.breaker === 'open' || h.state === 'down' || h.state === 'stopped';
            const name = SERVICE_NAME[h.server] ?? text(h.server, 40);
            const desc = `${text(h.state, 40)} · circuit ${text(h.breaker, 40)} · ${plural(h.restarts ?? 0, 'restart')}`;
            return {
              id: `services/${h.server}`,
              label: name,
              description: desc,
              tooltip: [`${name}: ${desc}`, ...(h.pid ? [`Process ${h.pid}`] : []), ...(h.inFlight ? [`${h.inFlight} call(s) in flight`] : []), ...(h.lastError ? [`Last error (${h.lastError.at}): ${text(h.lastError.code, 60)}: ${text(h.lastError.message, 500)}`] : [])],
              icon: ok ? 'pass' : bad ? 'error' : 'warning',
              color: ok ? 'testing.iconPassed' : bad ? 'problemsErrorIcon.foreground' : 'problemsWarningIcon.foreground',
              contextValue: 'mcpService',
              children: [],
            };
          });
  return { id: 'services', label: 'MCP Oversight services', tooltip: ['The Compliance Server and the Installer that MCP Oversight runs'], icon: 'server-environment', contextValue: 'mcpServices', children };
}

/** The whole view; empty (so the welcome message shows) when no MCP config file exists. */
export function serverTree(assessments: readonly FolderAssessment[], live: ReadonlyMap<string, LiveHealth>, services: ServicesState): ServerNode[] {
  const files = configNodes(assessments, live);
  return files.length === 0 ? [] : [...files, servicesNode(services)];
}
