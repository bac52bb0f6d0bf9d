import { z } from 'zod';
import { ConfigErrorSchema } from './config-error';
import { ScopeSchema } from './scope';
import { FormatIdSchema } from './server';


/** The clients whose effective view we compute; a file may be read by several (see discovery). */
export const ClientIdSchema = z.enum(['kilocode-legacy', 'kilo', 'vscode', 'roo', 'cline', 'cursor', 'claude-desktop']);
export type ClientId = z.infer<typeof ClientIdSchema>;

export const ConfigSourceSchema = z.object({
  /** Stable id: `<format>:<display path>`. */
  id: z.string(),
  file: z.string(),
  /** Relative to the workspace for project files, `~/…` for files under the home folder. */
  displayPath: z.string(),
  format: FormatIdSchema,
  scope: ScopeSchema,
  /** Whether the file exists (missing files are listed so that "nothing found" is explainable). */
  exists: z.boolean(),
  /** Clients that read this file, and at what precedence (higher wins by server name). */
  readBy: z.array(z.object({ client: ClientIdSchema, precedence: z.number().int() })),
  /** True when the file parses as JSON; false for JSONC features (comments, trailing commas) or errors. */
  strictJson: z.boolean(),
  serverCount: z.number().int().nonnegative(),
  errors: z.array(ConfigErrorSchema),
});
export type ConfigSource = z.infer<typeof ConfigSourceSchema>;
