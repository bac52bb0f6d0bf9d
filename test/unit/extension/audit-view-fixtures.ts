import type { AuditEntry } from '../../../src/core/audit/audit-entry';

/** Hostile text as configs and servers can put it into a payload. */
export const EVIL = '<img src=x onerror="window.__pwned=1"></script><script>window.__pwned=2</script>';
export const RTL = 'gh\u202Eexe.';

/** An entry as the log returns it (hashes are not checked by the panel). */
export function entry(seq: number, over: Partial<AuditEntry> = {}): AuditEntry {
  return {
    seq,
    ts: new Date(Date.UTC(2026, 2, 1, 10, 0, 0) + seq * 1000).toISOString(),
    actor: { id: 'octocat', label: 'The Octocat', provider: 'github', verified: true },
    kind: 'approval.decided',
    subject: { type: 'approval', id: `req-${seq}`, server: 'github' },
    payload: { decision: 'approved', subjectHash: 'a'.repeat(64) },
    prevHash: '0'.repeat(64),
    hash: 'b'.repeat(64),
    ...over,
  };
}

/** `n` entries, newest first (as readAudit returns them), seqs `top` down. */
export function newestFirst(top: number, n: number, over: Partial<AuditEntry> = {}): AuditEntry[] {
  return Array.from({ length: n }, (_, i) => entry(top - i, over)).filter((e) => e.seq >= 1);
}
