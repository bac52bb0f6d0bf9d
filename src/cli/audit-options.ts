import { parseArgs } from 'node:util';
import { z } from 'zod';
import { AUDIT_KINDS, AuditKindSchema, type AuditKind } from '../core/audit/audit-entry';
import { OversightError } from '../core/errors';

/** `mcp-oversight audit verify|show|export|prune`: where the store is, which entries, what format. */
export const AuditCliOptionsSchema = z.object({
  action: z.enum(['verify', 'show', 'export', 'prune']),
  store: z.string().min(1),
  publicKey: z.string().min(1).optional(),
  json: z.boolean(),
  limit: z.number().int().positive().max(1_000_000),
  kinds: z.array(AuditKindSchema).optional(),
  server: z.string().optional(),
  actorId: z.string().optional(),
  since: z.string().optional(),
  until: z.string().optional(),
  format: z.enum(['json', 'csv', 'markdown']).optional(),
  output: z.string().optional(),
  /** prune: delete whole closed segments whose every entry is older than this (ISO time). */
  olderThan: z.string().optional(),
});
export type AuditCliOptions = z.infer<typeof AuditCliOptionsSchema>;

export const STORE_ENV = 'MCP_OVERSIGHT_STORE';

/** Parses `audit ACTION [options]` (argv after `audit`). Throws OversightError('usage') saying what to do. */
export function parseAuditCommand(argv: readonly string[], env: NodeJS.ProcessEnv, now: Date): AuditCliOptions {
  const [action, ...rest] = argv;
  if (action !== 'verify' && action !== 'show' && action !== 'export' && action !== 'prune') {
    throw new OversightError('usage', action === undefined ? 'audit needs an action: verify, show, export or prune.' : `Unknown audit action "${action}". Actions: verify, show, export, prune.`);
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: false,
      strict: true,
      options: {
        store: { type: 'string' },
        'public-key': { type: 'string' },
        json: { type: 'boolean' },
        limit: { type: 'string', short: 'n' },
        kind: { type: 'string', multiple: true },
        server: { type: 'string' },
        actor: { type: 'string' },
        since: { type: 'string' },
        until: { type: 'string' },
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        'older-than': { type: 'string' },
      },
    });
  } catch (e) {
    throw new OversightError('usage', e instanceof Error ? e.message.replace(/^TypeError \[\w+\]: /, '') : String(e));
  }
  const v = parsed.values;
  const store = v.store ?? env[STORE_ENV];
  if (store === undefined || store === '') {
    throw new OversightError('usage', `audit ${action} needs the store folder: --store DIR or ${STORE_ENV}=DIR (the coordinator's store: the extension's workspace storage folder; see docs/AUDIT.md).`);
  }
  const only = (names: string[], allowed: string) => {
    const given = names.filter((n) => (v as Record<string, unknown>)[n] !== undefined);
    if (given.length > 0) throw new OversightError('usage', `audit ${action} does not take ${given.map((n) => `--${n}`).join(', ')} (${allowed}).`);
  };
  if (action === 'verify') only(['limit', 'kind', 'server', 'actor', 'since', 'until', 'format', 'output'], 'it checks the whole log');
  if (action === 'prune') only(['limit', 'kind', 'server', 'actor', 'since', 'until', 'format', 'output'], 'it deletes whole segments by age: --older-than');
  if (action !== 'prune') only(['older-than'], 'only prune does');
  if (action === 'prune' && v['older-than'] === undefined) throw new OversightError('usage', 'audit prune needs --older-than AGE (e.g. 90d) or a date: closed segments whose every entry is older are deleted.');
  if (action !== 'verify') only(['public-key'], 'only verify does');
  if (action === 'show') only(['format', 'output'], 'use audit export for files');
  if (action === 'export') only(['json', 'limit'], 'use --format json; export writes every matching entry');
  if (action === 'export' && v.format === undefined) throw new OversightError('usage', 'audit export needs --format json, csv or markdown.');
  if (v.format !== undefined && !['json', 'csv', 'markdown'].includes(v.format)) throw new OversightError('usage', `--format must be json, csv or markdown, not "${v.format}".`);
  const limit = v.limit === undefined ? 20 : Number(v.limit);
  if (!Number.isInteger(limit) || limit < 1) throw new OversightError('usage', `--limit must be a positive whole number, not "${v.limit}".`);
  const r = AuditCliOptionsSchema.safeParse({
    action,
    store,
    publicKey: v['public-key'],
    json: v.json === true,
    limit,
    kinds: v.kind === undefined ? undefined : parseKinds(v.kind),
    server: v.server,
    actorId: v.actor,
    since: v.since === undefined ? undefined : parseTime(v.since, '--since', now),
    until: v.until === undefined ? undefined : parseTime(v.until, '--until', now),
    format: v.format,
    output: v.output,
    olderThan: v['older-than'] === undefined ? undefined : parseTime(v['older-than'], '--older-than', now),
  });
  if (!r.success) throw new OversightError('usage', r.error.issues.map((i) => `${i.path.join('.')}: ${i.message}`).join('; '));
  return r.data;
}

function parseKinds(values: string[]): AuditKind[] {
  const kinds = values.flatMap((x) => x.split(',')).map((k) => k.trim()).filter((k) => k !== '');
  const bad = kinds.filter((k) => !(AUDIT_KINDS as readonly string[]).includes(k));
  if (bad.length > 0) throw new OversightError('usage', `unknown --kind ${bad.join(', ')}. Kinds: ${AUDIT_KINDS.join(', ')}.`);
  return kinds as AuditKind[];
}

/** An ISO date-time (offset optional: UTC), a date (`2026-03-01`, midnight UTC), or an age (`30m`, `24h`, `7d`). */
export function parseTime(text: string, flag: string, now: Date): string {
  const age = /^(\d{1,6})([mhd])$/.exec(text);
  if (age) {
    const ms = Number(age[1]) * { m: 60_000, h: 3_600_000, d: 86_400_000 }[age[2] as 'm' | 'h' | 'd'];
    return new Date(now.getTime() - ms).toISOString();
  }
  const iso = /^\d{4}-\d{2}-\d{2}$/.test(text) ? `${text}T00:00:00Z` : /^\d{4}-\d{2}-\d{2}T[\d:.]+$/.test(text) ? `${text}Z` : text;
  if (!z.iso.datetime({ offset: true }).safeParse(iso).success || Number.isNaN(Date.parse(iso))) {
    throw new OversightError('usage', `${flag} "${text}" is not a time: use 2026-03-01, 2026-03-01T12:00:00Z, or an age such as 30m, 24h, 7d.`);
  }
  return iso;
}

export const AUDIT_USAGE = `  mcp-oversight audit verify [--store DIR] [--public-key FILE] [--json]
                                          Check the audit log's chain, hashes and signed checkpoints;
                                          exit 1 and name the first bad seq when it is broken
  mcp-oversight audit show [--store DIR] [filters] [--limit N] [--json]
                                          The newest entries (default 20), newest first
  mcp-oversight audit export --format json|csv|markdown [-o FILE] [--store DIR] [filters]
                                          Every matching entry, oldest first; markdown is a compliance report
  mcp-oversight audit prune --older-than AGE|DATE [--store DIR] [--json]
                                          Delete closed segments whose every entry is older (e.g. 90d), after
                                          a signed retention anchor; recorded as audit.pruned; verify still passes

Options for audit:
      --store DIR                 The coordinator's store folder (default: $${STORE_ENV}); the log is DIR/audit
      --public-key FILE           verify: the coordinator's Ed25519 public key (default DIR/keys/coordinator.pub.pem;
                                  pass a copy kept elsewhere: whoever can rewrite the store can replace that file)
      --kind KIND[,KIND]          Only these kinds (e.g. approval.decided,execution.failed)
      --server NAME               Only entries about this MCP server
      --actor ID                  Only entries by this actor id
      --since TIME / --until TIME From (inclusive) / before (exclusive): 2026-03-01, an ISO time, or 30m, 24h, 7d ago
      --older-than AGE|DATE       prune: 90d, 2026-01-01 or an ISO time (needs the store's signing key; refused
                                  while the coordinator has the log open, and when the old segments do not verify)
  show and export are themselves recorded as audit.accessed entries when the store's signing key is readable.
`;
