import { resolve } from 'node:path';
import type { AuditEntry, AuditKind } from '../core/audit/audit-entry';
import type { Actor, ApprovalRequest } from '../core/coordination/messages';
import { OversightError } from '../core/errors';
import type { Coordinator } from '../coordinator/coordinator';
import type { HandlerName } from './endpoints';
import type { Principal } from './permissions';
import type { ApiApprovalResponse, ApiAssessmentRequest, AssessmentStatus, LogQuery, RemediationStatus } from './schemas';
import { approvalStatus, executionResult, proposalView } from './views';

/** What the API needs of the coordinator (the real one in use; the same methods the extension and CLI call). */
export type ApiCoordinator = Pick<Coordinator, 'workspace' | 'assess' | 'requestLiveAssessment' | 'proposeRemediation' | 'decide' | 'approvals' | 'approval' | 'health' | 'readAudit' | 'deadLetters' | 'lastAssessment'>;

export interface HandlerInput {
  principal: Principal;
  actor: Actor;
  body: unknown;
  query: unknown;
  requestId: string;
}

export interface HandlerResult {
  status: number;
  body: unknown;
  headers?: Record<string, string>;
}

export interface HandlerDeps {
  coordinator: ApiCoordinator;
  /** How long an approval waits for its execution before answering 202 (the work carries on). */
  decisionWaitMs: number;
  requireVerifiedApprover: boolean;
  openapi: () => unknown;
  now: () => Date;
}

/** A handler that needs nothing asynchronous answers synchronously: no promise, and no deadline to watch, a request. */
type Handler = (input: HandlerInput) => HandlerResult | Promise<HandlerResult>;

const ok = (body: unknown, status = 200): HandlerResult => ({ status, body });

/** Pending requests one person may have open at once through the API: a person reviews them, so a script must not bury them. */
export const MAX_PENDING_PER_REQUESTER = 20;

/** Audit kinds that belong to either family (approvals, executions, their dead letters, refusals). */
const REQUEST_KINDS: readonly AuditKind[] = ['approval.requested', 'approval.decided', 'approval.expired', 'approval.cancelled', 'execution.started', 'execution.completed', 'execution.failed', 'request.failed', 'dead-letter.added', 'dead-letter.retried', 'dead-letter.discarded'];
const FAMILY_KINDS: Record<'assessment' | 'remediation', readonly AuditKind[]> = {
  assessment: ['assessment.requested', 'assessment.completed', 'assessment.failed', ...REQUEST_KINDS],
  remediation: REQUEST_KINDS,
};
const FAMILY_OPERATIONS: Record<'assessment' | 'remediation', ReadonlySet<string>> = {
  assessment: new Set(['plan_live_assessment']),
  remediation: new Set(['propose_remediation', 'install_server']),
};

export function createHandlers(d: HandlerDeps): Record<HandlerName, Handler> {
  const c = d.coordinator;

  const checkWorkspace = (w: string | undefined) => {
    if (w === undefined) return;
    const norm = (p: string) => (process.platform === 'win32' ? resolve(p).toLowerCase() : resolve(p));
    if (norm(w) !== norm(c.workspace)) throw new OversightError('INVALID_ARGUMENT', `This server oversees one workspace, and "${w.slice(0, 200)}" is not it. Leave "workspace" out, or send the request to that workspace's server.`, { details: { field: 'workspace' } });
  };

  const checkQuota = (input: HandlerInput) => {
    const open = c.approvals({ states: ['pending'] }).filter((r) => r.requestedBy.id === input.actor.id).length;
    if (open >= MAX_PENDING_PER_REQUESTER) throw new OversightError('RATE_LIMITED', `${open} of your requests are still waiting for a person; wait for decisions (or cancel some) before asking for more.`, { details: { pending: open } });
  };

  const pendingReview = (id: string, kind: 'assessment' | 'remediation'): ApprovalRequest => {
    const r = c.approval(id);
    if (r.subject.kind !== kind) throw new OversightError('INVALID_ARGUMENT', `Request ${r.id} is not ${kind === 'assessment' ? 'a live assessment' : 'a remediation'}.`, { details: { field: 'requestId' } });
    return r;
  };

  /** Decides, waiting at most decisionWaitMs for the execution; the decision itself is never abandoned. */
  const decide = async (body: ApiApprovalResponse, input: HandlerInput, kind: 'assessment' | 'remediation'): Promise<ApprovalRequest | 'running'> => {
    if (d.requireVerifiedApprover && !input.actor.verified) {
      throw new OversightError('APPROVAL_REQUIRED', 'Approvals need a verified identity here: use a token created in VS Code by a signed-in person, or an OAuth token. API keys and CLI-made tokens do not name a verified person.', { details: { field: 'credential' } });
    }
    const current = c.approval(body.requestId);
    if (current.subject.kind !== kind) {
      const other = current.subject.kind === 'assessment' ? '/api/v1/assessment/approve' : '/api/v1/remediation/approve';
      throw new OversightError('INVALID_ARGUMENT', `Request ${current.id} is ${current.subject.kind === 'assessment' ? 'a live assessment' : 'a remediation'}; decide it at ${other}.`, { details: { field: 'requestId' } });
    }
    const decision = c.decide({ requestId: body.requestId, decision: body.decision, subjectHash: body.subjectHash, approver: input.actor, decidedAt: d.now().toISOString(), ...(body.reason !== undefined ? { reason: body.reason } : {}) });
    let timer: NodeJS.Timeout | undefined;
    const waited = await Promise.race([decision, new Promise<'running'>((r) => (timer = setTimeout(() => r('running'), d.decisionWaitMs)))]).finally(() => clearTimeout(timer));
    if (waited === 'running') decision.catch(() => undefined); // the coordinator records the outcome
    return waited;
  };

  /** A failed execution reaches the caller as the error it failed with. */
  const failedAsError = (r: ApprovalRequest): never => {
    const e = r.error;
    throw new OversightError(e?.code ?? 'internal', e?.message ?? `Request ${r.id} failed.`, { details: { requestId: r.id, state: r.state, ...(e?.details ?? {}) } });
  };

  const logs = async (family: 'assessment' | 'remediation', input: HandlerInput): Promise<HandlerResult> => {
    const q = input.query as LogQuery;
    const allowed = FAMILY_KINDS[family];
    const outside = (q.kind ?? []).filter((k) => !allowed.includes(k));
    if (outside.length > 0) throw new OversightError('INVALID_ARGUMENT', `kind ${outside.join(', ')} is not about ${family}s; this endpoint has ${allowed.join(', ')}.`, { details: { field: 'kind' } });
    const kinds = q.kind ?? [...allowed];
    const ids = new Set(c.approvals().filter((r) => r.subject.kind === family).map((r) => r.id));
    const inFamily = (e: AuditEntry): boolean => {
      if (e.kind.startsWith('assessment.')) return family === 'assessment';
      if (e.kind === 'request.failed') return FAMILY_OPERATIONS[family].has(String(e.payload['operation'] ?? '')) || ids.has(e.subject.id);
      if (e.subject.type === 'approval') return ids.has(e.subject.id) || e.payload['kind'] === family;
      if (e.subject.type === 'dead-letter') return ids.has(String(e.payload['approvalId'] ?? ''));
      return false;
    };
    const out: AuditEntry[] = [];
    let before = q.beforeSeq;
    let next: number | undefined;
    // Reads in batches until a page is full: entries of the other family are skipped, not counted. When
    // the batches run out first, the next page starts where the scan stopped (not where the page did).
    scan: for (let round = 0; round < 5; round++) {
      const batchSize = Math.min(5000, q.limit * 4);
      const batch = await c.readAudit({ kinds: [...kinds], limit: batchSize, ...(before !== undefined ? { beforeSeq: before } : {}), ...(q.since ? { since: q.since } : {}), ...(q.until ? { until: q.until } : {}), ...(q.actor ? { actorId: q.actor } : {}), ...(q.server ? { server: q.server } : {}) }, input.actor);
      for (const e of batch) {
        if (out.length === q.limit) {
          next = out[out.length - 1]!.seq;
          break scan;
        }
        if (inFamily(e)) out.push(e);
      }
      if (batch.length < batchSize) break;
      before = batch[batch.length - 1]!.seq;
      if (round === 4) next = before;
    }
    if (next === undefined) return { status: 200, body: out };
    // The next page keeps every filter of this one.
    const params = new URLSearchParams({ limit: String(q.limit), beforeSeq: String(next) });
    for (const [k, v] of [['since', q.since], ['until', q.until], ['actor', q.actor], ['server', q.server]] as const) if (v !== undefined) params.set(k, v);
    for (const k of q.kind ?? []) params.append('kind', k);
    return { status: 200, body: out, headers: { link: `</api/v1/${family}/logs?${params.toString()}>; rel="next"`, 'x-next-before-seq': String(next) } };
  };

  return {
    health: () => ok({ status: 'ok' }),
    openapi: () => ok(d.openapi()),

    requestAssessment: async (input) => {
      const body = input.body as ApiAssessmentRequest;
      checkWorkspace(body.workspace);
      if (body.fingerprints) throw new OversightError('INVALID_ARGUMENT', '"fingerprints" belongs to /api/v1/remediation/propose, not to an assessment.', { details: { field: 'fingerprints' } });
      if (body.kind === 'static') {
        if (body.servers) throw new OversightError('INVALID_ARGUMENT', '"servers" is for a live assessment (kind: "live"); a static one reads every config.', { details: { field: 'servers' } });
        return ok(await c.assess({ includeGlobal: body.includeGlobal, requestedBy: input.actor }));
      }
      checkQuota(input);
      const r = await c.requestLiveAssessment({ includeGlobal: body.includeGlobal, ...(body.servers ? { servers: body.servers } : {}), requestedBy: input.actor });
      return ok(livePending(r), 202);
    },

    reviewAssessment: (input) => ok(livePending(pendingReview((input.query as { requestId: string }).requestId, 'assessment'))),
    reviewRemediation: (input) => ok(proposalView(pendingReview((input.query as { requestId: string }).requestId, 'remediation'))),

    approveAssessment: async (input) => {
      const r = await decide(input.body as ApiApprovalResponse, input, 'assessment');
      if (r === 'running') return ok(approvalStatus(c.approval((input.body as ApiApprovalResponse).requestId)), 202);
      if (r.state === 'failed') failedAsError(r);
      if (r.state === 'executed' && r.assessment) return ok(r.assessment);
      return ok(approvalStatus(r));
    },

    proposeRemediation: async (input) => {
      const body = input.body as ApiAssessmentRequest;
      checkWorkspace(body.workspace);
      if (body.kind !== 'static' || body.servers) throw new OversightError('INVALID_ARGUMENT', 'A remediation is proposed from the static findings: leave out "servers" and kind "live".', { details: { field: body.servers ? 'servers' : 'kind' } });
      checkQuota(input);
      const r = await c.proposeRemediation({ includeGlobal: body.includeGlobal, ...(body.fingerprints ? { fingerprints: body.fingerprints } : {}), requestedBy: input.actor });
      return ok(proposalView(r), 201);
    },

    approveRemediation: async (input) => {
      const r = await decide(input.body as ApiApprovalResponse, input, 'remediation');
      if (r === 'running') return ok(approvalStatus(c.approval((input.body as ApiApprovalResponse).requestId)), 202);
      if (r.state === 'failed') failedAsError(r);
      return ok(executionResult(r) ?? approvalStatus(r));
    },

    assessmentStatus: () => {
      const h = c.health();
      const last = c.lastAssessment();
      const all = c.approvals();
      const status: AssessmentStatus = {
        servers: { compliance: { state: h.compliance.state, breaker: h.compliance.breaker }, installer: { state: h.installer.state, breaker: h.installer.breaker } },
        lastAssessment: last ? { assessmentId: last.assessmentId, completedAt: last.completedAt, source: last.source, degraded: last.degraded, summary: last.summary } : null,
        pendingApprovals: all.filter((r) => r.state === 'pending').length,
        liveAssessments: newest(all.filter((r) => r.subject.kind === 'assessment'), 20).map(approvalStatus),
      };
      return ok(status);
    },

    remediationStatus: async () => {
      const mine = c.approvals().filter((r) => r.subject.kind === 'remediation');
      const counts: RemediationStatus['counts'] = {};
      for (const r of mine) counts[r.state] = (counts[r.state] ?? 0) + 1;
      const status: RemediationStatus = { counts, deadLetters: (await c.deadLetters()).length, remediations: newest(mine, 50).map(approvalStatus) };
      return ok(status);
    },

    assessmentLogs: (input) => logs('assessment', input),
    remediationLogs: (input) => logs('remediation', input),
  };
}

const byNewest = (a: ApprovalRequest, b: ApprovalRequest) => (a.requestedAt < b.requestedAt ? 1 : a.requestedAt > b.requestedAt ? -1 : 0);

/** A live assessment request as its reviewer sees it: the servers it would run and the plan's description (secrets masked by the planner). */
function livePending(r: ApprovalRequest) {
  if (r.subject.kind !== 'assessment') throw new OversightError('internal', `request ${r.id} is not an assessment`);
  return { ...approvalStatus(r), servers: r.subject.plan.servers.map((s) => s.name), description: r.subject.description };
}

/** The newest `n`. The coordinator lists newest first already: then one pass to check it, and no copy sorted per request. */
function newest(rs: ApprovalRequest[], n: number): ApprovalRequest[] {
  for (let i = 1; i < rs.length; i++) if (byNewest(rs[i - 1]!, rs[i]!) > 0) return [...rs].sort(byNewest).slice(0, n);
  return rs.slice(0, n);
}
