import { join } from 'node:path';
import { parse as parseJsonc } from 'jsonc-parser';
import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { assessModel } from '../../../core/assess/assess';
import { DEFAULT_POLICY_FILE } from '../../../core/assess/assess-workspace';
import { CLIENTS } from '../../../core/config/clients';
import { loadConfigModel } from '../../../core/config/load-config-model';
import { hashCanonical, HASH_TAGS } from '../../../core/crypto/hash';
import { OversightError } from '../../../core/errors';
import { CategorySchema } from '../../../core/model/category';
import type { Finding } from '../../../core/model/finding';
import { JsonPathSchema } from '../../../core/model/location';
import { FormatIdSchema } from '../../../core/model/server';
import { SeveritySchema } from '../../../core/model/severity';
import { loadPolicy } from '../../../core/policy/load-policy';
import { MemoryFileSystem } from '../../../core/ports/memory-file-system';
import { buildProposal } from '../../../core/remediation/build-proposal';
import { RemediationProposalSchema, type RemediationProposal } from '../../../core/remediation/proposal-schema';
import { safeTool, toolResult } from '../../kit/tool-result';
import { containerOf, describeSpec, entryFor, envReference, fillSpec, InstallTargetSchema, ParamsSchema, ServerNameSchema, ServerSpecSchema, type InstallTarget } from '../install-spec';
import type { InstallerContext } from '../installer-context';
import { allowedTargets, type AllowedTarget } from '../targets';

export const InstallServerInput = {
  name: ServerNameSchema.describe('Name of the new server entry'),
  spec: ServerSpecSchema.describe('The server as a marketplace lists it; strings may hold {{param}} placeholders'),
  params: ParamsSchema.optional().describe('Values for the {{param}} placeholders. Secret-like ones (token, apiKey, password…) are not written: an env reference takes their place'),
  target: InstallTargetSchema.optional().describe('Which project config file: kilocode (.kilocode/mcp.json), kilo (kilo.json(c)), vscode, roo, cursor. Default: the one in use, else .kilocode/mcp.json'),
};

const InstallFindingSchema = z.object({ ruleId: z.string(), category: CategorySchema, severity: SeveritySchema, message: z.string(), line: z.number(), column: z.number(), jsonPath: JsonPathSchema });

export const InstallServerOutput = {
  proposal: RemediationProposalSchema,
  subjectHash: z.string(),
  target: z.object({ file: z.string(), displayPath: z.string(), format: FormatIdSchema, created: z.boolean() }),
  /** What the static rules say about the entry as it would be written (e.g. an unpinned `npx -y pkg`). */
  findings: z.array(InstallFindingSchema),
  /** Environment variables the person must set: secrets are referenced, never written to the file. */
  secretEnv: z.array(z.string()),
  notes: z.array(z.string()),
};

/** Project files per target, in the client's own precedence (highest first): the one in use wins. */
const TARGET_FILES: Record<InstallTarget, string[]> = {
  kilocode: [join('.kilocode', 'mcp.json')],
  kilo: [join('.kilo', 'kilo.jsonc'), join('.kilo', 'kilo.json'), 'kilo.jsonc', 'kilo.json'],
  vscode: [join('.vscode', 'mcp.json')],
  roo: [join('.roo', 'mcp.json')],
  cursor: [join('.cursor', 'mcp.json')],
};
const DEFAULT_ORDER: InstallTarget[] = ['kilocode', 'kilo', 'cursor', 'vscode', 'roo'];

async function chooseTarget(ctx: InstallerContext, target: InstallTarget | undefined): Promise<{ target: AllowedTarget; text: string | undefined }> {
  const allowed = await allowedTargets(ctx.fs, ctx.where);
  const read = async (rel: string) => {
    const t = allowed.find((a) => a.file === join(ctx.workspace, rel));
    if (t === undefined) throw new OversightError('internal', `no discovery candidate for ${rel}`);
    const st = await ctx.fs.stat(t.file);
    return { t, exists: st?.isFile === true };
  };
  const targets = target !== undefined ? [target] : DEFAULT_ORDER;
  for (const name of targets) {
    for (const rel of TARGET_FILES[name]) {
      const { t, exists } = await read(rel);
      if (exists) return { target: t, text: await ctx.fs.readFile(t.file) };
    }
  }
  const fallback = target === 'kilo' ? 'kilo.json' : TARGET_FILES[target ?? 'kilocode'][0]!;
  return { target: (await read(fallback)).t, text: undefined };
}

/** Runs the static rules (with the workspace policy) on the file as it would be after the install. */
async function findingsFor(ctx: InstallerContext, target: AllowedTarget, newText: string, name: string): Promise<{ findings: Finding[]; notes: string[] }> {
  const notes: string[] = [];
  const container = containerOf(target.format ?? 'kilocode-legacy');
  const mem = new MemoryFileSystem({ [target.file]: newText });
  const { model, locator, texts } = await loadConfigModel(mem, [target.candidate!], { workspace: ctx.workspace });
  const policy = await loadPolicy(ctx.fs, join(ctx.workspace, DEFAULT_POLICY_FILE), false);
  if (policy.errors.length > 0) notes.push(`The workspace policy ${DEFAULT_POLICY_FILE} is invalid, so its rules were not applied to these findings; run assess_configuration to see why.`);
  const result = assessModel(model, { locator, texts, toolVersion: ctx.version, now: ctx.now(), ...(policy.errors.length === 0 ? { policy: policy.policy } : {}) });
  const mine = result.findings.filter((f) => f.server === name || (f.jsonPath[0] === container && f.jsonPath[1] === name));
  return { findings: mine, notes };
}

/**
 * A new server entry as a proposal: placeholders filled, secrets moved to env references, the exact
 * diff, and the static findings the entry would have. Writes nothing: apply_remediation does, once
 * a person approves the proposal.
 */
export function registerInstallServer(server: McpServer, ctx: InstallerContext): void {
  server.registerTool(
    'install_server',
    {
      title: 'Propose installing an MCP server',
      description:
        'Turns a marketplace-style server spec (command/args/env or url/headers, with {{param}} placeholders filled from params) into a reviewable proposal that adds it to a project config file: exact diff, risk, and the findings the new entry would have (e.g. an unpinned package). Secret values are never written: they become ${env:NAME} references to set. Writes nothing; apply the proposal with apply_remediation after approval.',
      inputSchema: InstallServerInput,
      outputSchema: InstallServerOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    safeTool(async (args) => {
      const { target, text } = await chooseTarget(ctx, args.target);
      const format = target.format ?? 'kilocode-legacy';
      const container = containerOf(format);
      if (text !== undefined) {
        const root: unknown = parseJsonc(text, [], { allowTrailingComma: true });
        const existing = typeof root === 'object' && root !== null ? (root as Record<string, unknown>)[container] : undefined;
        if (typeof existing === 'object' && existing !== null && Object.prototype.hasOwnProperty.call(existing, args.name)) {
          throw new OversightError('INVALID_ARGUMENT', `name: a server named "${args.name}" already exists in ${target.displayPath}. Choose another name, or remove the existing entry first.`, { details: { field: 'name' } });
        }
      }
      const filled = fillSpec(args.spec, args.params ?? {}, format, args.name);
      const clients = target.candidate?.readBy.map((r) => CLIENTS[r.client].label).join(', ') || 'the client';
      const followUps: string[] = [];
      if (filled.secretEnv.length > 0) {
        followUps.push(`Set ${filled.secretEnv.join(', ')} in the environment ${clients} starts with: the secret values are referenced (${filled.secretEnv.map((n) => envReference(format, n)).join(', ')}), not written to the file.`);
        if (format === 'kilo' && target.scope === 'project') followUps.push('Kilo reads {env:…} in a project config only once the project is trusted: trust it in Kilo.');
      }
      const proposal: RemediationProposal = buildProposal({
        assessmentId: ctx.newId(),
        actions: [
          {
            kind: 'install-server',
            description: `Install MCP server "${args.name}" in ${target.displayPath}: ${describeSpec(filled)}.`,
            file: target.file,
            edits: [{ jsonPath: [container, args.name], value: entryFor(format, filled) }],
            risk: 'high',
            server: args.name,
            ...(followUps.length > 0 ? { followUp: followUps.join(' ') } : {}),
          },
        ],
        read: (f) => (f === target.file ? text : undefined),
        workspace: ctx.workspace,
        now: ctx.now(),
        newId: ctx.newId,
      });
      const subjectHash = hashCanonical(HASH_TAGS.proposal, proposal);
      const { findings, notes } = await findingsFor(ctx, target, proposal.files[0]!.newText, args.name);
      const out = {
        proposal,
        subjectHash,
        target: { file: target.file, displayPath: target.displayPath, format, created: text === undefined },
        findings: findings.map((f) => ({ ruleId: f.ruleId, category: f.category, severity: f.severity, message: f.message, line: f.line, column: f.column, jsonPath: f.jsonPath })),
        secretEnv: filled.secretEnv,
        notes: [...followUps, ...notes],
      };
      const text2 = [
        `Proposal ${proposal.proposalId}: install "${args.name}" in ${target.displayPath}${text === undefined ? ' (new file)' : ''} — ${proposal.riskAssessment.summary}. Nothing was written; apply it with apply_remediation once approved.`,
        findings.length === 0 ? 'Static findings for the new entry: none.' : `Static findings for the new entry:\n${findings.map((f) => `- ${f.severity} ${f.ruleId}: ${f.message}`).join('\n')}`,
        ...out.notes,
        proposal.files[0]!.diff,
      ].join('\n');
      return toolResult(out, text2);
    }),
  );
}
