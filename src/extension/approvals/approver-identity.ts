import type { Approver } from '../../core/grants/grant-schema';
import { OversightError } from '../../core/errors';

export type IdentityProvider = 'github' | 'microsoft' | 'none';

/** The parts of a `vscode.AuthenticationSession` we use. */
export interface SessionLike {
  account: { id: string; label: string };
}

/**
 * Who is approving: the editor's signed-in account when there is one (verified: VS Code's
 * authentication provider vouches for it), else the OS user, recorded as unverified — or refused when
 * the settings require a verified identity.
 */
export function approverFrom(session: SessionLike | undefined, provider: IdentityProvider, osUser: string, requireVerified: boolean): Approver {
  if (session !== undefined && provider !== 'none') {
    return { id: `${provider}:${session.account.id}`, label: session.account.label.slice(0, 256), provider, verified: true };
  }
  if (requireVerified) {
    throw new OversightError(
      'APPROVAL_REQUIRED',
      provider === 'none'
        ? 'Approvals need a verified identity (mcpOversight.approval.requireVerifiedIdentity) but no identity provider is set (mcpOversight.approval.identityProvider).'
        : `Approvals need a verified identity: sign in with ${provider === 'github' ? 'GitHub' : 'Microsoft'} when asked, or change mcpOversight.approval.requireVerifiedIdentity.`,
    );
  }
  return { id: `os:${osUser}`, label: osUser, provider: 'os-user', verified: false };
}
