import { createTwoFilesPatch } from 'diff';
import type { ServerProbe } from '../model/live';
import type { Severity } from '../model/severity';
import { redactSecrets } from '../secrets/detect-secrets';
import { escapeCapped, escapeInvisible } from '../tool-security/escape';
import { pinnedDefinition, tryToolDefinitionHash, type ToolLike } from './definition-hash';
import { sortedCopy } from './lock-file';
import type { LockFile, PinnedDefinition } from './lock-schema';

/** What pinning reads of a probe: a structural subset of `ServerProbe`. */
export type PinProbe = Pick<ServerProbe, 'serverId' | 'serverName'> & Partial<Pick<ServerProbe, 'status'>> & { tools: readonly ToolLike[] };

export interface ToolChange {
  tool: string;
  kind: 'added' | 'removed' | 'changed';
  /** Absent for an added tool. */
  pinnedSha256?: string;
  /** Absent for a removed tool. */
  currentSha256?: string;
  /** Unified diff of the pretty canonical JSON, old (pinned) to new (now); escaped and redacted. */
  diff: string;
}

export interface ServerPinComparison {
  serverId: string;
  serverName: string;
  /** False when the lock has no entry for this server (or there is no lock). */
  pinned: boolean;
  pinnedAt?: string;
  changes: ToolChange[];
  unchanged: string[];
  /** Tools whose definitions cannot be hashed (not JSON, or nested too deep): never pinned, always reported. */
  unpinnable: string[];
}

/** Longest diff kept per tool; a diff past it is cut (the hashes still differ). */
const MAX_DIFF = 20_000;
/** Edits beyond which two definitions are "too different to diff" (the diff would cost more than it shows). */
const MAX_EDIT_LENGTH = 2_000;

/**
 * Each reachable server's tools against the lock: added, removed and changed tools, each change with
 * a diff. Unreachable servers are left out (nothing can be said of their tools), and so are lock
 * entries of servers not probed. Two probes of one server name (one server configured in two files)
 * are compared separately against the same entry.
 */
export function compareWithLock(lock: LockFile | undefined, probes: readonly PinProbe[]): ServerPinComparison[] {
  const out: ServerPinComparison[] = [];
  for (const probe of probes) {
    if (probe.status === 'unreachable') continue;
    const entry = lock !== undefined && Object.hasOwn(lock.servers, probe.serverName) ? lock.servers[probe.serverName] : undefined;
    const c: ServerPinComparison = { serverId: probe.serverId, serverName: probe.serverName, pinned: entry !== undefined, changes: [], unchanged: [], unpinnable: [] };
    if (entry !== undefined) c.pinnedAt = entry.pinnedAt;
    const seen = new Set<string>();
    for (const tool of probe.tools) {
      if (seen.has(tool.name)) continue;
      seen.add(tool.name);
      const sha = tryToolDefinitionHash(tool);
      if (sha === undefined) {
        c.unpinnable.push(tool.name);
        continue;
      }
      if (entry === undefined) continue;
      const pinned = Object.hasOwn(entry.tools, tool.name) ? entry.tools[tool.name] : undefined;
      if (pinned === undefined) c.changes.push({ tool: tool.name, kind: 'added', currentSha256: sha, diff: definitionDiff(probe.serverName, tool.name, undefined, pinnedDefinition(tool)) });
      else if (pinned.sha256 !== sha) c.changes.push({ tool: tool.name, kind: 'changed', pinnedSha256: pinned.sha256, currentSha256: sha, diff: definitionDiff(probe.serverName, tool.name, pinned.definition, pinnedDefinition(tool)) });
      else c.unchanged.push(tool.name);
    }
    if (entry !== undefined) {
      for (const [name, pinned] of Object.entries(entry.tools)) {
        if (!seen.has(name)) c.changes.push({ tool: name, kind: 'removed', pinnedSha256: pinned.sha256, diff: definitionDiff(probe.serverName, name, pinned.definition, undefined) });
      }
    }
    out.push(c);
  }
  return out;
}

/** A definition as diffed: keys sorted, two-space JSON, one value per line. */
export function prettyDefinition(d: PinnedDefinition | undefined): string {
  return d === undefined ? '' : JSON.stringify(sortedCopy(d), null, 2) + '\n';
}

/**
 * Unified diff of the pinned and the current definition. Lines are escaped (a hostile definition
 * may hold terminal escapes or bidi controls) and redacted; a huge diff is cut.
 */
export function definitionDiff(server: string, tool: string, before: PinnedDefinition | undefined, after: PinnedDefinition | undefined): string {
  const label = `${escapeCapped(server, 60)}/${escapeCapped(tool, 80)}`;
  const patch = createTwoFilesPatch(`pinned/${label}`, `current/${label}`, prettyDefinition(before), prettyDefinition(after), undefined, undefined, { context: 3, maxEditLength: MAX_EDIT_LENGTH });
  if (patch === undefined) return `The definitions of ${label} differ in more than ${MAX_EDIT_LENGTH} lines; compare them in the lock file and the live listing.`;
  const text = redactSecrets(patch.split('\n').map(escapeInvisible).join('\n'));
  return text.length <= MAX_DIFF ? text : text.slice(0, MAX_DIFF) + `\n… (diff cut at ${MAX_DIFF} characters)\n`;
}

/** Rule ids of the pinning check (category `tool-definition-changed`), with their severities. */
export const PIN_RULES = {
  'tool-definition-changed': 'high',
  'tool-definition-added': 'medium',
  'tool-definition-removed': 'low',
  'tool-definition-unpinnable': 'medium',
  'tool-definitions-not-pinned': 'info',
} as const satisfies Record<string, Severity>;
export type PinRuleId = keyof typeof PIN_RULES;

export interface PinHit {
  category: 'tool-definition-changed';
  ruleId: PinRuleId;
  severity: Severity;
  serverId: string;
  serverName: string;
  tool?: string;
  message: string;
  /** For added, removed and changed tools. */
  diff?: string;
}

/**
 * One hit per changed (high), added (medium) and removed (low) tool, per unpinnable tool (medium), and
 * one info hit per server that is not pinned yet. A change is a reason to look before the model
 * uses the tool again: a server that was approved can change what its tools say (a "rug pull").
 */
export function pinHits(comparisons: readonly ServerPinComparison[]): PinHit[] {
  const hits: PinHit[] = [];
  for (const c of comparisons) {
    const base = { category: 'tool-definition-changed' as const, serverId: c.serverId, serverName: c.serverName };
    const since = c.pinnedAt === undefined ? '' : ` since it was pinned (${c.pinnedAt})`;
    if (!c.pinned) {
      hits.push({ ...base, ruleId: 'tool-definitions-not-pinned', severity: 'info', message: `The tools of "${escapeCapped(c.serverName, 60)}" are not pinned yet: changes to them cannot be noticed until they are.` });
    }
    for (const t of c.changes) {
      const name = escapeCapped(t.tool, 80);
      const short = (h: string | undefined) => (h === undefined ? '' : h.slice(0, 12));
      if (t.kind === 'changed') {
        hits.push({ ...base, ruleId: 'tool-definition-changed', severity: 'high', tool: t.tool, diff: t.diff, message: `Tool "${name}" changed${since} (sha256 ${short(t.pinnedSha256)}… → ${short(t.currentSha256)}…). Review the diff; re-pin only if the new definition is acceptable.` });
      } else if (t.kind === 'added') {
        hits.push({ ...base, ruleId: 'tool-definition-added', severity: 'medium', tool: t.tool, diff: t.diff, message: `Tool "${name}" is new${since}. Review it, then re-pin.` });
      } else {
        hits.push({ ...base, ruleId: 'tool-definition-removed', severity: 'low', tool: t.tool, diff: t.diff, message: `Tool "${name}" is gone${since}. Re-pin to drop it from the lock.` });
      }
    }
    for (const t of c.unpinnable) {
      hits.push({ ...base, ruleId: 'tool-definition-unpinnable', severity: 'medium', tool: t, message: `Tool "${escapeCapped(t, 80)}" cannot be pinned: its definition is not plain JSON or nests too deeply, so changes to it would go unnoticed.` });
    }
  }
  return hits;
}
