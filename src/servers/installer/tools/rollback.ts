import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { safeTool, toolResult } from '../../kit/tool-result';
import { ExecutionSummarySchema, PreparedRollbackShape, RollbackResultShape } from '../apply-engine';
import type { InstallerContext } from '../installer-context';

const ExecutionId = z.string().min(1).max(128).describe('The executionId apply_remediation returned');

export function registerListExecutions(server: McpServer, ctx: InstallerContext): void {
  server.registerTool(
    'list_executions',
    {
      title: 'List applied changes',
      description: 'Lists the changes this Installer applied in this workspace (its journal): executionId, proposal, status (applied, failed, rolled-back), who approved, files and hashes. Never shows file contents.',
      inputSchema: {},
      outputSchema: { executions: z.array(ExecutionSummarySchema) },
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    safeTool(async () => {
      const executions = await ctx.engine.executions();
      const lines = executions.map((e) => `${e.executionId} ${e.status} ${e.appliedAt ?? e.startedAt} ${e.files.map((f) => f.displayPath).join(', ')}`);
      return toolResult({ executions }, executions.length === 0 ? 'No executions yet.' : lines.join('\n'));
    }),
  );
}

export function registerPrepareRollback(server: McpServer, ctx: InstallerContext): void {
  server.registerTool(
    'prepare_rollback',
    {
      title: 'Prepare a rollback',
      description:
        'Describes what rolling back an execution would do (each file back to its hash before the apply; created files deleted) and returns the subject hash an approval must sign (a remediation grant with targetFile/baseHash from grantTarget). Refuses with ROLLBACK_CONFLICT if a file changed since the apply. Writes nothing.',
      inputSchema: { executionId: ExecutionId },
      outputSchema: PreparedRollbackShape,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    safeTool(async (args) => {
      const r = await ctx.engine.prepareRollback(args.executionId);
      return toolResult({ ...r }, r.description);
    }),
  );
}

export function registerRollback(server: McpServer, ctx: InstallerContext): void {
  server.registerTool(
    'rollback',
    {
      title: 'Roll back an applied change',
      description:
        'Puts back the files an execution changed (created files are deleted), atomically, after approval (a signed grant for the prepare_rollback subject hash, or the user\'s answer when asked). Refuses with ROLLBACK_CONFLICT if a file changed since the apply; an execution already rolled back returns that result.',
      inputSchema: { executionId: ExecutionId, grant: z.unknown().optional().describe('The signed grant for the rollback request\'s subject hash') },
      outputSchema: RollbackResultShape,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    safeTool(async (args) => {
      const r = await ctx.engine.rollback(args.executionId, args.grant, (subject, grant) => ctx.gate.approve(subject, grant, server));
      const text = r.alreadyRolledBack
        ? `Execution ${r.executionId} was already rolled back at ${r.rolledBackAt}; nothing was written now.`
        : `Rolled back execution ${r.executionId}: ${r.files.map((f) => `${f.displayPath}${f.deleted ? ' (deleted)' : ''}`).join(', ')}.`;
      return toolResult(r, text);
    }),
  );
}
