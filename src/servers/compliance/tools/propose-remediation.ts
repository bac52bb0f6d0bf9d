import { z } from 'zod';
import { join } from 'node:path';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { hashCanonical, HASH_TAGS } from '../../../core/crypto/hash';
import { OversightError } from '../../../core/errors';
import { buildProposal } from '../../../core/remediation/build-proposal';
import { actionsFromFindings } from '../../../core/remediation/finding-actions';
import { RemediationProposalSchema, type ProposalAction } from '../../../core/remediation/proposal-schema';
import { safeTool, toolResult } from '../../kit/tool-result';
import type { ComplianceContext } from '../compliance-context';
import { assessWorkspace, LOCK_FILE } from '../load-workspace';
import { pinActions } from '../pin-actions';

export const ProposeRemediationInput = {
  fingerprints: z.array(z.string().max(128)).max(1000).optional().describe('Findings to fix, by fingerprint (default: every remediable, unsuppressed static finding)'),
  includeGlobal: z.boolean().default(false).describe('Also consider findings in global configs'),
  pinTools: z
    .object({
      assessmentId: z.string().describe('A live assessment of this server session whose tool definitions to pin'),
      servers: z.array(z.string()).optional().describe('Only these servers (default: every reachable one)'),
    })
    .optional()
    .describe('Also (re-)pin tool definitions in .kilocode/mcp-oversight.lock.json'),
};

export const ProposeRemediationOutput = { proposal: RemediationProposalSchema, subjectHash: z.string() };

/**
 * Findings -> a RemediationProposal for the Installer: for each target file the text as read (hash),
 * the exact new text and a diff. Reads files, writes nothing, needs no approval (applying does).
 */
export function registerProposeRemediation(server: McpServer, ctx: ComplianceContext): void {
  server.registerTool(
    'propose_remediation',
    {
      title: 'Propose a remediation',
      description: 'Turns findings into an exact, reviewable change: per config file the new text, a unified diff and the hash of the file as read. Also re-pins tool definitions after a live assessment. Writes nothing; the Installer applies a proposal once a person approves it.',
      inputSchema: ProposeRemediationInput,
      outputSchema: ProposeRemediationOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    safeTool(async (args) => {
      const ws = await assessWorkspace(ctx, { includeGlobal: args.includeGlobal });
      let selected = ws.result.findings.filter((f) => f.remediation !== undefined && f.suppressed === undefined);
      if (args.fingerprints !== undefined) {
        const wanted = new Set(args.fingerprints);
        selected = selected.filter((f) => wanted.has(f.fingerprint));
        const found = new Set(selected.map((f) => f.fingerprint));
        const missing = args.fingerprints.filter((fp) => !found.has(fp));
        if (missing.length > 0) {
          throw new OversightError('STALE_PROPOSAL', `fingerprints: no current remediable finding has fingerprint ${missing.join(', ')} (fixed, suppressed, or the file changed). Assess again and choose from the new findings.`, { details: { field: 'fingerprints', missing } });
        }
      }
      const actions: Omit<ProposalAction, 'actionId'>[] = actionsFromFindings(selected);
      const texts = new Map(ws.texts);
      if (args.pinTools !== undefined) {
        const live = ctx.recentLive.get(args.pinTools.assessmentId);
        if (live === undefined) throw new OversightError('INVALID_ARGUMENT', 'pinTools.assessmentId: no such recent live assessment in this session. Run assess_servers again.', { details: { field: 'pinTools.assessmentId' } });
        const lockFile = join(ctx.workspace, LOCK_FILE);
        const lockText = await ctx.fs.readFile(lockFile).catch(() => undefined);
        if (lockText !== undefined) texts.set(lockFile, lockText);
        actions.push(...pinActions({ probes: live.probes, servers: args.pinTools.servers, lockFile, lockText, now: ctx.now() }));
      }
      const proposal = buildProposal({
        assessmentId: ctx.newId(),
        actions,
        read: (file) => texts.get(file),
        workspace: ctx.workspace,
        now: ctx.now(),
        newId: ctx.newId,
      });
      const subjectHash = hashCanonical(HASH_TAGS.proposal, proposal);
      const text = [`Proposal ${proposal.proposalId} (${proposal.riskAssessment.summary}):`, ...proposal.files.map((f) => f.diff)].join('\n');
      return toolResult({ proposal, subjectHash }, text);
    }),
  );
}
