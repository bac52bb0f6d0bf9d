import * as z from 'zod/mini';

/**
 * Settings are user input too: each is parsed, and anything malformed falls back to the documented
 * default (package.json). zod/mini, not classic zod: this is the glue bundle (dist/extension.js), which
 * must stay small; classic zod lives in the lazily loaded dist/extension-core.js.
 */
interface Configuration {
  get(key: string): unknown;
}

export function numberSetting(cfg: Configuration, key: string, o: { min: number; max: number; fallback: number; int?: boolean }): number {
  const n = o.int ? z.int() : z.number();
  return z.catch(n.check(z.minimum(o.min), z.maximum(o.max)), o.fallback).parse(cfg.get(key));
}

export function booleanSetting(cfg: Configuration, key: string, fallback: boolean): boolean {
  return z.catch(z.boolean(), fallback).parse(cfg.get(key));
}

export function stringSetting(cfg: Configuration, key: string, fallback: string): string {
  return z.catch(z.string().check(z.minLength(1)), fallback).parse(cfg.get(key));
}

export function enumSetting<const T extends readonly [string, ...string[]]>(cfg: Configuration, key: string, values: T, fallback: T[number]): T[number] {
  return z.catch(z.enum(values), fallback).parse(cfg.get(key)) as T[number];
}

/** Longest audit retention a person can set (days; ten years). */
export const MAX_AUDIT_RETENTION_DAYS = 3650;

/**
 * `mcpOversight.audit.retentionDays`: whole days of audit log to keep; 0 (the default) keeps it for
 * ever. Only the user's own value counts: the setting is scope `application`, and when the
 * configuration can say where a value comes from, only the user settings' value is read, so a
 * workspace can never shorten its own audit trail.
 */
export function auditRetentionDays(cfg: Configuration & { inspect?(key: string): { globalValue?: unknown } | undefined }): number {
  const key = 'audit.retentionDays';
  const value = cfg.inspect ? cfg.inspect(key)?.globalValue : cfg.get(key);
  return numberSetting({ get: () => value }, key, { int: true, min: 0, max: MAX_AUDIT_RETENTION_DAYS, fallback: 0 });
}

/** The clients whose config files can be read (core/model/source.ts ClientIdSchema; a unit test keeps them equal). */
export const CLIENT_IDS = ['kilocode-legacy', 'kilo', 'vscode', 'roo', 'cline', 'cursor', 'claude-desktop'] as const;
export type ClientIdSetting = (typeof CLIENT_IDS)[number];

/**
 * `mcpOversight.sources` and `mcpOversight.extraConfigPaths`: which clients' files the static checks read
 * (undefined = every client's; unknown ids are dropped, an empty or malformed list means every client's)
 * and which other files they read too (strings only; blank ones dropped).
 */
export function sourceSettings(cfg: Configuration): { clients?: ClientIdSetting[]; extraFiles: string[] } {
  const listed = z.catch(z.array(z.string()), []).parse(cfg.get('sources'));
  const clients = CLIENT_IDS.filter((c) => listed.includes(c));
  const extraFiles = z
    .catch(z.array(z.string()), [])
    .parse(cfg.get('extraConfigPaths'))
    .map((p) => p.trim())
    .filter((p) => p !== '');
  return { ...(clients.length > 0 && clients.length < CLIENT_IDS.length ? { clients } : {}), extraFiles };
}

/** The OAuth settings that must all be set for OAuth access tokens to be accepted (`roleClaim` is optional). */
const OAUTH_REQUIRED = ['issuer', 'jwksUrl', 'audience'] as const;

/** `mcpOversight.api.*` (all scope `application`: a workspace can neither open a listener nor loosen its limits). */
export interface ApiSettings {
  enabled: boolean;
  /** 0: any free port (Show HTTP API Status says which). */
  port: number;
  /** Per caller and per client address: `burst` requests at once, then `perSecond`. */
  rateLimit: { burst: number; perSecond: number };
  /** Present when issuer, JWKS URL and audience are all set. */
  oauth?: { issuer: string; jwksUrl: string; audience: string; roleClaim?: string };
  /** Full setting names of the OAuth settings still missing when only some are set (start refuses then). */
  oauthMissing: string[];
}

/** Everything about `mcpOversight.api.*` that a start depends on; blank OAuth strings mean unset. */
export function apiSettings(cfg: Configuration): ApiSettings {
  const text = (key: string) => z.catch(z.string(), '').parse(cfg.get(key)).trim();
  const oauth = { issuer: text('api.oauth.issuer'), jwksUrl: text('api.oauth.jwksUrl'), audience: text('api.oauth.audience') };
  const roleClaim = text('api.oauth.roleClaim');
  const missing = OAUTH_REQUIRED.filter((k) => oauth[k] === '');
  const anySet = missing.length < OAUTH_REQUIRED.length || roleClaim !== '';
  return {
    enabled: booleanSetting(cfg, 'api.enabled', false),
    port: numberSetting(cfg, 'api.port', { int: true, min: 0, max: 65_535, fallback: 7341 }),
    rateLimit: {
      burst: numberSetting(cfg, 'api.rateLimit.burst', { int: true, min: 1, max: 100_000, fallback: 100 }),
      perSecond: numberSetting(cfg, 'api.rateLimit.perSecond', { min: 0.01, max: 100_000, fallback: 10 }),
    },
    ...(missing.length === 0 ? { oauth: { ...oauth, ...(roleClaim !== '' ? { roleClaim } : {}) } } : {}),
    oauthMissing: anySet ? missing.map((k) => `mcpOversight.api.oauth.${k}`) : [],
  };
}
