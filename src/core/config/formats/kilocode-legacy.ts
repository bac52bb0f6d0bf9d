import { z } from 'zod';
import type { Transport } from '../../model/server';
import type { FormatReader } from '../format-reader';
import { mcpServersFamilyReader, noField, stringMap } from './mcp-servers-family';

/** Fields every legacy KiloCode (5.x) entry may have; also Roo Code's, which shares the format. */
export const legacyCommonFields = {
  disabled: z.boolean().optional(),
  timeout: z.number().min(1, { error: 'timeout is in seconds, at least 1' }).max(3600, { error: 'timeout is in seconds, at most 3600' }).optional(),
  alwaysAllow: z.array(z.string()).optional(),
  disabledTools: z.array(z.string()).optional(),
  watchPaths: z.array(z.string()).optional(),
};

export const KiloLegacyStdioSchema = z.looseObject({
  ...legacyCommonFields,
  type: z.literal('stdio').optional(),
  command: z.string({ error: 'a stdio server needs "command" (the program to run)' }).min(1, { error: '"command" must not be empty' }),
  args: z.array(z.string()).optional(),
  cwd: z.string().optional(),
  env: stringMap.optional(),
  url: noField('a stdio server takes no "url"'),
  headers: noField('a stdio server takes no "headers"'),
});

export const KiloLegacyRemoteSchema = z.looseObject({
  ...legacyCommonFields,
  type: z.enum(['sse', 'streamable-http'], { error: '"type" is required when "url" is set: "sse" or "streamable-http"' }),
  url: z.url({ error: '"url" must be an absolute URL' }),
  headers: stringMap.optional(),
  oauth: z
    .looseObject({ clientId: z.string().optional(), clientSecret: z.string().optional(), scopes: z.array(z.string()).optional(), disabled: z.boolean().optional() })
    .optional(),
  command: noField('a remote server takes no "command"'),
  args: noField('a remote server takes no "args"'),
  env: noField('a remote server takes no "env"'),
});

export function classifyLegacy(entry: Record<string, unknown>): { kind: 'stdio' | 'remote'; transport: Transport } {
  const type = entry['type'];
  if (type === 'stdio') return { kind: 'stdio', transport: 'stdio' };
  if (type === 'sse') return { kind: 'remote', transport: 'sse' };
  if (type === 'streamable-http') return { kind: 'remote', transport: 'streamable-http' };
  if (entry['url'] !== undefined && entry['command'] === undefined) return { kind: 'remote', transport: 'streamable-http' };
  return { kind: 'stdio', transport: 'stdio' };
}

/** `.kilocode/mcp.json`, its `.mcp.json` fallback, and the global `mcp_settings.json` of KiloCode 5.x. */
export const kilocodeLegacyReader: FormatReader = mcpServersFamilyReader({
  format: 'kilocode-legacy',
  clientLabel: 'KiloCode (legacy)',
  strictJson: true,
  container: 'mcpServers',
  classify: classifyLegacy,
  stdioSchema: KiloLegacyStdioSchema,
  remoteSchema: KiloLegacyRemoteSchema,
  autoApproveKey: 'alwaysAllow',
  timeoutUnit: 'seconds',
});
