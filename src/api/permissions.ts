import { z } from 'zod';

/** The design's roles for callers of the HTTP API. */
export const ROLES = ['installer', 'compliance', 'human_oversight', 'admin'] as const;
export const RoleSchema = z.enum(ROLES);
export type Role = z.infer<typeof RoleSchema>;

/** The design's permissions. `manage:system` covers credentials and the server itself. */
export const PERMISSIONS = ['request:assessment', 'approve:assessment', 'propose:remediation', 'approve:remediation', 'view:audit_logs', 'manage:system'] as const;
export const PermissionSchema = z.enum(PERMISSIONS);
export type Permission = z.infer<typeof PermissionSchema>;

/**
 * The one table of who may do what. Every endpoint names one permission (or "any authenticated role"),
 * and the permission-matrix test walks every role against every endpoint from this table.
 */
export const ROLE_PERMISSIONS: Readonly<Record<Role, readonly Permission[]>> = Object.freeze({
  installer: ['request:assessment', 'view:audit_logs'],
  compliance: ['propose:remediation', 'view:audit_logs'],
  human_oversight: ['approve:assessment', 'approve:remediation', 'view:audit_logs'],
  admin: PERMISSIONS,
});

export function can(role: Role, permission: Permission): boolean {
  return ROLE_PERMISSIONS[role].includes(permission);
}

/**
 * The person a credential acts for, fixed when it was issued (signed into a token, stored with a key):
 * approvals, four-eyes and the audit trail name this person, so one human holding several credentials
 * (an API key, a token, VS Code itself) is still one person. `verified` is whether the issuer had checked
 * who they were (a signed-in VS Code account, an OAuth provider), not whether the credential is valid.
 */
export interface CredentialOwner {
  id: string;
  label: string;
  verified: boolean;
}

/** Who is calling, once their credential checked out. Never holds the credential itself. */
export interface Principal {
  /** Stable id: `jwt:<sub>`, `oauth:<iss>#<sub>`, or `api-key:<keyId>`. Rate limits and four-eyes use it. */
  id: string;
  /** What people read in the audit log and the Approvals view. */
  label: string;
  role: Role;
  via: 'jwt' | 'oauth' | 'api-key';
  /** For tokens: the `iss` that signed it. */
  issuer?: string;
  /** The person behind the credential; absent for credentials issued before owners were recorded (then the credential is its own, unverified, owner). */
  owner?: CredentialOwner;
}
