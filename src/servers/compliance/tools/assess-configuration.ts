import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ConfigErrorSchema } from '../../../core/model/config-error';
import { atLeast, SeveritySchema } from '../../../core/model/severity';
import { redactError } from '../../../core/secrets/detect-secrets';
import { safeTool, toolResult } from '../../kit/tool-result';
import type { ComplianceContext } from '../compliance-context';
import { assessWorkspace } from '../load-workspace';
import { reported, ReportedFindingSchema, summaryLine, SummarySchema, summarize } from '../../../core/assess/finding-summary';

export const AssessConfigurationInput = {
  path: z.string().max(4096).optional().describe('A folder or config file inside the workspace (default: the workspace)'),
  includeGlobal: z.boolean().default(false).describe('Also read global configs (KiloCode, Kilo, Cline, Cursor, Claude Desktop)'),
  policyFile: z.string().max(4096).optional().describe('Policy file inside the workspace (default .kilocode/mcp-policy.json when present)'),
  minimumSeverity: SeveritySchema.default('info').describe('Leave out findings below this severity'),
};

export const AssessConfigurationOutput = {
  assessmentId: z.string(),
  summary: SummarySchema,
  findings: z.array(ReportedFindingSchema),
  errors: z.array(ConfigErrorSchema),
  sources: z.array(z.object({ file: z.string(), displayPath: z.string(), format: z.string(), scope: z.string(), exists: z.boolean(), serverCount: z.number() })),
  policyNotes: z.array(z.string()),
};

/** Static rules only, as the CLI runs them: reads files, starts nothing, needs no approval. */
export function registerAssessConfiguration(server: McpServer, ctx: ComplianceContext): void {
  server.registerTool(
    'assess_configuration',
    {
      title: 'Assess MCP configuration (static)',
      description: 'Reads the MCP config files of the workspace and reports secrets in plaintext, unpinned packages, insecure transports, auto-approved tools and policy violations, each with file, line and a fix. Starts no server.',
      inputSchema: AssessConfigurationInput,
      outputSchema: AssessConfigurationOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    safeTool(async (args) => {
      const { result, policyErrors } = await assessWorkspace(ctx, {
        includeGlobal: args.includeGlobal,
        ...(args.path !== undefined ? { path: args.path } : {}),
        ...(args.policyFile !== undefined ? { policyFile: args.policyFile } : {}),
      });
      const findings = result.findings.filter((f) => atLeast(f.severity, args.minimumSeverity));
      const out = {
        assessmentId: ctx.newId(),
        summary: summarize(findings),
        findings: findings.map(reported),
        errors: [...result.errors, ...policyErrors].map(redactError),
        sources: result.sources.map((s) => ({ file: s.file, displayPath: s.displayPath, format: s.format, scope: s.scope, exists: s.exists, serverCount: s.serverCount })),
        policyNotes: result.policyNotes,
      };
      return toolResult(out, `Static assessment: ${summaryLine(findings)} in ${out.sources.filter((s) => s.exists).length} config file(s); ${out.errors.length} config error(s).`);
    }),
  );
}
