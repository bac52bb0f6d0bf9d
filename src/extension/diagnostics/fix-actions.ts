import type { DiagnosticModel, RangeModel } from './diagnostic-model';

/** The command a Quick Fix runs, and what it is handed. */
export const PROPOSE_FIX_COMMAND = 'mcpOversight.proposeFix';
export const TRUST_COMMAND = 'workbench.trust.manage';

export interface ProposeFixArgs {
  fingerprints: string[];
}

export interface FixActionModel {
  title: string;
  command: string;
  args: unknown[];
  /** The diagnostics (by fingerprint) this action fixes. */
  fixes: string[];
  preferred: boolean;
}

function intersects(a: RangeModel, b: RangeModel): boolean {
  const before = (l1: number, c1: number, l2: number, c2: number) => l1 < l2 || (l1 === l2 && c1 < c2);
  // Touching counts: a cursor at either end of a finding's range still gets its fix.
  return !before(a.endLine, a.endCharacter, b.startLine, b.startCharacter) && !before(b.endLine, b.endCharacter, a.startLine, a.startCharacter);
}

/**
 * The Quick Fixes for `range` of one file: one "propose a fix" per remediable finding there, and one
 * for every remediable finding in the file when it has more than one. Proposing changes nothing: the
 * proposal opens for review and applies only once a person approves. In an untrusted workspace there
 * is no coordinator, so the only action says why and opens the trust editor.
 */
export function fixActions(fileModels: readonly DiagnosticModel[], range: RangeModel, trusted: boolean): FixActionModel[] {
  const here = fileModels.filter((m) => m.fixable && intersects(m.range, range));
  if (here.length === 0) return [];
  if (!trusted) {
    return [{ title: 'MCP Oversight: trust this workspace to propose a fix (nothing runs or changes without your approval)', command: TRUST_COMMAND, args: [], fixes: here.map((m) => m.fingerprint), preferred: false }];
  }
  const out: FixActionModel[] = here.map((m) => ({
    title: `MCP Oversight: Propose a fix for ${m.ruleId} (review before anything changes)`,
    command: PROPOSE_FIX_COMMAND,
    args: [{ fingerprints: [m.fingerprint] } satisfies ProposeFixArgs],
    fixes: [m.fingerprint],
    preferred: here.length === 1,
  }));
  const all = [...new Set(fileModels.filter((m) => m.fixable).map((m) => m.fingerprint))];
  if (all.length > 1) {
    out.push({ title: `MCP Oversight: Propose fixes for all ${all.length} findings in this file (review before anything changes)`, command: PROPOSE_FIX_COMMAND, args: [{ fingerprints: all } satisfies ProposeFixArgs], fixes: here.map((m) => m.fingerprint), preferred: false });
  }
  return out;
}

/** A command argument is caller input: only a list of short hex-ish fingerprints is accepted. */
export function parseProposeFixArgs(arg: unknown): ProposeFixArgs | undefined {
  if (typeof arg !== 'object' || arg === null) return undefined;
  const fps = (arg as { fingerprints?: unknown }).fingerprints;
  if (!Array.isArray(fps) || fps.length === 0 || fps.length > 500) return undefined;
  if (!fps.every((f): f is string => typeof f === 'string' && /^[A-Za-z0-9_-]{1,128}$/.test(f))) return undefined;
  return { fingerprints: [...new Set(fps)] };
}
