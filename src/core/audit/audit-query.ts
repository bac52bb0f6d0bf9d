import { z } from 'zod';
import { AuditKindSchema, type AuditEntry } from './audit-entry';

/**
 * A query over the log. Times are ISO-8601 (any offset); `since` is inclusive, `until` exclusive.
 * `server` matches `subject.server`, or a subject of type `server` with that id. Results are newest
 * first; `limit` keeps the newest that many.
 */
export const AuditQuerySchema = z
  .object({
    since: z.iso.datetime({ offset: true }).optional(),
    until: z.iso.datetime({ offset: true }).optional(),
    kinds: z.array(AuditKindSchema).optional(),
    server: z.string().max(256).optional(),
    actorId: z.string().max(256).optional(),
    limit: z.number().int().positive().optional(),
    /** Only entries before this seq (paging: pass the last page's smallest seq). */
    beforeSeq: z.number().int().positive().optional(),
  })
  .strict();
export type AuditQuery = z.infer<typeof AuditQuerySchema>;

/** A query compiled once: times as epoch ms, kinds as a set. */
export interface AuditMatcher {
  sinceMs: number;
  untilMs: number;
  /** True when the entry matches every condition. */
  matches(e: AuditEntry): boolean;
  /** True when an entry with this timestamp could match (for skipping by time before parsing). */
  inTime(ms: number): boolean;
}

export function compileAuditQuery(q: AuditQuery): AuditMatcher {
  const sinceMs = q.since === undefined ? -Infinity : Date.parse(q.since);
  const untilMs = q.until === undefined ? Infinity : Date.parse(q.until);
  const kinds = q.kinds === undefined ? undefined : new Set<string>(q.kinds);
  const inTime = (ms: number) => ms >= sinceMs && ms < untilMs;
  return {
    sinceMs,
    untilMs,
    inTime,
    matches(e) {
      if (kinds !== undefined && !kinds.has(e.kind)) return false;
      if (q.beforeSeq !== undefined && e.seq >= q.beforeSeq) return false;
      if (q.actorId !== undefined && e.actor.id !== q.actorId) return false;
      if (q.server !== undefined && e.subject.server !== q.server && !(e.subject.type === 'server' && e.subject.id === q.server)) return false;
      return inTime(Date.parse(e.ts));
    },
  };
}
