import { canonicalJson } from '../crypto/canonical-json';
import type { AuditEntry } from './audit-entry';
import type { AuditExportMeta } from './audit-export';
import { describePruned } from './audit-verify';

/**
 * A Markdown compliance report: integrity verdict first, then who decided what, what ran, what failed,
 * who read the log, and the entries. Every value from the log is escaped (it may hold text a server or
 * a user chose): no table break-out, no links, no HTML.
 */
export function renderAuditMarkdown(entries: readonly AuditEntry[], meta: AuditExportMeta, opts: { maxRows?: number } = {}): string {
  const maxRows = opts.maxRows ?? 1000;
  const out: string[] = ['# MCP Oversight audit report', ''];
  out.push(`- Generated: ${md(meta.generatedAt)}`);
  if (meta.store !== undefined) out.push(`- Store: ${md(meta.store)}`);
  const filter = Object.entries(meta.query).filter(([, v]) => v !== undefined);
  out.push(`- Selection: ${filter.length === 0 ? 'all entries' : filter.map(([k, v]) => `${k} = ${md(Array.isArray(v) ? v.join(', ') : String(v))}`).join('; ')}`);
  const first = entries[0];
  const last = entries[entries.length - 1];
  out.push(`- Period: ${first && last ? `${md(first.ts)} to ${md(last.ts)} (seq ${first.seq} to ${last.seq})` : 'no entries'}`, `- Entries in this report: ${entries.length}`, '');

  out.push('## Integrity', '');
  const v = meta.verify;
  if (v === undefined) out.push('Not verified: no public key was available.');
  else if (v.ok) {
    out.push(`**Verified.** ${v.entries} entries in ${v.segments} segment(s), hash chain intact; ${v.checkpoints} signed checkpoint(s)` + (v.lastCheckpoint ? `, the last at seq ${v.lastCheckpoint.seq} (${md(v.lastCheckpoint.ts)})` : '') + '.');
    if (v.pruned) out.push('', `${md(describePruned(v.pruned).replace(/^e/, 'E'))}.`);
    if (v.unanchored > 0) out.push('', `${v.unanchored} entries after the last checkpoint are chained but not yet signed.`);
  } else if (v.firstBad) {
    out.push(`**BROKEN at seq ${v.firstBad.seq} (${v.firstBad.reason}).** ${md(v.firstBad.detail)}`, '', 'Entries from that seq on cannot be relied upon.');
  }
  out.push('');

  out.push('## Summary by kind', '', '| Kind | Entries |', '| --- | ---: |');
  for (const [k, n] of countBy(entries, (e) => e.kind)) out.push(`| ${md(k)} | ${n} |`);
  out.push('');

  const decided = entries.filter((e) => e.kind === 'approval.decided');
  out.push('## Approval decisions', '');
  if (decided.length === 0) out.push('None in this selection.');
  else {
    out.push('| Decision | Approver | Provider | Identity verified | Count |', '| --- | --- | --- | --- | ---: |');
    for (const [key, n] of countBy(decided, (e) => [decisionOf(e), e.actor.label || e.actor.id, e.actor.provider, e.actor.verified ? 'yes' : 'no'].join('\u0000'))) {
      const [d, who, provider, verified] = key.split('\u0000');
      out.push(`| ${md(d ?? '')} | ${md(who ?? '')} | ${md(provider ?? '')} | ${verified} | ${n} |`);
    }
  }
  out.push('', `Expired: ${count(entries, 'approval.expired')}; cancelled: ${count(entries, 'approval.cancelled')}.`, '');

  out.push('## Executions and failures', '');
  out.push(`- Executions completed: ${count(entries, 'execution.completed')}, failed: ${count(entries, 'execution.failed')}`);
  out.push(`- Assessments completed: ${count(entries, 'assessment.completed')}, failed: ${count(entries, 'assessment.failed')}`);
  out.push(`- Requests failed: ${count(entries, 'request.failed')}; dead-lettered: ${count(entries, 'dead-letter.added')} (retried ${count(entries, 'dead-letter.retried')}, discarded ${count(entries, 'dead-letter.discarded')})`);
  out.push(`- Authentication failures: ${count(entries, 'auth.failed')}`);
  out.push(`- Torn lines recovered after a crash: ${count(entries, 'audit.torn-line')}`);
  out.push(`- Reads of the audit log: ${count(entries, 'audit.accessed')}`);
  out.push(`- HTTP API requests: ${count(entries, 'api.access')}; rate-limited bursts: ${count(entries, 'api.rate-limited')}; API keys created ${count(entries, 'api.key-created')}, revoked ${count(entries, 'api.key-revoked')}; tokens issued ${count(entries, 'api.token-issued')}`);
  out.push(`- Retention prunes (old segments deleted): ${count(entries, 'audit.pruned')}`, '');

  out.push('## Actors', '', '| Actor | Provider | Identity verified | Entries |', '| --- | --- | --- | ---: |');
  for (const [key, n] of countBy(entries, (e) => [e.actor.label || e.actor.id, e.actor.provider, e.actor.verified ? 'yes' : 'no'].join('\u0000'))) {
    const [who, provider, verified] = key.split('\u0000');
    out.push(`| ${md(who ?? '')} | ${md(provider ?? '')} | ${verified} | ${n} |`);
  }
  out.push('');

  const servers = countBy(
    entries.filter((e) => e.subject.server !== undefined),
    (e) => e.subject.server ?? '',
  );
  if (servers.size > 0) {
    out.push('## Servers', '', '| Server | Entries |', '| --- | ---: |');
    for (const [s, n] of servers) out.push(`| ${md(s)} | ${n} |`);
    out.push('');
  }

  out.push('## Entries', '', '| Seq | Time (UTC) | Kind | Actor | Subject | Details |', '| ---: | --- | --- | --- | --- | --- |');
  for (const e of entries.slice(0, maxRows)) {
    const subject = `${e.subject.type} ${e.subject.id}${e.subject.server !== undefined ? ` (${e.subject.server})` : ''}`;
    out.push(`| ${e.seq} | ${md(e.ts)} | ${md(e.kind)} | ${md(e.actor.label || e.actor.id)} | ${md(subject)} | ${md(clip(canonicalJson(e.payload), 160))} |`);
  }
  if (entries.length > maxRows) out.push('', `${entries.length - maxRows} more entries are not listed here; export as JSON or CSV for all of them.`);
  return out.join('\n') + '\n';
}

function decisionOf(e: AuditEntry): string {
  const d = e.payload['decision'] ?? e.payload['outcome'] ?? e.payload['status'];
  return typeof d === 'string' ? d : 'unknown';
}

function count(entries: readonly AuditEntry[], kind: AuditEntry['kind']): number {
  let n = 0;
  for (const e of entries) if (e.kind === kind) n++;
  return n;
}

function countBy<T>(items: readonly T[], key: (t: T) => string): Map<string, number> {
  const m = new Map<string, number>();
  for (const it of items) m.set(key(it), (m.get(key(it)) ?? 0) + 1);
  return new Map([...m].sort((a, b) => b[1] - a[1] || (a[0] < b[0] ? -1 : 1)));
}

function clip(s: string, n: number): string {
  return s.length <= n ? s : `${s.slice(0, n - 1)}…`;
}

/** Escapes a value for a Markdown table cell or line: no breaking out of the cell, no markup, no HTML. */
export function md(text: string): string {
  return text
    // eslint-disable-next-line no-control-regex -- control characters are exactly what must go
    .replace(/[\u0000-\u001f\u007f\u2028\u2029]+/g, ' ')
    .replace(/[\\`*_[\]{}()#+!|~>]/g, (c) => `\\${c}`)
    .replace(/&/g, '&amp;')
    .replace(/</g, '&lt;');
}
