/**
 * The Installer's tools through the SDK's client over an in-memory transport: install_server
 * (placeholders, secrets moved to env references, findings of the would-be entry, writes nothing),
 * list_servers (secrets masked), apply_remediation with a grant and with elicitation.
 */
import assert from 'node:assert/strict';
import { existsSync, mkdirSync, readFileSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { ElicitRequestSchema, type ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';
import type { RemediationProposal } from '../../../src/core/remediation/proposal-schema';
import { envNameOf } from '../../../src/servers/installer/install-spec';
import { createInstallerServerWith } from '../../../src/servers/installer/installer-server';
import { grantFor, grantForProposal, LEGACY_TEXT, makeContext, sandbox, snapshot, type Sandbox } from './helpers';

const TOKEN = `ghp_${'A1b2C3d4E5'.repeat(3)}abcdef`;

let sb: Sandbox;
let client: Client | undefined;
afterEach(async () => {
  await client?.close();
  client = undefined;
  sb?.cleanup();
});

async function connect(s: Sandbox, opts: { grantKey?: boolean; capabilities?: ClientCapabilities; answer?: 'accept' | 'decline' } = {}): Promise<Client> {
  const ctx = opts.grantKey === false ? makeContext(s.ws, s.home, { grantKey: false }) : s.ctx;
  const server = createInstallerServerWith(ctx);
  const [a, b] = InMemoryTransport.createLinkedPair();
  const c = new Client({ name: 'unit', version: '1' }, { capabilities: opts.capabilities ?? {} });
  if (opts.capabilities?.elicitation !== undefined) {
    c.setRequestHandler(ElicitRequestSchema, async () => (opts.answer === 'decline' ? { action: 'decline' } : { action: 'accept', content: { approve: true } }));
  }
  await Promise.all([server.connect(a), c.connect(b)]);
  client = c;
  return c;
}

type Data = Record<string, unknown>;
async function call(c: Client, name: string, args: Data): Promise<{ isError: boolean; text: string; data: Data; raw: string }> {
  const r = await c.callTool({ name, arguments: args });
  const text = (r.content as { text?: string }[]).map((x) => x.text ?? '').join('\n');
  return { isError: r.isError === true, text, data: (r.structuredContent ?? {}) as Data, raw: JSON.stringify(r) };
}

describe('install_server', () => {
  it('fills placeholders, references secrets instead of writing them, shows findings, and writes nothing', async () => {
    sb = sandbox();
    const c = await connect(sb);
    const before = snapshot(sb.ws);
    const r = await call(c, 'install_server', {
      name: 'github',
      spec: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github', '--org', '{{org}}'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: '{{token}}', LOG_LEVEL: '{{ level }}' } },
      params: { org: 'acme', token: TOKEN, level: 'debug' },
    });
    assert.equal(r.isError, false, r.text);
    assert.ok(!r.raw.includes(TOKEN), 'the secret appears nowhere in the result');
    const proposal = r.data['proposal'] as RemediationProposal;
    const newText = proposal.files[0]!.newText;
    assert.match(newText, /"--org",\s*"acme"/);
    assert.match(newText, /"GITHUB_PERSONAL_ACCESS_TOKEN": "\$\{env:GITHUB_PERSONAL_ACCESS_TOKEN\}"/);
    assert.match(newText, /"LOG_LEVEL": "debug"/);
    assert.match(newText, /\/\/ project servers: reviewed by the platform team/, 'comments kept');
    assert.deepEqual(r.data['secretEnv'], ['GITHUB_PERSONAL_ACCESS_TOKEN']);
    assert.equal(proposal.actions[0]!.kind, 'install-server');
    assert.equal(proposal.actions[0]!.risk, 'high');
    assert.match(proposal.actions[0]!.followUp ?? '', /Set GITHUB_PERSONAL_ACCESS_TOKEN/);
    const findings = r.data['findings'] as { ruleId: string }[];
    assert.ok(findings.some((f) => f.ruleId === 'unpinned-npm-package'), 'the unpinned npx -y package is flagged for the reviewer');
    assert.deepEqual(r.data['target'], { file: sb.legacy, displayPath: '.kilocode/mcp.json', format: 'kilocode-legacy', created: false });
    assert.deepEqual(snapshot(sb.ws), before, 'nothing written');
  });

  it('names a missing placeholder value and a bad argument', async () => {
    sb = sandbox();
    const c = await connect(sb);
    const missing = await call(c, 'install_server', { name: 'x', spec: { command: 'node', args: ['{{script}}'] } });
    assert.equal(missing.isError, true);
    assert.match(missing.text, /^INVALID_ARGUMENT: params\.script: missing: spec\.args\[0\] uses \{\{script\}\}/);
    const badTarget = await call(c, 'install_server', { name: 'x', spec: { command: 'node' }, target: 'emacs' });
    assert.equal(badTarget.isError, true);
    assert.match(badTarget.text, /target/);
    const badName = await call(c, 'install_server', { name: '../evil', spec: { command: 'node' } });
    assert.match(badName.text, /name/);
    const both = await call(c, 'install_server', { name: 'x', spec: { command: 'node', url: 'https://x.example/mcp' } });
    assert.match(both.text, /^INVALID_ARGUMENT: spec: give either command/);
    const literal = await call(c, 'install_server', { name: 'x', spec: { command: 'node', args: ['--token', TOKEN] } });
    assert.match(literal.text, /^INVALID_ARGUMENT: spec\.args\[1\]: holds what looks like a secret \(ghp_…/);
    assert.ok(!literal.raw.includes(TOKEN));
  });

  it('refuses a name that already exists in the target file', async () => {
    sb = sandbox();
    const c = await connect(sb);
    const r = await call(c, 'install_server', { name: 'zeta', spec: { command: 'node' } });
    assert.match(r.text, /^INVALID_ARGUMENT: name: a server named "zeta" already exists in \.kilocode\/mcp\.json/);
  });

  it('writes Kilo\'s shape ({env:…}, command array) and VS Code\'s (remote with a bearer header)', async () => {
    sb = sandbox();
    const c = await connect(sb);
    const kilo = await call(c, 'install_server', { name: 'docs', spec: { command: 'uvx', args: ['docs-mcp==1.2.3'], env: { API_KEY: '{{apiKey}}' } }, params: { apiKey: 'x'.repeat(24) }, target: 'kilo' });
    assert.equal(kilo.isError, false, kilo.text);
    const kiloText = (kilo.data['proposal'] as RemediationProposal).files[0]!.newText;
    assert.deepEqual(JSON.parse(kiloText), { mcp: { docs: { type: 'local', command: ['uvx', 'docs-mcp==1.2.3'], environment: { API_KEY: '{env:API_KEY}' } } } });
    assert.equal((kilo.data['target'] as { created: boolean; displayPath: string }).displayPath, 'kilo.json');
    const vs = await call(c, 'install_server', { name: 'remote', spec: { url: 'https://{{host}}/mcp', headers: { Authorization: 'Bearer {{apiToken}}' } }, params: { host: 'mcp.example.com', apiToken: 'abc' }, target: 'vscode' });
    assert.equal(vs.isError, false, vs.text);
    const vsText = (vs.data['proposal'] as RemediationProposal).files[0]!.newText;
    assert.match(vsText, /\t\t"remote": \{\n\t\t\t"type": "http",\n\t\t\t"url": "https:\/\/mcp\.example\.com\/mcp",\n\t\t\t"headers": \{\n\t\t\t\t"Authorization": "Bearer \$\{env:API_TOKEN\}"/);
    assert.equal(envNameOf('apiToken'), 'API_TOKEN');
  });

  it('creates .kilocode/mcp.json when the workspace has no config, and the proposal applies', async () => {
    sb = sandbox({ files: false });
    const c = await connect(sb);
    const r = await call(c, 'install_server', { name: 'memory', spec: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory@2026.8.31'] } });
    assert.equal(r.isError, false, r.text);
    assert.equal((r.data['target'] as { created: boolean }).created, true);
    assert.ok(!existsSync(sb.legacy));
    const proposal = r.data['proposal'] as RemediationProposal;
    const applied = await call(c, 'apply_remediation', { proposal, grant: grantForProposal(proposal) });
    assert.equal(applied.isError, false, applied.text);
    assert.deepEqual(JSON.parse(readFileSync(sb.legacy, 'utf8')), { mcpServers: { memory: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory@2026.8.31'] } } });
    const listed = await call(c, 'list_servers', {});
    assert.match(listed.text, /\.kilocode\/mcp\.json \(kilocode-legacy, project\): memory/);
  });
});

describe('list_servers', () => {
  it('lists servers per file with env and header values never shown, secrets in commands masked', async () => {
    sb = sandbox();
    writeFileSync(sb.legacy, JSON.stringify({ mcpServers: { leaky: { command: 'node', args: ['srv.js', '--token', TOKEN], env: { GITHUB_TOKEN: TOKEN, MODE: 'fast' } }, ...JSON.parse(LEGACY_TEXT.replace(/\/\/.*\n/, '')).mcpServers } }));
    mkdirSync(join(sb.ws, '.roo'));
    writeFileSync(join(sb.ws, '.roo', 'mcp.json'), JSON.stringify({ mcpServers: { r: { type: 'sse', url: `https://u:${TOKEN}@x.example/sse`, headers: { 'X-Api-Key': TOKEN } } } }));
    const c = await connect(sb);
    const r = await call(c, 'list_servers', {});
    assert.equal(r.isError, false, r.text);
    assert.ok(!r.raw.includes(TOKEN), 'no secret in the result');
    const sources = r.data['sources'] as { displayPath: string; servers: { name: string; envKeys: string[]; command?: string; url?: string; headerKeys: string[]; effective: boolean }[] }[];
    const legacy = sources.find((s) => s.displayPath === '.kilocode/mcp.json')!;
    const leaky = legacy.servers.find((s) => s.name === 'leaky')!;
    assert.deepEqual(leaky.envKeys, ['GITHUB_TOKEN', 'MODE']);
    assert.match(leaky.command ?? '', /^node srv\.js --token /);
    const roo = sources.find((s) => s.displayPath === '.roo/mcp.json')!.servers[0]!;
    assert.deepEqual(roo.headerKeys, ['X-Api-Key']);
    const vscodeOnly = await call(c, 'list_servers', { client: 'vscode' });
    assert.deepEqual((vscodeOnly.data['sources'] as { displayPath: string }[]).map((s) => s.displayPath), ['.vscode/mcp.json']);
  });
});

describe('apply_remediation and rollback over MCP', () => {
  it('asks the client\'s person (elicitation) without a key; a decline changes nothing', async () => {
    sb = sandbox();
    const yes = await connect(sb, { grantKey: false, capabilities: { elicitation: {} }, answer: 'accept' });
    const proposal = (await call(yes, 'install_server', { name: 'a1', spec: { command: 'node', args: ['a1.js'] } })).data['proposal'] as RemediationProposal;
    const applied = await call(yes, 'apply_remediation', { proposal });
    assert.equal(applied.isError, false, applied.text);
    assert.equal(applied.data['approvedVia'], 'elicitation');
    await yes.close();

    const no = await connect(sb, { grantKey: false, capabilities: { elicitation: {} }, answer: 'decline' });
    const p2 = (await call(no, 'install_server', { name: 'a2', spec: { command: 'node', args: ['a2.js'] } })).data['proposal'] as RemediationProposal;
    const before = readFileSync(sb.legacy, 'utf8');
    const declined = await call(no, 'apply_remediation', { proposal: p2 });
    assert.match(declined.text, /^APPROVAL_DECLINED/);
    assert.equal(readFileSync(sb.legacy, 'utf8'), before);
    await no.close();

    const cannot = await connect(sb, { grantKey: false });
    const refused = await call(cannot, 'apply_remediation', { proposal: p2 });
    assert.match(refused.text, /^APPROVAL_REQUIRED: .*cannot ask/);
    assert.equal(readFileSync(sb.legacy, 'utf8'), before);
  });

  it('names the bad field of a proposal argument', async () => {
    sb = sandbox();
    const c = await connect(sb);
    const r = await call(c, 'apply_remediation', { proposal: { proposalId: 'x' } });
    assert.equal(r.isError, true);
    assert.match(r.text, /assessmentId|actions|files/);
  });

  it('rolls back through prepare_rollback and a grant, and lists executions', async () => {
    sb = sandbox();
    const c = await connect(sb);
    const proposal = (await call(c, 'install_server', { name: 'n1', spec: { command: 'node' } })).data['proposal'] as RemediationProposal;
    const applied = await call(c, 'apply_remediation', { proposal, grant: grantForProposal(proposal) });
    const executionId = applied.data['executionId'] as string;
    const listed = await call(c, 'list_executions', {});
    assert.equal((listed.data['executions'] as unknown[]).length, 1);
    const prep = await call(c, 'prepare_rollback', { executionId });
    assert.equal(prep.isError, false, prep.text);
    const target = prep.data['grantTarget'] as { targetFile: string; baseHash: string };
    const rb = await call(c, 'rollback', { executionId, grant: grantFor(prep.data['subjectHash'] as string, target.targetFile, target.baseHash) });
    assert.equal(rb.isError, false, rb.text);
    assert.equal(readFileSync(sb.legacy, 'utf8'), LEGACY_TEXT);
  });
});
