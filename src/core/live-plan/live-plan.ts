import { z } from 'zod';
import { hashCanonical, HASH_TAGS, sha256Hex } from '../crypto/hash';
import { BaseHashSchema } from '../grants/grant-schema';
import type { ConfigModel } from '../model/config-model';
import { TransportSchema, type McpServer } from '../model/server';
import { maskScriptSecrets } from '../rules/support/script-secrets';
import { redactSecrets } from '../secrets/detect-secrets';

export const DEFAULT_LIVE_TIMEOUT_MS = 30_000;
export const DEFAULT_LIVE_CONCURRENCY = 4;

/** One server a live assessment will start or connect to, as a person reviews it. */
export const PlannedServerSchema = z.object({
  serverId: z.string(),
  name: z.string(),
  file: z.string(),
  transport: TransportSchema,
  command: z.string().optional(),
  args: z.array(z.string()),
  cwd: z.string().optional(),
  url: z.string().optional(),
  /** Names only: values are bound through the file hashes, never copied here. */
  envKeys: z.array(z.string()),
  headerKeys: z.array(z.string()),
});
export type PlannedServer = z.infer<typeof PlannedServerSchema>;

/**
 * The design's AssessmentRequest for a live assessment: exactly which commands will run, from which
 * files (with their hashes), with which limits. Its hash is what an assessment grant approves; if a
 * config file changes afterwards, the plan rebuilt at execution no longer hashes the same and the
 * run is refused as stale.
 */
export const LiveAssessmentPlanSchema = z.object({
  workspace: z.string(),
  includeGlobal: z.boolean(),
  servers: z.array(PlannedServerSchema).max(500),
  files: z.array(z.object({ file: z.string(), baseHash: BaseHashSchema })),
  timeoutMs: z.number().int().min(1000).max(600_000),
  concurrency: z.number().int().min(1).max(32),
});
export type LiveAssessmentPlan = z.infer<typeof LiveAssessmentPlanSchema>;

export function livePlanHash(plan: LiveAssessmentPlan): string {
  return hashCanonical(HASH_TAGS.assessmentRequest, plan);
}

/**
 * The servers a client would actually run: entries that win in some client's merged view, enabled,
 * optionally narrowed to the given names. Shadowed entries are never started.
 */
export function liveCandidates(model: ConfigModel, names?: readonly string[]): McpServer[] {
  const winning = new Set(model.effective.map((e) => e.serverId));
  const wanted = names === undefined ? undefined : new Set(names);
  return model.servers.filter((s) => winning.has(s.id) && s.enabled && (wanted === undefined || wanted.has(s.name)));
}

export interface PlanInput {
  workspace: string;
  includeGlobal: boolean;
  model: ConfigModel;
  texts: ReadonlyMap<string, string>;
  names?: readonly string[];
  timeoutMs?: number;
  concurrency?: number;
}

export function buildLivePlan(input: PlanInput): { plan: LiveAssessmentPlan; servers: McpServer[] } {
  const servers = liveCandidates(input.model, input.names);
  const files = [...new Set(servers.map((s) => s.file))].sort();
  const plan: LiveAssessmentPlan = {
    workspace: input.workspace,
    includeGlobal: input.includeGlobal,
    servers: servers.map((s) => ({
      serverId: s.id,
      name: s.name,
      file: s.file,
      transport: s.transport,
      ...(s.command !== undefined ? { command: s.command } : {}),
      // Masked: the plan travels to the MCP client (an AI agent) and into approvals; the exact values
      // are still bound, through the hashes of the files they come from.
      args: s.args.map((a) => redactSecrets(maskScriptSecrets(a))),
      ...(s.cwd !== undefined ? { cwd: s.cwd } : {}),
      ...(s.url !== undefined ? { url: redactSecrets(maskScriptSecrets(s.url)) } : {}),
      envKeys: Object.keys(s.env).sort(),
      headerKeys: Object.keys(s.headers).sort(),
    })),
    files: files.map((file) => {
      const text = input.texts.get(file);
      return { file, baseHash: text === undefined ? 'absent' : sha256Hex(text) };
    }),
    timeoutMs: input.timeoutMs ?? DEFAULT_LIVE_TIMEOUT_MS,
    concurrency: input.concurrency ?? DEFAULT_LIVE_CONCURRENCY,
  };
  return { plan, servers };
}

/** One line per server, secrets masked: what the person is asked to approve. */
export function describeLivePlan(plan: LiveAssessmentPlan): string {
  if (plan.servers.length === 0) return 'No configured server would be started.';
  const lines = plan.servers.map((s) => {
    const what = s.transport === 'stdio' ? `runs: ${maskScriptSecrets([s.command ?? '', ...s.args].join(' '))}${s.cwd ? ` (in ${s.cwd})` : ''}` : `connects to: ${maskScriptSecrets(s.url ?? '')}`;
    const env = s.envKeys.length > 0 ? ` with env ${s.envKeys.join(', ')}` : '';
    return `- ${s.name} ${redactSecrets(what)}${env}`;
  });
  return [`Live assessment will start or connect to ${plan.servers.length} MCP server(s) (timeout ${Math.round(plan.timeoutMs / 1000)} s each, ${plan.concurrency} at a time):`, ...lines].join('\n');
}
