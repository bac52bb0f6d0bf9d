import { hostname, userInfo } from 'node:os';
import type { AuditInput } from '../core/audit/audit-entry';
import { describeError } from '../core/errors';
import type { Approver } from '../core/grants/grant-schema';
import { sanitizeForTerminal } from '../core/report/ansi';
import { AuditLog } from '../coordinator/audit/audit-log';
import { loadOrCreateKeys } from '../coordinator/keys';
import { storeLayout } from '../coordinator/store-layout';
import type { CliIo } from './run-cli';

/**
 * The person at the terminal, as the OS names them (not verified: anyone can set USER). The id is the
 * one VS Code records for an approver without a signed-in account (`os:<user>`), so four-eyes sees the
 * same person whether they act from the CLI's credentials or from VS Code.
 */
export function osUserActor(io: Pick<CliIo, 'env'>): Approver {
  let user = io.env['USER'] ?? io.env['USERNAME'] ?? 'unknown';
  try {
    user = userInfo().username;
  } catch {
    // No passwd entry (containers): the environment's name stands.
  }
  return { id: `os:${user}`, label: `${user}@${hostname()}`, provider: 'os-user', verified: false };
}

/**
 * Appends one entry to the store's audit log from the CLI. When a coordinator (`serve`, VS Code) holds
 * the log open, the entry cannot be added here: the command goes on and says so on stderr.
 */
export async function recordCliEvent(io: CliIo, store: string, entry: Omit<AuditInput, 'actor'> & { actor?: Approver }): Promise<boolean> {
  let log: AuditLog | undefined;
  try {
    const layout = storeLayout(store);
    const keys = await loadOrCreateKeys(layout);
    log = await AuditLog.open({ dir: layout.audit, signingKey: keys.signingKey, hmacKey: keys.auditHmacKey, ...(io.now ? { now: io.now } : {}) });
    await log.append({ actor: entry.actor ?? osUserActor(io), kind: entry.kind, subject: entry.subject, payload: entry.payload });
    return true;
  } catch (e) {
    io.stderr(`mcp-oversight: note: not recorded in the audit log: ${sanitizeForTerminal(describeError(e))}\n`);
    return false;
  } finally {
    await log?.close().catch(() => undefined);
  }
}
