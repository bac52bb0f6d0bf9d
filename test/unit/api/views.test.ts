import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { ApiRemediationProposalSchema } from '../../../src/api/schemas';
import { principalActor } from '../../../src/api/audit-access';
import { proposalView } from '../../../src/api/views';
import { assessTarget } from '../../../src/core/assess/assess-workspace';
import type { ApprovalRequest } from '../../../src/core/coordination/messages';
import { nodeFileSystem } from '../../../src/core/ports/node-file-system';
import { buildProposal } from '../../../src/core/remediation/build-proposal';
import { actionsFromFindings } from '../../../src/core/remediation/finding-actions';

const SECRETS = ['Sup3rS3cretPassw0rd', '9f8e7d6c5b4a39281706f5e4d3c2b1a0', 'hunter2hunter2', 'ghp_abcdefghijklmnopqrstuvwxyz0123456789'];

describe('what the API shows of a proposal', () => {
  it('no secret from the config, in edits, diff (context lines too), title or notes; the schema holds', async () => {
    const ws = mkdtempSync(join(tmpdir(), 'oversight-view-'));
    try {
      mkdirSync(join(ws, '.kilocode'));
      writeFileSync(
        join(ws, '.kilocode', 'mcp.json'),
        JSON.stringify({ mcpServers: { remote: { url: `http://admin:${SECRETS[0]}@mcp.example.com/mcp?api_key=${SECRETS[1]}` }, gh: { command: 'npx', args: ['server', `--token=${SECRETS[3]}`, `--db-password=${SECRETS[2]}`] } } }, null, 2),
      );
      const a = await assessTarget(nodeFileSystem, { path: ws, toolVersion: 't', includeGlobal: false, home: ws, platform: process.platform, env: {} });
      const p = buildProposal({ assessmentId: 'x', actions: actionsFromFindings(a.result.findings), read: (f) => readFileSync(f, 'utf8'), workspace: ws, now: new Date(), newId: randomUUID });
      assert.ok(JSON.stringify(p).includes(SECRETS[0]!), 'the stored proposal is exact (it is what gets applied)');
      const request = { id: 'r1', subject: { kind: 'remediation', proposal: p, subjectHash: 'a'.repeat(64) }, state: 'pending', title: `fix --db-password=${SECRETS[2]}`, notes: [`token ${SECRETS[3]}`], expiresAt: new Date().toISOString() } as unknown as ApprovalRequest;
      const view = ApiRemediationProposalSchema.parse(proposalView(request));
      const text = JSON.stringify(view);
      for (const s of SECRETS) assert.ok(!text.includes(s), `${s.slice(0, 6)}… leaked`);
      assert.ok(view.proposal.actions.every((x) => x.edits.every((e) => !('value' in e))));
      assert.match(view.proposal.files[0]!.diff, /^[-+ @]/m, 'still a diff to read');
    } finally {
      rmSync(ws, { recursive: true, force: true });
    }
  });
});

describe('who an API principal is on the record', () => {
  it('the person behind the credential, verified only if its issuer verified them; an API key never is', () => {
    const person = { id: 'github:42', label: 'Alice', verified: true };
    assert.deepEqual(principalActor({ id: 'jwt:github:42', label: 'Alice', role: 'human_oversight', via: 'jwt', owner: person }), { id: 'github:42', label: 'Alice via API token (human_oversight)', provider: 'api', verified: true });
    assert.equal(principalActor({ id: 'api-key:abc', label: 'ci', role: 'human_oversight', via: 'api-key', owner: person }).id, 'github:42', 'four-eyes sees Alice, whichever credential she uses');
    assert.equal(principalActor({ id: 'api-key:abc', label: 'ci', role: 'human_oversight', via: 'api-key', owner: person }).verified, false);
    assert.deepEqual(principalActor({ id: 'jwt:x', label: 'x', role: 'admin', via: 'jwt' }), { id: 'jwt:x', label: 'x via API token (admin)', provider: 'api', verified: false });
  });
});
