import type { ErrorResponse } from '../core/coordination/error-response';
import { DeadLetterSchema, type DeadLetter } from '../core/coordination/dead-letter';
import type { Actor, ApprovalRequest } from '../core/coordination/messages';
import { OversightError } from '../core/errors';
import type { AuditPort } from './ports';
import type { RecordStore } from './record-store';

/**
 * Requests that failed for good on a transient error (a server down, timing out, its circuit open),
 * kept on disk for a person to inspect, retry or discard. One entry per approval request: failing
 * again counts another attempt on the same entry.
 */
export class DeadLetterQueue {
  constructor(
    private readonly store: RecordStore<typeof DeadLetterSchema>,
    private readonly audit: AuditPort,
    private readonly now: () => Date,
    private readonly changed: () => void,
  ) {}

  init(): Promise<void> {
    return this.store.init();
  }

  list(): Promise<DeadLetter[]> {
    return this.store.list().then((all) => all.sort((a, b) => b.lastFailedAt.localeCompare(a.lastFailedAt)));
  }

  async get(id: string): Promise<DeadLetter> {
    const d = await this.store.get(id);
    if (d === undefined) throw new OversightError('DEAD_LETTER_NOT_FOUND', `No failed request ${id} (it may have been retried or discarded already).`, { details: { id } });
    return d;
  }

  async add(r: ApprovalRequest, error: ErrorResponse): Promise<DeadLetter> {
    const id = `dl-${r.id}`;
    const prior = await this.store.get(id);
    const at = this.now().toISOString();
    const entry: DeadLetter = {
      id,
      operation: 'execute-approval',
      approvalId: r.id,
      title: r.title,
      server: r.subject.kind === 'remediation' ? 'installer' : 'compliance',
      tool: r.subject.kind === 'remediation' ? 'apply_remediation' : 'assess_servers',
      error,
      attempts: (prior?.attempts ?? 0) + 1,
      firstFailedAt: prior?.firstFailedAt ?? at,
      lastFailedAt: at,
    };
    await this.store.put(id, entry);
    await this.audit.append({ actor: r.requestedBy, kind: 'dead-letter.added', subject: { type: 'dead-letter', id, server: entry.server }, payload: { approvalId: r.id, code: error.code, attempts: entry.attempts } });
    this.changed();
    return entry;
  }

  /** Runs the request again through `run`; the entry goes once it succeeds (a new failure updates it). */
  async retry(id: string, actor: Actor, run: (approvalId: string) => Promise<ApprovalRequest>): Promise<ApprovalRequest> {
    const entry = await this.get(id);
    await this.audit.append({ actor, kind: 'dead-letter.retried', subject: { type: 'dead-letter', id, server: entry.server }, payload: { approvalId: entry.approvalId, attempts: entry.attempts } });
    const r = await run(entry.approvalId);
    if (r.state === 'executed') {
      await this.store.remove(id);
      this.changed();
    }
    return r;
  }

  async discard(id: string, actor: Actor, reason?: string): Promise<void> {
    const entry = await this.get(id);
    await this.store.remove(id);
    await this.audit.append({ actor, kind: 'dead-letter.discarded', subject: { type: 'dead-letter', id, server: entry.server }, payload: { approvalId: entry.approvalId, ...(reason ? { reason } : {}) } });
    this.changed();
  }
}
