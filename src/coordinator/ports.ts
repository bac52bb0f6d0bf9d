import type { Approver } from '../core/grants/grant-schema';

/**
 * What the coordinator needs from its collaborators, as narrow interfaces: the real ones are
 * `ManagedServer` (servers/) and `AuditLog` (audit/), wired in `create-coordinator.ts`; unit tests pass
 * in-memory fakes, and the integration tests run the real ones.
 */
export type ServerName = 'compliance' | 'installer';

export interface ServerHealthView {
  server: ServerName;
  state: string;
  breaker: string;
  lastError?: { code: string; message: string; at: string };
  /** The server process while it is up. */
  pid?: number;
  restarts?: number;
}

export interface ServerPort {
  start(): Promise<void>;
  stop(): Promise<void>;
  /** The tool's structuredContent; OversightError with the server's code otherwise. */
  callTool(name: string, args: Record<string, unknown>, opts?: { timeoutMs?: number; signal?: AbortSignal }): Promise<Record<string, unknown>>;
  health(): ServerHealthView;
  onHealth(listener: (h: ServerHealthView) => void): { dispose(): void };
}

export interface AuditRecord {
  actor: Approver;
  kind:
    | 'coordinator.started'
    | 'coordinator.stopped'
    | 'assessment.requested'
    | 'assessment.completed'
    | 'assessment.failed'
    | 'approval.requested'
    | 'approval.decided'
    | 'approval.expired'
    | 'approval.cancelled'
    | 'execution.started'
    | 'execution.completed'
    | 'execution.failed'
    | 'request.failed'
    | 'dead-letter.added'
    | 'dead-letter.retried'
    | 'dead-letter.discarded'
    | 'server.health'
    | 'audit.accessed'
    | 'audit.torn-line'
    | 'auth.failed';
  subject: { type: 'approval' | 'assessment' | 'proposal' | 'execution' | 'server' | 'request' | 'dead-letter' | 'audit' | 'auth' | 'coordinator'; id: string; server?: string };
  payload: Record<string, unknown>;
}

export interface AuditPort {
  /** Resolves once the entry is durable; secrets in the payload are replaced by keyed hashes. */
  append(record: AuditRecord): Promise<unknown>;
  close(): Promise<void>;
}
