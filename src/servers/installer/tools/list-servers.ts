import { z } from 'zod';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { discoverCandidates } from '../../../core/config/discovery';
import { loadConfigModel } from '../../../core/config/load-config-model';
import { FormatIdSchema, TransportSchema } from '../../../core/model/server';
import { ClientIdSchema } from '../../../core/model/source';
import { maskScriptSecrets } from '../../../core/rules/support/script-secrets';
import { redactSecrets } from '../../../core/secrets/detect-secrets';
import { safeTool, toolResult } from '../../kit/tool-result';
import type { InstallerContext } from '../installer-context';

export const ListServersInput = {
  client: ClientIdSchema.optional().describe('Only the files this client reads (default: every client)'),
  includeGlobal: z.boolean().default(false).describe('Also list global configs (KiloCode, Kilo, Roo, Cline, Cursor, Claude Desktop)'),
};

const ListedServerSchema = z.object({
  name: z.string(),
  transport: TransportSchema,
  /** The command line (stdio) with secrets masked. */
  command: z.string().optional(),
  /** The URL (remote) with secrets masked. */
  url: z.string().optional(),
  enabled: z.boolean(),
  /** Names only: values are never shown. */
  envKeys: z.array(z.string()),
  headerKeys: z.array(z.string()),
  /** False when a higher-precedence file defines the same name for every client that reads this one. */
  effective: z.boolean(),
});

export const ListServersOutput = {
  sources: z.array(
    z.object({
      file: z.string(),
      displayPath: z.string(),
      format: FormatIdSchema,
      scope: z.enum(['project', 'global']),
      readBy: z.array(ClientIdSchema),
      exists: z.boolean(),
      configErrors: z.number(),
      servers: z.array(ListedServerSchema),
    }),
  ),
  serverCount: z.number(),
};

/** The configured servers, file by file, with secrets masked; reads files only. */
export function registerListServers(server: McpServer, ctx: InstallerContext): void {
  server.registerTool(
    'list_servers',
    {
      title: 'List configured MCP servers',
      description: 'Lists the MCP servers configured in this workspace (and, with includeGlobal, your global configs), per config file: name, transport, command or URL (secrets masked), enabled, env and header names (never values), and whether the entry is the one clients use.',
      inputSchema: ListServersInput,
      outputSchema: ListServersOutput,
      annotations: { readOnlyHint: true, openWorldHint: false },
    },
    safeTool(async (args) => {
      const candidates = (await discoverCandidates(ctx.fs, { ...ctx.where, includeGlobal: args.includeGlobal })).filter((c) => args.client === undefined || c.readBy.some((r) => r.client === args.client));
      const { model } = await loadConfigModel(ctx.fs, candidates, { workspace: ctx.workspace });
      const winning = new Set(model.effective.filter((e) => args.client === undefined || e.client === args.client).map((e) => e.serverId));
      const sources = model.sources.map((src) => ({
        file: src.file,
        displayPath: src.displayPath,
        format: src.format,
        scope: src.scope,
        readBy: src.readBy.map((r) => r.client),
        exists: src.exists,
        configErrors: src.errors.length,
        servers: model.servers
          .filter((s) => s.sourceId === src.id)
          .map((s) => ({
            name: redactSecrets(s.name),
            transport: s.transport,
            ...(s.command !== undefined ? { command: maskScriptSecrets([s.command, ...s.args].join(' ')) } : {}),
            ...(s.url !== undefined ? { url: maskScriptSecrets(s.url) } : {}),
            enabled: s.enabled,
            envKeys: Object.keys(s.env).sort(),
            headerKeys: Object.keys(s.headers).sort(),
            effective: winning.has(s.id),
          })),
      }));
      const serverCount = sources.reduce((n, s) => n + s.servers.length, 0);
      const lines = sources
        .filter((s) => s.exists)
        .map((s) => `${s.displayPath} (${s.format}, ${s.scope}): ${s.servers.length === 0 ? 'no servers' : s.servers.map((x) => `${x.name}${x.enabled ? '' : ' (disabled)'}${x.effective ? '' : ' (shadowed)'}`).join(', ')}`);
      return toolResult({ sources, serverCount }, `${serverCount} configured server(s):\n${lines.join('\n') || 'no MCP config file found'}`);
    }),
  );
}
