/**
 * The two servers as real processes, each on its own, wired only by a test acting as the coordinator:
 * the Compliance Server proposes, a person's grant is signed, the Installer applies, the Compliance
 * Server sees the finding gone. Then the rug-pull flow: pin tools, the server changes them, the
 * change is reported as a per-tool diff.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { generateGrantKeyPair, publicKeyPem, signGrant } from '../../src/core/grants/grant-crypto';
import type { Grant } from '../../src/core/grants/grant-schema';
import { livePlanHash, type LiveAssessmentPlan } from '../../src/core/live-plan/live-plan';
import type { RemediationProposal } from '../../src/core/remediation/proposal-schema';
import { connectStdio, FIXTURE_SERVER, textOf, type Connected } from './support/server-process';

const keys = generateGrantKeyPair();
const approver = { id: 'alice@example.com', label: 'Alice', provider: 'github', verified: true };

function grant(kind: Grant['kind'], subjectHash: string, targetFile: string, baseHash: string | null) {
  return signGrant(
    { grantId: randomUUID(), kind, subjectHash, targetFile, baseHash, approver, decidedAt: new Date(Date.now() - 1000).toISOString(), expiresAt: new Date(Date.now() + 600_000).toISOString() },
    keys.privateKey,
  );
}

async function call(c: Connected, name: string, args: Record<string, unknown>): Promise<Record<string, unknown>> {
  const r = await c.client.callTool({ name, arguments: args }, undefined, { timeout: 60_000 });
  assert.notEqual(r.isError, true, `${name}: ${textOf(r)}`);
  return r.structuredContent as Record<string, unknown>;
}

describe('Compliance Server and Installer, wired by a coordinator', () => {
  let tmp = '';
  let ws = '';
  let compliance: Connected;
  let installer: Connected;
  const config = () => join(ws, '.kilocode', 'mcp.json');

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'oversight-together-'));
    ws = join(tmp, 'ws');
    mkdirSync(join(ws, '.kilocode'), { recursive: true });
    writeFileSync(
      config(),
      [
        '{',
        '  // team servers: keep this comment',
        '  "mcpServers": {',
        `    "weather": { "command": ${JSON.stringify(process.execPath)}, "args": [${JSON.stringify(FIXTURE_SERVER)}, "rug-pull", ${JSON.stringify(join(tmp, 'runs'))}] },`,
        '    "remote": { "url": "http://mcp.example.com/mcp", "alwaysAllow": ["search", "delete_repo"], "headers": { "Authorization": "Bearer ghp_' + 'Z9y8X7w6V5'.repeat(3) + 'abcdef" } }',
        '  }',
        '}',
        '',
      ].join('\n'),
    );
    const keyFile = join(tmp, 'key.pem');
    writeFileSync(keyFile, publicKeyPem(keys.publicKey));
    [compliance, installer] = await Promise.all([
      connectStdio('compliance-server.js', ['--workspace', ws, '--grant-key', keyFile]),
      connectStdio('installer-server.js', ['--workspace', ws, '--grant-key', keyFile]),
    ]);
  });

  after(async () => {
    await Promise.all([compliance?.close(), installer?.close()]);
    rmSync(tmp, { recursive: true, force: true });
  });

  it('proposes, approves, applies: the finding is gone and the comment stays', async () => {
    const before = (await call(compliance, 'assess_configuration', {}))['findings'] as { ruleId: string; fingerprint: string; remediable: boolean }[];
    const http = before.find((f) => f.ruleId === 'insecure-http' && f.remediable);
    assert.ok(http, 'plain http is reported with a fix');
    const { proposal, subjectHash } = (await call(compliance, 'propose_remediation', { fingerprints: [http.fingerprint] })) as { proposal: RemediationProposal; subjectHash: string };
    const file = proposal.files[0]!;
    const applied = await call(installer, 'apply_remediation', { proposal, grant: grant('remediation', subjectHash, file.file, file.baseHash) });
    assert.equal(applied['status'], 'applied');
    const text = readFileSync(config(), 'utf8');
    assert.ok(text.includes('// team servers: keep this comment'));
    assert.ok(text.includes('https://mcp.example.com/mcp'));
    const after = (await call(compliance, 'assess_configuration', {}))['findings'] as { ruleId: string }[];
    assert.ok(!after.some((f) => f.ruleId === 'insecure-http'));
  });

  it('a second proposal made before the first was applied is refused as stale', async () => {
    const findings = (await call(compliance, 'assess_configuration', {}))['findings'] as { ruleId: string; fingerprint: string; remediable: boolean }[];
    const remediable = findings.filter((f) => f.remediable);
    assert.ok(remediable.length >= 2, 'two independent fixes left: the auto-approval and the token');
    const a = (await call(compliance, 'propose_remediation', { fingerprints: [remediable[0]!.fingerprint] })) as { proposal: RemediationProposal; subjectHash: string };
    const b = (await call(compliance, 'propose_remediation', {})) as { proposal: RemediationProposal; subjectHash: string };
    const fa = a.proposal.files[0]!;
    await call(installer, 'apply_remediation', { proposal: a.proposal, grant: grant('remediation', a.subjectHash, fa.file, fa.baseHash) });
    const fb = b.proposal.files[0]!;
    const r = await installer.client.callTool({ name: 'apply_remediation', arguments: { proposal: b.proposal, grant: grant('remediation', b.subjectHash, fb.file, fb.baseHash) } });
    assert.match(textOf(r), /^STALE_PROPOSAL/);
    assert.ok(!readFileSync(config(), 'utf8').includes('"delete_repo"') || !readFileSync(config(), 'utf8').includes('ghp_'), 'only the first proposal was applied');
  });

  it('pins tools through an approved proposal, then reports the rug pull as a per-tool change', async () => {
    const live = async () => {
      const { plan } = (await call(compliance, 'plan_live_assessment', { servers: ['weather'] })) as { plan: LiveAssessmentPlan };
      return call(compliance, 'assess_servers', { plan, grant: grant('assessment', livePlanHash(plan), ws, null) });
    };
    const first = await live();
    const notPinned = (first['findings'] as { ruleId: string }[]).map((f) => f.ruleId);
    assert.ok(notPinned.includes('tool-definitions-not-pinned'), notPinned.join(','));
    const pin = (await call(compliance, 'propose_remediation', { fingerprints: [], pinTools: { assessmentId: first['assessmentId'] } })) as { proposal: RemediationProposal; subjectHash: string };
    const lock = pin.proposal.files[0]!;
    assert.equal(lock.displayPath, '.kilocode/mcp-oversight.lock.json');
    assert.equal(lock.baseHash, 'absent');
    await call(installer, 'apply_remediation', { proposal: pin.proposal, grant: grant('remediation', pin.subjectHash, lock.file, lock.baseHash) });
    assert.ok(JSON.parse(readFileSync(lock.file, 'utf8')).servers.weather.tools.get_weather);

    const second = await live();
    const findings = second['findings'] as { ruleId: string; category: string; message: string }[];
    const changed = findings.find((f) => f.ruleId === 'tool-definition-changed');
    assert.ok(changed, findings.map((f) => f.ruleId).join(','));
    assert.match(changed.message, /get_weather/);
    assert.ok(findings.some((f) => f.ruleId === 'tool-definition-added' && /send_email/.test(f.message)));
    assert.ok(findings.some((f) => f.category === 'tool-poisoning'), 'the new description is also flagged as poisoning');
  });
});
