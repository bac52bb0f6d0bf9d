import { relative, sep } from 'node:path';
import { fingerprint } from '../core/assess/fingerprint';
import type { Locator } from '../core/config/locator';
import type { Finding } from '../core/model/finding';
import type { ServerProbe } from '../core/model/live';
import type { McpServer } from '../core/model/server';
import { redactSecrets } from '../core/secrets/detect-secrets';

export const UNREACHABLE_RULE_ID = 'unreachable-server';

/**
 * One `unreachable-server` finding per probed server that could not be assessed live, located at
 * its entry: a server we could not start is a server the client cannot start either, and none of
 * its tools were checked. Disabled servers are skipped (not starting them was the point). The
 * fingerprint leaves out the reason so that a server going from `timeout` to `exited` stays one
 * alert; `workspace` makes the fingerprinted path relative, as the static assessment does.
 */
export function unreachableFindings(probes: readonly ServerProbe[], servers: readonly McpServer[], locator?: Locator, workspace?: string): Finding[] {
  const byId = new Map(servers.map((s) => [s.id, s]));
  const out: Finding[] = [];
  for (const probe of probes) {
    const reason = probe.reason;
    if (probe.status !== 'unreachable' || reason === undefined || reason.code === 'disabled') continue;
    const server = byId.get(probe.serverId);
    const jsonPath = server?.origins.entry ?? [];
    const pos = server ? (locator?.locate(server.file, jsonPath) ?? server.position) : undefined;
    const line = pos?.line ?? 1;
    const column = pos?.column ?? 1;
    out.push({
      ruleId: UNREACHABLE_RULE_ID,
      category: 'unreachable-server',
      severity: 'medium',
      server: probe.serverName,
      serverId: probe.serverId,
      file: probe.file,
      line,
      column,
      endLine: pos?.endLine ?? line,
      endColumn: pos?.endColumn ?? column,
      jsonPath,
      message: redactSecrets(`Server "${probe.serverName}" could not be assessed live (${reason.code}): ${reason.message}`),
      remediable: false,
      fingerprint: fingerprint({ ruleId: UNREACHABLE_RULE_ID, file: relativeFile(workspace, probe.file), path: jsonPath, server: probe.serverName }),
    });
  }
  return out;
}

function relativeFile(workspace: string | undefined, file: string): string {
  if (workspace === undefined) return file;
  const rel = relative(workspace, file);
  return rel.startsWith('..') ? file : rel.split(sep).join('/');
}
