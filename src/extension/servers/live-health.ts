import type { ApprovalRequest } from '../../core/coordination/messages';
import type { Severity } from '../../core/model/severity';
import { severityRank } from '../diagnostics/diagnostic-model';

/** What the newest executed live check saw of one server. */
export interface LiveHealth {
  status: 'ok' | 'unreachable';
  /** `timeout: …` when unreachable (probe reasons are redacted by the Compliance Server). */
  reason?: string;
  /** When that live check finished (ISO 8601). */
  at: string;
  totalMs: number;
  tools: number;
  /** Live findings about this server (tool poisoning, hidden characters, …). */
  findings: number;
  worst?: Severity;
}

export function liveKey(file: string, name: string): string {
  return `${file}\u0000${name}`;
}

/**
 * Live health per server (keyed by `liveKey(file, name)`), from the coordinator's executed live
 * assessments: each such approval request carries its AssessmentResponse with one probe per server.
 * The newest check that saw a server wins.
 */
export function liveHealthByServer(requests: readonly ApprovalRequest[]): Map<string, LiveHealth> {
  const out = new Map<string, LiveHealth>();
  const done = requests
    .filter((r) => r.subject.kind === 'assessment' && r.state === 'executed' && r.assessment?.probes)
    .sort((a, b) => (a.assessment?.completedAt ?? '').localeCompare(b.assessment?.completedAt ?? ''));
  for (const r of done) {
    const a = r.assessment!;
    for (const p of a.probes ?? []) {
      const mine = a.findings.filter((f) => f.server === p.serverName && f.file === p.file);
      let worst: Severity | undefined;
      for (const f of mine) if (worst === undefined || severityRank(f.severity) > severityRank(worst)) worst = f.severity;
      out.set(liveKey(p.file, p.serverName), {
        status: p.status,
        ...(p.reason ? { reason: `${p.reason.code}: ${p.reason.message}` } : {}),
        at: a.completedAt,
        totalMs: p.timings.totalMs,
        tools: p.tools.length,
        findings: mine.length,
        ...(worst ? { worst } : {}),
      });
    }
  }
  return out;
}
