import type { ToolSecurityHit, ToolSecurityProbe } from '../../../src/core/tool-security';

type Tool = ToolSecurityProbe['tools'][number];

/** A probe of `serverName` with tools given as name -> description (or a whole tool). */
export function probeOf(serverName: string, tools: Record<string, string | Partial<Tool>>, extra: Partial<ToolSecurityProbe> = {}): ToolSecurityProbe {
  return {
    serverId: `/ws/.kilocode/mcp.json#${serverName}`,
    serverName,
    status: 'ok',
    tools: Object.entries(tools).map(([name, t]) => (typeof t === 'string' ? { name, description: t, inputSchema: { type: 'object' } } : { name, inputSchema: { type: 'object' }, ...t })),
    prompts: [],
    resources: [],
    ...extra,
  };
}

/** One description on one server, analysed alone. */
export function describeTool(description: string): ToolSecurityProbe {
  return probeOf('s', { t: description });
}

export const rules = (hits: readonly ToolSecurityHit[]): string[] => hits.map((h) => `${h.ruleId}:${h.severity}`);
