import { relative, sep } from 'node:path';
import { createTwoFilesPatch } from 'diff';
import { findNodeAtLocation, parseTree, type Node } from 'jsonc-parser';
import { sha256Hex } from '../crypto/hash';
import { OversightError } from '../errors';
import { ABSENT_FILE_HASH } from '../grants/grant-schema';
import { isHighEntropySecretValue, maskSecret, redactSecrets } from '../secrets/detect-secrets';
import { isSecretLikeName } from '../secrets/secret-names';
import { applyJsonEdits } from './apply-edits';
import type { ProposalAction, ProposalEdit, ProposalFile, RemediationProposal, RiskAssessment, RiskLevel } from './proposal-schema';

export interface BuildProposalInput {
  assessmentId: string;
  actions: readonly Omit<ProposalAction, 'actionId'>[];
  /** The current text of a file, or undefined when it does not exist. */
  read: (file: string) => string | undefined;
  workspace?: string;
  now: Date;
  newId: () => string;
  /** Exact values to mask wherever they appear in the diffs (secrets the caller knows of), besides those found from the edits. */
  secretValues?: readonly string[];
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

const ENV_REFERENCE = /\$?\{env:[^}]+\}/;

/**
 * Pairs [literal as written, literal as shown] for the secrets an edit takes out of the text: the part
 * of a string that a set replaces with an env reference, and random-looking strings under a secret-like
 * name inside a removed or replaced value. redactSecrets only knows token shapes, so without this the
 * `-` line of the diff would show a high-entropy key in clear.
 */
export function secretLiteralsOf(base: string | undefined, edits: readonly ProposalEdit[]): [string, string][] {
  const root = base === undefined ? undefined : parseTree(base, [], { allowTrailingComma: true, disallowComments: false });
  if (base === undefined || root === undefined) return [];
  const out = new Map<string, string>();
  for (const e of edits) {
    const node = findNodeAtLocation(root, e.jsonPath);
    if (node === undefined) continue;
    if (node.type === 'string' && e.remove !== true && typeof e.value === 'string' && ENV_REFERENCE.test(e.value)) {
      // Only the part that changes: `--token=abc` -> `--token=${env:TOKEN}` masks `abc`.
      const old = base.slice(node.offset, node.offset + node.length);
      const next = JSON.stringify(e.value);
      let head = 0;
      while (head < old.length && head < next.length && old[head] === next[head]) head++;
      let tail = 0;
      while (tail < old.length - head && tail < next.length - head && old[old.length - 1 - tail] === next[next.length - 1 - tail]) tail++;
      const secret = old.slice(head, old.length - tail);
      if (secret !== '') out.set(old, `${old.slice(0, head)}${maskSecret(secret)}${old.slice(old.length - tail)}`);
      continue;
    }
    for (const [name, leaf] of namedStrings(node, typeof e.jsonPath.at(-1) === 'string' ? (e.jsonPath.at(-1) as string) : undefined)) {
      const value = leaf.value as string;
      if (name !== undefined && isSecretLikeName(name) && isHighEntropySecretValue(value)) out.set(base.slice(leaf.offset, leaf.offset + leaf.length), JSON.stringify(maskSecret(value)));
    }
  }
  return [...out];
}

/** The string values in `node` with the name of the property that holds them (array elements inherit it). */
function namedStrings(node: Node, name: string | undefined, out: [string | undefined, Node][] = []): [string | undefined, Node][] {
  if (node.type === 'string') out.push([name, node]);
  else if (node.type === 'array') for (const c of node.children ?? []) namedStrings(c, name, out);
  else if (node.type === 'object') {
    for (const p of node.children ?? []) {
      const [key, value] = p.children ?? [];
      if (value !== undefined) namedStrings(value, typeof key?.value === 'string' ? key.value : undefined, out);
    }
  }
  return out;
}

/** The diff with the secrets the edits move out (and the caller's secret values) masked, then every token shape. */
function maskedDiff(diff: string, literals: readonly [string, string][], secretValues: readonly string[]): string {
  let out = diff;
  for (const [raw, shown] of [...literals].sort((a, b) => b[0].length - a[0].length)) out = out.split(raw).join(shown);
  for (const v of [...secretValues].sort((a, b) => b.length - a.length)) if (v !== '') out = out.split(v).join(maskSecret(v));
  return redactSecrets(out);
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
      diff: maskedDiff(diff, secretLiteralsOf(base, actions.flatMap((a) => a.edits)), input.secretValues ?? []),
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
