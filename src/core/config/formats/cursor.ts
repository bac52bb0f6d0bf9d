import { z } from 'zod';
import type { Transport } from '../../model/server';
import type { FormatReader } from '../format-reader';
import { mcpServersFamilyReader, noField, stringMap } from './mcp-servers-family';

export const CursorStdioSchema = z.looseObject({
  type: z.literal('stdio').optional(),
  command: z.string({ error: 'a stdio server needs "command"' }).min(1, { error: '"command" must not be empty' }),
  args: z.array(z.string()).optional(),
  env: stringMap.optional(),
  envFile: z.string().optional(),
  url: noField('a stdio server takes no "url"'),
});

export const CursorRemoteSchema = z.looseObject({
  type: z.enum(['sse', 'http', 'streamable-http']).optional(),
  url: z.url({ error: '"url" must be an absolute URL' }),
  headers: stringMap.optional(),
  command: noField('a remote server takes no "command"'),
});

function classify(entry: Record<string, unknown>): { kind: 'stdio' | 'remote'; transport: Transport } {
  if (entry['type'] === 'sse') return { kind: 'remote', transport: 'sse' };
  if (entry['url'] !== undefined && entry['command'] === undefined) return { kind: 'remote', transport: 'streamable-http' };
  return { kind: 'stdio', transport: 'stdio' };
}

/** Cursor's `.cursor/mcp.json` and `~/.cursor/mcp.json` (also legacy KiloCode's first fallback). */
export const cursorReader: FormatReader = mcpServersFamilyReader({
  format: 'cursor',
  clientLabel: 'Cursor',
  strictJson: false,
  container: 'mcpServers',
  classify,
  stdioSchema: CursorStdioSchema,
  remoteSchema: CursorRemoteSchema,
});
