import { z } from 'zod';
import type { FormatReader } from '../format-reader';
import { mcpServersFamilyReader, noField, stringMap } from './mcp-servers-family';

export const ClaudeDesktopServerSchema = z.looseObject({
  command: z.string({ error: 'Claude Desktop runs only stdio servers from this file: "command" is required' }).min(1, { error: '"command" must not be empty' }),
  args: z.array(z.string()).optional(),
  env: stringMap.optional(),
  url: noField('Claude Desktop does not read "url" here; add remote servers as connectors in its settings'),
});

/** `claude_desktop_config.json`: stdio servers only. */
export const claudeDesktopReader: FormatReader = mcpServersFamilyReader({
  format: 'claude-desktop',
  clientLabel: 'Claude Desktop',
  strictJson: true,
  container: 'mcpServers',
  classify: () => ({ kind: 'stdio', transport: 'stdio' }),
  stdioSchema: ClaudeDesktopServerSchema,
  remoteSchema: ClaudeDesktopServerSchema,
});
