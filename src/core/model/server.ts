import { z } from 'zod';
import { JsonPathSchema, PositionSchema } from './location';
import { ScopeSchema } from './scope';

export const TransportSchema = z.enum(['stdio', 'sse', 'streamable-http']);
export type Transport = z.infer<typeof TransportSchema>;

/** Identifies a config format (one reader each). */
export const FormatIdSchema = z.enum([
  'kilocode-legacy', // .kilocode/mcp.json, mcp_settings.json, .mcp.json fallback
  'kilo', // kilo.json(c), .kilo/kilo.json(c), ~/.config/kilo/kilo.json(c)
  'vscode', // .vscode/mcp.json
  'roo', // .roo/mcp.json
  'cline', // cline_mcp_settings.json
  'cursor', // .cursor/mcp.json, ~/.cursor/mcp.json
  'claude-desktop', // claude_desktop_config.json
]);
export type FormatId = z.infer<typeof FormatIdSchema>;

/** JSON paths (into the source file) of where each normalised field came from. */
export const FieldOriginsSchema = z.object({
  entry: JsonPathSchema,
  command: JsonPathSchema.optional(),
  args: z.array(JsonPathSchema),
  cwd: JsonPathSchema.optional(),
  url: JsonPathSchema.optional(),
  oauthClientSecret: JsonPathSchema.optional(),
  env: z.record(z.string(), JsonPathSchema),
  headers: z.record(z.string(), JsonPathSchema),
  /** The list (or Kilo `permission` object) holding auto-approvals, and one path per approved tool. */
  autoApproveList: JsonPathSchema.optional(),
  autoApprove: z.array(JsonPathSchema),
});
export type FieldOrigins = z.infer<typeof FieldOriginsSchema>;

/**
 * One server entry of one file, normalised across all client formats. Values are as written in the
 * file: references such as `${env:X}` are kept, never resolved (a reference is not a secret).
 */
export const McpServerSchema = z.object({
  /** `<sourceId>#<name>`: unique in a ConfigModel. */
  id: z.string(),
  name: z.string(),
  sourceId: z.string(),
  file: z.string(),
  format: FormatIdSchema,
  /** Set from the source after reading (readers do not know where a file sits). */
  scope: ScopeSchema,
  transport: TransportSchema,
  command: z.string().optional(),
  args: z.array(z.string()),
  cwd: z.string().optional(),
  env: z.record(z.string(), z.string()),
  envFile: z.string().optional(),
  url: z.string().optional(),
  headers: z.record(z.string(), z.string()),
  /** A remote server's OAuth client secret, when the config holds one (legacy/Roo `oauth`, Kilo `oauth`). */
  oauthClientSecret: z.string().optional(),
  enabled: z.boolean(),
  /** Normalised to milliseconds (legacy KiloCode writes seconds, Kilo milliseconds). */
  timeoutMs: z.number().optional(),
  /** Tool names (or Kilo wildcard patterns) the client runs without asking; `*` means every tool. */
  autoApprove: z.array(z.string()),
  disabledTools: z.array(z.string()),
  origins: FieldOriginsSchema,
  /** Where the entry is. Every field's line and column: `Locator` (built in the same parsing pass). */
  position: PositionSchema,
  /** False when the entry broke its format's schema; it is still assessed for what it contains. */
  valid: z.boolean(),
});
export type McpServer = z.infer<typeof McpServerSchema>;
