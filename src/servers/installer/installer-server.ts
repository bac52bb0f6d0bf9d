import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ServerOptions } from '../kit/server-options';
import { createInstallerContext, type InstallerContext } from './installer-context';
import { registerApplyRemediation } from './tools/apply-remediation';
import { registerInstallServer } from './tools/install-server';
import { registerListServers } from './tools/list-servers';
import { registerListExecutions, registerPrepareRollback, registerRollback } from './tools/rollback';

declare const PACKAGE_VERSION: string;
export const INSTALLER_VERSION = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';

const INSTRUCTIONS = [
  'MCP Oversight Installer: the only component that writes MCP config files, and only what a person approved.',
  'list_servers shows what is configured (secrets masked). install_server turns a server spec into a proposal; it writes nothing.',
  'apply_remediation applies an approved proposal (from install_server or the Compliance Server) atomically and exactly once;',
  'prepare_rollback and rollback undo an execution after a second approval. list_executions shows the journal.',
].join(' ');

/** One MCP server instance over a context (one per stdio process, one per HTTP session, sharing the context). */
export function createInstallerServerWith(ctx: InstallerContext): McpServer {
  const server = new McpServer({ name: 'mcp-oversight-installer', title: 'MCP Oversight Installer', version: ctx.version }, { capabilities: { tools: {} }, instructions: INSTRUCTIONS });
  registerListServers(server, ctx);
  registerInstallServer(server, ctx);
  registerApplyRemediation(server, ctx);
  registerListExecutions(server, ctx);
  registerPrepareRollback(server, ctx);
  registerRollback(server, ctx);
  return server;
}

const contexts = new WeakMap<ServerOptions, InstallerContext>();

/** `serverMain`'s factory: every session of one process shares one context (one journal, one lock). */
export function createInstallerServer(options: ServerOptions): McpServer {
  let ctx = contexts.get(options);
  if (ctx === undefined) {
    ctx = createInstallerContext(options, INSTALLER_VERSION, { log: (line) => process.stderr.write(`[mcp-installer-server] ${line}\n`) });
    contexts.set(options, ctx);
    // Recovery of a run killed mid-apply happens at start, not at the first call.
    ctx.engine.ready().catch((e: unknown) => process.stderr.write(`[mcp-installer-server] journal recovery failed: ${e instanceof Error ? e.message : String(e)}\n`));
  }
  return createInstallerServerWith(ctx);
}
