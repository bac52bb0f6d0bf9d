import type { KeyObject } from 'node:crypto';
import { SYSTEM_ACTOR } from '../../core/audit/audit-entry';
import { isExpired, moveApproval } from '../../core/approvals/approval-record';
import type { ApprovalEvent } from '../../core/approvals/state-machine';
import { toErrorResponse, type ErrorResponse } from '../../core/coordination/error-response';
import { ApprovalRequestSchema, ApprovalResponseSchema, type Actor, type ApprovalRequest, type ApprovalSubject } from '../../core/coordination/messages';
import { OversightError } from '../../core/errors';
import { signGrant } from '../../core/grants/grant-crypto';
import type { AuditPort, AuditRecord } from '../ports';
import type { RecordStore } from '../record-store';
import { approvalSubjectRef, errorForAudit, subjectForAudit } from './audit-views';
import { KeyedLock } from './keyed-lock';

/** The coordinator acting on its own (starting an execution, expiring a request). */
export const SYSTEM: Actor = SYSTEM_ACTOR;

/** Points where a test may kill the process to prove exactly-once execution (a no-op in production). */
export type CrashPoint = 'after-approved' | 'after-started' | 'after-executed-call';

/** Runs an approved subject on the server that executes it; returns what to store on the request. */
export type Executor = (r: ApprovalRequest) => Promise<Partial<Pick<ApprovalRequest, 'execution' | 'assessment'>>>;

export interface WorkflowDeps {
  workspace: string;
  store: RecordStore<typeof ApprovalRequestSchema>;
  audit: AuditPort;
  signingKey: KeyObject;
  execute: Executor;
  /** The current SHA-256 of a file's bytes, or 'absent'. */
  fileHash: (file: string) => Promise<string>;
  /** A fresh proposal for a stale one (same findings), or undefined when none can be made. */
  repropose: (stale: ApprovalRequest) => Promise<{ subject: ApprovalSubject; title: string } | undefined>;
  /** A request whose execution failed for good on a transient error: keep it for a person. */
  deadLetter: (r: ApprovalRequest, error: ErrorResponse) => Promise<void>;
  now: () => Date;
  newId: () => string;
  settings: { approvalTtlMs: number; fourEyes: boolean };
  changed: (r: ApprovalRequest, event: ApprovalEvent | 'requested') => void;
  log: (line: string) => void;
  crashPoint?: (point: CrashPoint, approvalId: string) => Promise<void> | void;
}

/**
 * The approval workflow over the pure state machine: every step is persisted before anything acts on
 * it, audited, and announced. One step at a time per request (KeyedLock), so two clicks on "Approve"
 * cannot execute twice; the Installer's journal makes a repeat after a crash harmless.
 */
export class ApprovalWorkflow {
  private readonly byId = new Map<string, ApprovalRequest>();
  private readonly lock = new KeyedLock();

  constructor(private readonly d: WorkflowDeps) {}

  /** Loads the stored requests. Returns the ones to carry on with (approved or executing when we stopped). */
  async load(): Promise<ApprovalRequest[]> {
    await this.d.store.init();
    for (const r of await this.d.store.list()) this.byId.set(r.id, r);
    return [...this.byId.values()].filter((r) => r.state === 'approved' || r.state === 'executing');
  }

  list(): ApprovalRequest[] {
    return [...this.byId.values()].sort((a, b) => b.requestedAt.localeCompare(a.requestedAt) || a.id.localeCompare(b.id));
  }

  get(id: string): ApprovalRequest {
    const r = this.byId.get(id);
    if (r === undefined) throw new OversightError('APPROVAL_NOT_FOUND', `No approval request ${id} in this workspace.`, { details: { id } });
    return r;
  }

  async request(subject: ApprovalSubject, title: string, requestedBy: Actor, supersedes?: string, triggeredBy?: Actor, notes?: string[]): Promise<ApprovalRequest> {
    const now = this.d.now();
    const r = ApprovalRequestSchema.parse({
      id: this.d.newId(),
      workspace: this.d.workspace,
      title: title.slice(0, 500),
      subject,
      requestedBy,
      requestedAt: now.toISOString(),
      expiresAt: new Date(now.getTime() + this.d.settings.approvalTtlMs).toISOString(),
      state: 'pending',
      history: [{ from: null, to: 'pending', event: null, at: now.toISOString(), actor: requestedBy }],
      ...(supersedes !== undefined ? { supersedes } : {}),
      ...(notes !== undefined && notes.length > 0 ? { notes: notes.slice(0, 50).map((n) => n.slice(0, 4000)) } : {}),
    });
    await this.commit(r, { actor: requestedBy, kind: 'approval.requested', subject: approvalSubjectRef(r), payload: { title: r.title, expiresAt: r.expiresAt, ...subjectForAudit(subject), ...(r.notes ? { notes: r.notes } : {}), ...(supersedes ? { supersedes } : {}), ...(triggeredBy ? { triggeredBy: triggeredBy.id } : {}) } });
    this.d.changed(r, 'requested');
    return r;
  }

  /**
   * A person's decision. It must name the hash of what they saw; an approval is checked against the
   * files as they are now (changed since the proposal -> cancelled, a fresh proposal offered, STALE_PROPOSAL),
   * turned into a signed grant, and executed at once. Returns the request as it ends up.
   */
  async decide(input: unknown): Promise<ApprovalRequest> {
    const parsed = ApprovalResponseSchema.safeParse(input);
    if (!parsed.success) {
      throw new OversightError('INVALID_ARGUMENT', `decision: ${parsed.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ')}`, { details: { field: 'decision' } });
    }
    const resp = parsed.data;
    const approved = await this.lock.run(resp.requestId, async () => {
      if (await this.expireIfDue(this.get(resp.requestId))) {
        throw new OversightError('APPROVAL_EXPIRED', `Approval request ${resp.requestId} expired at ${this.get(resp.requestId).expiresAt}; nothing was decided. Request it again.`, { details: { id: resp.requestId } });
      }
      const current = this.get(resp.requestId);
      if (current.state !== 'pending') moveApproval(current, resp.decision === 'approved' ? 'approve' : 'reject', resp.approver, this.d.now()); // throws INVALID_TRANSITION
      if (resp.subjectHash !== current.subject.subjectHash) {
        await this.refused(current, resp.approver, 'GRANT_MISMATCH', 'The decision names a different subject than this request; it was not recorded. Review the request again.');
      }
      if (resp.decision === 'rejected') {
        const next = moveApproval(current, 'reject', resp.approver, this.d.now(), { decision: resp }, resp.reason);
        await this.commit(next, { actor: resp.approver, kind: 'approval.decided', subject: approvalSubjectRef(next), payload: { decision: 'rejected', subjectHash: resp.subjectHash, ...(resp.reason ? { reason: resp.reason } : {}) } });
        this.d.changed(next, 'reject');
        return undefined;
      }
      if (this.d.settings.fourEyes && resp.approver.id === current.requestedBy.id) {
        await this.refused(current, resp.approver, 'FOUR_EYES', `Four-eyes rule: ${resp.approver.label || resp.approver.id} requested this change and cannot also approve it. Ask someone else to review it.`);
      }
      const stale = await this.staleFiles(current);
      if (stale.length > 0) return this.supersede(current, resp.approver, stale);
      const now = this.d.now();
      const first = current.subject.kind === 'remediation' ? current.subject.proposal.files[0] : undefined;
      const grant = signGrant(
        {
          grantId: this.d.newId(),
          kind: current.subject.kind,
          subjectHash: current.subject.subjectHash,
          targetFile: first?.file ?? this.d.workspace,
          baseHash: first?.baseHash ?? null,
          approver: resp.approver,
          decidedAt: now.toISOString(),
          expiresAt: current.expiresAt,
        },
        this.d.signingKey,
      );
      const next = moveApproval(current, 'approve', resp.approver, now, { decision: resp, grant }, resp.reason);
      await this.commit(next, {
        actor: resp.approver,
        kind: 'approval.decided',
        subject: approvalSubjectRef(next),
        payload: { decision: 'approved', subjectHash: resp.subjectHash, grantId: grant.grant.grantId, approverVerified: resp.approver.verified, ...(resp.reason ? { reason: resp.reason } : {}) },
      });
      this.d.changed(next, 'approve');
      await this.d.crashPoint?.('after-approved', next.id);
      return next;
    });
    if (approved === undefined) return this.get(resp.requestId);
    return this.execute(approved.id);
  }

  async cancel(id: string, actor: Actor, reason?: string): Promise<ApprovalRequest> {
    return this.lock.run(id, async () => {
      const next = moveApproval(this.get(id), 'cancel', actor, this.d.now(), {}, reason);
      await this.commit(next, { actor, kind: 'approval.cancelled', subject: approvalSubjectRef(next), payload: reason ? { reason } : {} });
      this.d.changed(next, 'cancel');
      return next;
    });
  }

  /**
   * Runs an approved (or interrupted, or person-retried failed) request exactly once: `executing` is
   * stored before the server is called, so a crash is followed by the same call with the same grant,
   * which the Installer answers from its journal (`alreadyApplied`) instead of applying twice.
   */
  async execute(id: string, opts: { retry?: boolean } = {}): Promise<ApprovalRequest> {
    return this.lock.run(id, async () => {
      let r = this.get(id);
      if (r.state === 'executed') return r;
      if (r.state === 'approved' || (opts.retry && r.state === 'failed')) {
        if (await this.expireIfDue(r)) {
          throw new OversightError('APPROVAL_EXPIRED', `Approval request ${id} expired at ${r.expiresAt} before it ran; nothing was done. Request it again.`, { details: { id } });
        }
        r = moveApproval(r, r.state === 'failed' ? 'retry' : 'start', SYSTEM, this.d.now());
        await this.commit(r, { actor: SYSTEM, kind: 'execution.started', subject: approvalSubjectRef(r), payload: { kind: r.subject.kind, grantId: r.grant?.grant.grantId, ...(opts.retry ? { retry: true } : {}) } });
        this.d.changed(r, 'start');
        await this.d.crashPoint?.('after-started', r.id);
      } else if (r.state !== 'executing') {
        moveApproval(r, 'start', SYSTEM, this.d.now()); // throws INVALID_TRANSITION naming the state
      }
      let outcome: Awaited<ReturnType<Executor>>;
      try {
        outcome = await this.d.execute(r);
      } catch (e) {
        return this.failed(r, toErrorResponse(e, r.id, this.d.now()));
      }
      // Past this point the change happened: a failure below leaves the request `executing` (stored),
      // and the next start sends the same grant again, answered from the Installer's journal.
      {
        await this.d.crashPoint?.('after-executed-call', r.id);
        const done = moveApproval(r, 'succeed', SYSTEM, this.d.now(), outcome);
        await this.commit(done, { actor: SYSTEM, kind: 'execution.completed', subject: approvalSubjectRef(done), payload: outcomeForAudit(outcome) });
        this.d.changed(done, 'succeed');
        return done;
      }
    });
  }

  /** Expires every pending or approved request past its time. Returns how many. */
  async expireDue(): Promise<number> {
    let n = 0;
    for (const r of [...this.byId.values()]) {
      if ((r.state === 'pending' || r.state === 'approved') && isExpired(r, this.d.now())) {
        if (await this.lock.run(r.id, () => this.expireIfDue(this.get(r.id)))) n++;
      }
    }
    return n;
  }

  private async failed(r: ApprovalRequest, error: ErrorResponse): Promise<ApprovalRequest> {
    let next = moveApproval(r, 'fail', SYSTEM, this.d.now(), { error }, error.message);
    // Stored and dead-lettered before the audit entry: if the audit log fails, the request is still kept for a person.
    await this.save(next);
    if (error.retryable) await this.d.deadLetter(next, error);
    await this.d.audit.append({ actor: SYSTEM, kind: 'execution.failed', subject: approvalSubjectRef(next), payload: errorForAudit(error) });
    // The executor refused our signature: an authentication failure, on the trail as such.
    if (error.category === 'authentication') await this.d.audit.append({ actor: SYSTEM, kind: 'auth.failed', subject: { type: 'auth', id: r.grant?.grant.grantId ?? r.id }, payload: { approvalId: r.id, code: error.code, message: error.message } });
    if (error.code === 'STALE_PROPOSAL') {
      const fresh = await this.offerFresh(next, SYSTEM).catch((e: unknown) => this.d.log(`no fresh proposal for ${r.id}: ${e instanceof Error ? e.message : String(e)}`));
      if (fresh) next = this.get(next.id);
    }
    this.d.changed(next, 'fail');
    return next;
  }

  /** Past its expiry and still waiting -> expired (stored, audited, announced). True when it expired now. */
  private async expireIfDue(r: ApprovalRequest): Promise<boolean> {
    if (!(r.state === 'pending' || r.state === 'approved' || r.state === 'failed') || !isExpired(r, this.d.now())) return false;
    if (r.state === 'failed') return true; // a failed request past expiry cannot be retried; it stays failed
    const next = moveApproval(r, 'expire', SYSTEM, this.d.now(), {}, `expired at ${r.expiresAt}`);
    await this.commit(next, { actor: SYSTEM, kind: 'approval.expired', subject: approvalSubjectRef(next), payload: { expiresAt: r.expiresAt, was: r.state } });
    this.d.changed(next, 'expire');
    return true;
  }

  private async refused(r: ApprovalRequest, actor: Actor, code: 'GRANT_MISMATCH' | 'FOUR_EYES', message: string): Promise<never> {
    await this.d.audit.append({ actor, kind: 'request.failed', subject: approvalSubjectRef(r), payload: { code, message } });
    throw new OversightError(code, message, { details: { id: r.id } });
  }

  private async staleFiles(r: ApprovalRequest): Promise<string[]> {
    const files = r.subject.kind === 'remediation' ? r.subject.proposal.files.map((f) => ({ file: f.file, shown: f.displayPath, baseHash: f.baseHash })) : r.subject.plan.files.map((f) => ({ file: f.file, shown: f.file, baseHash: f.baseHash }));
    const stale: string[] = [];
    for (const f of files) if ((await this.d.fileHash(f.file)) !== f.baseHash) stale.push(f.shown);
    return stale;
  }

  /** The files changed since the proposal: never re-diff silently. Cancel it, offer a fresh one, say so. */
  private async supersede(r: ApprovalRequest, actor: Actor, stale: string[]): Promise<never> {
    const reason = `${stale.join(', ')} changed since this was proposed`;
    const cancelled = moveApproval(r, 'cancel', actor, this.d.now(), {}, reason);
    await this.commit(cancelled, { actor, kind: 'approval.cancelled', subject: approvalSubjectRef(cancelled), payload: { reason, stale: true } });
    this.d.changed(cancelled, 'cancel');
    const fresh = await this.offerFresh(cancelled, actor).catch(() => undefined);
    throw new OversightError(
      'STALE_PROPOSAL',
      `${reason}, so it was not approved${fresh ? `. A fresh proposal is waiting for review (${fresh.id}).` : ' and no fresh proposal could be made (assess again).'}`,
      { details: { id: r.id, stale, ...(fresh ? { freshRequestId: fresh.id } : {}) } },
    );
  }

  private async offerFresh(stale: ApprovalRequest, actor: Actor): Promise<ApprovalRequest | undefined> {
    const made = await this.d.repropose(stale);
    if (made === undefined) return undefined;
    // The fresh request keeps the original requester (whoever noticed the change): four-eyes still applies to them.
    const fresh = await this.request(made.subject, made.title, stale.requestedBy, stale.id, actor);
    // Called with the stale request's lock held (from decide or execute): no second lock here.
    await this.save({ ...this.get(stale.id), supersededBy: fresh.id });
    return fresh;
  }

  /**
   * One step on the record: the audit entry first, then the stored state. If the audit log cannot take
   * the entry, nothing changes (no unaudited decision or execution); if storing fails after it, the
   * trail shows an attempted step and the error reaches the caller.
   */
  private async commit(r: ApprovalRequest, entry: AuditRecord): Promise<void> {
    await this.d.audit.append(entry);
    await this.save(r);
  }

  private async save(r: ApprovalRequest): Promise<void> {
    await this.d.store.put(r.id, r);
    this.byId.set(r.id, r);
  }
}

function outcomeForAudit(o: Partial<Pick<ApprovalRequest, 'execution' | 'assessment'>>): Record<string, unknown> {
  if (o.execution) return { executionId: o.execution.executionId, proposalId: o.execution.proposalId, alreadyApplied: o.execution.alreadyApplied, files: o.execution.files.map((f) => ({ file: f.displayPath, newHash: f.newHash })) };
  if (o.assessment) return { assessmentId: o.assessment.assessmentId, summary: o.assessment.summary, servers: o.assessment.probes?.map((p) => ({ name: p.serverName, status: p.status, reason: p.reason })) };
  return {};
}
