import { z } from 'zod';

/** Where the lock lives, relative to the workspace folder. Committed with the project. */
export const LOCK_FILE_PATH = '.kilocode/mcp-oversight.lock.json';

/** What is pinned of a tool: what the model reads of it and how it is called (`title` and `outputSchema` are not). */
export const PinnedDefinitionSchema = z
  .object({
    name: z.string(),
    description: z.string().optional(),
    inputSchema: z.record(z.string(), z.unknown()),
    annotations: z.record(z.string(), z.unknown()).optional(),
  })
  .strict();
export type PinnedDefinition = z.infer<typeof PinnedDefinitionSchema>;

export const PinnedToolSchema = z
  .object({
    /** `toolDefinitionHash(definition)`: SHA-256, lower-case hex. */
    sha256: z.string().regex(/^[0-9a-f]{64}$/, 'a SHA-256 as 64 lower-case hex digits'),
    /** Kept (it is not secret) so that a change can be shown as a diff. */
    definition: PinnedDefinitionSchema,
  })
  .strict();
export type PinnedTool = z.infer<typeof PinnedToolSchema>;

export const PinnedServerSchema = z
  .object({
    /** ISO 8601, when these definitions were pinned. */
    pinnedAt: z.iso.datetime({ offset: true }),
    tools: z.record(z.string(), PinnedToolSchema),
  })
  .strict();
export type PinnedServer = z.infer<typeof PinnedServerSchema>;

/** `.kilocode/mcp-oversight.lock.json`: per server name, the tool definitions a person approved. */
export const LockFileSchema = z
  .object({
    version: z.literal(1),
    servers: z.record(z.string(), PinnedServerSchema),
  })
  .strict();
export type LockFile = z.infer<typeof LockFileSchema>;
