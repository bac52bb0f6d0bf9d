import { canonicalJson } from '../crypto/canonical-json';
import type { AuditEntry } from './audit-entry';
import type { AuditQuery } from './audit-query';
import type { AuditVerifyReport } from './audit-verify';

/** What every export says about itself: when, from where, which entries, and whether the log verified. */
export interface AuditExportMeta {
  generatedAt: string;
  store?: string;
  query: AuditQuery;
  /** The verification of the whole log at export time (absent when no public key was available). */
  verify?: AuditVerifyReport;
}

/** JSON export: entries oldest first, exactly as stored (hashes included, so they can be re-checked). */
export function renderAuditJson(entries: readonly AuditEntry[], meta: AuditExportMeta): string {
  return JSON.stringify({ format: 'mcp-oversight-audit-export', version: 1, ...meta, count: entries.length, entries }, null, 2) + '\n';
}

export const AUDIT_CSV_COLUMNS = ['seq', 'ts', 'kind', 'actor_id', 'actor_label', 'actor_provider', 'actor_verified', 'subject_type', 'subject_id', 'subject_server', 'payload', 'prev_hash', 'hash'] as const;

/**
 * CSV (RFC 4180, CRLF, every cell quoted). A cell starting with `=`, `+`, `-`, `@`, a tab or a carriage
 * return would be run as a formula by a spreadsheet (CSV injection): such cells get a leading `'`.
 */
export function renderAuditCsv(entries: readonly AuditEntry[]): string {
  const rows = [AUDIT_CSV_COLUMNS.join(',')];
  for (const e of entries) {
    rows.push(
      [e.seq, e.ts, e.kind, e.actor.id, e.actor.label, e.actor.provider, e.actor.verified, e.subject.type, e.subject.id, e.subject.server ?? '', canonicalJson(e.payload), e.prevHash, e.hash]
        .map((v) => csvCell(String(v)))
        .join(','),
    );
  }
  return rows.join('\r\n') + '\r\n';
}

export function csvCell(value: string): string {
  const safe = /^[=+\-@\t\r]/.test(value) ? `'${value}` : value;
  return `"${safe.replace(/"/g, '""')}"`;
}
