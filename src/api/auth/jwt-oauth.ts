import { OversightError } from '../../core/errors';
import { ROLES, RoleSchema, type Role } from '../permissions';

/**
 * Used when the operator configures no `roleMap`: only namespaced values map, so an identity
 * provider's own `admin` group or `write` scope never becomes an MCP Oversight role by accident.
 */
export const DEFAULT_OAUTH_ROLE_MAP: Readonly<Record<string, Role>> = Object.freeze(Object.fromEntries(ROLES.map((r) => [`mcp-oversight:${r}`, r])));

/** Checked at start-up, so a misconfiguration fails loudly instead of refusing every token. */
export function checkRoleMap(roleMap: Record<string, unknown>): Record<string, Role> {
  const out: Record<string, Role> = Object.create(null) as Record<string, Role>;
  for (const [external, role] of Object.entries(roleMap)) {
    const parsed = RoleSchema.safeParse(role);
    if (!parsed.success) throw new OversightError('usage', `OAuth roleMap: "${external}" maps to "${String(role)}", which is not a role (${ROLES.join(', ')}).`);
    if (external.trim() === '') throw new OversightError('usage', 'OAuth roleMap: an empty external value cannot be mapped.');
    out[external] = parsed.data;
  }
  if (Object.keys(out).length === 0) throw new OversightError('usage', 'OAuth roleMap is empty: no token could ever be granted a role.');
  return out;
}

/** A claim's values: an array of strings, or one space-separated string (OAuth `scope`). Anything else: none. */
function claimValues(value: unknown): string[] {
  if (typeof value === 'string') return value.split(' ').filter((v) => v !== '');
  if (Array.isArray(value)) return value.filter((v): v is string => typeof v === 'string');
  return [];
}

/**
 * The claim named `name`: a top-level claim of that exact name first (Auth0's namespaced claims contain
 * dots, e.g. `https://example.com/roles`), else a dotted path of own properties (Keycloak's
 * `realm_access.roles`). Own properties only: `__proto__` or `constructor` never resolve to anything.
 */
function readClaim(payload: Record<string, unknown>, name: string): unknown {
  if (Object.hasOwn(payload, name)) return payload[name];
  let node: unknown = payload;
  for (const part of name.split('.')) {
    if (typeof node !== 'object' || node === null || Array.isArray(node) || !Object.hasOwn(node, part)) return undefined;
    node = (node as Record<string, unknown>)[part];
  }
  return node;
}

/**
 * The roles an OAuth access token's claims map to: values of `roleClaim` plus `scope` and `scp`,
 * each looked up in `roleMap` (own keys only); unmapped values (`openid`, `profile`, …) are ignored.
 * Distinct roles, in the order of ROLES. The caller decides what zero or several mean.
 */
export function mapOAuthRoles(payload: Record<string, unknown>, roleClaim: string, roleMap: Readonly<Record<string, Role>>): Role[] {
  const found = new Set<Role>();
  for (const claim of new Set([roleClaim, 'scope', 'scp'])) {
    for (const value of claimValues(readClaim(payload, claim))) {
      if (Object.hasOwn(roleMap, value)) found.add(roleMap[value] as Role);
    }
  }
  return ROLES.filter((r) => found.has(r));
}

const LOOPBACK_HOSTS = new Set(['127.0.0.1', 'localhost', '[::1]']);

/**
 * The JWKS URL must be https: keys fetched in clear could be swapped by anyone on the path, and with
 * them every token. Plain http only when the caller opts in and the host is this machine (tests, a
 * local identity provider). No credentials in the URL: it is logged.
 */
export function checkJwksUrl(jwksUrl: string, allowHttpJwks: boolean): URL {
  let url: URL;
  try {
    url = new URL(jwksUrl);
  } catch {
    throw new OversightError('usage', 'OAuth jwksUrl is not a URL.');
  }
  if (url.username !== '' || url.password !== '') throw new OversightError('usage', 'OAuth jwksUrl must not carry credentials.');
  if (url.protocol === 'https:') return url;
  if (url.protocol === 'http:' && allowHttpJwks && LOOPBACK_HOSTS.has(url.hostname)) return url;
  if (url.protocol === 'http:') throw new OversightError('usage', `OAuth jwksUrl must use https (plain http is allowed only for a loopback host, with allowHttpJwks): ${url.origin}.`);
  throw new OversightError('usage', `OAuth jwksUrl must use https, not ${url.protocol}`);
}
