import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { RemediationProposalSchema } from '../../../core/remediation/proposal-schema';
import { safeTool, toolResult } from '../../kit/tool-result';
import { ApplyResultShape } from '../apply-engine';
import type { InstallerContext } from '../installer-context';

export const ApplyRemediationInput = {
  proposal: RemediationProposalSchema.describe('The proposal exactly as produced (by propose_remediation or install_server) and reviewed'),
  grant: z.unknown().optional().describe('The signed grant { grant, signature } whose subjectHash is the proposal\'s hash (required when the server has a coordinator key)'),
};

/**
 * Applies an approved proposal: all files or none, each replaced atomically, exactly once per grant,
 * refused when a file changed since the proposal was made.
 */
export function registerApplyRemediation(server: McpServer, ctx: InstallerContext): void {
  server.registerTool(
    'apply_remediation',
    {
      title: 'Apply an approved proposal',
      description:
        'Writes an approved RemediationProposal to the config files: verifies the approval (a signed grant for exactly this proposal, or the user\'s answer when asked), refuses if any file changed since the proposal was made (STALE_PROPOSAL), then replaces every file atomically, all or nothing, keeping comments and formatting. The same grant applied twice returns the first result. Returns an executionId for rollback.',
      inputSchema: ApplyRemediationInput,
      outputSchema: ApplyResultShape,
      annotations: { readOnlyHint: false, destructiveHint: true, idempotentHint: true, openWorldHint: false },
    },
    safeTool(async (args) => {
      const r = await ctx.engine.apply(args.proposal, args.grant, (subject, grant) => ctx.gate.approve(subject, grant, server));
      const files = r.files.map((f) => `${f.displayPath}${f.created ? ' (created)' : ''}`).join(', ');
      const text = r.alreadyApplied
        ? `Already applied as execution ${r.executionId} at ${r.appliedAt} (status ${r.status}); nothing was written now.`
        : `Applied proposal ${r.proposalId} as execution ${r.executionId} to ${files}, approved by ${r.approvedBy.label || r.approvedBy.id} (${r.approvedVia}). To undo: prepare_rollback, then rollback with an approval.`;
      return toolResult(r, text);
    }),
  );
}
