import * as z from 'zod/mini';
import type { ApiKeyInfo } from '../../api/auth/api-keys';
import { OversightError } from '../../core/errors';
import type { ApiStatus } from './api-host';

/**
 * The pure half of the HTTP API commands (api-commands.ts): what the pickers offer, what the status
 * shows, and the arguments the commands take for automation. No vscode here, so it is unit-tested.
 */

/** The lifetimes offered for a token; "Custom…" takes anything `parseTtl` accepts (60 s .. 90 days). */
export const TOKEN_LIFETIMES: readonly { label: string; ttl: string }[] = [
  { label: '1 hour', ttl: '1h' },
  { label: '8 hours', ttl: '8h' },
  { label: '1 day', ttl: '1d' },
  { label: '7 days', ttl: '7d' },
  { label: '30 days', ttl: '30d' },
  { label: '90 days', ttl: '90d' },
];
export const DEFAULT_TOKEN_TTL = '1h';

/**
 * Arguments for automation (tests, tasks, other extensions): with one, a command asks nothing, shows no
 * dialog and returns its result — for the credential commands, the secret itself, to the caller only.
 */
const TokenArgsSchema = z.object({ role: z.string(), ttl: z.optional(z.string()) });
const KeyArgsSchema = z.object({ role: z.string(), name: z.string() });
const RevokeArgsSchema = z.union([z.string(), z.object({ id: z.string() })]);

function parseArgs<T>(schema: z.ZodMiniType<T>, arg: unknown, command: string, shape: string): T {
  const r = schema.safeParse(arg);
  if (!r.success) throw new OversightError('usage', `${command} takes ${shape} when given an argument (automation), or none to ask.`);
  return r.data;
}

export const parseTokenArgs = (arg: unknown) => parseArgs(TokenArgsSchema, arg, 'mcpOversight.createApiToken', '{ role, ttl? }');
export const parseKeyArgs = (arg: unknown) => parseArgs(KeyArgsSchema, arg, 'mcpOversight.createApiKey', '{ role, name }');
export const parseRevokeArgs = (arg: unknown): string => {
  const r = parseArgs(RevokeArgsSchema, arg, 'mcpOversight.revokeApiKey', 'a key id or { id }');
  return typeof r === 'string' ? r : r.id;
};

/** What the name box says about a name before ApiKeyStore checks it for good. */
export function keyNameProblem(value: string): string | undefined {
  const name = value.trim();
  if (name === '') return 'Name the key after who or what will use it (e.g. "CI pipeline").';
  if (name.length > 100) return 'At most 100 characters.';
  return undefined;
}

/** A value inside POSIX single quotes (bash, zsh; PowerShell reads plain paths the same way). */
export function shellQuote(value: string): string {
  return `'${value.replaceAll("'", `'\\''`)}'`;
}

/** A curl call that trusts exactly this certificate and pins its key, reading the credential from a variable. */
export function curlCommand(status: Extract<ApiStatus, { running: true }>): string {
  return [
    'curl',
    `--cacert ${shellQuote(status.certFile)}`,
    `--pinnedpubkey ${shellQuote(`sha256//${status.spkiSha256Base64}`)}`,
    '-H "Authorization: Bearer $MCP_OVERSIGHT_API_TOKEN"',
    shellQuote(`${status.url}/status/assessment`),
  ].join(' ');
}

/** The lines Show HTTP API Status shows. */
export function statusLines(status: Extract<ApiStatus, { running: true }>): string[] {
  return [
    `URL: ${status.url}`,
    `Certificate: ${status.certFile}${status.selfSigned ? ' (self-signed: give clients this file as their CA, or pin the key)' : ''}`,
    `SHA-256 fingerprint: ${status.fingerprint256}`,
    `SPKI pin: sha256//${status.spkiSha256Base64}`,
    `Valid until: ${status.notAfter}`,
    `Rate limit: ${status.rateLimit.burst} requests at once, then ${status.rateLimit.perSecond} per second, per caller and per address`,
    `OAuth: ${status.oauthIssuer ?? 'off (only this workspace\'s tokens and API keys)'}`,
  ];
}

/** "3 min ago", "2 days ago"; the ISO time beyond a month. */
export function ago(iso: string, now: Date): string {
  const ms = now.getTime() - Date.parse(iso);
  if (!Number.isFinite(ms)) return iso;
  const min = Math.round(ms / 60_000);
  if (min < 1) return 'just now';
  if (min < 60) return `${min} min ago`;
  const h = Math.round(min / 60);
  if (h < 48) return `${h} h ago`;
  const d = Math.round(h / 24);
  return d <= 31 ? `${d} days ago` : iso.slice(0, 10);
}

/** One API key in the Revoke picker: name, role and id, when it was last used and created, by whom. */
export function keyPickItem(k: ApiKeyInfo, now: Date): { label: string; description: string; detail: string; id: string } {
  return {
    label: k.name,
    description: `${k.role} · ${k.id}`,
    detail: `last used ${k.lastUsedAt ? ago(k.lastUsedAt, now) : 'never'} · created ${ago(k.createdAt, now)}${k.createdBy ? ` by ${k.createdBy}` : ''}`,
    id: k.id,
  };
}
