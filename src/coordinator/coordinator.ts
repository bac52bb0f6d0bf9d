import type { KeyObject } from 'node:crypto';
import type { AuditEntry, AuditInput } from '../core/audit/audit-entry';
import { AuditQuerySchema, type AuditQuery } from '../core/audit/audit-query';
import { reported, summarize } from '../core/assess/finding-summary';
import type { WorkspaceAssessment } from '../core/assess/assess-workspace';
import type { ApprovalEvent } from '../core/approvals/state-machine';
import { DeadLetterSchema, type DeadLetter } from '../core/coordination/dead-letter';
import { ERROR_CLASS } from '../core/coordination/error-response';
import { AssessmentRequestSchema, ApprovalRequestSchema, type Actor, type ApprovalRequest, type AssessmentResponse } from '../core/coordination/messages';
import { OversightError, isOversightError } from '../core/errors';
import { redactError } from '../core/secrets/detect-secrets';
import { ApprovalWorkflow, SYSTEM, type CrashPoint } from './approvals/approval-workflow';
import { DeadLetterQueue } from './dead-letter-queue';
import { Emitter } from './events';
import type { AppendOptions, AuditPort, ServerHealthView, ServerName, ServerPort } from './ports';
import type { RecordStore } from './record-store';
import { checkedPlan, checkedProposal, ExecutionReply, InstallReplyExtras, LiveReplySchema, parseReply, StaticReplySchema } from './server-replies';

export interface CoordinatorSettings {
  /** Lifetime of an approval request (default 24 h). */
  approvalTtlMs: number;
  /** The requester may not approve their own request. */
  fourEyes: boolean;
  /** How often pending requests past their expiry are expired (default 60 s). */
  expirySweepMs: number;
}

export interface CoordinatorDeps {
  workspace: string;
  servers: Record<ServerName, ServerPort>;
  audit: AuditPort;
  approvals: RecordStore<typeof ApprovalRequestSchema>;
  deadLetters: RecordStore<typeof DeadLetterSchema>;
  signingKey: KeyObject;
  /** The current SHA-256 of a file's bytes, or 'absent' (the stale check at decision time). */
  fileHash: (file: string) => Promise<string>;
  /** Static assessment in this process: what runs when the Compliance Server is down. */
  assessInProcess: (includeGlobal: boolean) => Promise<WorkspaceAssessment>;
  now: () => Date;
  newId: () => string;
  settings: CoordinatorSettings;
  log: (line: string) => void;
  crashPoint?: (point: CrashPoint, approvalId: string) => Promise<void> | void;
}

export type ApprovalChange = { request: ApprovalRequest; event: ApprovalEvent | 'requested' };

/** Codes that mean "that server is not answering now", as opposed to an answer. */
const SEVERITY_ORDER = ['critical', 'high', 'medium', 'low', 'info'];
const severityRank = (s: string) => (SEVERITY_ORDER.includes(s) ? SEVERITY_ORDER.indexOf(s) : SEVERITY_ORDER.length);
const SERVER_DOWN = new Set(['SERVER_UNAVAILABLE', 'SERVER_TIMEOUT', 'SERVER_PROTOCOL', 'CIRCUIT_OPEN', 'QUEUE_FULL']);

/**
 * The Integration Coordinator: routes requests between the Compliance Server and the Installer, owns
 * the approval workflow and writes the audit trail. Knows nothing of VS Code: the extension and the CLI
 * drive it through this class and subscribe to its events.
 */
export class Coordinator {
  readonly onApproval: Emitter<ApprovalChange>;
  readonly onServerHealth: Emitter<ServerHealthView>;
  readonly onDeadLetters: Emitter<void>;
  private readonly workflow: ApprovalWorkflow;
  private readonly dlq: DeadLetterQueue;
  private readonly disposables: { dispose(): void }[] = [];
  private sweep: NodeJS.Timeout | undefined;
  private lastHealth = new Map<ServerName, string>();
  private stopped = false;
  private latestAssessment: AssessmentResponse | undefined;
  /** Work in progress (decisions, executions, resumes): stop() lets it finish or fail into the dead-letter queue. */
  private readonly inflight = new Set<Promise<unknown>>();

  constructor(private readonly d: CoordinatorDeps) {
    const listenerError = (e: unknown) => d.log(`an event listener failed: ${e instanceof Error ? e.message : String(e)}`);
    this.onApproval = new Emitter(listenerError);
    this.onServerHealth = new Emitter(listenerError);
    this.onDeadLetters = new Emitter(listenerError);
    this.dlq = new DeadLetterQueue(d.deadLetters, d.audit, d.now, () => this.onDeadLetters.fire());
    this.workflow = new ApprovalWorkflow({
      workspace: d.workspace,
      store: d.approvals,
      audit: d.audit,
      signingKey: d.signingKey,
      execute: (r) => this.executeOnServer(r),
      fileHash: d.fileHash,
      repropose: (r) => this.repropose(r),
      deadLetter: async (r, e) => void (await this.dlq.add(r, e)),
      now: d.now,
      newId: d.newId,
      settings: d.settings,
      changed: (request, event) => this.onApproval.fire({ request, event }),
      log: d.log,
      ...(d.crashPoint ? { crashPoint: d.crashPoint } : {}),
    });
  }

  /**
   * Loads stored approvals, starts both servers (one failing to start does not stop the other or
   * the coordinator), expires what is due, and carries on with anything approved but not executed
   * when the last run stopped (exactly once: see ApprovalWorkflow.execute).
   */
  async start(): Promise<void> {
    const resume = await this.workflow.load();
    await this.dlq.init();
    for (const name of ['compliance', 'installer'] as const) {
      const s = this.d.servers[name];
      this.disposables.push(s.onHealth((h) => this.healthChanged(h)));
    }
    const started = await Promise.allSettled([this.d.servers.compliance.start(), this.d.servers.installer.start()]);
    await this.d.audit.append({
      actor: SYSTEM,
      kind: 'coordinator.started',
      subject: { type: 'coordinator', id: this.d.workspace },
      payload: { servers: started.map((s, i) => ({ server: i === 0 ? 'compliance' : 'installer', up: s.status === 'fulfilled' })), resuming: resume.map((r) => r.id) },
    });
    await this.workflow.expireDue();
    // A request that failed on a transient error must be in the dead-letter queue (a stop can interrupt adding it).
    const queued = new Set((await this.dlq.list()).map((d) => d.approvalId));
    for (const r of this.workflow.list()) {
      if (r.state === 'failed' && r.error?.retryable && !queued.has(r.id)) await this.dlq.add(r, r.error).catch((e: unknown) => this.d.log(`re-queueing ${r.id}: ${String(e)}`));
    }
    // Interrupted approvals carry on in the background: start() does not wait for servers that may be slow or down.
    void this.track(
      (async () => {
        for (const r of resume) {
          if (this.stopped || this.workflow.get(r.id).state === 'expired') continue;
          await this.workflow.execute(r.id).catch((e: unknown) => this.d.log(`resuming ${r.id}: ${e instanceof Error ? e.message : String(e)}`));
        }
      })(),
    );
    this.sweep = setInterval(() => void this.workflow.expireDue().catch((e: unknown) => this.d.log(`expiry sweep: ${String(e)}`)), this.d.settings.expirySweepMs);
    this.sweep.unref();
  }

  /** Resolves when every resumed execution has finished (tests and the CLI wait for it). */
  async idle(): Promise<void> {
    while (this.inflight.size > 0) await Promise.allSettled([...this.inflight]);
  }

  /**
   * Graceful: takes no new work, lets work in progress finish for up to `graceMs` (then stopping the
   * servers makes it fail into the dead-letter queue), stops both servers, and closes the audit log
   * with its shutdown checkpoint. Idempotent.
   */
  async stop(graceMs = 10_000): Promise<void> {
    if (this.stopped) return;
    this.stopped = true;
    if (this.sweep) clearInterval(this.sweep);
    const settled = (ms: number) => Promise.race([Promise.allSettled([...this.inflight]), new Promise((r) => setTimeout(r, ms).unref())]);
    await settled(graceMs);
    for (const x of this.disposables.splice(0)) x.dispose();
    await Promise.allSettled([this.d.servers.compliance.stop(), this.d.servers.installer.stop()]);
    await settled(2_000);
    await this.d.audit.append({ actor: SYSTEM, kind: 'coordinator.stopped', subject: { type: 'coordinator', id: this.d.workspace }, payload: {} }).catch(() => undefined);
    await this.d.audit.close();
    this.onApproval.clear();
    this.onServerHealth.clear();
    this.onDeadLetters.clear();
  }

  private track<T>(p: Promise<T>): Promise<T> {
    this.inflight.add(p);
    const done = () => this.inflight.delete(p);
    p.then(done, done);
    return p;
  }

  private guard(): void {
    if (this.stopped) throw new OversightError('SERVER_UNAVAILABLE', 'MCP Oversight is shutting down; try again once it has restarted.');
  }

  /** The workspace folder this coordinator assesses and changes. */
  get workspace(): string {
    return this.d.workspace;
  }

  /** The newest static assessment this coordinator ran (from any caller), for status reports. */
  lastAssessment(): AssessmentResponse | undefined {
    return this.latestAssessment;
  }

  /**
   * Records what a host's front door saw (HTTP API access, rate limiting, credentials issued or
   * revoked). Only `api.*` kinds: everything else is the coordinator's own to write.
   */
  recordApiEvent(record: AuditInput, options?: AppendOptions): Promise<unknown> {
    // Not async: at HTTP API request rates, one promise fewer a request.
    if (!record.kind.startsWith('api.')) return Promise.reject(new OversightError('internal', `recordApiEvent takes api.* kinds only, not ${record.kind}.`));
    return this.d.audit.append(record, options);
  }

  health(): Record<ServerName, ServerHealthView> {
    return { compliance: this.d.servers.compliance.health(), installer: this.d.servers.installer.health() };
  }

  /**
   * Static assessment (reads files, runs nothing, needs no approval) on the Compliance Server; when that
   * server is down, the same rules run in this process and the response says so (`degraded`).
   */
  async assess(input: { includeGlobal?: boolean; requestedBy: Actor }): Promise<AssessmentResponse> {
    const req = AssessmentRequestSchema.parse({ requestId: this.d.newId(), kind: 'static', workspace: this.d.workspace, includeGlobal: input.includeGlobal ?? false, requestedBy: input.requestedBy, requestedAt: this.d.now().toISOString() });
    const subject = { type: 'assessment' as const, id: req.requestId };
    await this.d.audit.append({ actor: req.requestedBy, kind: 'assessment.requested', subject, payload: { kind: 'static', includeGlobal: req.includeGlobal } });
    let response: AssessmentResponse;
    try {
      const out = parseReply(StaticReplySchema, await this.d.servers.compliance.callTool('assess_configuration', { includeGlobal: req.includeGlobal }), 'The Compliance Server (assess_configuration)');
      response = { requestId: req.requestId, assessmentId: out.assessmentId, kind: 'static', source: 'compliance-server', degraded: false, summary: out.summary, findings: out.findings, errors: out.errors, completedAt: this.d.now().toISOString() };
    } catch (e) {
      if (!(isOversightError(e) && SERVER_DOWN.has(e.code))) {
        await this.d.audit.append({ actor: req.requestedBy, kind: 'assessment.failed', subject, payload: { code: isOversightError(e) ? e.code : 'internal', message: e instanceof Error ? e.message : String(e) } });
        throw e;
      }
      const local = await this.d.assessInProcess(req.includeGlobal);
      response = {
        requestId: req.requestId,
        assessmentId: this.d.newId(),
        kind: 'static',
        source: 'in-process',
        degraded: true,
        degradedReason: `The Compliance Server is unavailable (${e.code}: ${e.message}); the static rules ran inside MCP Oversight instead.`,
        summary: summarize(local.result.findings),
        findings: local.result.findings.map(reported),
        errors: [...local.result.errors, ...local.policyErrors].map(redactError),
        completedAt: this.d.now().toISOString(),
      };
    }
    await this.d.audit.append({ actor: req.requestedBy, kind: 'assessment.completed', subject, payload: { assessmentId: response.assessmentId, source: response.source, degraded: response.degraded, summary: response.summary, errors: response.errors.length } });
    this.latestAssessment = response;
    return response;
  }

  /** A live assessment runs configured servers: it becomes an approval request showing exactly what will run. */
  async requestLiveAssessment(input: { servers?: string[]; includeGlobal?: boolean; timeoutMs?: number; concurrency?: number; requestedBy: Actor }): Promise<ApprovalRequest> {
    this.guard();
    return this.audited(input.requestedBy, 'plan_live_assessment', () => this.planLive(input));
  }

  private async planLive(input: { servers?: string[]; includeGlobal?: boolean; timeoutMs?: number; concurrency?: number; requestedBy: Actor }): Promise<ApprovalRequest> {
    const out = await this.d.servers.compliance.callTool('plan_live_assessment', {
      includeGlobal: input.includeGlobal ?? false,
      ...(input.servers ? { servers: input.servers } : {}),
      ...(input.timeoutMs !== undefined ? { timeoutMs: input.timeoutMs } : {}),
      ...(input.concurrency !== undefined ? { concurrency: input.concurrency } : {}),
    });
    const { plan, description, subjectHash } = checkedPlan(out, 'The Compliance Server (plan_live_assessment)');
    const names = plan.servers.map((s) => s.name);
    const title = `Run ${names.length} MCP server${names.length === 1 ? '' : 's'} for a live assessment: ${names.slice(0, 5).join(', ')}${names.length > 5 ? ', …' : ''}`;
    return this.workflow.request({ kind: 'assessment', plan, subjectHash, description }, title, input.requestedBy);
  }

  /** Findings -> a proposal from the Compliance Server -> an approval request for a person to review. */
  async proposeRemediation(input: { fingerprints?: string[]; includeGlobal?: boolean; requestedBy: Actor }): Promise<ApprovalRequest> {
    this.guard();
    return this.audited(input.requestedBy, 'propose_remediation', () => this.propose(input));
  }

  private async propose(input: { fingerprints?: string[]; includeGlobal?: boolean; requestedBy: Actor }): Promise<ApprovalRequest> {
    const out = await this.d.servers.compliance.callTool('propose_remediation', { includeGlobal: input.includeGlobal ?? false, ...(input.fingerprints ? { fingerprints: input.fingerprints } : {}) });
    const { proposal, subjectHash } = checkedProposal(out, 'The Compliance Server (propose_remediation)');
    const files = proposal.files.map((f) => f.displayPath).join(', ');
    const title = `${proposal.actions.length === 1 ? proposal.actions[0]!.description : `${proposal.actions.length} fixes`} (${files})`;
    return this.workflow.request({ kind: 'remediation', proposal, subjectHash }, title, input.requestedBy);
  }

  /**
   * A new server entry (a marketplace-style spec) -> a proposal from the Installer -> an approval request.
   * The static findings the entry would have (e.g. an unpinned package) travel with it as notes for the reviewer.
   */
  async proposeInstall(input: { name: string; spec: unknown; params?: Record<string, string>; target?: string; requestedBy: Actor }): Promise<ApprovalRequest> {
    this.guard();
    return this.audited(input.requestedBy, 'install_server', async () => {
      const out = await this.d.servers.installer.callTool('install_server', { name: input.name, spec: input.spec, ...(input.params ? { params: input.params } : {}), ...(input.target ? { target: input.target } : {}) });
      const { proposal, subjectHash } = checkedProposal(out, 'The Installer (install_server)');
      const extra = parseReply(InstallReplyExtras, out, 'The Installer (install_server)');
      // One note per finding, worst first, so a long message cannot push a critical one out of view.
      const worst = [...extra.findings].sort((a, b) => severityRank(a.severity) - severityRank(b.severity));
      const shown = worst.slice(0, 30);
      const notes = [
        extra.findings.length === 0 ? 'The static rules find nothing wrong with the new entry.' : `The new entry would have ${extra.findings.length} finding(s):`,
        ...shown.map((f) => `${f.severity} ${f.ruleId} (line ${f.line}): ${f.message}`),
        ...(worst.length > shown.length ? [`…and ${worst.length - shown.length} more (run an assessment after installing to see them).`] : []),
        ...extra.notes.slice(0, 15),
      ];
      const title = `Install MCP server "${input.name}" in ${extra.target.displayPath}${extra.target.created ? ' (new file)' : ''}`;
      return this.workflow.request({ kind: 'remediation', proposal, subjectHash }, title, input.requestedBy, undefined, undefined, notes);
    });
  }

  async decide(response: unknown): Promise<ApprovalRequest> {
    this.guard();
    const r = response as { approver?: Actor; requestId?: unknown } | null;
    const actor = r?.approver && typeof r.approver.id === 'string' ? r.approver : SYSTEM;
    // Refusals the workflow does not record itself (a malformed decision, an unknown or already decided request) still go on the trail.
    return this.track(this.workflow.decide(response)).catch(async (e: unknown) => {
      if (isOversightError(e) && ['INVALID_ARGUMENT', 'APPROVAL_NOT_FOUND', 'INVALID_TRANSITION'].includes(e.code)) {
        await this.d.audit.append({ actor, kind: 'request.failed', subject: { type: 'approval', id: typeof r?.requestId === 'string' ? r.requestId.slice(0, 256) : '(none)' }, payload: { operation: 'decide', code: e.code, message: e.message } }).catch(() => undefined);
      }
      throw e;
    });
  }

  /** Runs a request; a failure is recorded (request.failed) before it reaches the caller. */
  private async audited<T>(actor: Actor, operation: string, run: () => Promise<T>): Promise<T> {
    try {
      return await this.track(run());
    } catch (e) {
      const code = isOversightError(e) ? e.code : 'internal';
      await this.d.audit.append({ actor, kind: 'request.failed', subject: { type: 'request', id: operation }, payload: { operation, code, message: e instanceof Error ? e.message : String(e) } }).catch(() => undefined);
      throw e;
    }
  }

  cancel(id: string, actor: Actor, reason?: string): Promise<ApprovalRequest> {
    return this.workflow.cancel(id, actor, reason);
  }

  approvals(filter: { states?: ApprovalRequest['state'][] } = {}): ApprovalRequest[] {
    const all = this.workflow.list();
    return filter.states ? all.filter((r) => filter.states!.includes(r.state)) : all;
  }

  approval(id: string): ApprovalRequest {
    return this.workflow.get(id);
  }

  /** Reads the audit log (newest first); the read itself is audited, as every access to the trail is. */
  async readAudit(q: AuditQuery, actor: Actor): Promise<AuditEntry[]> {
    const query = AuditQuerySchema.parse(q);
    await this.d.audit.append({ actor, kind: 'audit.accessed', subject: { type: 'audit', id: 'query' }, payload: { query } });
    return this.d.audit.query(query);
  }

  deadLetters(): Promise<DeadLetter[]> {
    return this.dlq.list();
  }

  async retryDeadLetter(id: string, actor: Actor): Promise<ApprovalRequest> {
    this.guard();
    return this.dlq.retry(id, actor, (approvalId) => this.track(this.workflow.execute(approvalId, { retry: true })));
  }

  discardDeadLetter(id: string, actor: Actor, reason?: string): Promise<void> {
    return this.dlq.discard(id, actor, reason);
  }

  private async executeOnServer(r: ApprovalRequest): Promise<Partial<Pick<ApprovalRequest, 'execution' | 'assessment'>>> {
    if (r.grant === undefined) throw new OversightError('internal', `Approval request ${r.id} has no grant although it was approved.`);
    if (r.subject.kind === 'remediation') {
      const out = await this.d.servers.installer.callTool('apply_remediation', { proposal: r.subject.proposal, grant: r.grant });
      return { execution: parseReply(ExecutionReply, out, 'The Installer (apply_remediation)') };
    }
    const plan = r.subject.plan;
    // Every server may take its whole timeout, `concurrency` at a time; then a margin for the findings.
    const timeoutMs = plan.timeoutMs * Math.max(1, Math.ceil(plan.servers.length / plan.concurrency)) + 30_000;
    const out = parseReply(LiveReplySchema, await this.d.servers.compliance.callTool('assess_servers', { plan, grant: r.grant }, { timeoutMs }), 'The Compliance Server (assess_servers)');
    return {
      assessment: { requestId: r.id, assessmentId: out.assessmentId, kind: 'live', source: 'compliance-server', degraded: false, summary: out.summary, findings: out.findings, errors: [], probes: out.probes, completedAt: this.d.now().toISOString() },
    };
  }

  /** A stale subject's fresh replacement: the same findings re-proposed, or the same servers re-planned. */
  private async repropose(stale: ApprovalRequest) {
    if (stale.subject.kind === 'assessment') {
      const out = await this.d.servers.compliance.callTool('plan_live_assessment', { includeGlobal: stale.subject.plan.includeGlobal, servers: stale.subject.plan.servers.map((s) => s.name) });
      const { plan, description, subjectHash } = checkedPlan(out, 'The Compliance Server (plan_live_assessment)');
      return { subject: { kind: 'assessment' as const, plan, subjectHash, description }, title: stale.title };
    }
    const actions = stale.subject.proposal.actions;
    const fingerprints = actions.map((a) => a.findingFingerprint).filter((f): f is string => f !== undefined);
    if (fingerprints.length === 0 || fingerprints.length !== actions.length) return undefined; // installs and re-pins are not findings
    const out = await this.d.servers.compliance.callTool('propose_remediation', { fingerprints });
    const { proposal, subjectHash } = checkedProposal(out, 'The Compliance Server (propose_remediation)');
    return { subject: { kind: 'remediation' as const, proposal, subjectHash }, title: stale.title };
  }

  private healthChanged(h: ServerHealthView): void {
    this.onServerHealth.fire(h);
    const key = `${h.state}/${h.breaker}`;
    if (this.lastHealth.get(h.server) === key) return; // pings that change nothing are not audited
    this.lastHealth.set(h.server, key);
    void this.d.audit
      .append({ actor: SYSTEM, kind: 'server.health', subject: { type: 'server', id: h.server, server: h.server }, payload: { state: h.state, breaker: h.breaker, ...(h.lastError ? { lastError: { code: h.lastError.code, category: ERROR_CLASS[h.lastError.code as keyof typeof ERROR_CLASS]?.category ?? 'system', message: h.lastError.message } } : {}) } })
      .catch((e: unknown) => this.d.log(`audit of server health failed: ${String(e)}`));
  }
}
