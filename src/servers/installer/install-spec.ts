import { z } from 'zod';
import { OversightError } from '../../core/errors';
import type { FormatId } from '../../core/model/server';
import { maskScriptSecrets } from '../../core/rules/support/script-secrets';
import { findKnownSecrets, maskSecret, redactSecrets } from '../../core/secrets/detect-secrets';
import { isSecretLikeName } from '../../core/secrets/secret-names';
import { findReferences } from '../../core/config/references';

/** Which project config file a new server goes into, by client. */
export const InstallTargetSchema = z.enum(['kilocode', 'kilo', 'vscode', 'roo', 'cursor']);
export type InstallTarget = z.infer<typeof InstallTargetSchema>;

export const ServerNameSchema = z
  .string()
  .min(1)
  .max(128)
  .regex(/^[A-Za-z0-9][A-Za-z0-9_.-]*$/, 'letters, digits, "_", "." and "-", starting with a letter or digit');

const Text = z.string().max(8192);

/**
 * A server as a marketplace lists it (KiloCode marketplace style): a command with args and env, or a
 * URL with headers; any string may hold `{{param}}` placeholders filled from `params`.
 */
export const ServerSpecSchema = z.strictObject({
  command: z.string().min(1).max(4096).optional().describe('Program to run (stdio server)'),
  args: z.array(Text).max(256).optional().describe('Its arguments'),
  env: z.record(z.string().min(1).max(256), Text).optional().describe('Environment variables for it'),
  url: z.string().min(1).max(8192).optional().describe('URL of a remote server'),
  headers: z.record(z.string().min(1).max(256), Text).optional().describe('HTTP headers for a remote server'),
  type: z.enum(['stdio', 'sse', 'streamable-http', 'http']).optional().describe('Transport (default: stdio with command, streamable-http with url)'),
});
export type ServerSpec = z.infer<typeof ServerSpecSchema>;

export const ParamsSchema = z.record(z.string().regex(/^[A-Za-z_][A-Za-z0-9_]*$/, 'a placeholder name: letters, digits and "_"'), Text);

const PLACEHOLDER = /\{\{\s*([A-Za-z_][A-Za-z0-9_]*)\s*\}\}/g;
const LEFTOVER = /\{\{|\}\}/;
const AUTH_SCHEME = /^((?:Bearer|Basic|Token|Bot)\s+)(.*)$/is;

/** `apiKey` -> `API_KEY`, `github-token` -> `GITHUB_TOKEN`: the environment variable a secret moves to. */
export function envNameOf(name: string): string {
  const snake = name
    .replace(/([a-z0-9])([A-Z])/g, '$1_$2')
    .toUpperCase()
    .replace(/[^A-Z0-9_]+/g, '_')
    .replace(/^_+|_+$/g, '');
  return /^[A-Z_]/.test(snake) ? snake : `_${snake}`;
}

export function envReference(format: FormatId, name: string): string {
  return format === 'kilo' ? `{env:${name}}` : `\${env:${name}}`;
}

export interface FilledSpec {
  command?: string;
  args: string[];
  env: Record<string, string>;
  url?: string;
  headers: Record<string, string>;
  remote: boolean;
  transport: 'stdio' | 'sse' | 'streamable-http';
  /** Environment variables the person must set: secrets are referenced, never written. */
  secretEnv: string[];
}

interface FillContext {
  params: Record<string, string>;
  format: FormatId;
  used: Set<string>;
  secretEnv: Set<string>;
}

function bad(field: string, message: string): OversightError {
  return new OversightError('INVALID_ARGUMENT', `${field}: ${message}`, { details: { field } });
}

/**
 * Fills the placeholders of one string. A value bound for a secret (secret-like placeholder name,
 * secret-like env/header name, or a token shape) is not written: an env reference takes its place.
 */
function fill(value: string, field: string, ctx: FillContext, key?: string): string {
  const whole = PLACEHOLDER.exec(value);
  PLACEHOLDER.lastIndex = 0;
  const onlyPlaceholder = whole !== null && whole[0] === value;
  const out = value.replace(PLACEHOLDER, (_m, name: string) => {
    const v = ctx.params[name];
    if (v === undefined) throw bad(`params.${name}`, `missing: ${field} uses {{${name}}}. Pass params: { "${name}": "…" }.`);
    ctx.used.add(name);
    const secret = isSecretLikeName(name) || (key !== undefined && isSecretLikeName(key)) || findKnownSecrets(v).length > 0;
    if (!secret) return v;
    const envName = onlyPlaceholder && field.includes('.env.') && key !== undefined ? key : envNameOf(name);
    ctx.secretEnv.add(envName);
    return envReference(ctx.format, envName);
  });
  if (LEFTOVER.test(out)) throw bad(field, `a malformed placeholder (write {{name}} with letters, digits and "_").`);
  return out;
}

/** A literal secret in an env or header value moves to an env variable named after the key. */
function literalSecret(value: string, key: string, envName: string, ctx: FillContext): string {
  if (value === '' || findReferences(value).length > 0) return value;
  const scheme = AUTH_SCHEME.exec(value);
  const secretPart = scheme ? scheme[2]! : value;
  if (secretPart === '' || findReferences(secretPart).length > 0) return value;
  if (!isSecretLikeName(key) && findKnownSecrets(value).length === 0) return value;
  ctx.secretEnv.add(envName);
  return `${scheme ? scheme[1]! : ''}${envReference(ctx.format, envName)}`;
}

/** Token shapes where no env variable can stand in by name (command, args, URL): refused, masked. */
function refuseTokens(value: string, field: string): void {
  const found = findKnownSecrets(value);
  if (found.length > 0) {
    throw bad(field, `holds what looks like a secret (${maskSecret(found[0]!.value)}). Pass it as a {{param}} with a secret-like name (e.g. {{apiKey}}) so it becomes an environment variable reference, or reference one yourself (\${env:NAME}).`);
  }
}

/** Substitutes `params` into the spec, moves secrets to env references, and checks the shape. */
export function fillSpec(spec: ServerSpec, params: Record<string, string>, format: FormatId, serverName: string): FilledSpec {
  const ctx: FillContext = { params, format, used: new Set(), secretEnv: new Set() };
  const remote = spec.url !== undefined;
  if (remote && spec.command !== undefined) throw bad('spec', 'give either command (a program to run) or url (a remote server), not both.');
  if (!remote && spec.command === undefined) throw bad('spec.command', 'required: the program to run (or give spec.url for a remote server).');
  if (remote && (spec.args !== undefined || spec.env !== undefined)) throw bad(spec.args !== undefined ? 'spec.args' : 'spec.env', 'a remote server (spec.url) takes no args or env.');
  if (!remote && spec.headers !== undefined) throw bad('spec.headers', 'a stdio server (spec.command) takes no headers.');
  if (remote && spec.type === 'stdio') throw bad('spec.type', '"stdio" needs spec.command, not spec.url.');
  if (!remote && spec.type !== undefined && spec.type !== 'stdio') throw bad('spec.type', `"${spec.type}" needs spec.url.`);

  const out: FilledSpec = { args: [], env: {}, headers: {}, remote, transport: remote ? (spec.type === 'sse' ? 'sse' : 'streamable-http') : 'stdio', secretEnv: [] };
  if (spec.command !== undefined) {
    out.command = fill(spec.command, 'spec.command', ctx);
    refuseTokens(spec.command, 'spec.command');
  }
  (spec.args ?? []).forEach((a, i) => {
    refuseTokens(a, `spec.args[${i}]`);
    out.args.push(fill(a, `spec.args[${i}]`, ctx));
  });
  for (const [k, v] of Object.entries(spec.env ?? {})) {
    if (!/^[A-Za-z_][A-Za-z0-9_]*$/.test(k)) throw bad(`spec.env.${k}`, 'not an environment variable name.');
    const filled = fill(v, `spec.env.${k}`, ctx, k);
    out.env[k] = filled === v ? literalSecret(v, k, k, ctx) : filled;
  }
  if (spec.url !== undefined) {
    refuseTokens(spec.url, 'spec.url');
    const url = fill(spec.url, 'spec.url', ctx);
    let parsed: URL | undefined;
    try {
      parsed = new URL(url);
    } catch {
      parsed = undefined;
    }
    if (parsed === undefined || (parsed.protocol !== 'https:' && parsed.protocol !== 'http:')) throw bad('spec.url', 'must be an absolute http(s) URL.');
    if (parsed.password !== '') throw bad('spec.url', 'holds a password; send credentials in a header with a {{param}} instead.');
    out.url = url;
  }
  for (const [k, v] of Object.entries(spec.headers ?? {})) {
    const filled = fill(v, `spec.headers.${k}`, ctx, k);
    out.headers[k] = filled === v ? literalSecret(v, k, envNameOf(`${serverName}_${k}`), ctx) : filled;
  }
  out.secretEnv = [...ctx.secretEnv].sort();
  return out;
}

/** Where a format keeps its servers. */
export function containerOf(format: FormatId): string {
  return format === 'kilo' ? 'mcp' : format === 'vscode' ? 'servers' : 'mcpServers';
}

/** The entry as the target client writes it. */
export function entryFor(format: FormatId, s: FilledSpec): Record<string, unknown> {
  const env = Object.keys(s.env).length > 0 ? s.env : undefined;
  const headers = Object.keys(s.headers).length > 0 ? s.headers : undefined;
  const args = s.args.length > 0 ? s.args : undefined;
  if (format === 'kilo') {
    return s.remote ? { type: 'remote', url: s.url, ...(headers ? { headers } : {}) } : { type: 'local', command: [s.command, ...s.args], ...(env ? { environment: env } : {}) };
  }
  if (format === 'vscode') {
    return s.remote
      ? { type: s.transport === 'sse' ? 'sse' : 'http', url: s.url, ...(headers ? { headers } : {}) }
      : { type: 'stdio', command: s.command, ...(args ? { args } : {}), ...(env ? { env } : {}) };
  }
  if (format === 'cursor') {
    return s.remote ? { ...(s.transport === 'sse' ? { type: 'sse' } : {}), url: s.url, ...(headers ? { headers } : {}) } : { command: s.command, ...(args ? { args } : {}), ...(env ? { env } : {}) };
  }
  // Legacy KiloCode and Roo: `type` is required for remote servers.
  return s.remote ? { type: s.transport, url: s.url, ...(headers ? { headers } : {}) } : { command: s.command, ...(args ? { args } : {}), ...(env ? { env } : {}) };
}

/** What the server will do, secrets masked: for the action's description. */
export function describeSpec(s: FilledSpec): string {
  const what = s.remote ? `connects to ${maskScriptSecrets(s.url ?? '')}` : `runs ${maskScriptSecrets([s.command ?? '', ...s.args].join(' '))}`;
  const env = Object.keys(s.env).length > 0 ? ` with env ${Object.keys(s.env).join(', ')}` : '';
  const headers = Object.keys(s.headers).length > 0 ? ` with headers ${Object.keys(s.headers).join(', ')}` : '';
  return redactSecrets(`${what}${env}${headers}`);
}
