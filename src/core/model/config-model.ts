import { z } from 'zod';
import { McpServerSchema } from './server';
import { ClientIdSchema, ConfigSourceSchema } from './source';

/** One server name as a client sees it after merging its files: the entry that wins and the ones it hides. */
export const EffectiveEntrySchema = z.object({
  client: ClientIdSchema,
  name: z.string(),
  serverId: z.string(),
  shadows: z.array(z.string()),
});
export type EffectiveEntry = z.infer<typeof EffectiveEntrySchema>;

export const ConfigModelSchema = z.object({
  workspace: z.string().optional(),
  sources: z.array(ConfigSourceSchema),
  /** Every entry of every file, including ones shadowed in the effective view. */
  servers: z.array(McpServerSchema),
  effective: z.array(EffectiveEntrySchema),
});
export type ConfigModel = z.infer<typeof ConfigModelSchema>;
