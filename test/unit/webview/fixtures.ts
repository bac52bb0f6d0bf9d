import { join } from 'node:path';
import { ApprovalRequestSchema, type ApprovalRequest } from '../../../src/core/coordination/messages';
import { hashCanonical, HASH_TAGS, sha256Hex } from '../../../src/core/crypto/hash';
import { buildLivePlan, describeLivePlan, livePlanHash } from '../../../src/core/live-plan/live-plan';
import { buildProposal } from '../../../src/core/remediation/build-proposal';
import type { ProposalAction, RemediationProposal } from '../../../src/core/remediation/proposal-schema';
import { randomAlnum } from '../rules/helpers';

export const WS = join('/', 'ws');
export const LEGACY = join(WS, '.kilocode', 'mcp.json');
export const TOKEN = 'ghp_' + randomAlnum(36, 777);
export const alice = { id: 'alice@example.com', label: 'Alice', provider: 'github', verified: true };

export const LEGACY_TEXT = `{
    "mcpServers": {
        "github": {
            "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"],
            "env": {
                "GITHUB_PERSONAL_ACCESS_TOKEN": "${TOKEN}",
                "LOG": "info"
            },
            "alwaysAllow": [
                "get_issue",
                "*",
                "delete_repo"
            ]
        }
    }
}
`;

type Action = Omit<ProposalAction, 'actionId'>;

export const moveToken: Action = {
  kind: 'remediate-finding',
  description: 'Move the GitHub token to an environment variable',
  file: LEGACY,
  risk: 'medium',
  edits: [{ jsonPath: ['mcpServers', 'github', 'env', 'GITHUB_PERSONAL_ACCESS_TOKEN'], value: '${env:GITHUB_PERSONAL_ACCESS_TOKEN}' }],
  followUp: 'export GITHUB_PERSONAL_ACCESS_TOKEN before starting the client',
  severity: 'critical',
  ruleId: 'secret-token',
  server: 'github',
  findingFingerprint: 'fp-1',
};
export const stopStar: Action = {
  kind: 'remediate-finding',
  description: 'Stop auto-approving every tool',
  file: LEGACY,
  risk: 'low',
  edits: [{ jsonPath: ['mcpServers', 'github', 'alwaysAllow', 1], remove: true }],
  ruleId: 'auto-approve-all',
  severity: 'high',
  server: 'github',
  findingFingerprint: 'fp-2',
};

export function proposal(actions: Action[] = [moveToken, stopStar], files: Record<string, string> = { [LEGACY]: LEGACY_TEXT }): RemediationProposal {
  let n = 0;
  return buildProposal({ assessmentId: 'as-1', actions, read: (f) => files[f], workspace: WS, now: new Date('2026-06-01T12:00:00Z'), newId: () => `id-${++n}` });
}

export function remediationRequest(p: RemediationProposal = proposal(), over: Partial<ApprovalRequest> = {}): ApprovalRequest {
  return ApprovalRequestSchema.parse({
    id: 'req-1',
    workspace: WS,
    title: 'Fix 2 findings in .kilocode/mcp.json',
    subject: { kind: 'remediation', proposal: p, subjectHash: hashCanonical(HASH_TAGS.proposal, p) },
    requestedBy: alice,
    requestedAt: '2026-06-01T12:00:00.000Z',
    expiresAt: '2026-06-02T12:00:00.000Z',
    state: 'pending',
    history: [],
    ...over,
  });
}

/** A request whose proposal is taken as given (no schema check of the diff's content), for hostile shapes. */
export function withFiles(files: { displayPath: string; diff: string }[], base = remediationRequest()): ApprovalRequest {
  if (base.subject.kind !== 'remediation') throw new Error('remediation only');
  const template = base.subject.proposal.files[0]!;
  const p = { ...base.subject.proposal, files: files.map((f, i) => ({ ...template, file: join(WS, `f${i}.json`), displayPath: f.displayPath, diff: f.diff, newHash: sha256Hex(String(i)) })) };
  return { ...base, subject: { ...base.subject, proposal: p } };
}

export function assessmentRequest(): ApprovalRequest {
  const text = `{"mcpServers":{"gh":{"command":"npx","args":["-y","srv","--token=${TOKEN}"],"env":{"API_KEY":"x"}},"web":{"url":"https://mcp.example.com/mcp"}}}`;
  const { plan } = buildLivePlan({
    workspace: WS,
    includeGlobal: false,
    model: fakeModel(),
    texts: new Map([[LEGACY, text]]),
  });
  return ApprovalRequestSchema.parse({
    id: 'req-live',
    workspace: WS,
    title: 'Live assessment of 2 servers',
    subject: { kind: 'assessment', plan, subjectHash: livePlanHash(plan), description: describeLivePlan(plan) },
    requestedBy: alice,
    requestedAt: '2026-06-01T12:00:00.000Z',
    expiresAt: '2026-06-02T12:00:00.000Z',
    state: 'pending',
    history: [],
  });
}

function fakeModel(): Parameters<typeof buildLivePlan>[0]['model'] {
  const server = (id: string, name: string, more: Record<string, unknown>) => ({
    id,
    name,
    file: LEGACY,
    enabled: true,
    args: [],
    env: {},
    headers: {},
    ...more,
  });
  const servers = [
    server('s1', 'gh\u202Egnp.exe', { transport: 'stdio', command: 'npx', args: ['-y', 'srv', `--token=${TOKEN}`], env: { API_KEY: 'x' } }),
    server('s2', 'web', { transport: 'streamable-http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer x' } }),
  ];
  return { servers, effective: servers.map((s) => ({ serverId: s.id })) } as unknown as Parameters<typeof buildLivePlan>[0]['model'];
}

/** A one-hunk unified diff of `lines` (each starting with ' ', '-' or '+'), counts computed. */
export function diffOf(lines: string[]): string {
  const old = lines.filter((l) => !l.startsWith('+')).length;
  const neu = lines.filter((l) => !l.startsWith('-')).length;
  return `===================================================================\n--- a.json\tcurrent\n+++ a.json\tproposed\n@@ -1,${old} +1,${neu} @@\n${lines.join('\n')}\n`;
}
