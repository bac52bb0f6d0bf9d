import { z } from 'zod';
import { CategorySchema } from '../model/category';
import { SeveritySchema } from '../model/severity';

/** `allow` empty = everything allowed unless denied; `deny` always wins. Entries are globs (`*`). */
const AllowDeny = z
  .strictObject({
    allow: z.array(z.string().min(1)).optional(),
    deny: z.array(z.string().min(1)).optional(),
  })
  .optional();

const IsoDate = z
  .string()
  .regex(/^\d{4}-\d{2}-\d{2}$/, { error: 'use a date as YYYY-MM-DD' })
  .refine((d) => !Number.isNaN(Date.parse(d + 'T00:00:00Z')) && new Date(d + 'T00:00:00Z').toISOString().startsWith(d), { error: 'not a real calendar date' });

export const SuppressionSchema = z.strictObject({
  /** Rule id or `category:<category>`; `*` for every rule. */
  rule: z.string().min(1),
  /** Server name glob; omitted = every server. */
  server: z.string().min(1).optional(),
  /** File path glob, relative to the workspace; omitted = every file. */
  file: z.string().min(1).optional(),
  reason: z.string().trim().min(3, { error: 'a suppression must say why (reason)' }),
  /** Last day the suppression applies (inclusive, UTC). After it, findings come back with a note. */
  expires: IsoDate.optional(),
});
export type Suppression = z.infer<typeof SuppressionSchema>;

/**
 * `.kilocode/mcp-policy.json`: an organisation's rules on top of the built-in ones.
 * Documented in docs/POLICY.md; `version` is required so the format can evolve.
 */
export const PolicySchema = z.strictObject({
  $schema: z.string().optional(),
  version: z.literal(1, { error: 'version must be 1' }),
  /** Executables (basename, e.g. `npx`, `docker`) servers may run. */
  commands: AllowDeny,
  /** Packages run through npx/uvx/pipx/docker (name without version, e.g. `@modelcontextprotocol/*`). */
  packages: AllowDeny,
  /** Hosts remote servers may be reached at (e.g. `*.example.com`). */
  hosts: AllowDeny,
  /** Severity overrides by rule id or `category:<category>`; rule ids win over categories. */
  severity: z.record(z.string(), SeveritySchema).optional(),
  suppressions: z.array(SuppressionSchema).optional(),
});
export type Policy = z.infer<typeof PolicySchema>;

export const EMPTY_POLICY: Policy = { version: 1 };

/** `category:<category>` keys must name a real category (rule ids are checked against the rules at load time). */
export function isCategoryKey(key: string): boolean {
  return key.startsWith('category:') && CategorySchema.safeParse(key.slice('category:'.length)).success;
}
