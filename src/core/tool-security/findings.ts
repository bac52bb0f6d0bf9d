import { relative, sep } from 'node:path';
import { fingerprint } from '../assess/fingerprint';
import type { Locator } from '../config/locator';
import type { Category } from '../model/category';
import type { Finding } from '../model/finding';
import type { JsonPath } from '../model/location';
import type { McpServer } from '../model/server';
import type { Severity } from '../model/severity';
import { redactSecrets } from '../secrets/detect-secrets';
import { escapeCapped, escapeInvisible } from './escape';
import type { ToolSecurityHit } from './types';

export interface ToolSecurityFindingOptions {
  /** Fingerprints use files relative to it (as the static assessment does), so they survive a moved checkout. */
  workspace?: string;
}

/** What a live check found, before it is placed at a server's config entry. */
export interface LiveHit {
  ruleId: string;
  category: Category;
  severity: Severity;
  serverId: string;
  serverName: string;
  /** Part of the fingerprint: what, within the server, the finding is about (tool and field). */
  key: string;
  message: string;
}

/**
 * Places live hits at their server's entry in the config (line and column through the `Locator`,
 * else the entry's recorded position), redacts the message and fingerprints it by rule, file,
 * entry, server and `key`. A hit whose server is not in `servers` is located by server name, and
 * failing that at the start of no file (it is still reported).
 */
export function liveFindings(hits: readonly LiveHit[], servers: readonly McpServer[], locator?: Locator, opts: ToolSecurityFindingOptions = {}): Finding[] {
  const byId = new Map(servers.map((s) => [s.id, s]));
  const byName = new Map<string, McpServer>();
  for (const s of servers) if (!byName.has(s.name)) byName.set(s.name, s);
  const rel = (file: string): string => {
    if (opts.workspace === undefined || file === '') return file;
    const r = relative(opts.workspace, file);
    return r.startsWith('..') ? file : r.split(sep).join('/');
  };
  return hits.map((h) => {
    const server = byId.get(h.serverId) ?? byName.get(h.serverName);
    const file = server?.file ?? '';
    const path: JsonPath = server ? [...server.origins.entry] : [];
    const pos = server ? (locator?.locate(file, path) ?? server.position) : undefined;
    const finding: Finding = {
      ruleId: h.ruleId,
      category: h.category,
      severity: h.severity,
      server: server?.name ?? h.serverName,
      serverId: server?.id ?? h.serverId,
      file,
      line: pos?.line ?? 1,
      column: pos?.column ?? 1,
      endLine: pos?.endLine ?? pos?.line ?? 1,
      endColumn: pos?.endColumn ?? pos?.column ?? 1,
      jsonPath: path,
      message: redactSecrets(h.message),
      remediable: false,
      fingerprint: fingerprint({ ruleId: h.ruleId, file: rel(file), path, server: server?.name ?? h.serverName, key: h.key }),
    };
    return finding;
  });
}

/**
 * Findings for the hits of `analyzeServerOutputs`, located at each server's config entry. The
 * message names the tool and field and ends with the quote; the fingerprint includes rule, tool and
 * field, so a finding keeps its identity across runs while the server says the same thing.
 */
export function toolSecurityFindings(hits: readonly ToolSecurityHit[], servers: readonly McpServer[], locator?: Locator, opts: ToolSecurityFindingOptions = {}): Finding[] {
  return liveFindings(
    hits.map((h) => ({
      ruleId: h.ruleId,
      category: h.category,
      severity: h.severity,
      serverId: h.serverId,
      serverName: h.serverName,
      key: `${h.tool ?? ''}\u0000${h.field}`,
      message:
        (h.tool === undefined ? '' : `Tool "${escapeCapped(h.tool, 80)}", `) +
        `${escapeInvisible(h.field)}: ${h.message}` +
        (h.quote === '' ? '' : ` Quote: "${h.quote}"`),
    })),
    servers,
    locator,
    opts,
  );
}
