import { createHash } from 'node:crypto';
import { basename, join, resolve } from 'node:path';
import { parseArgs, type ParseArgsConfig } from 'node:util';
import { z } from 'zod';
import { RoleSchema } from '../api/permissions';
import { OversightError } from '../core/errors';
import { STORE_ENV } from './audit-options';

/**
 * Where a workspace's store lives when --store is not given: $MCP_OVERSIGHT_STORE, else a folder per
 * workspace in the user's state directory, never inside the workspace (an agent that edits the
 * workspace must not reach the keys or the audit log).
 */
export function defaultStore(workspace: string, env: NodeJS.ProcessEnv, platform: NodeJS.Platform, home: string): string {
  const fromEnv = env[STORE_ENV];
  if (fromEnv) return fromEnv;
  const base =
    platform === 'win32' ? join(env['LOCALAPPDATA'] ?? join(home, 'AppData', 'Local'), 'mcp-oversight') : platform === 'darwin' ? join(home, 'Library', 'Application Support', 'mcp-oversight') : join(env['XDG_STATE_HOME'] || join(home, '.local', 'state'), 'mcp-oversight');
  const id = createHash('sha256').update(resolve(workspace)).digest('hex').slice(0, 12);
  const name = basename(resolve(workspace)).replace(/[^A-Za-z0-9._-]/g, '_').slice(0, 40) || 'workspace';
  return join(base, 'workspaces', `${name}-${id}`);
}

const positiveInt = (flag: string, max: number) => z.coerce.number({ error: `${flag} must be a number` }).int({ error: `${flag} must be a whole number` }).min(1, { error: `${flag} must be at least 1` }).max(max, { error: `${flag} must be at most ${max}` });

export const ServeOptionsSchema = z.object({
  workspace: z.string().min(1),
  store: z.string().min(1).optional(),
  host: z.string().min(1).max(255),
  port: z.coerce.number({ error: '--port must be a number' }).int().min(0, { error: '--port must be 0-65535' }).max(65535, { error: '--port must be 0-65535' }),
  cert: z.string().min(1).optional(),
  key: z.string().min(1).optional(),
  rateBurst: positiveInt('--rate-burst', 1_000_000),
  ratePerSecond: positiveInt('--rate-per-second', 1_000_000),
  bodyLimitKiB: positiveInt('--body-limit', 64 * 1024),
  oauthIssuer: z.string().min(1).optional(),
  oauthJwksUrl: z.string().min(1).optional(),
  oauthAudience: z.string().min(1).optional(),
  oauthRoleClaim: z.string().min(1).optional(),
  fourEyes: z.boolean(),
  requireVerifiedIdentity: z.boolean(),
  syncAccess: z.boolean(),
  approvalExpiryHours: z.coerce.number({ error: '--approval-expiry must be a number of hours' }).positive().max(720),
});
export type ServeOptions = z.infer<typeof ServeOptionsSchema>;

export const TokenOptionsSchema = z.object({
  role: RoleSchema,
  ttl: z.string().min(1),
  workspace: z.string().min(1),
  store: z.string().min(1).optional(),
  subject: z.string().min(1).max(256).optional(),
  name: z.string().min(1).max(256).optional(),
});
export type TokenOptions = z.infer<typeof TokenOptionsSchema>;

export type ApiKeyCommand =
  | { action: 'create'; workspace: string; store?: string; role: z.infer<typeof RoleSchema>; name: string; json: boolean }
  | { action: 'list'; workspace: string; store?: string; json: boolean }
  | { action: 'revoke'; workspace: string; store?: string; id: string; json: boolean };

function args(argv: readonly string[], options: NonNullable<ParseArgsConfig['options']>, allowPositionals = false) {
  try {
    return parseArgs({ args: [...argv], options, allowPositionals, strict: true });
  } catch (e) {
    throw new OversightError('usage', e instanceof Error ? e.message.replace(/^TypeError \[\w+\]: /, '') : String(e));
  }
}

function checked<T>(schema: z.ZodType<T>, value: unknown): T {
  const r = schema.safeParse(value);
  if (!r.success) throw new OversightError('usage', r.error.issues.map((i) => (i.path.length && !i.message.startsWith('-') ? `--${String(i.path[0]).replace(/[A-Z]/g, (c) => `-${c.toLowerCase()}`)}: ${i.message}` : i.message)).join('; '));
  return r.data;
}

const str = (v: unknown) => (typeof v === 'string' ? v : undefined);

export function parseServe(argv: readonly string[], cwd: string): ServeOptions {
  const { values: v } = args(argv, {
    workspace: { type: 'string' },
    store: { type: 'string' },
    host: { type: 'string' },
    port: { type: 'string' },
    cert: { type: 'string' },
    key: { type: 'string' },
    'rate-burst': { type: 'string' },
    'rate-per-second': { type: 'string' },
    'body-limit': { type: 'string' },
    'oauth-issuer': { type: 'string' },
    'oauth-jwks-url': { type: 'string' },
    'oauth-audience': { type: 'string' },
    'oauth-role-claim': { type: 'string' },
    'four-eyes': { type: 'boolean' },
    'require-verified-identity': { type: 'boolean' },
    'sync-access': { type: 'boolean' },
    'approval-expiry': { type: 'string' },
  });
  const o = checked(ServeOptionsSchema, {
    workspace: resolve(cwd, str(v['workspace']) ?? '.'),
    store: str(v['store']) === undefined ? undefined : resolve(cwd, str(v['store'])!),
    host: str(v['host']) ?? '127.0.0.1',
    port: str(v['port']) ?? '7341',
    cert: str(v['cert']) === undefined ? undefined : resolve(cwd, str(v['cert'])!),
    key: str(v['key']) === undefined ? undefined : resolve(cwd, str(v['key'])!),
    rateBurst: str(v['rate-burst']) ?? '100',
    ratePerSecond: str(v['rate-per-second']) ?? '10',
    bodyLimitKiB: str(v['body-limit']) ?? '1024',
    oauthIssuer: str(v['oauth-issuer']),
    oauthJwksUrl: str(v['oauth-jwks-url']),
    oauthAudience: str(v['oauth-audience']),
    oauthRoleClaim: str(v['oauth-role-claim']),
    fourEyes: v['four-eyes'] === true,
    requireVerifiedIdentity: v['require-verified-identity'] === true,
    syncAccess: v['sync-access'] === true,
    approvalExpiryHours: str(v['approval-expiry']) ?? '24',
  });
  if ((o.cert === undefined) !== (o.key === undefined)) throw new OversightError('usage', `--cert and --key go together: give ${o.cert === undefined ? '--cert' : '--key'} too, or neither for a self-signed certificate.`);
  const oauth = [o.oauthIssuer, o.oauthJwksUrl, o.oauthAudience];
  if (oauth.some((x) => x !== undefined) && oauth.some((x) => x === undefined)) throw new OversightError('usage', 'OAuth needs all three: --oauth-issuer, --oauth-jwks-url and --oauth-audience.');
  return o;
}

export function parseToken(argv: readonly string[], cwd: string): TokenOptions {
  const [action, ...rest] = argv;
  if (action !== 'create') throw new OversightError('usage', `token ${action ?? ''}: the one action is "token create --role ROLE [--ttl 1h] [--workspace DIR]".`);
  const { values: v } = args(rest, { role: { type: 'string' }, ttl: { type: 'string' }, workspace: { type: 'string' }, store: { type: 'string' }, subject: { type: 'string' }, name: { type: 'string' } });
  if (v['role'] === undefined) throw new OversightError('usage', `token create needs --role: ${RoleSchema.options.join(', ')}.`);
  const r = RoleSchema.safeParse(v['role']);
  if (!r.success) throw new OversightError('usage', `--role ${JSON.stringify(String(v['role']).slice(0, 40))} is not a role: ${RoleSchema.options.join(', ')}.`);
  return checked(TokenOptionsSchema, {
    role: r.data,
    ttl: str(v['ttl']) ?? '1h',
    workspace: resolve(cwd, str(v['workspace']) ?? '.'),
    store: str(v['store']) === undefined ? undefined : resolve(cwd, str(v['store'])!),
    subject: str(v['subject']),
    name: str(v['name']),
  });
}

export function parseApiKey(argv: readonly string[], cwd: string): ApiKeyCommand {
  const [action, ...rest] = argv;
  const { values: v, positionals } = args(rest, { role: { type: 'string' }, name: { type: 'string' }, workspace: { type: 'string' }, store: { type: 'string' }, json: { type: 'boolean' } }, true);
  const common = { workspace: resolve(cwd, str(v['workspace']) ?? '.'), ...(str(v['store']) ? { store: resolve(cwd, str(v['store'])!) } : {}), json: v['json'] === true };
  switch (action) {
    case 'create': {
      const r = RoleSchema.safeParse(v['role']);
      if (!r.success) throw new OversightError('usage', `apikey create needs --role: ${RoleSchema.options.join(', ')}.`);
      const name = str(v['name']);
      if (!name) throw new OversightError('usage', 'apikey create needs --name (who or what uses the key, e.g. "ci-pipeline").');
      return { action, role: r.data, name, ...common };
    }
    case 'list':
      return { action, ...common };
    case 'revoke': {
      const id = positionals[0];
      if (id === undefined || positionals.length > 1) throw new OversightError('usage', 'apikey revoke takes one key id (see "mcp-oversight apikey list").');
      return { action, id, ...common };
    }
    default:
      throw new OversightError('usage', `apikey ${action ?? ''}: use create, list or revoke.`);
  }
}

export const SERVE_USAGE = `  mcp-oversight serve [--workspace DIR] [--port N] [--cert FILE --key FILE] [options]
                                          The coordinator and the HTTPS API (/api/v1) without VS Code
  mcp-oversight token create --role ROLE [--ttl 1h] [--workspace DIR]
                                          Mint a JWT for the API (printed on stdout)
  mcp-oversight apikey create --role ROLE --name NAME | list | revoke ID [--workspace DIR]
                                          API keys for automated systems (shown once, stored hashed)

Options for serve:
      --workspace DIR             The workspace to oversee (default .)
      --store DIR                 Its store: keys, approvals, audit log (default $${STORE_ENV}, else a folder per
                                  workspace in your state directory, e.g. ~/.local/state/mcp-oversight/workspaces/)
      --host ADDR                 Address to listen on (default 127.0.0.1; anything else is reachable from other machines)
      --port N                    Port (default 7341; 0 picks a free one)
      --cert FILE --key FILE      Your own certificate (PEM); default a self-signed one in the store, its fingerprint printed
      --rate-burst N              Requests a principal or address may send at once (default 100)
      --rate-per-second N         Then this many per second (default 10)
      --body-limit KIB            Largest request body (default 1024 KiB)
      --oauth-issuer URL --oauth-jwks-url URL --oauth-audience AUD [--oauth-role-claim CLAIM]
                                  Also accept access tokens from this OAuth 2.0 issuer (roles from CLAIM, default roles:
                                  values mcp-oversight:<role>)
      --four-eyes                 A request's requester may not approve it (compared by person: every credential names
                                  the person who issued it)
      --require-verified-identity Approvals only from OAuth tokens or VS Code-made tokens of a signed-in person
      --approval-expiry HOURS     How long an approval request stays open (default 24)
      --sync-access               Answer a request only once its audit entry is synced to disk, not only written to
                                  the audit file (survives a power loss too; slower: every request waits for a disk sync)
  Roles: installer, compliance, human_oversight, admin. Stop with Ctrl-C: requests in progress finish, the audit
  log gets its checkpoint.`;
