import type { AuditEntry, AuditInput } from '../core/audit/audit-entry';
import type { AuditQuery } from '../core/audit/audit-query';
import type { AppendOptions } from './audit/audit-log';
export type { AppendOptions };

/**
 * What the coordinator needs from its collaborators, as narrow interfaces: the real ones are
 * `ManagedServer` (servers/) and `AuditLog` (audit/), wired in `create-coordinator.ts`; unit tests pass
 * in-memory fakes, and the integration tests run the real ones.
 */
import type { ServerName } from './servers/managed-server-options';
export type { ServerName };

export interface ServerHealthView {
  server: ServerName;
  state: string;
  breaker: string;
  lastError?: { code: string; message: string; at: string };
  /** The server process while it is up. */
  pid?: number;
  restarts?: number;
  /** Calls running on it now. */
  inFlight?: number;
}

export interface ServerPort {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The tool's structuredContent; OversightError with the server's code otherwise. */
  callTool(name: string, args: Record<string, unknown>, opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<Record<string, unknown>>;
  health(): ServerHealthView;
  onHealth(listener: (h: ServerHealthView) => void): { dispose(): void };
}

/** What the coordinator records: the audit log's own input type (src/core/audit). */
export type AuditRecord = AuditInput;

export interface AuditPort {
  /**
   * Resolves once the entry is durable (or, with `until: 'written'`, once it is written to its file);
   * secrets in the payload are replaced by keyed hashes.
   */
  append(record: AuditRecord, options?: AppendOptions): Promise<unknown>;
  /** Entries matching the query, newest first. */
  query(q: AuditQuery): Promise<AuditEntry[]>;
  close(): Promise<void>;
}
