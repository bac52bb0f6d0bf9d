import { relative, sep } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { sha256Hex } from '../crypto/hash';
import { OversightError } from '../errors';
import { ABSENT_FILE_HASH } from '../grants/grant-schema';
import { redactSecrets } from '../secrets/detect-secrets';
import { applyJsonEdits } from './apply-edits';
import type { ProposalAction, ProposalFile, RemediationProposal, RiskAssessment, RiskLevel } from './proposal-schema';

export interface BuildProposalInput {
  assessmentId: string;
  actions: readonly Omit<ProposalAction, 'actionId'>[];
  /** The current text of a file, or undefined when it does not exist. */
  read: (file: string) => string | undefined;
  workspace?: string;
  now: Date;
  newId: () => string;
}

export function displayPath(file: string, workspace: string | undefined): string {
  if (workspace === undefined) return file;
  const rel = relative(workspace, file);
  return rel === '' || rel.startsWith('..') ? file : rel.split(sep).join('/');
}

/** Base text for a file that does not exist yet: jsonc-parser builds the object from the edits. */
export function baseTextOf(text: string | undefined): string {
  return text ?? '';
}

/** New text of one file: the base with every action's edits, in action order. Shared with the Installer's recheck. */
export function newTextFor(base: string | undefined, actions: readonly Pick<ProposalAction, 'edits'>[], file: string): string {
  const text = applyJsonEdits(baseTextOf(base), actions.flatMap((a) => a.edits), file);
  return base === undefined && !text.endsWith('\n') ? `${text}\n` : text;
}

const RANK: Record<RiskLevel, number> = { low: 0, medium: 1, high: 2 };

function riskOf(actions: readonly Omit<ProposalAction, 'actionId'>[], files: readonly ProposalFile[]): RiskAssessment {
  let level: RiskLevel = 'low';
  for (const a of actions) if (RANK[a.risk] > RANK[level]) level = a.risk;
  const factors: string[] = [];
  const installs = actions.filter((a) => a.kind === 'install-server').length;
  if (installs > 0) factors.push(`${installs} new server(s): their commands will run on this machine the next time the client starts them`);
  const followUps = actions.filter((a) => a.followUp !== undefined).length;
  if (followUps > 0) factors.push(`${followUps} change(s) need a follow-up step by a person, or the server will not start`);
  const created = files.filter((f) => f.baseHash === ABSENT_FILE_HASH).length;
  if (created > 0) factors.push(`${created} file(s) created`);
  factors.push(`${files.length} file(s) changed, ${actions.length} action(s); every change can be rolled back`);
  const summary = `${level} risk: ${actions.length} change(s) to ${files.map((f) => f.displayPath).join(', ')}`;
  return { level, summary, factors };
}

function estimatedTime(actions: readonly Omit<ProposalAction, 'actionId'>[]): string {
  const followUps = actions.filter((a) => a.followUp !== undefined).length;
  const seconds = 5 + 10 * actions.length + 120 * followUps;
  const m = Math.floor(seconds / 60);
  const s = seconds % 60;
  return `PT${m > 0 ? `${m}M` : ''}${s > 0 || m === 0 ? `${s}S` : ''}`;
}

/**
 * Turns actions (exact JSON-path edits) into a RemediationProposal: for each file the text as read
 * (hashed), the exact new text and a unified diff. Pure apart from `read`. Throws PROPOSAL_INVALID
 * when nothing would change.
 */
export function buildProposal(input: BuildProposalInput): RemediationProposal {
  if (input.actions.length === 0) throw new OversightError('PROPOSAL_INVALID', 'There is nothing to propose: no remediable finding was selected.');
  const byFile = new Map<string, Omit<ProposalAction, 'actionId'>[]>();
  for (const a of input.actions) {
    const list = byFile.get(a.file) ?? [];
    list.push(a);
    byFile.set(a.file, list);
  }
  const files: ProposalFile[] = [];
  for (const [file, actions] of byFile) {
    const base = input.read(file);
    const newText = newTextFor(base, actions, file);
    if (newText === base) continue;
    const shown = displayPath(file, input.workspace);
    const diff = createTwoFilesPatch(shown, shown, base ?? '', newText, base === undefined ? '(new file)' : 'current', 'proposed');
    files.push({
      file,
      displayPath: shown,
      baseHash: base === undefined ? ABSENT_FILE_HASH : sha256Hex(base),
      newText,
      newHash: sha256Hex(newText),
      diff: redactSecrets(diff),
    });
  }
  if (files.length === 0) throw new OversightError('PROPOSAL_INVALID', 'The selected changes are already in the files: nothing to apply.');
  const kept = input.actions.filter((a) => files.some((f) => f.file === a.file));
  return {
    proposalId: input.newId(),
    assessmentId: input.assessmentId,
    actions: kept.map((a) => ({ ...a, actionId: input.newId() })),
    riskAssessment: riskOf(kept, files),
    estimatedTime: estimatedTime(kept),
    requiresApproval: true,
    timestamp: input.now.toISOString(),
    files,
  };
}
