import { z } from 'zod';
import type { Transport } from '../../model/server';
import type { FormatReader } from '../format-reader';
import { mcpServersFamilyReader, noField, stringMap } from './mcp-servers-family';

const common = {
  disabled: z.boolean().optional(),
  timeout: z.number().min(1).max(3600).optional(),
  autoApprove: z.array(z.string()).optional(),
};

export const ClineStdioSchema = z.looseObject({
  ...common,
  type: z.literal('stdio').optional(),
  command: z.string({ error: 'a stdio server needs "command"' }).min(1, { error: '"command" must not be empty' }),
  args: z.array(z.string()).optional(),
  cwd: z.string().optional(),
  env: stringMap.optional(),
  url: noField('a stdio server takes no "url"'),
});

export const ClineRemoteSchema = z.looseObject({
  ...common,
  type: z.enum(['sse', 'streamableHttp'], { error: '"type" must be "sse" or "streamableHttp" for a remote server' }).optional(),
  url: z.url({ error: '"url" must be an absolute URL' }),
  headers: stringMap.optional(),
  command: noField('a remote server takes no "command"'),
});

function classify(entry: Record<string, unknown>): { kind: 'stdio' | 'remote'; transport: Transport } {
  if (entry['type'] === 'streamableHttp') return { kind: 'remote', transport: 'streamable-http' };
  // Cline: a url without a type means SSE.
  if (entry['type'] === 'sse' || (entry['url'] !== undefined && entry['command'] === undefined)) return { kind: 'remote', transport: 'sse' };
  return { kind: 'stdio', transport: 'stdio' };
}

/** Cline's `cline_mcp_settings.json` (its globalStorage `settings/` folder). */
export const clineReader: FormatReader = mcpServersFamilyReader({
  format: 'cline',
  clientLabel: 'Cline',
  strictJson: true,
  container: 'mcpServers',
  classify,
  stdioSchema: ClineStdioSchema,
  remoteSchema: ClineRemoteSchema,
  autoApproveKey: 'autoApprove',
  timeoutUnit: 'seconds',
});
