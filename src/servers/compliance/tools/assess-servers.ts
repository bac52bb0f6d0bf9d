import { z } from 'zod';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { OversightError } from '../../../core/errors';
import { buildLivePlan, describeLivePlan, livePlanHash, LiveAssessmentPlanSchema, type LiveAssessmentPlan } from '../../../core/live-plan/live-plan';
import { ServerProbeSchema } from '../../../core/model/live';
import { applyPolicy } from '../../../core/policy/apply-policy';
import { safeTool, toolResult } from '../../kit/tool-result';
import { rememberLive, type ComplianceContext } from '../compliance-context';
import { assessWorkspace, LOCK_FILE } from '../load-workspace';
import { reported, ReportedFindingSchema, summaryLine, SummarySchema, summarize } from '../../../core/assess/finding-summary';

const Selection = {
  servers: z.array(z.string().max(1024)).max(500).optional().describe('Server names to assess (default: every enabled server a client would run)'),
  includeGlobal: z.boolean().default(false).describe('Also start servers from global configs'),
  timeoutMs: z.number().int().min(1000).max(600_000).optional().describe('Per-server timeout (default 30000: long enough for a cold npx)'),
  concurrency: z.number().int().min(1).max(32).optional().describe('Servers probed at once (default 4)'),
};

export const PlanOutput = { plan: LiveAssessmentPlanSchema, subjectHash: z.string(), description: z.string() };

async function currentPlan(ctx: ComplianceContext, sel: { servers?: string[] | undefined; includeGlobal: boolean; timeoutMs?: number | undefined; concurrency?: number | undefined }) {
  const ws = await assessWorkspace(ctx, { includeGlobal: sel.includeGlobal });
  const built = buildLivePlan({
    workspace: ctx.workspace,
    includeGlobal: sel.includeGlobal,
    model: ws.model,
    texts: ws.texts,
    ...(sel.servers !== undefined ? { names: sel.servers } : {}),
    ...(sel.timeoutMs !== undefined ? { timeoutMs: sel.timeoutMs } : {}),
    ...(sel.concurrency !== undefined ? { concurrency: sel.concurrency } : {}),
  });
  if (sel.servers !== undefined) {
    const found = new Set(built.servers.map((s) => s.name));
    const missing = sel.servers.filter((n) => !found.has(n));
    if (missing.length > 0) throw new OversightError('INVALID_ARGUMENT', `servers: no enabled, effective server named ${missing.map((n) => JSON.stringify(n)).join(', ')}. Run assess_configuration to list them.`, { details: { field: 'servers' } });
  }
  return { ...built, ws };
}

/** The plan a person approves before anything runs; no approval needed to see it. */
export function registerPlanLiveAssessment(server: McpServer, ctx: ComplianceContext): void {
  server.registerTool(
    'plan_live_assessment',
    {
      title: 'Plan a live assessment',
      description: 'Lists exactly which configured MCP servers a live assessment would start or connect to (commands with secrets masked, config file hashes, limits), and the subject hash an approval must sign. Starts nothing.',
      inputSchema: Selection,
      outputSchema: PlanOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    safeTool(async (args) => {
      const { plan } = await currentPlan(ctx, args);
      const description = describeLivePlan(plan);
      return toolResult({ plan, subjectHash: livePlanHash(plan), description }, description);
    }),
  );
}

export const AssessServersOutput = {
  assessmentId: z.string(),
  summary: SummarySchema,
  findings: z.array(ReportedFindingSchema),
  probes: z.array(ServerProbeSchema),
  approvedBy: z.object({ id: z.string(), label: z.string(), provider: z.string(), verified: z.boolean() }),
};

/**
 * Live assessment: starts (or connects to) each planned server as its client would, then checks what
 * it returns. Runs configured commands, so it needs an approval bound to the plan's hash.
 */
export function registerAssessServers(server: McpServer, ctx: ComplianceContext): void {
  server.registerTool(
    'assess_servers',
    {
      title: 'Assess MCP servers live',
      description: 'Starts or connects to each configured MCP server, lists its tools, prompts and resources, and reports unreachable servers, tool poisoning, hidden characters, tool-name collisions and tool definitions that changed since they were pinned. Needs an approval: pass the plan from plan_live_assessment and the grant for its subject hash (or approve when asked, without a coordinator).',
      inputSchema: { ...Selection, plan: LiveAssessmentPlanSchema.optional().describe('The plan that was approved (from plan_live_assessment)'), grant: z.unknown().optional().describe('The signed grant for the plan\'s subject hash') },
      outputSchema: AssessServersOutput,
      annotations: { readOnlyHint: false, destructiveHint: false, openWorldHint: true },
    },
    safeTool(async (args, extra) => {
      const approved: LiveAssessmentPlan | undefined = args.plan;
      const sel = approved !== undefined
        ? { servers: approved.servers.map((s) => s.name), includeGlobal: approved.includeGlobal, timeoutMs: approved.timeoutMs, concurrency: approved.concurrency }
        : args;
      const { plan, servers, ws } = await currentPlan(ctx, sel);
      const subjectHash = livePlanHash(plan);
      if (approved !== undefined && livePlanHash(approved) !== subjectHash) {
        throw new OversightError('STALE_PROPOSAL', 'The MCP configuration changed since this plan was made (a command, argument or config file differs). Nothing was started: plan again and get the new plan approved.', {
          details: { approved: livePlanHash(approved), current: subjectHash },
        });
      }
      if (plan.servers.length === 0) throw new OversightError('INVALID_ARGUMENT', 'servers: there is no enabled server to assess live.', { details: { field: 'servers' } });
      const approval = await ctx.gate.approve({ kind: 'assessment', subjectHash, question: `${describeLivePlan(plan)}\n\nApprove running these commands now?` }, args.grant, server);
      const total = servers.length;
      const token = extra._meta?.progressToken;
      const probes = await ctx.probe(servers, {
        timeoutMs: plan.timeoutMs,
        concurrency: plan.concurrency,
        signal: extra.signal,
        env: ctx.env,
        workspaceFolder: ctx.workspace,
        onProgress: (done) => {
          if (token !== undefined) void extra.sendNotification({ method: 'notifications/progress', params: { progressToken: token, progress: done, total, message: `${done} of ${total} servers assessed` } }).catch(() => undefined);
        },
      });
      const lockFile = join(ctx.workspace, LOCK_FILE);
      const lockText = await ctx.fs.readFile(lockFile).catch(() => undefined);
      const { findings } = applyPolicy(ctx.liveFindings({ probes, servers, locator: ws.locator, lockText, lockFile }), ws.policy, ctx.now());
      const assessmentId = ctx.newId();
      rememberLive(ctx, assessmentId, probes);
      const reachable = probes.filter((p) => p.status === 'ok').length;
      return toolResult(
        { assessmentId, summary: summarize(findings), findings: findings.map(reported), probes, approvedBy: approval.approver },
        `Live assessment of ${probes.length} server(s): ${reachable} reachable; ${summaryLine(findings)}.`,
      );
    }),
  );
}
