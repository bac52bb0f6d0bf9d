import type { ServerTransport } from './child-transport';

/** The options and health view of a ManagedServer (see managed-server.ts for the behaviour). */
export type ServerName = 'compliance' | 'installer';

export interface ManagedServerOptions {
  name: ServerName;
  /** Usually process.execPath. */
  command: string;
  /** [abs path of dist/<server>.js, '--workspace', ws, ...] */
  args: string[];
  /** Added to the SDK's default environment (HOME, PATH, …), e.g. MCP_OVERSIGHT_GRANT_PUBLIC_KEY. */
  env?: Record<string, string>;
  /** Start from this process's whole environment instead of the SDK's default set (default false). */
  inheritEnv?: boolean;
  cwd?: string;
  /** Per attempt (default 60 000); a call may pass its own. */
  callTimeoutMs?: number;
  /** Total attempts including the first (default 3; 1 disables retries); delays with exponential backoff and jitter. */
  retry?: { maxAttempts: number; initialDelayMs: number; maxDelayMs: number };
  /** Default 5 consecutive failures, half-open after 30 s. */
  breaker?: { consecutiveFailures: number; halfOpenAfterMs: number };
  /** Default 500 ms doubling up to 30 s. */
  restart?: { initialDelayMs: number; maxDelayMs: number };
  /** Calls waiting for a free slot (default 64); beyond it QUEUE_FULL. */
  maxQueue?: number;
  /** Calls running at once, retries and waits for a restart included (default 8). */
  maxConcurrent?: number;
  /** Periodic MCP ping while up (default 30 000); 0 disables. */
  pingIntervalMs?: number;
  /** Default min(10 000, callTimeoutMs). */
  pingTimeoutMs?: number;
  /** Consecutive failed pings after which the process is killed and restarted (default 3). */
  pingFailuresBeforeKill?: number;
  /** Spawn + MCP initialize (default 30 000). */
  connectTimeoutMs?: number;
  /** After SIGTERM on stop, before SIGKILL (default 2 000). */
  killGraceMs?: number;
  log?: (line: string) => void;
  /** Test seam: the connection to use instead of spawning `command` (unit tests pass an in-memory fake). */
  transportFactory?: () => ServerTransport;
}

export type ServerState = 'starting' | 'up' | 'down' | 'restarting' | 'stopped';

export interface ServerHealth {
  server: ServerName;
  state: ServerState;
  /** 'half-open' once the open period is over: the next call is the trial. */
  breaker: 'closed' | 'open' | 'half-open';
  /** The server process, while `up`. */
  pid?: number;
  /** Restart attempts (spawns after the first) since the object was created. */
  restarts: number;
  lastError?: { code: string; message: string; at: string };
  lastPingAt?: string;
  lastPingMs?: number;
  inFlight: number;
  queued: number;
  /** When `state` last changed. */
  since: string;
}
