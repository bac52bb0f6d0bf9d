import { z } from 'zod';
import { JsonPathSchema } from './location';

/**
 * A problem reading a config file. Never thrown: readers return these so that every other file and
 * server is still assessed. `fix` is the plain-language next step for the person reading it.
 */
export const ConfigErrorSchema = z.object({
  code: z.enum(['unreadable', 'invalid-json', 'rejected-by-client', 'schema', 'too-large', 'too-deep']),
  file: z.string(),
  line: z.number().int().positive(),
  column: z.number().int().positive(),
  jsonPath: JsonPathSchema,
  /** The offending field in `formatJsonPath` form, or `(file)` for whole-file problems. */
  field: z.string(),
  message: z.string(),
  fix: z.string(),
  /** Which client would refuse this (for `rejected-by-client`), e.g. `KiloCode (legacy)`. */
  client: z.string().optional(),
});
export type ConfigError = z.infer<typeof ConfigErrorSchema>;
