import { OversightError } from '../../core/errors';
import type { ServerProbe } from '../../core/model/live';
import { parseLockFile, pinTools, type LockFile } from '../../core/pinning';
import type { ProposalAction } from '../../core/remediation/proposal-schema';

/**
 * Re-pinning as a proposal action: one edit per server whose pinned tools change, so the diff shows
 * just those servers and an unchanged server's entry keeps every byte. A new lock file gets its
 * `version` and `servers` in one go.
 */
export function pinActions(input: { probes: readonly ServerProbe[]; servers: readonly string[] | undefined; lockFile: string; lockText: string | undefined; now: Date }): Omit<ProposalAction, 'actionId'>[] {
  let lock: LockFile | undefined;
  if (input.lockText !== undefined) {
    const parsed = parseLockFile(input.lockText, input.lockFile);
    if (!parsed.ok) {
      const first = parsed.errors[0];
      throw new OversightError('INVALID_ARGUMENT', `pinTools: the lock file cannot be read (${first?.message ?? 'invalid'}${first !== undefined ? `, line ${first.line}` : ''}). Fix or delete it, then pin again.`, { details: { field: 'pinTools' } });
    }
    lock = parsed.lock;
  }
  const next = pinTools(lock, input.probes, input.now, input.servers !== undefined ? { servers: input.servers } : {});
  const changed = Object.keys(next.servers).filter((name) => JSON.stringify(next.servers[name]) !== JSON.stringify(lock?.servers[name]));
  if (changed.length === 0) return [];
  const edits: ProposalAction['edits'] =
    lock === undefined
      ? [{ jsonPath: ['version'], value: 1 }, { jsonPath: ['servers'], value: next.servers }]
      : changed.map((name) => ({ jsonPath: ['servers', name], value: next.servers[name] }));
  return [
    {
      kind: 'pin-tools',
      description: `Pin the current tool definitions of ${changed.join(', ')} in the lock file, so later changes are reported`,
      file: input.lockFile,
      edits,
      risk: 'low',
    },
  ];
}
