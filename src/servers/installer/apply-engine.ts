import { dirname, join } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { z } from 'zod';
import { canonicalJson } from '../../core/crypto/canonical-json';
import { hashCanonical, HASH_TAGS, sha256Hex } from '../../core/crypto/hash';
import { OversightError } from '../../core/errors';
import { ABSENT_FILE_HASH, ApproverSchema, SignedGrantSchema, type Grant } from '../../core/grants/grant-schema';
import type { FileSystemPort } from '../../core/ports/file-system';
import { redactSecrets } from '../../core/secrets/detect-secrets';
import { newTextFor } from '../../core/remediation/build-proposal';
import { RemediationProposalSchema, type ProposalAction, type ProposalFile, type RemediationProposal } from '../../core/remediation/proposal-schema';
import type { Approval, ApprovalSubject } from '../kit/approval-gate';
import { ApplyLock } from './apply-lock';
import { decodeText, nodeFileOps, removeTemps, unwritable, writeAtomic, type FileOps, type FileState } from './file-ops';
import { ExecutionStatusSchema, Journal, type ExecutionFile, type ExecutionRecord } from './journal';
import { rollbackRequestHash, rollbackRequestOf, RollbackRequestSchema, type RollbackRequest } from './rollback-request';
import { allowedTargets, checkTarget, type AllowedTarget, type Where } from './targets';

/** Asks for (or verifies) a person's approval of one subject: the ApprovalGate bound to the calling session. */
export type Approve = (subject: ApprovalSubject, grant: unknown) => Promise<Approval>;

export interface InstallerEngineDeps {
  where: Where;
  /** For discovery of the allowed targets. */
  fs: FileSystemPort;
  stateDir: string;
  ops?: FileOps;
  now: () => Date;
  newId: () => string;
  log?: (line: string) => void;
}

const ApprovedVia = z.enum(['grant', 'elicitation']);

export const ApplyResultShape = {
  executionId: z.string(),
  proposalId: z.string(),
  /** Now: `applied`, or `rolled-back` when this is an earlier execution that was rolled back since. */
  status: ExecutionStatusSchema,
  /** True when this grant had already been applied: the first result, and nothing was written now. */
  alreadyApplied: z.boolean(),
  approvedBy: ApproverSchema,
  approvedVia: ApprovedVia,
  appliedAt: z.string(),
  files: z.array(z.object({ file: z.string(), displayPath: z.string(), baseHash: z.string(), newHash: z.string(), created: z.boolean() })),
};
const ApplyResultSchema = z.object(ApplyResultShape);
export type ApplyResult = z.infer<typeof ApplyResultSchema>;

export const RollbackResultShape = {
  executionId: z.string(),
  status: ExecutionStatusSchema,
  /** True when the execution had already been rolled back: nothing was written now. */
  alreadyRolledBack: z.boolean(),
  approvedBy: ApproverSchema,
  approvedVia: ApprovedVia,
  rolledBackAt: z.string(),
  files: z.array(z.object({ file: z.string(), displayPath: z.string(), restoredHash: z.string(), deleted: z.boolean() })),
};
const RollbackResultSchema = z.object(RollbackResultShape);
export type RollbackResult = z.infer<typeof RollbackResultSchema>;

export const PreparedRollbackShape = {
  request: RollbackRequestSchema,
  subjectHash: z.string(),
  /** What the coordinator puts in the grant besides `kind: 'remediation'` and `subjectHash`. */
  grantTarget: z.object({ targetFile: z.string(), baseHash: z.string() }),
  description: z.string(),
};
export interface PreparedRollback {
  request: RollbackRequest;
  subjectHash: string;
  grantTarget: { targetFile: string; baseHash: string };
  description: string;
}

export const ExecutionSummarySchema = z.object({
  executionId: z.string(),
  proposalId: z.string(),
  status: ExecutionStatusSchema,
  startedAt: z.string(),
  appliedAt: z.string().optional(),
  finishedAt: z.string().optional(),
  approvedBy: ApproverSchema,
  files: z.array(z.object({ file: z.string(), displayPath: z.string(), baseHash: z.string(), newHash: z.string() })),
  notes: z.array(z.string()),
});
export type ExecutionSummary = z.infer<typeof ExecutionSummarySchema>;

export interface RecoveryReport {
  resolved: { executionId: string; from: string; to: string; note: string }[];
}

/** One file of a proposal, checked: its target, the actions that edit it, and (once read) its state. */
interface PlannedFile {
  pf: ProposalFile;
  target: AllowedTarget;
  actions: ProposalAction[];
}

type FileKind = 'base' | 'new' | 'foreign';

function fieldPath(path: readonly PropertyKey[]): string {
  return path.map((p, i) => (typeof p === 'number' ? `[${p}]` : i === 0 ? String(p) : `.${String(p)}`)).join('');
}

/** The proposal as handed over, validated; a bad field is named. */
export function parseProposal(input: unknown): RemediationProposal {
  const r = RemediationProposalSchema.safeParse(input);
  if (r.success) return r.data;
  const issue = r.error.issues[0];
  const field = fieldPath(['proposal', ...(issue?.path ?? [])]);
  throw new OversightError('PROPOSAL_INVALID', `${field}: ${issue?.message ?? 'invalid'}. Pass the proposal exactly as the Compliance Server or install_server produced it.`, { details: { field } });
}

function grantDigest(grant: unknown): { grantId: string; digest: string } | undefined {
  const parsed = SignedGrantSchema.safeParse(grant);
  if (!parsed.success) return undefined;
  return { grantId: parsed.data.grant.grantId, digest: sha256Hex(canonicalJson(parsed.data)) };
}

function approvalRecord(approval: Approval, subjectHash: string, grant: unknown, newId: () => string): ExecutionRecord['approval'] {
  if (approval.via === 'grant') {
    const d = grantDigest(grant);
    return { grantId: approval.grant.grantId, ...(d ? { grantDigest: d.digest } : {}), subjectHash, approver: approval.approver, via: 'grant' };
  }
  return { grantId: `elicitation-${newId()}`, subjectHash, approver: approval.approver, via: 'elicitation' };
}

/**
 * A remediation grant names one file of what it approves and that file's hash before the change
 * (`targetFile`, `baseHash`); they must agree with the subject (the subject hash binds the rest).
 */
function checkGrantTarget(grant: Grant, files: readonly { file: string; hash: string }[]): void {
  const f = files.find((x) => x.file === grant.targetFile);
  if (f === undefined) {
    throw new OversightError('GRANT_MISMATCH', `The grant names ${grant.targetFile}, which this change does not touch. Nothing was done; request an approval of this change.`, { details: { targetFile: grant.targetFile } });
  }
  if (grant.baseHash !== f.hash) {
    throw new OversightError('GRANT_MISMATCH', `The grant's baseHash for ${grant.targetFile} is ${String(grant.baseHash)}, but this change starts from ${f.hash}. Nothing was done; request an approval of this change.`, {
      details: { targetFile: grant.targetFile, expected: f.hash, granted: grant.baseHash },
    });
  }
}

/** The diff `buildProposal` shows for a file (same call, same labels, secrets masked). */
function diffOf(displayPath: string, base: string | undefined, newText: string): string {
  return redactSecrets(createTwoFilesPatch(displayPath, displayPath, base ?? '', newText, base === undefined ? '(new file)' : 'current', 'proposed'));
}

const QUESTION_DIFF_LIMIT = 6000;

function applyQuestion(p: RemediationProposal, subjectHash: string): string {
  let diffs = p.files.map((f) => f.diff).join('\n');
  if (diffs.length > QUESTION_DIFF_LIMIT) diffs = `${diffs.slice(0, QUESTION_DIFF_LIMIT)}\n… (diff truncated; ${diffs.length} characters in all)`;
  return [
    `Apply MCP Oversight proposal ${p.proposalId}? ${p.riskAssessment.summary}.`,
    ...p.riskAssessment.factors.map((f) => `- ${f}`),
    ...p.actions.filter((a) => a.followUp !== undefined).map((a) => `Follow-up: ${a.followUp ?? ''}`),
    '',
    diffs,
    '',
    `Subject hash: ${subjectHash}`,
  ].join('\n');
}

function rollbackQuestion(r: RollbackRequest, subjectHash: string): string {
  return [
    `Roll back MCP Oversight execution ${r.executionId} (proposal ${r.proposalId})? These files get their previous text back:`,
    ...r.files.map((f) => `- ${f.displayPath}${f.restoreHash === ABSENT_FILE_HASH ? ' (it did not exist: it is deleted)' : ''}`),
    '',
    `Subject hash: ${subjectHash}`,
  ].join('\n');
}

/**
 * The Installer's executor: applies an approved RemediationProposal exactly once, all files or none,
 * each file replaced atomically, and rolls an execution back on a second approval. Every write is
 * journaled first so that a process killed at any point is resolved at the next start.
 */
export class InstallerEngine {
  readonly journal: Journal;
  private readonly lock: ApplyLock;
  private readonly ops: FileOps;
  private readyPromise: Promise<RecoveryReport> | undefined;

  constructor(private readonly deps: InstallerEngineDeps) {
    this.ops = deps.ops ?? nodeFileOps;
    this.journal = new Journal(deps.stateDir, this.ops);
    this.lock = new ApplyLock(join(deps.stateDir, 'apply.lock'));
  }

  private log(line: string): void {
    this.deps.log?.(line);
  }

  /** Creates the journal and resolves executions a killed process left half-done (once per engine). */
  ready(): Promise<RecoveryReport> {
    this.readyPromise ??= (async () => {
      await this.journal.init();
      return this.lock.run(() => this.recover());
    })();
    this.readyPromise.catch(() => {
      this.readyPromise = undefined; // try again on the next call
    });
    return this.readyPromise;
  }

  // ---------------------------------------------------------------- apply

  async apply(input: unknown, grant: unknown, approve: Approve): Promise<ApplyResult> {
    await this.ready();
    const proposal = parseProposal(input);
    const subjectHash = hashCanonical(HASH_TAGS.proposal, proposal);
    const plan = await this.plan(proposal);
    // Exactly once: the grant that already applied this proposal gets the first result back.
    const prior = await this.priorApply(grant, subjectHash);
    if (prior !== undefined && prior.status !== 'applying') return this.applyResult(prior, true);
    // With a grant, the approval is checked first (nothing about the files is told to a caller without
    // one). Without, the cheap refusals come first: nobody is asked to approve what cannot be applied.
    const ask = () => approve({ kind: 'remediation', subjectHash, question: applyQuestion(proposal, subjectHash) }, grant);
    let approval: Approval;
    if (grant !== undefined) {
      approval = await ask();
      // The same grant being applied right now: wait for the lock, then return its result.
      if (prior === undefined) await this.checkCurrent(proposal, plan, await this.readAll(plan));
    } else {
      await this.checkCurrent(proposal, plan, await this.readAll(plan));
      approval = await ask();
    }
    if (approval.via === 'grant') checkGrantTarget(approval.grant, proposal.files.map((f) => ({ file: f.file, hash: f.baseHash })));
    return this.lock.run(async ({ tookOver }) => {
      if (tookOver) await this.recover(); // another Installer process died mid-apply since we started
      const again = await this.priorApply(grant, subjectHash);
      if (again?.status === 'applying') {
        // Nothing of ours is in flight under the lock: this one was interrupted and is not resolved yet.
        throw new OversightError('TARGET_UNWRITABLE', `Execution ${again.executionId} with this grant was interrupted and is not resolved yet; nothing was done now. Restart the Installer (it resolves interrupted executions at start), then apply again.`, {
          details: { executionId: again.executionId },
        });
      }
      if (again !== undefined) return this.applyResult(again, true);
      return this.commit(proposal, plan, approvalRecord(approval, subjectHash, grant, this.deps.newId));
    });
  }

  /** Structure and least privilege: every file an allowed target, every action's file in the proposal. */
  private async plan(p: RemediationProposal): Promise<PlannedFile[]> {
    const allowed = await allowedTargets(this.deps.fs, this.deps.where);
    const seen = new Set<string>();
    const out: PlannedFile[] = [];
    for (const [i, pf] of p.files.entries()) {
      const field = `proposal.files[${i}]`;
      if (seen.has(pf.file)) throw new OversightError('PROPOSAL_INVALID', `${field}.file: ${pf.file} is listed twice.`, { details: { field: `${field}.file` } });
      seen.add(pf.file);
      if (sha256Hex(pf.newText) !== pf.newHash) {
        throw new OversightError('PROPOSAL_INVALID', `${field}.newHash: does not match newText. The proposal was altered; request a fresh one.`, { details: { field: `${field}.newHash` } });
      }
      if (pf.baseHash === pf.newHash) throw new OversightError('PROPOSAL_INVALID', `${field}: the new text equals the base; nothing to apply.`, { details: { field } });
      const target = await checkTarget(pf.file, allowed, `${field}.file`);
      out.push({ pf, target, actions: p.actions.filter((a) => a.file === pf.file) });
    }
    for (const [i, a] of p.actions.entries()) {
      if (!seen.has(a.file)) {
        throw new OversightError('PROPOSAL_INVALID', `proposal.actions[${i}].file: ${a.file} has no entry in proposal.files.`, { details: { field: `proposal.actions[${i}].file` } });
      }
    }
    for (const f of out) {
      if (f.actions.length === 0) throw new OversightError('PROPOSAL_INVALID', `${f.pf.displayPath}: no action edits this file.`, { details: { file: f.pf.file } });
    }
    return out;
  }

  private readAll(plan: readonly PlannedFile[]): Promise<FileState[]> {
    return Promise.all(plan.map((f) => this.ops.read(f.pf.file)));
  }

  /**
   * The stale check and the recomputation: every file must still hash to its base, and the base plus
   * the proposal's edits must give exactly the reviewed text (so the bytes written are base + reviewed
   * edits, never a text smuggled into `newText`). Returns the new texts.
   */
  private async checkCurrent(p: RemediationProposal, plan: readonly PlannedFile[], states: readonly FileState[]): Promise<string[]> {
    if (plan.every((f, i) => states[i]!.hash === f.pf.newHash)) {
      const by = (await this.journal.list()).find((r) => r.approval.subjectHash === hashCanonical(HASH_TAGS.proposal, p) && r.status === 'applied');
      throw new OversightError('ALREADY_APPLIED', `Proposal ${p.proposalId} is already in the file(s)${by ? ` (execution ${by.executionId})` : ''}; nothing was written.`, {
        details: { proposalId: p.proposalId, ...(by ? { executionId: by.executionId } : {}) },
      });
    }
    const stale = plan.filter((f, i) => states[i]!.hash !== f.pf.baseHash);
    if (stale.length > 0) {
      throw new OversightError(
        'STALE_PROPOSAL',
        `${stale.map((f) => f.pf.displayPath).join(', ')} changed since proposal ${p.proposalId} was made; nothing was written. Assess again and request a fresh proposal, then approve that one.`,
        { details: { files: stale.map((f) => f.pf.file) } },
      );
    }
    return plan.map((f, i) => {
      let text: string;
      try {
        text = newTextFor(decodeText(states[i]!), f.actions, f.pf.file);
      } catch (e) {
        if (e instanceof OversightError) throw e;
        throw new OversightError('PROPOSAL_INVALID', `${f.pf.displayPath}: the proposal's edits cannot be applied (${e instanceof Error ? e.message : String(e)}).`, { cause: e });
      }
      if (text !== f.pf.newText) {
        throw new OversightError('PROPOSAL_INVALID', `${f.pf.displayPath}: the proposal's newText is not what its edits give on this file, so it was not written. Request a fresh proposal.`, { details: { file: f.pf.file } });
      }
      // The diff is what a person reviews: it must describe exactly this change.
      if (f.pf.diff !== diffOf(f.pf.displayPath, decodeText(states[i]!), text)) {
        throw new OversightError('PROPOSAL_INVALID', `${f.pf.displayPath}: the proposal's diff does not describe its change, so it was not written. Request a fresh proposal.`, { details: { file: f.pf.file } });
      }
      return text;
    });
  }

  /** The journal record of this grant (any status but failed), or undefined; another grant reusing its id is refused. */
  private async priorApply(grant: unknown, subjectHash: string): Promise<ExecutionRecord | undefined> {
    const g = grantDigest(grant);
    if (g === undefined) return undefined;
    const prior = (await this.journal.list()).find((r) => r.approval.grantId === g.grantId && r.status !== 'failed');
    if (prior === undefined) return undefined;
    if (prior.approval.grantDigest !== g.digest || prior.approval.subjectHash !== subjectHash) {
      throw new OversightError('GRANT_INVALID', `Grant ${g.grantId} was already used (execution ${prior.executionId}) for another change; a grant approves one change once. Nothing was done; request a new approval.`);
    }
    return prior;
  }

  private applyResult(r: ExecutionRecord, alreadyApplied: boolean): ApplyResult {
    return {
      executionId: r.executionId,
      proposalId: r.proposalId,
      status: r.status,
      alreadyApplied,
      approvedBy: r.approval.approver,
      approvedVia: r.approval.via,
      appliedAt: r.appliedAt ?? r.startedAt,
      files: r.files.map((f) => ({ file: f.file, displayPath: f.displayPath, baseHash: f.baseHash, newHash: f.newHash, created: f.previousText === null })),
    };
  }

  /**
   * Under the lock: re-read, re-check, journal `applying` (with the previous texts), write every
   * temporary file (fsynced), re-check the base hashes once more, rename each into place, fsync the
   * folders, journal `applied`. A failing rename puts back the files already renamed.
   * Crash windows: a kill between two renames of a multi-file proposal leaves some files new and some
   * old until the next start, when recovery puts the new ones back (journal `failed`); a kill after
   * the last rename but before the journal says `applied` is recovered as applied. A write by another
   * program between the last check and the rename (microseconds) would be overwritten; its previous
   * text is then not the one journaled, and a later rollback refuses with ROLLBACK_CONFLICT only if the
   * files changed again; this is the remaining window that no lock-free editor protocol closes.
   */
  private async commit(p: RemediationProposal, plan: readonly PlannedFile[], approval: ExecutionRecord['approval']): Promise<ApplyResult> {
    const states = await this.readAll(plan);
    const texts = await this.checkCurrent(p, plan, states);
    const executionId = this.deps.newId();
    const record: ExecutionRecord = {
      version: 1,
      executionId,
      proposalId: p.proposalId,
      status: 'applying',
      approval,
      startedAt: this.deps.now().toISOString(),
      notes: [],
      files: plan.map((f, i): ExecutionFile => {
        const s = states[i]!;
        return {
          file: f.pf.file,
          displayPath: f.pf.displayPath,
          baseHash: f.pf.baseHash,
          newHash: f.pf.newHash,
          previousText: decodeText(s) ?? null,
          ...(s.mode !== undefined ? { mode: s.mode } : {}),
        };
      }),
    };
    await this.journal.put(record);
    const temps: (string | undefined)[] = [];
    const renamed: number[] = [];
    try {
      for (const [i, f] of plan.entries()) {
        if (states[i]!.bytes === undefined) await this.ops.mkdir(dirname(f.pf.file)).catch((e: unknown) => Promise.reject(unwritable(dirname(f.pf.file), e, 'create the folder')));
        temps.push(await this.ops.writeTemp(f.pf.file, texts[i]!, states[i]!.mode, executionId).catch((e: unknown) => Promise.reject(unwritable(f.pf.file, e))));
      }
      // The stale check once more, as late as possible: just before the renames.
      const now = await this.readAll(plan);
      const changed = plan.filter((f, i) => now[i]!.hash !== f.pf.baseHash);
      if (changed.length > 0) {
        throw new OversightError('STALE_PROPOSAL', `${changed.map((f) => f.pf.displayPath).join(', ')} changed while the proposal was being applied; nothing was written. Assess again and request a fresh proposal.`, {
          details: { files: changed.map((f) => f.pf.file) },
        });
      }
      for (const [i, f] of plan.entries()) {
        await this.ops.rename(temps[i]!, f.pf.file).catch((e: unknown) => Promise.reject(unwritable(f.pf.file, e)));
        temps[i] = undefined;
        renamed.push(i);
      }
      for (const dir of new Set(plan.map((f) => dirname(f.pf.file)))) await this.ops.fsyncDir(dir);
    } catch (e) {
      for (const t of temps) if (t !== undefined) await this.ops.unlink(t).catch(() => undefined);
      const err = e instanceof OversightError ? e : unwritable(plan[0]!.pf.file, e);
      const undone = await this.restore(record, renamed.map((i) => record.files[i]!));
      record.notes.push(`${err.code}: ${err.message}`);
      if (undone.failed.length > 0) {
        // Left `applying`: recovery at the next start puts these back.
        record.notes.push(`Could not put back ${undone.failed.join(', ')}; the Installer retries at its next start.`);
        await this.journal.put(record).catch(() => undefined);
        throw new OversightError('TARGET_UNWRITABLE', `${err.message} Some files were already replaced and could not be put back (${undone.failed.join(', ')}); restart the Installer to finish undoing them.`, { cause: e });
      }
      record.status = 'failed';
      record.finishedAt = this.deps.now().toISOString();
      await this.journal.put(record).catch(() => undefined);
      throw err;
    }
    record.status = 'applied';
    record.appliedAt = this.deps.now().toISOString();
    record.finishedAt = record.appliedAt;
    try {
      await this.journal.put(record);
    } catch (e) {
      // The files are applied; the `applying` record is resolved as applied by recovery at the next start.
      this.log(`applied ${executionId} but could not update its journal record: ${e instanceof Error ? e.message : String(e)}`);
    }
    this.log(`applied ${executionId} (proposal ${p.proposalId}) to ${plan.map((f) => f.pf.displayPath).join(', ')}`);
    return this.applyResult(record, false);
  }

  /** Puts files back to their previous text (or deletes files the execution created). */
  private async restore(record: ExecutionRecord, files: readonly ExecutionFile[]): Promise<{ failed: string[] }> {
    const failed: string[] = [];
    for (const f of files) {
      try {
        if (f.previousText === null) {
          await this.ops.unlink(f.file);
          await this.ops.fsyncDir(dirname(f.file));
        } else {
          await writeAtomic(this.ops, f.file, f.previousText, f.mode, record.executionId);
        }
      } catch (e) {
        this.log(`could not restore ${f.file}: ${e instanceof Error ? e.message : String(e)}`);
        failed.push(f.displayPath);
      }
    }
    return { failed };
  }

  // ---------------------------------------------------------------- rollback

  private async record(executionId: string): Promise<ExecutionRecord> {
    const r = await this.journal.get(executionId);
    if (r === undefined) {
      throw new OversightError('EXECUTION_NOT_FOUND', `executionId: no execution ${executionId} in this workspace's journal (${this.journal.dir}). Use list_executions to see them.`, { details: { field: 'executionId' } });
    }
    return r;
  }

  private kinds(r: ExecutionRecord, states: readonly (FileState | undefined)[]): FileKind[] {
    return r.files.map((f, i) => {
      const s = states[i];
      if (s === undefined) return 'foreign';
      if (s.hash === f.newHash) return 'new';
      if (s.hash === f.baseHash) return 'base';
      return 'foreign';
    });
  }

  private readRecordFiles(r: ExecutionRecord): Promise<(FileState | undefined)[]> {
    return Promise.all(r.files.map((f) => this.ops.read(f.file).catch(() => undefined)));
  }

  private rollbackConflict(r: ExecutionRecord, kinds: readonly FileKind[], allowBase: boolean): void {
    const bad = r.files.filter((_, i) => kinds[i] === 'foreign' || (kinds[i] === 'base' && !allowBase));
    if (bad.length > 0) {
      throw new OversightError('ROLLBACK_CONFLICT', `${bad.map((f) => f.displayPath).join(', ')} changed after execution ${r.executionId} was applied, so nothing was rolled back (that would discard those changes). Edit the file by hand, or assess again and apply a fresh proposal.`, {
        details: { files: bad.map((f) => f.file) },
      });
    }
  }

  private assertRollbackable(r: ExecutionRecord): void {
    if (r.status === 'applied' || r.status === 'rolling-back') return;
    throw new OversightError('INVALID_ARGUMENT', `executionId: execution ${r.executionId} is ${r.status}${r.status === 'failed' ? ' (it changed nothing)' : ''}; there is nothing to roll back.`, { details: { field: 'executionId', status: r.status } });
  }

  /** The request a rollback grant approves, and its subject hash: for the coordinator to get approved. */
  async prepareRollback(executionId: string): Promise<PreparedRollback> {
    await this.ready();
    const r = await this.record(executionId);
    if (r.status === 'rolled-back') {
      throw new OversightError('ALREADY_APPLIED', `Execution ${executionId} was already rolled back${r.rollback?.finishedAt ? ` at ${r.rollback.finishedAt}` : ''}; nothing to do.`, { details: { executionId } });
    }
    this.assertRollbackable(r);
    this.rollbackConflict(r, this.kinds(r, await this.readRecordFiles(r)), r.status === 'rolling-back');
    const request = rollbackRequestOf(r);
    const subjectHash = rollbackRequestHash(request);
    return { request, subjectHash, grantTarget: { targetFile: request.files[0]!.file, baseHash: request.files[0]!.currentHash }, description: rollbackQuestion(request, subjectHash) };
  }

  async rollback(executionId: string, grant: unknown, approve: Approve): Promise<RollbackResult> {
    await this.ready();
    const first = await this.record(executionId);
    if (first.status === 'rolled-back') return this.rollbackResult(first, true);
    this.assertRollbackable(first);
    const request = rollbackRequestOf(first);
    const subjectHash = rollbackRequestHash(request);
    this.rollbackConflict(first, this.kinds(first, await this.readRecordFiles(first)), first.status === 'rolling-back');
    const approval = await approve({ kind: 'remediation', subjectHash, question: rollbackQuestion(request, subjectHash) }, grant);
    if (approval.via === 'grant') checkGrantTarget(approval.grant, request.files.map((f) => ({ file: f.file, hash: f.currentHash })));
    return this.lock.run(async ({ tookOver }) => {
      if (tookOver) await this.recover();
      const r = await this.record(executionId);
      if (r.status === 'rolled-back') return this.rollbackResult(r, true);
      this.assertRollbackable(r);
      const wasApplied = r.status === 'applied';
      const kinds = this.kinds(r, await this.readRecordFiles(r));
      this.rollbackConflict(r, kinds, !wasApplied);
      r.status = 'rolling-back';
      r.rollback = { ...approvalRecord(approval, subjectHash, grant, this.deps.newId), startedAt: this.deps.now().toISOString() };
      await this.journal.put(r);
      const todo = r.files.filter((_, i) => kinds[i] === 'new');
      const temps = new Map<string, string>();
      const done: string[] = [];
      try {
        for (const f of todo) {
          if (f.previousText !== null) temps.set(f.file, await this.ops.writeTemp(f.file, f.previousText, f.mode, r.executionId).catch((e: unknown) => Promise.reject(unwritable(f.file, e))));
        }
        const now = this.kinds(r, await this.readRecordFiles(r));
        const moved = r.files.filter((f, i) => todo.includes(f) && now[i] !== 'new');
        if (moved.length > 0) {
          throw new OversightError('ROLLBACK_CONFLICT', `${moved.map((f) => f.displayPath).join(', ')} changed while rolling back; nothing was rolled back. Edit the file by hand, or assess again.`, { details: { files: moved.map((f) => f.file) } });
        }
        for (const f of todo) {
          const tmp = temps.get(f.file);
          if (tmp === undefined) await this.ops.unlink(f.file).catch((e: unknown) => Promise.reject(unwritable(f.file, e, 'delete')));
          else await this.ops.rename(tmp, f.file).catch((e: unknown) => Promise.reject(unwritable(f.file, e)));
          temps.delete(f.file);
          done.push(f.displayPath);
        }
        for (const dir of new Set(r.files.map((f) => dirname(f.file)))) await this.ops.fsyncDir(dir);
      } catch (e) {
        for (const t of temps.values()) await this.ops.unlink(t).catch(() => undefined);
        const err = e instanceof OversightError ? e : unwritable(todo[0]?.file ?? r.files[0]!.file, e);
        r.notes.push(`rollback: ${err.code}: ${err.message}`);
        if (done.length === 0 && wasApplied) {
          r.status = 'applied'; // nothing was restored: the execution stands as it was
          delete r.rollback;
          await this.journal.put(r).catch(() => undefined);
          throw err;
        }
        await this.journal.put(r).catch(() => undefined);
        throw new OversightError('TARGET_UNWRITABLE', `The rollback stopped half-way (${done.join(', ')} restored): ${err.message} Call rollback again to finish it; the Installer also finishes it at its next start.`, { cause: e });
      }
      r.status = 'rolled-back';
      r.rollback.finishedAt = this.deps.now().toISOString();
      r.finishedAt = r.rollback.finishedAt;
      await this.journal.put(r).catch((e: unknown) => this.log(`rolled back ${executionId} but could not update its journal record: ${String(e)}`));
      this.log(`rolled back ${executionId}`);
      return this.rollbackResult(r, false);
    });
  }

  private rollbackResult(r: ExecutionRecord, already: boolean): RollbackResult {
    const approval = r.rollback ?? r.approval;
    return {
      executionId: r.executionId,
      status: r.status,
      alreadyRolledBack: already,
      approvedBy: approval.approver,
      approvedVia: approval.via,
      rolledBackAt: r.rollback?.finishedAt ?? r.finishedAt ?? r.startedAt,
      files: r.files.map((f) => ({ file: f.file, displayPath: f.displayPath, restoredHash: f.baseHash, deleted: f.previousText === null })),
    };
  }

  // ---------------------------------------------------------------- journal views and recovery

  async executions(): Promise<ExecutionSummary[]> {
    await this.ready();
    return (await this.journal.list()).map((r) => ({
      executionId: r.executionId,
      proposalId: r.proposalId,
      status: r.status,
      startedAt: r.startedAt,
      ...(r.appliedAt !== undefined ? { appliedAt: r.appliedAt } : {}),
      ...(r.finishedAt !== undefined ? { finishedAt: r.finishedAt } : {}),
      approvedBy: r.approval.approver,
      files: r.files.map((f) => ({ file: f.file, displayPath: f.displayPath, baseHash: f.baseHash, newHash: f.newHash })),
      notes: r.notes,
    }));
  }

  /**
   * Resolves what a killed process left (call with the lock held): an `applying` record whose files
   * all hash to their new text becomes `applied`; all to their base, `failed` (nothing was written);
   * a mix is put back to the base (then `failed`). A `rolling-back` record is finished the same way
   * towards the base (`rolled-back`), or is `applied` again if nothing was restored. Files that now
   * hold a third text (edited since) are left alone and noted. Leftover temporary files are removed.
   */
  private async recover(): Promise<RecoveryReport> {
    await this.journal.removeTemps();
    await this.lock.removeLeftovers();
    const resolved: RecoveryReport['resolved'] = [];
    const records = await this.journal.list((file, why) => this.log(`journal record ${file} is damaged (${why}); left as is`));
    for (const r of records) {
      if (r.status !== 'applying' && r.status !== 'rolling-back') continue;
      for (const f of r.files) await removeTemps(this.ops, f.file, r.executionId).catch(() => 0);
      const from = r.status;
      const kinds = this.kinds(r, await this.readRecordFiles(r));
      const foreign = r.files.filter((_, i) => kinds[i] === 'foreign').map((f) => f.displayPath);
      let note: string;
      if (kinds.every((k) => k === 'new')) {
        r.status = 'applied';
        r.appliedAt ??= this.deps.now().toISOString();
        note = from === 'applying' ? 'interrupted after every file was replaced: applied' : 'rollback interrupted before any file was restored: still applied';
        delete r.rollback;
      } else if (kinds.every((k) => k === 'base')) {
        r.status = from === 'applying' ? 'failed' : 'rolled-back';
        note = from === 'applying' ? 'interrupted before any file was replaced: nothing changed' : 'interrupted after every file was restored: rolled back';
      } else {
        const undone = await this.restore(r, r.files.filter((_, i) => kinds[i] === 'new'));
        if (undone.failed.length > 0) {
          this.log(`recovery of ${r.executionId}: could not restore ${undone.failed.join(', ')}; will retry at the next start`);
          continue;
        }
        r.status = from === 'applying' ? 'failed' : 'rolled-back';
        note = `interrupted with some files replaced: those were put back (${from === 'applying' ? 'nothing changed' : 'rolled back'})`;
      }
      if (foreign.length > 0) note += `; ${foreign.join(', ')} had been changed by something else since and were left as they are`;
      r.notes.push(`recovered at ${this.deps.now().toISOString()}: ${note}`);
      r.finishedAt = this.deps.now().toISOString();
      if (r.rollback !== undefined && r.status === 'rolled-back') r.rollback.finishedAt = r.finishedAt;
      await this.journal.put(r);
      resolved.push({ executionId: r.executionId, from, to: r.status, note });
      this.log(`recovered execution ${r.executionId}: ${from} -> ${r.status} (${note})`);
    }
    return { resolved };
  }
}

export { ApplyResultSchema, RollbackResultSchema };
