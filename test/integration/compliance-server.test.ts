/**
 * The Compliance Server bundle (`dist/compliance-server.js`) as a real process, driven with the SDK's
 * client over stdio and over Streamable HTTP: static assessment, the live plan and its approval by a
 * signed grant (forged, expired, mismatched and stale ones refused), live assessment of the hostile
 * fixture server and a real npm server, proposals, and the standalone elicitation path.
 */
import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { hashCanonical, HASH_TAGS } from '../../src/core/crypto/hash';
import { generateGrantKeyPair, publicKeyPem, signGrant } from '../../src/core/grants/grant-crypto';
import type { Grant } from '../../src/core/grants/grant-schema';
import { livePlanHash, type LiveAssessmentPlan } from '../../src/core/live-plan/live-plan';
import { RemediationProposalSchema } from '../../src/core/remediation/proposal-schema';
import { connectHttp, connectStdio, FIXTURE_SERVER, ROOT, startHttp, textOf, type Connected } from './support/server-process';

const BUNDLE = 'compliance-server.js';
const TOKEN = `ghp_${'A1b2C3d4E5'.repeat(3)}abcdef`;
const keys = generateGrantKeyPair();
const otherKeys = generateGrantKeyPair();

function grantFor(subjectHash: string, over: Partial<Grant> = {}, signer = keys.privateKey) {
  const now = Date.now();
  const grant: Grant = {
    grantId: randomUUID(),
    kind: 'assessment',
    subjectHash,
    targetFile: '/ws',
    baseHash: null,
    approver: { id: 'alice@example.com', label: 'Alice', provider: 'github', verified: true },
    decidedAt: new Date(now - 1000).toISOString(),
    expiresAt: new Date(now + 3_600_000).toISOString(),
    ...over,
  };
  return signGrant(grant, signer);
}

function writeConfig(ws: string, servers: Record<string, unknown>): void {
  mkdirSync(join(ws, '.kilocode'), { recursive: true });
  writeFileSync(join(ws, '.kilocode', 'mcp.json'), `{\n  // our servers\n  "mcpServers": ${JSON.stringify(servers, null, 2).replace(/\n/g, '\n  ')}\n}\n`);
}

type Structured = Record<string, unknown>;
async function call(c: Connected['client'], name: string, args: Record<string, unknown>): Promise<{ isError: boolean; text: string; data: Structured }> {
  const r = await c.callTool({ name, arguments: args }, undefined, { timeout: 120_000 });
  return { isError: r.isError === true, text: textOf(r), data: (r.structuredContent ?? {}) as Structured };
}

describe('mcp-compliance-server (real process)', () => {
  let tmp = '';
  let ws = '';
  let keyFile = '';
  let conn: Connected;

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'oversight-compliance-'));
    ws = join(tmp, 'ws');
    keyFile = join(tmp, 'coordinator.pub.pem');
    writeFileSync(keyFile, publicKeyPem(keys.publicKey));
    writeConfig(ws, {
      fixture: { command: process.execPath, args: [FIXTURE_SERVER, 'normal'] },
      poisoned: { command: process.execPath, args: [FIXTURE_SERVER, 'poison'] },
      memory: { command: process.execPath, args: [join(ROOT, 'node_modules', '@modelcontextprotocol', 'server-memory', 'dist', 'index.js')], env: { MEMORY_FILE_PATH: join(tmp, 'memory.json') } },
      leaky: { command: 'npx', args: ['-y', 'some-server'], env: { GITHUB_TOKEN: TOKEN }, disabled: true },
    });
    conn = await connectStdio(BUNDLE, ['--workspace', ws, '--grant-key', keyFile]);
  });

  after(async () => {
    await conn?.close();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('lists its tools, each with an input and an output schema', async () => {
    const { tools } = await conn.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['assess_configuration', 'assess_servers', 'plan_live_assessment', 'propose_remediation']);
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object', t.name);
      assert.ok(t.outputSchema, `${t.name} has an output schema`);
    }
  });

  it('assesses the configuration statically, without a grant, and never prints the secret', async () => {
    const r = await call(conn.client, 'assess_configuration', {});
    assert.equal(r.isError, false, r.text);
    const findings = r.data['findings'] as { ruleId: string; line: number }[];
    assert.ok(findings.some((f) => f.ruleId === 'secret-token'), 'the planted GitHub token is found');
    assert.ok(findings.some((f) => f.ruleId === 'unpinned-npm-package'));
    assert.ok(!JSON.stringify(r).includes(TOKEN), 'the token never leaves the server in clear');
  });

  it('names the field of a bad argument', async () => {
    const r = await call(conn.client, 'assess_configuration', { minimumSeverity: 'catastrophic' });
    assert.equal(r.isError, true);
    assert.match(r.text, /minimumSeverity/);
    const outside = await call(conn.client, 'assess_configuration', { path: '/etc' });
    assert.equal(outside.isError, true);
    assert.match(outside.text, /INVALID_ARGUMENT: path: \/etc is outside the workspace/);
  });

  it('plans a live assessment of the effective, enabled servers only', async () => {
    const r = await call(conn.client, 'plan_live_assessment', {});
    assert.equal(r.isError, false, r.text);
    const plan = r.data['plan'] as LiveAssessmentPlan;
    assert.deepEqual(plan.servers.map((s) => s.name).sort(), ['fixture', 'memory', 'poisoned']);
    assert.equal(r.data['subjectHash'], livePlanHash(plan), 'the client can recompute the hash of what it shows');
  });

  it('refuses to run servers without a valid grant, and changes nothing', async () => {
    const { data } = await call(conn.client, 'plan_live_assessment', { servers: ['fixture'] });
    const plan = data['plan'] as LiveAssessmentPlan;
    const hash = livePlanHash(plan);
    const none = await call(conn.client, 'assess_servers', { plan });
    assert.match(none.text, /^APPROVAL_REQUIRED/);
    const forged = grantFor(hash);
    forged.grant.approver.id = 'mallory';
    assert.match((await call(conn.client, 'assess_servers', { plan, grant: forged })).text, /^GRANT_INVALID/);
    assert.match((await call(conn.client, 'assess_servers', { plan, grant: grantFor(hash, {}, otherKeys.privateKey) })).text, /^GRANT_INVALID/);
    assert.match((await call(conn.client, 'assess_servers', { plan, grant: grantFor('0'.repeat(64)) })).text, /^GRANT_MISMATCH/);
    assert.match((await call(conn.client, 'assess_servers', { plan, grant: grantFor(hash, { kind: 'remediation' }) })).text, /^GRANT_MISMATCH/);
    const expired = grantFor(hash, { decidedAt: new Date(Date.now() - 7_200_000).toISOString(), expiresAt: new Date(Date.now() - 3_600_000).toISOString() });
    assert.match((await call(conn.client, 'assess_servers', { plan, grant: expired })).text, /^GRANT_EXPIRED/);
  });

  it('runs the approved plan: the poisoned server is flagged, the clean ones are reachable', async () => {
    const { data } = await call(conn.client, 'plan_live_assessment', { timeoutMs: 20_000 });
    const plan = data['plan'] as LiveAssessmentPlan;
    const r = await call(conn.client, 'assess_servers', { plan, grant: grantFor(livePlanHash(plan)) });
    assert.equal(r.isError, false, r.text);
    const probes = r.data['probes'] as { serverName: string; status: string; tools: { name: string }[]; serverInfo?: { name: string } }[];
    const by = new Map(probes.map((p) => [p.serverName, p]));
    assert.equal(by.get('fixture')?.status, 'ok');
    assert.equal(by.get('memory')?.status, 'ok');
    assert.ok((by.get('memory')?.tools.length ?? 0) > 3, 'the real memory server lists its tools');
    const findings = r.data['findings'] as { ruleId: string; category: string; server: string }[];
    const poisoned = findings.filter((f) => f.server === 'poisoned');
    assert.ok(poisoned.some((f) => f.category === 'tool-poisoning'));
    assert.ok(poisoned.some((f) => f.category === 'hidden-characters'));
    assert.ok(!findings.some((f) => f.server === 'memory' && (f.category === 'tool-poisoning' || f.category === 'hidden-characters')), 'no false alarm on the official server');
    assert.deepEqual((r.data['approvedBy'] as { id: string }).id, 'alice@example.com');
  });

  it('refuses an approved plan as stale once a config file changed', async () => {
    const { data } = await call(conn.client, 'plan_live_assessment', { servers: ['fixture'] });
    const plan = data['plan'] as LiveAssessmentPlan;
    const grant = grantFor(livePlanHash(plan));
    const file = join(ws, '.kilocode', 'mcp.json');
    const before = readFileSync(file, 'utf8');
    writeFileSync(file, before.replace('"normal"', '"slow", "10"'));
    try {
      const r = await call(conn.client, 'assess_servers', { plan, grant });
      assert.match(r.text, /^STALE_PROPOSAL/);
    } finally {
      writeFileSync(file, before);
    }
  });

  it('proposes a remediation bound to the file as read', async () => {
    const r = await call(conn.client, 'propose_remediation', {});
    assert.equal(r.isError, false, r.text);
    const proposal = RemediationProposalSchema.parse(r.data['proposal']);
    assert.equal(r.data['subjectHash'], hashCanonical(HASH_TAGS.proposal, proposal));
    const file = proposal.files[0]!;
    assert.equal(file.displayPath, '.kilocode/mcp.json');
    assert.ok(file.newText.includes('// our servers'), 'comments survive');
    assert.ok(!file.newText.includes(TOKEN), 'the secret is replaced by a reference');
    assert.ok(!file.diff.includes(TOKEN), 'the diff masks the secret it removes');
    assert.equal(proposal.requiresApproval, true);
  });
});

describe('mcp-compliance-server over Streamable HTTP', () => {
  let tmp = '';
  let server: Awaited<ReturnType<typeof startHttp>>;
  const token = randomUUID() + randomUUID();

  before(async () => {
    tmp = mkdtempSync(join(tmpdir(), 'oversight-compliance-http-'));
    writeConfig(join(tmp, 'ws'), { fixture: { command: process.execPath, args: [FIXTURE_SERVER, 'normal'] } });
    writeFileSync(join(tmp, 'token'), `${token}\n`);
    server = await startHttp(BUNDLE, ['--workspace', join(tmp, 'ws'), '--token-file', join(tmp, 'token')]);
  });
  after(async () => {
    await server?.kill();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('serves tools to a client with the bearer token', async () => {
    const client = await connectHttp(server.url, token);
    try {
      const r = await client.callTool({ name: 'assess_configuration', arguments: {} });
      assert.equal(r.isError, undefined);
      assert.match(textOf(r), /Static assessment/);
    } finally {
      await client.close();
    }
  });

  it('refuses a wrong token (401) and a foreign Host or Origin (403)', async () => {
    await assert.rejects(connectHttp(server.url, 'x'.repeat(40)), /Missing or wrong bearer token/);
    const status = (headers: Record<string, string>) =>
      new Promise<number>((ok, fail) => {
        const req = request({ host: '127.0.0.1', port: server.port, path: '/mcp', method: 'POST', headers: { 'content-type': 'application/json', authorization: `Bearer ${token}`, ...headers } }, (res) => {
          res.resume();
          ok(res.statusCode ?? 0);
        });
        req.on('error', fail);
        req.end('{}');
      });
    assert.equal(await status({ host: 'attacker.example:80' }), 403);
    assert.equal(await status({ origin: 'https://attacker.example' }), 403);
  });
});

describe('mcp-compliance-server standalone (no coordinator key)', () => {
  let tmp = '';
  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'oversight-compliance-elicit-'));
    writeConfig(join(tmp, 'ws'), { fixture: { command: process.execPath, args: [FIXTURE_SERVER, 'normal'] } });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  it('asks the client\'s human through elicitation, and runs only on approval', async () => {
    for (const answer of [true, false]) {
      const conn = await connectStdio(BUNDLE, ['--workspace', join(tmp, 'ws')], { capabilities: { elicitation: {} }, env: { MCP_OVERSIGHT_GRANT_PUBLIC_KEY: '' } });
      let asked = '';
      conn.client.setRequestHandler(ElicitRequestSchema, (req) => {
        asked = (req.params as { message: string }).message;
        return { action: 'accept', content: { approve: answer } };
      });
      try {
        const r = await call(conn.client, 'assess_servers', {});
        assert.match(asked, /fixture runs: /);
        if (answer) assert.equal(r.isError, false, r.text);
        else assert.match(r.text, /^APPROVAL_DECLINED/);
      } finally {
        await conn.close();
      }
    }
  });

  it('refuses clearly when the client cannot elicit', async () => {
    const conn = await connectStdio(BUNDLE, ['--workspace', join(tmp, 'ws')], { env: { MCP_OVERSIGHT_GRANT_PUBLIC_KEY: '' } });
    try {
      const r = await call(conn.client, 'assess_servers', {});
      assert.match(r.text, /^APPROVAL_REQUIRED: .*cannot ask/);
    } finally {
      await conn.close();
    }
  });
});
