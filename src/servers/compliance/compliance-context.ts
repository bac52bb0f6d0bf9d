import type { McpServer as ConfiguredServer } from '../../core/model/server';
import type { Finding } from '../../core/model/finding';
import type { ServerProbe } from '../../core/model/live';
import type { Locator } from '../../core/config/locator';
import type { FileSystemPort } from '../../core/ports/file-system';
import type { ApprovalGate } from '../kit/approval-gate';

export interface ProbeOptions {
  timeoutMs: number;
  concurrency: number;
  signal: AbortSignal;
  env: NodeJS.ProcessEnv;
  workspaceFolder: string;
  onProgress?: (done: number, total: number) => void;
}

/** Everything the Compliance Server's tools need, built once in main.ts (tests pass their own). */
export interface ComplianceContext {
  workspace: string;
  version: string;
  fs: FileSystemPort;
  gate: ApprovalGate;
  now: () => Date;
  newId: () => string;
  /** The environment spawned servers inherit, and where `${env:X}` references resolve. */
  env: NodeJS.ProcessEnv;
  home: string;
  platform: NodeJS.Platform;
  probe: (servers: ConfiguredServer[], opts: ProbeOptions) => Promise<ServerProbe[]>;
  /** Live findings: unreachable servers, tool poisoning, hidden characters, collisions, pinned-tool changes. */
  liveFindings: (input: { probes: ServerProbe[]; servers: ConfiguredServer[]; locator: Locator; lockText: string | undefined; lockFile: string }) => Finding[];
  /** Recent live results by assessmentId, so a proposal can re-pin what was seen (bounded, in memory). */
  recentLive: Map<string, { probes: ServerProbe[]; at: Date }>;
}

export const RECENT_LIVE_LIMIT = 16;

export function rememberLive(ctx: ComplianceContext, assessmentId: string, probes: ServerProbe[]): void {
  ctx.recentLive.set(assessmentId, { probes, at: ctx.now() });
  while (ctx.recentLive.size > RECENT_LIVE_LIMIT) {
    const oldest = ctx.recentLive.keys().next().value;
    if (oldest === undefined) break;
    ctx.recentLive.delete(oldest);
  }
}
