import { randomUUID } from 'node:crypto';
import { readFile } from 'node:fs/promises';
import { homedir } from 'node:os';
import { join } from 'node:path';
import { assessTarget } from '../core/assess/assess-workspace';
import { DEFAULT_APPROVAL_TTL_MS } from '../core/approvals/approval-record';
import { DeadLetterSchema } from '../core/coordination/dead-letter';
import { ApprovalRequestSchema } from '../core/coordination/messages';
import { sha256Hex } from '../core/crypto/hash';
import { describeError } from '../core/errors';
import { nodeFileSystem } from '../core/ports/node-file-system';
import type { CrashPoint } from './approvals/approval-workflow';
import { AuditLog } from './audit/audit-log';
import { Coordinator, type CoordinatorSettings } from './coordinator';
import { loadOrCreateKeys } from './keys';
import { RecordStore } from './record-store';
import { ManagedServer, type ManagedServerOptions } from './servers/managed-server';
import { storeLayout } from './store-layout';

export interface CreateCoordinatorOptions {
  /** The workspace folder whose MCP configs are assessed and changed. */
  workspace: string;
  /** Where approvals, the dead-letter queue, keys and the audit log live (the extension's workspace storage). */
  store: string;
  /** The folder holding `compliance-server.js` and `installer-server.js` (the extension's or CLI's `dist/`). */
  distDir: string;
  settings?: Partial<CoordinatorSettings>;
  /**
   * Audit retention in whole days: sealed audit segments older than this are deleted (under a signed
   * retention anchor, recorded as `audit.pruned`) at start, daily and after a rotation. 0 or absent:
   * keep everything.
   */
  auditRetentionDays?: number;
  /** Options for both server connections (timeouts, retries, breaker, restart backoff, pings). */
  serverOptions?: Omit<ManagedServerOptions, 'name' | 'command' | 'args' | 'env' | 'log'>;
  /** The environment configured servers are started with (live assessments resolve `${env:X}` from it). */
  env?: NodeJS.ProcessEnv;
  toolVersion: string;
  log: (line: string) => void;
  /** Test seam: lets a test kill the process at a named point. */
  crashPoint?: (point: CrashPoint, approvalId: string) => Promise<void> | void;
}

export const DEFAULT_SETTINGS: CoordinatorSettings = { approvalTtlMs: DEFAULT_APPROVAL_TTL_MS, fourEyes: false, expirySweepMs: 60_000 };

/**
 * The composition of the coordinator: keys, audit log, stores, and the two servers as child processes
 * of `process.execPath`, each handed the coordinator's public key so it acts only on grants signed here.
 * The extension and the CLI call this; `start()` is theirs to call.
 */
export async function createCoordinator(o: CreateCoordinatorOptions): Promise<Coordinator> {
  const layout = storeLayout(o.store);
  const keys = await loadOrCreateKeys(layout);
  const audit = await AuditLog.open({
    dir: layout.audit,
    signingKey: keys.signingKey,
    hmacKey: keys.auditHmacKey,
    retentionDays: o.auditRetentionDays ?? 0,
    onRetention: (r) => {
      if ('error' in r) o.log(`audit retention failed (nothing more is deleted until it verifies): ${describeError(r.error)}`);
      else if (r.result.deleted.length > 0) o.log(`audit retention: deleted ${r.result.deleted.length} segment(s), ${r.result.entries} entries; the log now starts at seq ${r.result.firstSeq}`);
    },
  });
  const env = o.env ?? process.env;
  const server = (name: 'compliance' | 'installer', inheritEnv: boolean) =>
    new ManagedServer({
      ...o.serverOptions,
      name,
      command: process.execPath,
      args: [join(o.distDir, `${name}-server.js`), '--workspace', o.workspace],
      env: { ...(inheritEnv ? (Object.fromEntries(Object.entries(env).filter(([, v]) => v !== undefined)) as Record<string, string>) : {}), MCP_OVERSIGHT_GRANT_PUBLIC_KEY: keys.publicKeyPem },
      // The Compliance Server starts the user's configured servers, which read their environment;
      // the Installer only edits files and gets the SDK's minimal environment.
      inheritEnv,
      log: o.log, // ManagedServer prefixes its lines with the server's name
    });
  const invalid = (file: string, why: string) => o.log(`ignored ${file}: ${why}`);
  return new Coordinator({
    workspace: o.workspace,
    servers: { compliance: server('compliance', true), installer: server('installer', false) },
    audit,
    approvals: new RecordStore(layout.approvals, ApprovalRequestSchema, invalid),
    deadLetters: new RecordStore(layout.deadLetter, DeadLetterSchema, invalid),
    signingKey: keys.signingKey,
    fileHash: async (file) => {
      try {
        return sha256Hex(await readFile(file));
      } catch (e) {
        if ((e as NodeJS.ErrnoException).code === 'ENOENT') return 'absent';
        throw e;
      }
    },
    assessInProcess: (includeGlobal) =>
      assessTarget(nodeFileSystem, {
        path: o.workspace,
        includeGlobal,
        home: homedir(),
        platform: process.platform,
        env: { XDG_CONFIG_HOME: env['XDG_CONFIG_HOME'], APPDATA: env['APPDATA'] },
        toolVersion: o.toolVersion,
      }),
    now: () => new Date(),
    newId: randomUUID,
    settings: { ...DEFAULT_SETTINGS, ...o.settings },
    log: o.log,
    ...(o.crashPoint ? { crashPoint: o.crashPoint } : {}),
  });
}
