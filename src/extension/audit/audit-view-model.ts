import type { AuditEntry } from '../../core/audit/audit-entry';
import type { AuditQuery } from '../../core/audit/audit-query';
import type { AuditVerifyReport } from '../../core/audit/audit-verify';
import { AUDIT_VIEW_KINDS, AUDIT_VIEW_LIMITS, type AuditFilter, type AuditRow, type VerifyView } from '../../protocol/audit-view';
import { visibleText } from '../webviews/visible-text';

/**
 * The sidebar audit panel's view model: entries -> rows (with a one-line summary), the panel's filter ->
 * an AuditQuery (and the query for the next older page), a verify report -> words. Pure: no vscode, no
 * runtime import of the coordinator or of core/audit (those pull classic zod into the extension bundle);
 * test/unit/extension/audit-view-model.test.ts covers it.
 */

const L = AUDIT_VIEW_LIMITS;

/** Text a person will read, with invisible / bidi characters shown as escapes, cut to `max`. */
function shown(raw: string, max: number, flag: { hidden: boolean }): string {
  const v = visibleText(raw, max);
  if (v.hidden) flag.hidden = true;
  return v.text;
}

export function toRow(e: AuditEntry): AuditRow {
  const flag = { hidden: false };
  // Newlines stay in the pretty-printed JSON (JSON.stringify escaped those inside strings already);
  // every other invisible or direction-changing character becomes a visible escape.
  const json = JSON.stringify(e.payload, null, 2) ?? '{}';
  const payload = visibleText(json, L.payload, '\n');
  if (payload.hidden) flag.hidden = true;
  const row: AuditRow = {
    seq: e.seq,
    ts: shown(e.ts, 40, flag),
    kind: shown(e.kind, 64, flag),
    actor: { id: shown(e.actor.id, L.label, flag), label: shown(e.actor.label, L.label, flag), provider: shown(e.actor.provider, L.provider, flag), verified: e.actor.verified === true },
    subject: { type: shown(e.subject.type, 64, flag), id: shown(e.subject.id, L.id, flag), ...(e.subject.server !== undefined ? { server: shown(e.subject.server, L.label, flag) } : {}) },
    summary: shown(summarize(e), L.summary, flag),
    payload: payload.text,
    payloadClipped: payload.clipped,
    hidden: false,
  };
  row.hidden = flag.hidden;
  return row;
}

const isRecord = (v: unknown): v is Record<string, unknown> => typeof v === 'object' && v !== null && !Array.isArray(v);
const text = (v: unknown): string | undefined => (typeof v === 'string' ? v : typeof v === 'number' || typeof v === 'boolean' ? String(v) : undefined);
const quoted = (v: unknown, max = 80): string | undefined => {
  const t = text(v);
  if (t === undefined) return undefined;
  const one = t.replace(/\s+/g, ' ').trim();
  return one.length > max ? `${one.slice(0, max - 1)}…` : one;
};

/** One line saying what happened, from the fields each kind records (docs/AUDIT.md); any other payload as `key=value`. */
export function summarize(e: AuditEntry): string {
  const p = e.payload;
  const parts: (string | undefined)[] = [];
  switch (e.kind) {
    case 'coordinator.started': {
      const servers = Array.isArray(p['servers']) ? p['servers'].filter(isRecord) : [];
      parts.push(servers.length > 0 ? `servers: ${servers.map((s) => `${text(s['server']) ?? '?'} ${s['up'] === true ? 'up' : 'down'}`).join(', ')}` : 'started');
      if (Array.isArray(p['resuming']) && p['resuming'].length > 0) parts.push(`resuming ${p['resuming'].length} approval(s)`);
      break;
    }
    case 'coordinator.stopped':
      parts.push('stopped');
      break;
    case 'assessment.requested':
      parts.push(`${text(p['kind']) ?? 'assessment'} assessment requested${p['includeGlobal'] === true ? ' (with global configs)' : ''}`);
      break;
    case 'assessment.completed': {
      const s = isRecord(p['summary']) ? p['summary'] : undefined;
      const counts = s ? Object.entries(s).filter(([, v]) => typeof v === 'number').map(([k, v]) => `${k} ${String(v)}`) : [];
      parts.push(`completed${p['degraded'] === true ? ' (degraded: in-process)' : ''}`, counts.length > 0 ? counts.slice(0, 6).join(', ') : undefined, typeof p['errors'] === 'number' && p['errors'] > 0 ? `${p['errors']} config error(s)` : undefined);
      break;
    }
    case 'approval.requested':
      parts.push(quoted(p['title']) ?? 'approval requested', p['expiresAt'] !== undefined ? `expires ${text(p['expiresAt']) ?? ''}` : undefined);
      break;
    case 'approval.decided':
      parts.push(text(p['decision']) ?? 'decided', p['approverVerified'] === false ? 'by an unverified identity' : undefined, p['reason'] !== undefined ? `reason: ${quoted(p['reason']) ?? ''}` : undefined);
      break;
    case 'approval.expired':
      parts.push(`expired${p['was'] !== undefined ? ` (was ${text(p['was']) ?? ''})` : ''}`);
      break;
    case 'approval.cancelled':
      parts.push(`cancelled${p['stale'] === true ? ': the files changed since the proposal' : ''}`, p['reason'] !== undefined ? quoted(p['reason']) : undefined);
      break;
    case 'execution.started':
      parts.push(`${text(p['kind']) ?? 'execution'} started${p['retry'] === true ? ' (retry)' : ''}`);
      break;
    case 'server.health':
      parts.push(`${text(p['state']) ?? '?'}, circuit ${text(p['breaker']) ?? '?'}`, isRecord(p['lastError']) ? `last error ${text(p['lastError']['code']) ?? ''}` : undefined);
      break;
    case 'audit.accessed': {
      const q = isRecord(p['query']) ? p['query'] : {};
      const f = Object.entries(q).map(([k, v]) => `${k}=${Array.isArray(v) ? v.map((x) => text(x) ?? '?').join('|') : (quoted(v, 40) ?? '?')}`);
      const command = text(p['command']);
      parts.push(`read the log${command !== undefined ? ` (${command})` : ''}`, f.length > 0 ? f.join(' ') : 'no filter', typeof p['count'] === 'number' ? `${p['count']} entries` : undefined);
      break;
    }
    case 'audit.torn-line':
      parts.push(`torn last line recovered${typeof p['bytes'] === 'number' ? ` (${p['bytes']} bytes)` : ''}`);
      break;
    default:
      if (p['code'] !== undefined || p['message'] !== undefined) parts.push([text(p['code']), quoted(p['message'], 160)].filter((x) => x !== undefined).join(': '));
      else parts.push(keyValues(p));
  }
  if (!parts.some((x) => x !== undefined && x !== '')) parts.push(keyValues(p));
  return parts.filter((x): x is string => x !== undefined && x !== '').join(' · ');
}

function keyValues(p: Record<string, unknown>): string {
  const kv = Object.entries(p)
    .slice(0, 6)
    .map(([k, v]) => `${k}=${quoted(v, 40) ?? (Array.isArray(v) ? `[${v.length}]` : isRecord(v) ? '{…}' : 'null')}`);
  return kv.length > 0 ? kv.join(' ') : '—';
}

/** The filter as the page sent it, cleaned: text trimmed, empty fields dropped, a kind we do not know dropped. */
export function normalizeFilter(f: AuditFilter): AuditFilter {
  const out: AuditFilter = {};
  if (f.kind !== undefined && (AUDIT_VIEW_KINDS as readonly string[]).includes(f.kind)) out.kind = f.kind;
  const server = f.server?.trim();
  if (server) out.server = server;
  const actor = f.actor?.trim();
  if (actor) out.actor = actor;
  if (f.since !== undefined && !Number.isNaN(Date.parse(f.since))) out.since = new Date(Date.parse(f.since)).toISOString();
  if (f.until !== undefined && !Number.isNaN(Date.parse(f.until))) out.until = new Date(Date.parse(f.until)).toISOString();
  return out;
}

/** The newest `limit` entries matching the filter. */
export function filterToQuery(f: AuditFilter, limit: number = L.page): AuditQuery {
  return {
    ...(f.kind !== undefined ? { kinds: [f.kind] } : {}),
    ...(f.server !== undefined ? { server: f.server } : {}),
    ...(f.actor !== undefined ? { actorId: f.actor } : {}),
    ...(f.since !== undefined ? { since: f.since } : {}),
    ...(f.until !== undefined ? { until: f.until } : {}),
    limit,
  };
}

/**
 * The query for the page older than `shown` (newest first). AuditQuery bounds by time, not by seq, and
 * several entries can share a millisecond, so it asks for everything up to and including the oldest
 * shown entry's millisecond, with room for the shown entries of that millisecond, and `mergeOlder`
 * drops those again by seq. Undefined when nothing is shown.
 */
export function olderQuery(f: AuditFilter, shown: readonly { seq: number; ts: string }[], page: number = L.page): AuditQuery | undefined {
  const oldest = shown[shown.length - 1];
  if (oldest === undefined) return undefined;
  const ms = Date.parse(oldest.ts);
  if (Number.isNaN(ms)) return undefined;
  const boundary = new Date(ms + 1).toISOString();
  const until = f.until !== undefined && Date.parse(f.until) < ms + 1 ? f.until : boundary;
  const sameMs = shown.filter((r) => Date.parse(r.ts) === ms).length;
  return { ...filterToQuery(f, page + sameMs), until };
}

/** The fetched older page without the entries already shown (and never a newer one). */
export function mergeOlder<T extends { seq: number }>(shown: readonly T[], fetched: readonly T[]): T[] {
  const have = new Set(shown.map((r) => r.seq));
  const oldest = shown[shown.length - 1]?.seq ?? Infinity;
  return fetched.filter((r) => !have.has(r.seq) && r.seq < oldest);
}

/** What the verify state says. `at`: when the verify ran. */
export function verifyView(state: { status: 'unverified' } | { status: 'running' } | { status: 'done'; report: AuditVerifyReport; at: Date } | { status: 'error'; message: string }): VerifyView {
  switch (state.status) {
    case 'unverified':
      return { status: 'unverified', text: 'Not verified yet', details: ['Verify recomputes every hash of the chain and checks the signed checkpoints against the store\u2019s public key.'] };
    case 'running':
      return { status: 'running', text: 'Verifying the chain…', details: [] };
    case 'error':
      return { status: 'error', text: 'Could not verify', details: [clip(state.message)] };
    case 'done': {
      const r = state.report;
      const at = state.at.toISOString();
      if (!r.ok) {
        const bad = r.firstBad;
        const where = bad?.file !== undefined ? ` (${bad.file}${bad.line !== undefined ? `:${bad.line}` : ''})` : '';
        return {
          status: 'broken',
          text: bad ? clip(`BROKEN at seq ${bad.seq}: ${bad.reason}`) : 'BROKEN',
          details: [...(bad ? [clip(`${bad.detail}${where}`)] : []), `Checked at ${at}. Keep a copy of the store folder before anything else writes to it.`, ...r.notes.slice(0, 5).map(clip)],
        };
      }
      if (r.head === undefined) return { status: 'ok', text: `Verified at ${at}: the log is empty`, details: r.notes.slice(0, 5).map(clip) };
      const signed = r.unanchored === 0 && r.lastCheckpoint !== undefined;
      const details = [
        `${r.entries} entries in ${r.segments} segment(s), ${r.checkpoints} signed checkpoint(s).`,
        ...(r.pruned ? [clip(prunedSentence(r.pruned))] : []),
        ...(r.lastCheckpoint !== undefined ? [`Last signed checkpoint: seq ${r.lastCheckpoint.seq} at ${r.lastCheckpoint.ts}.`] : []),
        ...(r.unanchored > 0 ? [`The newest ${r.unanchored} entries are chained but not yet under a signed checkpoint (one is written every 1,000 entries and at shutdown).`] : []),
        ...r.notes.filter((n) => !n.includes('after the last checkpoint') && !n.startsWith('entries before seq')).slice(0, 5).map(clip),
      ];
      return { status: 'ok', text: `Verified up to seq ${r.head.seq} at ${at}${signed ? ' (checkpoint signed)' : ''}`, details };
    }
  }
}

/** The verify result as one notification's text (Verify the Audit Log). */
export function describeVerify(r: AuditVerifyReport): string {
  if (r.ok) return `The audit log verifies: ${r.entries} entries, ${r.checkpoints} signed checkpoint(s)${r.unanchored > 0 ? `, ${r.unanchored} newest entries not yet under a checkpoint` : ''}.${r.pruned ? ` ${prunedSentence(r.pruned)}` : ''}`;
  const bad = r.firstBad;
  return `The audit log is BROKEN${bad ? ` at seq ${bad.seq} (${bad.reason}${bad.file ? `, ${bad.file}${bad.line ? `:${bad.line}` : ''}` : ''}): ${bad.detail}` : ''}. Keep a copy of the store folder before anything else writes to it.`;
}

/**
 * "Entries before seq N were pruned by retention on DATE." The core's `describePruned` says the same
 * (the glue may not import it at runtime); a unit test keeps the two in step.
 */
export function prunedSentence(p: NonNullable<AuditVerifyReport['pruned']>): string {
  return `Entries before seq ${p.beforeSeq} were pruned by retention on ${p.at.slice(0, 10)} (older than ${p.cutoff}; signed retention anchor).`;
}

function clip(s: string): string {
  return visibleText(s, L.message).text;
}
