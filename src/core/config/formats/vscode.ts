import { z } from 'zod';
import type { Transport } from '../../model/server';
import type { FormatReader } from '../format-reader';
import { mcpServersFamilyReader, noField } from './mcp-servers-family';

// VS Code accepts numbers and null in env (null unsets a variable).
const envMap = z.record(z.string(), z.union([z.string(), z.number(), z.null()]));

export const VscodeStdioSchema = z.looseObject({
  type: z.literal('stdio').optional(),
  command: z.string({ error: 'a stdio server needs "command"' }).min(1, { error: '"command" must not be empty' }),
  args: z.array(z.string()).optional(),
  cwd: z.string().optional(),
  env: envMap.optional(),
  envFile: z.string().optional(),
  url: noField('a stdio server takes no "url"'),
});

export const VscodeRemoteSchema = z.looseObject({
  type: z.enum(['http', 'sse'], { error: '"type" must be "http" or "sse" for a remote server' }),
  url: z.url({ error: '"url" must be an absolute URL' }),
  headers: z.record(z.string(), z.string()).optional(),
  command: noField('a remote server takes no "command"'),
});

export const VscodeInputSchema = z.looseObject({
  type: z.enum(['promptString', 'pickString', 'command']),
  id: z.string().min(1),
  description: z.string().optional(),
  password: z.boolean().optional(),
});

function classify(entry: Record<string, unknown>): { kind: 'stdio' | 'remote'; transport: Transport } {
  if (entry['type'] === 'sse') return { kind: 'remote', transport: 'sse' };
  if (entry['type'] === 'http' || (entry['url'] !== undefined && entry['command'] === undefined)) return { kind: 'remote', transport: 'streamable-http' };
  return { kind: 'stdio', transport: 'stdio' };
}

/** `.vscode/mcp.json`: `servers` instead of `mcpServers`, `${input:id}` prompts, JSONC. */
export const vscodeReader: FormatReader = mcpServersFamilyReader({
  format: 'vscode',
  clientLabel: 'VS Code',
  strictJson: false,
  container: 'servers',
  classify,
  stdioSchema: VscodeStdioSchema,
  remoteSchema: VscodeRemoteSchema,
  documentSchema: z.looseObject({ inputs: z.array(VscodeInputSchema).optional() }),
});
