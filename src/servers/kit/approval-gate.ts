import type { KeyObject } from 'node:crypto';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { OversightError } from '../../core/errors';
import type { Approver, Grant } from '../../core/grants/grant-schema';
import { verifyGrant } from '../../core/grants/verify-grant';

export type Approval = { via: 'grant'; grant: Grant; approver: Approver } | { via: 'elicitation'; approver: Approver };

export interface ApprovalSubject {
  kind: Grant['kind'];
  subjectHash: string;
  /** What the person is asked to approve when there is no coordinator (shown by their MCP client). */
  question: string;
}

/**
 * Human approval, enforced by the executor. With a coordinator key, only a grant it signed for exactly
 * this subject counts. Without one (standalone use), the client's human is asked through MCP
 * elicitation; a client that cannot elicit gets APPROVAL_REQUIRED and nothing happens.
 */
export class ApprovalGate {
  constructor(
    private readonly publicKey: KeyObject | undefined,
    private readonly now: () => Date,
  ) {}

  get mode(): 'grant' | 'elicitation' {
    return this.publicKey !== undefined ? 'grant' : 'elicitation';
  }

  async approve(subject: ApprovalSubject, grant: unknown, server: McpServer): Promise<Approval> {
    if (this.publicKey !== undefined) {
      if (grant === undefined) {
        throw new OversightError('APPROVAL_REQUIRED', `This ${subject.kind} needs a grant signed by the MCP Oversight coordinator for subject ${subject.subjectHash}. Request approval and pass the grant.`, {
          details: { subjectHash: subject.subjectHash },
        });
      }
      const verified = verifyGrant(grant, { publicKey: this.publicKey, kind: subject.kind, subjectHash: subject.subjectHash, now: this.now() });
      return { via: 'grant', grant: verified, approver: verified.approver };
    }
    if (grant !== undefined) {
      throw new OversightError('GRANT_INVALID', 'This server has no coordinator key to verify grants with (start it with --grant-key). Nothing was done.');
    }
    const client = server.server.getClientVersion();
    if (server.server.getClientCapabilities()?.elicitation?.form === undefined) {
      throw new OversightError('APPROVAL_REQUIRED', `This ${subject.kind} needs a person's approval, and this MCP client cannot ask for it (no elicitation support). Use MCP Oversight's coordinator, or start the server with --grant-key and pass signed grants.`);
    }
    const answer = await server.server.elicitInput({
      message: subject.question,
      requestedSchema: {
        type: 'object',
        properties: { approve: { type: 'boolean', title: 'Approve', description: 'Approve exactly the change described above' } },
        required: ['approve'],
      },
    });
    if (answer.action !== 'accept' || answer.content?.['approve'] !== true) {
      throw new OversightError('APPROVAL_DECLINED', `The ${subject.kind} was not approved (${answer.action}). Nothing was done.`);
    }
    return {
      via: 'elicitation',
      approver: { id: client?.name ?? 'mcp-client', label: `user of ${client?.name ?? 'an MCP client'}`, provider: 'mcp-elicitation', verified: false },
    };
  }
}
