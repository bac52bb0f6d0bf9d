/**
 * In-memory stand-ins at the coordinator's two boundaries (the MCP servers and the audit log), built
 * from the same core code the real servers run, so a proposal is a real proposal and a grant is
 * verified for real. test/integration/coordinator-flows.test.ts runs the real processes.
 */
import { randomUUID, type KeyObject } from 'node:crypto';
import { readFileSync, writeFileSync } from 'node:fs';
import { assessTarget } from '../../../../src/core/assess/assess-workspace';
import { reported, summarize } from '../../../../src/core/assess/finding-summary';
import { hashCanonical, HASH_TAGS, sha256Hex } from '../../../../src/core/crypto/hash';
import { OversightError, type ErrorCode } from '../../../../src/core/errors';
import { verifyGrant } from '../../../../src/core/grants/verify-grant';
import { buildProposal } from '../../../../src/core/remediation/build-proposal';
import { actionsFromFindings } from '../../../../src/core/remediation/finding-actions';
import type { RemediationProposal } from '../../../../src/core/remediation/proposal-schema';
import { nodeFileSystem } from '../../../../src/core/ports/node-file-system';
import type { AuditEntry } from '../../../../src/core/audit/audit-entry';
import type { AuditPort, AuditRecord, ServerHealthView, ServerName, ServerPort } from '../../../../src/coordinator/ports';

export class FakeAudit implements AuditPort {
  records: AuditRecord[] = [];
  closed = false;
  async append(r: AuditRecord) {
    this.records.push(structuredClone(r));
  }
  async query(): Promise<AuditEntry[]> {
    return [];
  }
  async close() {
    this.closed = true;
  }
  kinds(): string[] {
    return this.records.map((r) => r.kind);
  }
}

abstract class FakeServer implements ServerPort {
  calls: { name: string; args: Record<string, unknown> }[] = [];
  /** Set to make every call fail with this code (a server down, a timeout…). */
  failWith: ErrorCode | undefined;
  private listeners = new Set<(h: ServerHealthView) => void>();
  constructor(readonly name: ServerName) {}
  async start() {}
  async stop() {}
  health(): ServerHealthView {
    return { server: this.name, state: this.failWith ? 'down' : 'up', breaker: 'closed' };
  }
  onHealth(l: (h: ServerHealthView) => void) {
    this.listeners.add(l);
    return { dispose: () => this.listeners.delete(l) };
  }
  emit(h: ServerHealthView) {
    for (const l of this.listeners) l(h);
  }
  async callTool(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
    this.calls.push({ name, args: structuredClone(args) });
    if (this.failWith) throw new OversightError(this.failWith, `${this.name} failed (${this.failWith})`);
    return this.handle(name, args);
  }
  protected abstract handle(name: string, args: Record<string, unknown>): Promise<Record<string, unknown>>;
}

export class FakeCompliance extends FakeServer {
  constructor(private readonly workspace: string) {
    super('compliance');
  }
  private assess() {
    return assessTarget(nodeFileSystem, { path: this.workspace, includeGlobal: false, home: '/nonexistent-home', platform: 'linux', env: {}, toolVersion: 'test' });
  }
  protected async handle(name: string, args: Record<string, unknown>) {
    const ws = await this.assess();
    if (name === 'assess_configuration') {
      return { assessmentId: randomUUID(), summary: summarize(ws.result.findings), findings: ws.result.findings.map(reported), errors: ws.result.errors, sources: [], policyNotes: [] };
    }
    if (name === 'propose_remediation') {
      const wanted = args['fingerprints'] as string[] | undefined;
      const selected = ws.result.findings.filter((f) => f.remediation !== undefined && (wanted === undefined || wanted.includes(f.fingerprint)));
      if (wanted && selected.length !== wanted.length) throw new OversightError('STALE_PROPOSAL', 'fingerprints: gone');
      const proposal = buildProposal({ assessmentId: randomUUID(), actions: actionsFromFindings(selected), read: (f) => ws.texts.get(f), workspace: this.workspace, now: new Date(), newId: randomUUID });
      return { proposal, subjectHash: hashCanonical(HASH_TAGS.proposal, proposal) };
    }
    throw new OversightError('INVALID_ARGUMENT', `fake compliance has no tool ${name}`);
  }
}

/** Applies a proposal's newText after checking the grant and base hash; a replayed grant is answered from its "journal". */
export class FakeInstaller extends FakeServer {
  applied = new Map<string, Record<string, unknown>>();
  writes = 0;
  constructor(private readonly publicKey: KeyObject) {
    super('installer');
  }
  protected async handle(name: string, args: Record<string, unknown>) {
    if (name !== 'apply_remediation') throw new OversightError('INVALID_ARGUMENT', `fake installer has no tool ${name}`);
    const proposal = args['proposal'] as RemediationProposal;
    const grant = verifyGrant(args['grant'], { publicKey: this.publicKey, kind: 'remediation', subjectHash: hashCanonical(HASH_TAGS.proposal, proposal), now: new Date() });
    const prior = this.applied.get(grant.grantId);
    if (prior) return { ...prior, alreadyApplied: true };
    for (const f of proposal.files) {
      let current: string | undefined;
      try {
        current = readFileSync(f.file, 'utf8');
      } catch {
        current = undefined;
      }
      if ((current === undefined ? 'absent' : sha256Hex(current)) !== f.baseHash) throw new OversightError('STALE_PROPOSAL', `${f.displayPath} changed`);
    }
    for (const f of proposal.files) writeFileSync(f.file, f.newText);
    this.writes++;
    const result = { executionId: randomUUID(), proposalId: proposal.proposalId, status: 'applied', alreadyApplied: false, files: proposal.files.map((f) => ({ file: f.file, displayPath: f.displayPath, newHash: f.newHash })) };
    this.applied.set(grant.grantId, result);
    return result;
  }
}
