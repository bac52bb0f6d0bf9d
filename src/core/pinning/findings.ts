import type { Locator } from '../config/locator';
import type { Finding } from '../model/finding';
import type { McpServer } from '../model/server';
import { liveFindings, type ToolSecurityFindingOptions } from '../tool-security/findings';
import type { PinHit } from './compare';

/** Longest diff put into a finding's message (the hit keeps the whole diff). */
const MESSAGE_DIFF = 4_000;

/**
 * Findings for `pinHits`, located at each server's config entry, the diff appended to the message
 * (cut for long ones); fingerprinted by rule, server and tool. Re-pinning is not a remediation
 * here: it writes another file (the lock) and needs a person's approval like any other change, so
 * the Compliance Server proposes it (`pinTools` + `lockFileText`).
 */
export function pinFindings(hits: readonly PinHit[], servers: readonly McpServer[], locator?: Locator, opts: ToolSecurityFindingOptions = {}): Finding[] {
  return liveFindings(
    hits.map((h) => ({
      ruleId: h.ruleId,
      category: h.category,
      severity: h.severity,
      serverId: h.serverId,
      serverName: h.serverName,
      key: h.tool ?? '',
      message: h.diff === undefined || h.diff === '' ? h.message : `${h.message}\n${h.diff.length <= MESSAGE_DIFF ? h.diff : h.diff.slice(0, MESSAGE_DIFF) + '\n… (diff cut)'}`,
    })),
    servers,
    locator,
    opts,
  );
}
