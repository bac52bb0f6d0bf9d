/**
 * The Installer bundle (`dist/installer-server.js`) as a real process, driven with the SDK's client
 * over stdio and over Streamable HTTP (`--http 0 --token-file`): proposals from install_server,
 * applies with signed grants (forged, expired, mismatched and stale ones change nothing), exactly
 * once, rollback, the standalone elicitation path, and bad arguments named in the error.
 * The bundle is built first when it is missing or older than the sources.
 */
import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { randomUUID } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { request } from 'node:http';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { ElicitRequestSchema } from '@modelcontextprotocol/sdk/types.js';
import { sha256Hex } from '../../src/core/crypto/hash';
import { generateGrantKeyPair, publicKeyPem, signGrant } from '../../src/core/grants/grant-crypto';
import type { Grant, SignedGrant } from '../../src/core/grants/grant-schema';
import { hashCanonical, HASH_TAGS } from '../../src/core/crypto/hash';
import type { RemediationProposal } from '../../src/core/remediation/proposal-schema';
import { connectHttp, connectStdio, ROOT, startHttp, textOf, type Connected } from './support/server-process';

const BUNDLE = 'installer-server.js';
const BUNDLE_PATH = join(ROOT, 'dist', BUNDLE);
const SECRET = `ghp_${'Z9y8X7w6V5'.repeat(3)}fedcba`;
const keys = generateGrantKeyPair();
const otherKeys = generateGrantKeyPair();

const CONFIG = `{
  // team servers
  "mcpServers": {
    "memory": { "command": "npx", "args": ["-y", "@modelcontextprotocol/server-memory@2026.8.31"] }
  }
}
`;

function newestMtime(dir: string): number {
  let newest = 0;
  for (const name of readdirSync(dir)) {
    const p = join(dir, name);
    const st = statSync(p);
    newest = Math.max(newest, st.isDirectory() ? newestMtime(p) : st.mtimeMs);
  }
  return newest;
}

/** Builds the bundles when ours is missing or older than what it is built from. */
function ensureInstallerBundle(): void {
  const sources = Math.max(newestMtime(join(ROOT, 'src', 'servers', 'installer')), newestMtime(join(ROOT, 'src', 'servers', 'kit')), newestMtime(join(ROOT, 'src', 'core')));
  if (existsSync(BUNDLE_PATH) && statSync(BUNDLE_PATH).mtimeMs >= sources) return;
  execFileSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'pipe', shell: process.platform === 'win32' });
}

function grantFor(subjectHash: string, targetFile: string, baseHash: string | null, over: Partial<Grant> = {}, signer = keys.privateKey): SignedGrant {
  const now = Date.now();
  return signGrant(
    {
      grantId: randomUUID(),
      kind: 'remediation',
      subjectHash,
      targetFile,
      baseHash,
      approver: { id: 'alice@example.com', label: 'Alice', provider: 'github', verified: true },
      decidedAt: new Date(now - 1000).toISOString(),
      expiresAt: new Date(now + 3_600_000).toISOString(),
      ...over,
    },
    signer,
  );
}

const proposalGrant = (p: RemediationProposal, over: Partial<Grant> = {}, signer = keys.privateKey) =>
  grantFor(hashCanonical(HASH_TAGS.proposal, p), p.files[0]!.file, p.files[0]!.baseHash, over, signer);

type Data = Record<string, unknown>;
async function call(c: Connected['client'], name: string, args: Data): Promise<{ isError: boolean; text: string; data: Data; raw: string; errorCode?: string }> {
  const r = await c.callTool({ name, arguments: args }, undefined, { timeout: 60_000 });
  const error = (r._meta as Data | undefined)?.['mcp-oversight/error'] as { code?: string } | undefined;
  return { isError: r.isError === true, text: textOf(r), data: (r.structuredContent ?? {}) as Data, raw: JSON.stringify(r), ...(error?.code !== undefined ? { errorCode: error.code } : {}) };
}

function workspace(tmp: string, name: string): { ws: string; config: string } {
  const ws = join(tmp, name);
  mkdirSync(join(ws, '.kilocode'), { recursive: true });
  const config = join(ws, '.kilocode', 'mcp.json');
  writeFileSync(config, CONFIG);
  return { ws, config };
}

let tmp = '';
let keyFile = '';
before(() => {
  ensureInstallerBundle();
  tmp = mkdtempSync(join(tmpdir(), 'oversight-installer-it-'));
  mkdirSync(join(tmp, 'home'));
  keyFile = join(tmp, 'coordinator.pub.pem');
  writeFileSync(keyFile, publicKeyPem(keys.publicKey));
});
after(() => rmSync(tmp, { recursive: true, force: true }));

const childEnv = () => ({ HOME: join(tmp, 'home'), MCP_OVERSIGHT_GRANT_PUBLIC_KEY: '' });

describe('mcp-installer-server over stdio, with a coordinator key', () => {
  let conn: Connected;
  let ws = '';
  let config = '';

  before(async () => {
    ({ ws, config } = workspace(tmp, 'stdio'));
    conn = await connectStdio(BUNDLE, ['--workspace', ws, '--grant-key', keyFile], { env: childEnv() });
  });
  after(async () => conn?.close());

  const install = async (name: string, extra: Data = {}) => {
    const r = await call(conn.client, 'install_server', { name, spec: { command: 'node', args: [`${name}.js`] }, ...extra });
    assert.equal(r.isError, false, r.text);
    return r.data['proposal'] as RemediationProposal;
  };

  it('lists its tools, each with an input and an output schema', async () => {
    const { tools } = await conn.client.listTools();
    assert.deepEqual(tools.map((t) => t.name).sort(), ['apply_remediation', 'install_server', 'list_executions', 'list_servers', 'prepare_rollback', 'rollback']);
    for (const t of tools) {
      assert.equal(t.inputSchema.type, 'object', t.name);
      assert.ok(t.outputSchema, `${t.name} has an output schema`);
    }
  });

  it('proposes an install without writing, with the secret referenced and never echoed', async () => {
    const r = await call(conn.client, 'install_server', {
      name: 'github',
      spec: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_PERSONAL_ACCESS_TOKEN: '{{token}}' } },
      params: { token: SECRET },
    });
    assert.equal(r.isError, false, r.text);
    assert.ok(!r.raw.includes(SECRET));
    assert.equal(readFileSync(config, 'utf8'), CONFIG, 'a proposal writes nothing');
    assert.ok((r.data['findings'] as { ruleId: string }[]).some((f) => f.ruleId === 'unpinned-npm-package'));
    const p = r.data['proposal'] as RemediationProposal;
    assert.equal(r.data['subjectHash'], hashCanonical(HASH_TAGS.proposal, p), 'the client can recompute the subject hash');
    assert.match(p.files[0]!.newText, /\$\{env:GITHUB_PERSONAL_ACCESS_TOKEN\}/);
  });

  it('refuses forged, altered, expired and mismatched grants, and changes nothing', async () => {
    const p = await install('guarded');
    const other = await install('other');
    const before = readFileSync(config);
    const attempts: [SignedGrant | undefined, RegExp][] = [
      [undefined, /^APPROVAL_REQUIRED/],
      [proposalGrant(p, {}, otherKeys.privateKey), /^GRANT_INVALID: .*signature/],
      [{ ...proposalGrant(p), grant: { ...proposalGrant(p).grant, approver: { id: 'mallory', label: 'M', provider: 'x', verified: true } } }, /^GRANT_INVALID/],
      [proposalGrant(p, { decidedAt: new Date(Date.now() - 7_200_000).toISOString(), expiresAt: new Date(Date.now() - 60_000).toISOString() }), /^GRANT_EXPIRED/],
      [proposalGrant(other), /^GRANT_MISMATCH/],
      [proposalGrant(p, { kind: 'assessment' }), /^GRANT_MISMATCH/],
    ];
    for (const [grant, expected] of attempts) {
      const r = await call(conn.client, 'apply_remediation', { proposal: p, ...(grant ? { grant } : {}) });
      assert.equal(r.isError, true);
      assert.match(r.text, expected);
      assert.equal(r.errorCode, /^\^?([A-Z_]+)/.exec(expected.source)?.[1], 'the stable code is also machine-readable (_meta)');
      assert.deepEqual(readFileSync(config), before, `bytes identical after ${expected}`);
    }
    const executions = await call(conn.client, 'list_executions', {});
    assert.deepEqual(executions.data['executions'], [], 'nothing journaled either');
  });

  it('applies with a valid grant exactly once, keeping the comment', async () => {
    const p = await install('applied');
    const grant = proposalGrant(p);
    const first = await call(conn.client, 'apply_remediation', { proposal: p, grant });
    assert.equal(first.isError, false, first.text);
    assert.equal(first.data['alreadyApplied'], false);
    const after = readFileSync(config, 'utf8');
    assert.equal(after, p.files[0]!.newText);
    assert.match(after, /\/\/ team servers/);
    const second = await call(conn.client, 'apply_remediation', { proposal: p, grant });
    assert.equal(second.data['alreadyApplied'], true);
    assert.equal(second.data['executionId'], first.data['executionId']);
    assert.equal(readFileSync(config, 'utf8'), after);
    const again = await call(conn.client, 'apply_remediation', { proposal: p, grant: proposalGrant(p) });
    assert.match(again.text, /^ALREADY_APPLIED/);
  });

  it('refuses a proposal whose file was edited since as stale', async () => {
    const p = await install('late');
    const edited = `${readFileSync(config, 'utf8')}// edited by hand\n`;
    writeFileSync(config, edited);
    const r = await call(conn.client, 'apply_remediation', { proposal: p, grant: proposalGrant(p) });
    assert.match(r.text, /^STALE_PROPOSAL: .*request a fresh proposal/);
    assert.equal(readFileSync(config, 'utf8'), edited);
  });

  it('rolls back with its own grant, and refuses a conflicting rollback', async () => {
    const base = readFileSync(config, 'utf8');
    const p = await install('undo-me');
    const applied = await call(conn.client, 'apply_remediation', { proposal: p, grant: proposalGrant(p) });
    const executionId = applied.data['executionId'] as string;
    const prep = await call(conn.client, 'prepare_rollback', { executionId });
    assert.equal(prep.isError, false, prep.text);
    const target = prep.data['grantTarget'] as { targetFile: string; baseHash: string };
    assert.equal(target.baseHash, sha256Hex(readFileSync(config)));
    const rb = await call(conn.client, 'rollback', { executionId, grant: grantFor(prep.data['subjectHash'] as string, target.targetFile, target.baseHash) });
    assert.equal(rb.isError, false, rb.text);
    assert.equal(readFileSync(config, 'utf8'), base);

    const q = await install('conflict');
    const qa = await call(conn.client, 'apply_remediation', { proposal: q, grant: proposalGrant(q) });
    const qid = qa.data['executionId'] as string;
    const qprep = await call(conn.client, 'prepare_rollback', { executionId: qid });
    writeFileSync(config, `${readFileSync(config, 'utf8')}\n`);
    const edited = readFileSync(config);
    const qt = qprep.data['grantTarget'] as { targetFile: string; baseHash: string };
    const conflict = await call(conn.client, 'rollback', { executionId: qid, grant: grantFor(qprep.data['subjectHash'] as string, qt.targetFile, qt.baseHash) });
    assert.match(conflict.text, /^ROLLBACK_CONFLICT/);
    assert.deepEqual(readFileSync(config), edited);
  });

  it('names the field of a bad argument and keeps serving', async () => {
    const r1 = await call(conn.client, 'install_server', { name: 'x', spec: { command: 'node', args: 'not-an-array' } });
    assert.equal(r1.isError, true);
    assert.match(r1.text, /spec\.args/);
    const r2 = await call(conn.client, 'install_server', { name: 'x', spec: { command: 'node', args: ['{{missing}}'] } });
    assert.match(r2.text, /^INVALID_ARGUMENT: params\.missing/);
    const r3 = await call(conn.client, 'rollback', { executionId: 42 });
    assert.match(r3.text, /executionId/);
    const r4 = await call(conn.client, 'apply_remediation', { proposal: { proposalId: 'p' }, grant: 'nonsense' });
    assert.equal(r4.isError, true);
    const bashrc = join(tmp, 'home', '.bashrc');
    writeFileSync(bashrc, '{"a":1}\n');
    const evil = { ...(await install('evil')) };
    evil.files = [{ ...evil.files[0]!, file: bashrc, baseHash: sha256Hex('{"a":1}\n') }];
    evil.actions = [{ ...evil.actions[0]!, file: bashrc }];
    const r5 = await call(conn.client, 'apply_remediation', { proposal: evil, grant: proposalGrant(evil) });
    assert.match(r5.text, /^TARGET_UNWRITABLE: .*not an MCP config file/);
    assert.equal(readFileSync(bashrc, 'utf8'), '{"a":1}\n');
    const alive = await call(conn.client, 'list_servers', {});
    assert.equal(alive.isError, false, 'the process survived every bad call');
  });
});

describe('mcp-installer-server over Streamable HTTP with a bearer token', () => {
  let server: Awaited<ReturnType<typeof startHttp>>;
  let ws = '';
  let config = '';
  const token = 'c0ffee'.repeat(8);

  before(async () => {
    ({ ws, config } = workspace(tmp, 'http'));
    writeFileSync(join(tmp, 'token'), `${token}\n`);
    server = await startHttp(BUNDLE, ['--workspace', ws, '--token-file', join(tmp, 'token'), '--grant-key', keyFile]);
  });
  after(async () => server?.kill());

  it('proposes and applies over HTTP with the right token', async () => {
    const client = await connectHttp(server.url, token);
    try {
      const r = await call(client, 'install_server', { name: 'remote', spec: { url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer {{apiToken}}' } }, params: { apiToken: SECRET } });
      assert.equal(r.isError, false, r.text);
      assert.ok(!r.raw.includes(SECRET));
      const p = r.data['proposal'] as RemediationProposal;
      const applied = await call(client, 'apply_remediation', { proposal: p, grant: proposalGrant(p) });
      assert.equal(applied.isError, false, applied.text);
      const written = JSON.parse(readFileSync(config, 'utf8').replace(/\/\/.*\n/, '')) as { mcpServers: Record<string, unknown> };
      assert.deepEqual(written.mcpServers['remote'], { type: 'streamable-http', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer ${env:API_TOKEN}' } });
      const forged = await call(client, 'apply_remediation', { proposal: p, grant: proposalGrant(p, {}, otherKeys.privateKey) });
      assert.match(forged.text, /^GRANT_INVALID/);
    } finally {
      await client.close();
    }
  });

  it('refuses a wrong token (401) and a foreign Host or Origin (403)', async () => {
    await assert.rejects(connectHttp(server.url, 'x'.repeat(40)), /401|Unauthorized|bearer token/);
    const status = (headers: Record<string, string>) =>
      new Promise<number>((resolve, reject) => {
        const body = JSON.stringify({ jsonrpc: '2.0', id: 1, method: 'initialize', params: { protocolVersion: '2025-06-18', capabilities: {}, clientInfo: { name: 'raw', version: '1' } } });
        const req = request(
          { host: '127.0.0.1', port: server.port, path: '/mcp', method: 'POST', headers: { 'content-type': 'application/json', accept: 'application/json, text/event-stream', authorization: `Bearer ${token}`, ...headers } },
          (res) => {
            res.resume();
            resolve(res.statusCode ?? 0);
          },
        );
        req.on('error', reject);
        req.end(body);
      });
    assert.equal(await status({ authorization: 'Bearer wrong-token-wrong-token' }), 401);
    assert.equal(await status({ host: 'attacker.example:80' }), 403);
    assert.equal(await status({ host: `evil.example:${server.port}` }), 403);
    assert.equal(await status({ origin: 'https://attacker.example' }), 403);
    assert.equal(await status({}), 200, 'the same request with our Host and token is served');
  });
});

describe('mcp-installer-server without a key: the client\'s person decides (elicitation)', () => {
  it('applies on accept, refuses on decline, and refuses clearly when the client cannot ask', async () => {
    const { ws, config } = workspace(tmp, 'elicit');
    const answers: string[] = [];
    const connectAs = async (answer: 'accept' | 'decline' | undefined) => {
      const conn = await connectStdio(BUNDLE, ['--workspace', ws], { env: childEnv(), capabilities: answer ? { elicitation: {} } : {} });
      if (answer) {
        conn.client.setRequestHandler(ElicitRequestSchema, async (req) => {
          answers.push(req.params.message);
          return answer === 'accept' ? { action: 'accept', content: { approve: true } } : { action: 'decline' };
        });
      }
      return conn;
    };
    const yes = await connectAs('accept');
    try {
      const p = (await call(yes.client, 'install_server', { name: 'asked', spec: { command: 'node', args: ['asked.js'] } })).data['proposal'] as RemediationProposal;
      const r = await call(yes.client, 'apply_remediation', { proposal: p });
      assert.equal(r.isError, false, r.text);
      assert.equal(r.data['approvedVia'], 'elicitation');
      assert.match(answers[0] ?? '', /Apply MCP Oversight proposal .*\n[\s\S]*"asked"/, 'the person saw the diff');
      assert.equal(readFileSync(config, 'utf8'), p.files[0]!.newText);
      const withGrant = await call(yes.client, 'apply_remediation', { proposal: p, grant: proposalGrant(p) });
      assert.match(withGrant.text, /^GRANT_INVALID: .*no coordinator key/);
    } finally {
      await yes.close();
    }
    const before = readFileSync(config);
    const no = await connectAs('decline');
    try {
      const p = (await call(no.client, 'install_server', { name: 'declined', spec: { command: 'node' } })).data['proposal'] as RemediationProposal;
      const r = await call(no.client, 'apply_remediation', { proposal: p });
      assert.match(r.text, /^APPROVAL_DECLINED/);
      assert.deepEqual(readFileSync(config), before);
    } finally {
      await no.close();
    }
    const mute = await connectAs(undefined);
    try {
      const p = (await call(mute.client, 'install_server', { name: 'mute', spec: { command: 'node' } })).data['proposal'] as RemediationProposal;
      const r = await call(mute.client, 'apply_remediation', { proposal: p });
      assert.match(r.text, /^APPROVAL_REQUIRED: .*cannot ask for it/);
      assert.deepEqual(readFileSync(config), before);
    } finally {
      await mute.close();
    }
  });
});
