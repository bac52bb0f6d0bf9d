import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import type { ComplianceContext } from './compliance-context';
import { registerAssessConfiguration } from './tools/assess-configuration';
import { registerAssessServers, registerPlanLiveAssessment } from './tools/assess-servers';
import { registerProposeRemediation } from './tools/propose-remediation';

const INSTRUCTIONS = [
  'MCP Oversight Compliance Server: assesses the MCP servers configured in this workspace.',
  'assess_configuration checks config files statically (no approval needed).',
  'plan_live_assessment shows which servers a live check would start; assess_servers runs it after a person approves.',
  'propose_remediation turns findings into an exact diff; it never writes — the Installer applies approved proposals.',
].join(' ');

/** One MCP server instance over the shared context (one per stdio process, one per HTTP session). */
export function createComplianceServer(ctx: ComplianceContext): McpServer {
  const server = new McpServer(
    { name: 'mcp-oversight-compliance', title: 'MCP Oversight Compliance Server', version: ctx.version },
    { capabilities: { tools: {} }, instructions: INSTRUCTIONS },
  );
  registerAssessConfiguration(server, ctx);
  registerPlanLiveAssessment(server, ctx);
  registerAssessServers(server, ctx);
  registerProposeRemediation(server, ctx);
  return server;
}
