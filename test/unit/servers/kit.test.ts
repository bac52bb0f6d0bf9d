import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, describe, it } from 'node:test';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { InMemoryTransport } from '@modelcontextprotocol/sdk/inMemory.js';
import { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { ElicitRequestSchema, type ClientCapabilities, type ElicitRequest, type ElicitResult } from '@modelcontextprotocol/sdk/types.js';
import { z } from 'zod';
import { hashCanonical, HASH_TAGS } from '../../../src/core/crypto/hash';
import { OversightError } from '../../../src/core/errors';
import { generateGrantKeyPair, publicKeyPem, signGrant } from '../../../src/core/grants/grant-crypto';
import type { Grant } from '../../../src/core/grants/grant-schema';
import { ApprovalGate, type ApprovalSubject } from '../../../src/servers/kit/approval-gate';
import { guardRequest, type GuardOptions } from '../../../src/servers/kit/http-guard';
import { parseServerArgs, usage } from '../../../src/servers/kit/server-options';
import { ERROR_META_KEY, safeTool, toolError, toolResult } from '../../../src/servers/kit/tool-result';
import { randomAlnum } from '../rules/helpers';

const PORT = 43117;
const TOKEN = randomAlnum(32, 3131);

// -------------------------------------------------------------------------------------------
// http-guard
// -------------------------------------------------------------------------------------------

describe('guardRequest', () => {
  const opts = (over: Partial<GuardOptions> = {}): GuardOptions => ({ port: PORT, allowedOrigins: [], ...over });
  const ok = (headers: Record<string, string>, o: Partial<GuardOptions> = {}, method = 'POST', path = '/mcp') => guardRequest(method, path, headers, opts(o));

  it('accepts the loopback Host names with our port, in any case', () => {
    for (const host of [`127.0.0.1:${PORT}`, `localhost:${PORT}`, `[::1]:${PORT}`, `LOCALHOST:${PORT}`]) assert.equal(ok({ host }), undefined, host);
  });

  it('refuses any other Host, another port, a Host without a port, and a missing Host (403)', () => {
    for (const host of ['evil.com', `evil.com:${PORT}`, `127.0.0.1:${PORT + 1}`, '127.0.0.1', 'localhost', `127.0.0.1.evil.com:${PORT}`, `0.0.0.0:${PORT}`, `[::1]`]) {
      assert.equal(ok({ host })?.status, 403, host);
    }
    const missing = ok({});
    assert.equal(missing?.status, 403);
    assert.match(missing!.message, /DNS rebinding/);
  });

  it('accepts our own Origin and explicitly allowed ones; refuses a foreign one (403)', () => {
    const host = `127.0.0.1:${PORT}`;
    for (const origin of [`http://127.0.0.1:${PORT}`, `http://localhost:${PORT}`, `http://[::1]:${PORT}`]) assert.equal(ok({ host, origin }), undefined, origin);
    for (const origin of ['https://evil.com', `http://127.0.0.1:${PORT + 1}`, `https://127.0.0.1:${PORT}`, 'null', `http://evil.com:${PORT}`]) {
      const r = ok({ host, origin });
      assert.equal(r?.status, 403, origin);
      assert.ok(r!.message.includes(origin));
    }
    assert.equal(ok({ host, origin: 'https://app.example.com' }, { allowedOrigins: ['https://app.example.com'] }), undefined);
    assert.equal(ok({ host, origin: 'https://other.example.com' }, { allowedOrigins: ['https://app.example.com'] })?.status, 403);
  });

  it('the Host is checked before the path', () => {
    assert.equal(ok({ host: 'evil.com' }, {}, 'GET', '/other')?.status, 403);
  });

  it('any path but /mcp is 404', () => {
    const host = `127.0.0.1:${PORT}`;
    for (const path of ['/', '/mcp/', '/MCP', '/mcp/x', '/api']) assert.equal(ok({ host }, {}, 'POST', path)?.status, 404, path);
  });

  it('allows POST, GET and DELETE only (405)', () => {
    const host = `127.0.0.1:${PORT}`;
    for (const m of ['POST', 'GET', 'DELETE']) assert.equal(ok({ host }, {}, m), undefined, m);
    for (const m of ['PUT', 'PATCH', 'OPTIONS', 'HEAD', undefined]) assert.equal(guardRequest(m, '/mcp', { host }, opts())?.status, 405, String(m));
  });

  it('with a token: missing, wrong, malformed -> 401; right -> accepted', () => {
    const host = `127.0.0.1:${PORT}`;
    const o = { token: TOKEN };
    assert.equal(ok({ host }, o)?.status, 401);
    assert.equal(ok({ host, authorization: `Bearer ${TOKEN}x` }, o)?.status, 401);
    assert.equal(ok({ host, authorization: `Bearer ${TOKEN.slice(1)}` }, o)?.status, 401);
    assert.equal(ok({ host, authorization: TOKEN }, o)?.status, 401);
    assert.equal(ok({ host, authorization: `Basic ${TOKEN}` }, o)?.status, 401);
    assert.equal(ok({ host, authorization: `Bearer ${TOKEN} extra` }, o)?.status, 401);
    assert.equal(ok({ host, authorization: 'Bearer ' }, o)?.status, 401);
    assert.equal(ok({ host, authorization: `Bearer ${TOKEN}` }, o), undefined);
  });

  it('without a token no Authorization is needed', () => {
    assert.equal(ok({ host: `127.0.0.1:${PORT}` }), undefined);
  });
});

// -------------------------------------------------------------------------------------------
// server-options
// -------------------------------------------------------------------------------------------

describe('parseServerArgs', () => {
  const dir = mkdtempSync(join(tmpdir(), 'mcp-oversight-kit-'));
  after(() => rmSync(dir, { recursive: true, force: true }));
  const file = (name: string, text: string): string => {
    const p = join(dir, name);
    writeFileSync(p, text);
    return p;
  };
  const ED = generateGrantKeyPair();
  const edPem = publicKeyPem(ED.publicKey);
  const rsaPem = generateKeyPairSync('rsa', { modulusLength: 2048 }).publicKey.export({ type: 'spki', format: 'pem' }).toString();
  const CWD = resolve(dir);
  const run = (argv: string[], env: NodeJS.ProcessEnv = {}) => {
    const r = parseServerArgs(argv, env, CWD);
    assert.equal(r.kind, 'run');
    return (r as Extract<typeof r, { kind: 'run' }>).options;
  };
  const usageError = (argv: string[], re: RegExp, env: NodeJS.ProcessEnv = {}) =>
    assert.throws(
      () => parseServerArgs(argv, env, CWD),
      (e: unknown) => e instanceof OversightError && e.code === 'usage' && re.test(e.message),
    );

  it('defaults: the current folder, stdio, elicitation, no origins', () => {
    assert.deepEqual(run([]), { workspace: CWD, allowedOrigins: [] });
  });

  it('--help, -h and --version', () => {
    assert.deepEqual(parseServerArgs(['--help'], {}, CWD), { kind: 'help' });
    assert.deepEqual(parseServerArgs(['--workspace', 'x', '-h'], {}, CWD), { kind: 'help' });
    assert.deepEqual(parseServerArgs(['--version'], {}, CWD), { kind: 'version' });
  });

  it('each flag', () => {
    const tokenFile = file('token', `${TOKEN}\n`);
    const keyFile = file('key.pem', edPem);
    const o = run(['--workspace', 'proj', '--http', '0', '--token-file', 'token', '--grant-key', keyFile, '--allow-origin', 'https://a.example.com', '--allow-origin', 'vscode-webview://x', '--state-dir', 'st']);
    assert.equal(o.workspace, join(CWD, 'proj'));
    assert.equal(o.httpPort, 0);
    assert.equal(o.token, TOKEN, 'trimmed');
    assert.equal(o.grantPublicKey?.asymmetricKeyType, 'ed25519');
    assert.deepEqual(o.allowedOrigins, ['https://a.example.com', 'vscode-webview://x']);
    assert.equal(o.stateDir, join(CWD, 'st'));
    assert.equal(tokenFile, join(CWD, 'token'));
    assert.equal(run(['--http', '65535']).httpPort, 65535);
    assert.equal(run(['--workspace', '/abs']).workspace, resolve('/abs'));
  });

  it('refuses an unknown flag, naming it', () => {
    usageError(['--port', '1'], /Unknown argument "--port"/);
    usageError(['stray'], /Unknown argument "stray"/);
  });

  it('refuses a flag without its value', () => {
    for (const flag of ['--workspace', '--http', '--token-file', '--grant-key', '--allow-origin', '--state-dir']) {
      usageError([flag], new RegExp(`^${flag} needs a value`));
      usageError([flag, '--http', '1'], new RegExp(`^${flag} needs a value`));
    }
  });

  it('refuses a port that is not one (digits only: no "", hex, exponent or spaces)', () => {
    for (const p of ['-1', '65536', 'abc', '1.5', '', ' ', ' 80', '0x10', '1e3', '80 ']) usageError(['--http', p], /--http needs a port number/);
    assert.equal(run(['--http', '08080']).httpPort, 8080);
  });

  it('--token-file only with --http', () => {
    usageError(['--token-file', file('t1', TOKEN)], /--token-file only applies with --http/);
  });

  it('refuses a short token, one with spaces, and an unreadable file', () => {
    usageError(['--http', '0', '--token-file', file('short', 'abc123\n')], /at least 16 characters/);
    usageError(['--http', '0', '--token-file', file('spaced', `${TOKEN} ${TOKEN}`)], /one line without spaces/);
    usageError(['--http', '0', '--token-file', join(dir, 'missing')], /--token-file .*missing: cannot read it \(ENOENT\)/);
  });

  it('--grant-key: an Ed25519 key; RSA refused; not a key refused; a missing file refused', () => {
    assert.equal(run(['--grant-key', file('ed.pem', edPem)]).grantPublicKey?.asymmetricKeyType, 'ed25519');
    usageError(['--grant-key', file('rsa.pem', rsaPem)], /rsa key; grants are verified with Ed25519 only/);
    usageError(['--grant-key', file('junk.pem', 'hello')], /not a PEM public key/);
    usageError(['--grant-key', join(dir, 'nope.pem')], /--grant-key .*nope\.pem: cannot read it/);
  });

  it('MCP_OVERSIGHT_GRANT_PUBLIC_KEY: used without --grant-key, blank ignored, RSA refused naming the variable', () => {
    assert.equal(run([], { MCP_OVERSIGHT_GRANT_PUBLIC_KEY: edPem }).grantPublicKey?.asymmetricKeyType, 'ed25519');
    assert.equal(run([], { MCP_OVERSIGHT_GRANT_PUBLIC_KEY: '  \n' }).grantPublicKey, undefined);
    usageError([], /^MCP_OVERSIGHT_GRANT_PUBLIC_KEY: a rsa key/, { MCP_OVERSIGHT_GRANT_PUBLIC_KEY: rsaPem });
  });

  it('--grant-key wins over the environment variable', () => {
    const o = run(['--grant-key', file('ed2.pem', edPem)], { MCP_OVERSIGHT_GRANT_PUBLIC_KEY: rsaPem });
    assert.equal(o.grantPublicKey?.asymmetricKeyType, 'ed25519');
  });

  it('usage lists every flag; --state-dir only for the Installer', () => {
    const c = usage('mcp-compliance-server');
    for (const f of ['--workspace', '--http', '--token-file', '--grant-key', '--allow-origin', 'MCP_OVERSIGHT_GRANT_PUBLIC_KEY']) assert.ok(c.includes(f), f);
    assert.ok(!c.includes('--state-dir'));
    assert.ok(usage('mcp-installer-server').includes('--state-dir'));
  });
});

// -------------------------------------------------------------------------------------------
// tool-result
// -------------------------------------------------------------------------------------------

describe('toolResult / toolError / safeTool', () => {
  const PAT = 'ghp_' + randomAlnum(36, 3232);

  it('toolResult: structured content and its JSON as text', () => {
    assert.deepEqual(toolResult({ a: 1 }), { content: [{ type: 'text', text: '{\n  "a": 1\n}' }], structuredContent: { a: 1 } });
    assert.equal((toolResult({ a: 1 }, 'one').content[0] as { text: string }).text, 'one');
  });

  it('an OversightError keeps its code and details; its message is redacted', () => {
    const r = toolError(new OversightError('GRANT_EXPIRED', `expired; token ${PAT} seen`, { details: { expiresAt: 'x' } }));
    assert.equal(r.isError, true);
    const text = (r.content[0] as { text: string }).text;
    assert.match(text, /^GRANT_EXPIRED: expired; token ghp_…/);
    assert.ok(!text.includes(PAT));
    assert.equal(r.structuredContent, undefined, 'errors stay out of structuredContent (clients validate it against the output schema)');
    assert.deepEqual(r._meta?.[ERROR_META_KEY], { code: 'GRANT_EXPIRED', message: text.slice('GRANT_EXPIRED: '.length), details: { expiresAt: 'x' } });
  });

  it('a plain Error becomes internal: message only (no stack), redacted, no details', () => {
    const e = new Error(`boom with ${PAT}`);
    const r = toolError(e);
    const text = (r.content[0] as { text: string }).text;
    assert.match(text, /^internal: Unexpected error: boom with ghp_…/);
    assert.ok(!text.includes(PAT));
    assert.ok(!text.includes(' at '), 'no stack frames');
    assert.ok(!JSON.stringify(r).includes(e.stack!.split('\n')[1]!.trim()));
    assert.deepEqual((r._meta?.[ERROR_META_KEY] as { details: unknown }).details, {});
    assert.match(toolError('a string').content[0]!.type, /text/);
    assert.equal((toolError('a string').content[0] as { text: string }).text, 'internal: Unexpected error: a string');
  });

  it('redacts secrets in the details too', () => {
    const r = toolError(new OversightError('INVALID_ARGUMENT', 'bad', { details: { value: PAT } }));
    assert.ok(!JSON.stringify(r).includes(PAT));
  });

  it('safeTool turns anything thrown into a tool error and passes results through', async () => {
    const boom = safeTool(async () => {
      throw new OversightError('STALE_PROPOSAL', 'stale');
    });
    const r = await boom({}, {});
    assert.equal(r.isError, true);
    assert.equal((r._meta?.[ERROR_META_KEY] as { code: string }).code, 'STALE_PROPOSAL');
    const fine = safeTool(async (a: { x: number }) => toolResult({ x: a.x }));
    assert.deepEqual((await fine({ x: 2 }, {})).structuredContent, { x: 2 });
  });
});

// -------------------------------------------------------------------------------------------
// approval-gate, over a real SDK client/server pair
// -------------------------------------------------------------------------------------------

const NOW = new Date('2026-06-01T12:00:00Z');
const KEYS = generateGrantKeyPair();
const SUBJECT: ApprovalSubject = { kind: 'remediation', subjectHash: hashCanonical(HASH_TAGS.proposal, { p: 1 }), question: 'Apply 2 changes to .kilocode/mcp.json?' };
const grantFor = (over: Partial<Grant> = {}) =>
  signGrant(
    {
      grantId: 'g1',
      kind: 'remediation',
      subjectHash: SUBJECT.subjectHash,
      targetFile: '/ws/.kilocode/mcp.json',
      baseHash: 'absent',
      approver: { id: 'alice@example.com', label: 'Alice', provider: 'github', verified: true },
      decidedAt: '2026-06-01T11:59:00Z',
      expiresAt: '2026-06-01T12:10:00Z',
      ...over,
    },
    KEYS.privateKey,
  );

type Elicit = (req: ElicitRequest) => ElicitResult | Promise<ElicitResult>;

/** A server with one tool that asks the gate, and a client that calls it (optionally answering elicitation). */
async function callGated(gate: ApprovalGate, args: { grant?: unknown }, client: { capabilities?: ClientCapabilities; elicit?: Elicit } = {}) {
  const server = new McpServer({ name: 'gated', version: '1.0.0' });
  server.registerTool('act', { description: 'acts after approval', inputSchema: { grant: z.unknown().optional() } }, async (a) => {
    try {
      const approval = await gate.approve(SUBJECT, a.grant, server);
      return toolResult({ approval });
    } catch (e) {
      return toolError(e);
    }
  });
  const c = new Client({ name: 'test-client', version: '2.0.0' }, { capabilities: client.capabilities ?? {} });
  const asked: ElicitRequest[] = [];
  if (client.elicit !== undefined) {
    const elicit = client.elicit;
    c.setRequestHandler(ElicitRequestSchema, async (req) => {
      asked.push(req);
      return elicit(req);
    });
  }
  const [ct, st] = InMemoryTransport.createLinkedPair();
  await Promise.all([server.connect(st), c.connect(ct)]);
  try {
    const r = await c.callTool({ name: 'act', arguments: args });
    const error = r._meta?.[ERROR_META_KEY] as { code: string; message: string } | undefined;
    const structured = { ...(r.structuredContent as { approval?: { via: string; approver: unknown; grant?: unknown } } | undefined), ...(error !== undefined ? { error } : {}) };
    return { result: r, structured, asked };
  } finally {
    await c.close();
    await server.close();
  }
}

describe('ApprovalGate with a coordinator key', () => {
  const gate = new ApprovalGate(KEYS.publicKey, () => NOW);

  it('is in grant mode', () => {
    assert.equal(gate.mode, 'grant');
    assert.equal(new ApprovalGate(undefined, () => NOW).mode, 'elicitation');
  });

  it('no grant: APPROVAL_REQUIRED naming the subject hash', async () => {
    const { result, structured } = await callGated(gate, {});
    assert.equal(result.isError, true);
    assert.equal(structured.error?.code, 'APPROVAL_REQUIRED');
    assert.ok(structured.error?.message.includes(SUBJECT.subjectHash));
  });

  it('a valid grant: approved via the grant, with its approver', async () => {
    const { result, structured, asked } = await callGated(gate, { grant: grantFor() }, { capabilities: { elicitation: {} }, elicit: () => ({ action: 'accept', content: { approve: true } }) });
    assert.equal(result.isError, undefined);
    assert.equal(structured.approval?.via, 'grant');
    assert.deepEqual(structured.approval?.approver, { id: 'alice@example.com', label: 'Alice', provider: 'github', verified: true });
    assert.equal(asked.length, 0, 'with a key the client is never asked');
  });

  it('an invalid, mismatched or expired grant is refused with its code', async () => {
    const forged = { ...grantFor(), grant: { ...grantFor().grant, approver: { id: 'mallory', label: 'M', provider: 'github', verified: true } } };
    assert.equal((await callGated(gate, { grant: forged })).structured.error?.code, 'GRANT_INVALID');
    assert.equal((await callGated(gate, { grant: grantFor({ kind: 'assessment' }) })).structured.error?.code, 'GRANT_MISMATCH');
    assert.equal((await callGated(gate, { grant: grantFor({ expiresAt: '2026-06-01T11:00:00Z' }) })).structured.error?.code, 'GRANT_EXPIRED');
    assert.equal((await callGated(gate, { grant: 'approved!' })).structured.error?.code, 'GRANT_INVALID');
  });

  it('elicitation does not replace a grant: an accepting client without a grant is still refused', async () => {
    const { structured, asked } = await callGated(gate, {}, { capabilities: { elicitation: {} }, elicit: () => ({ action: 'accept', content: { approve: true } }) });
    assert.equal(structured.error?.code, 'APPROVAL_REQUIRED');
    assert.equal(asked.length, 0);
  });
});

describe('ApprovalGate without a key (elicitation)', () => {
  const gate = new ApprovalGate(undefined, () => NOW);

  it('a grant passed anyway: GRANT_INVALID (nothing to verify it with)', async () => {
    const { structured } = await callGated(gate, { grant: grantFor() }, { capabilities: { elicitation: {} }, elicit: () => ({ action: 'accept', content: { approve: true } }) });
    assert.equal(structured.error?.code, 'GRANT_INVALID');
    assert.match(structured.error!.message, /--grant-key/);
  });

  it('a client without elicitation: APPROVAL_REQUIRED', async () => {
    const { structured } = await callGated(gate, {});
    assert.equal(structured.error?.code, 'APPROVAL_REQUIRED');
    assert.match(structured.error!.message, /cannot ask for it/);
  });

  it('a client that only supports URL elicitation: APPROVAL_REQUIRED (form elicitation is what is asked)', async () => {
    const { structured } = await callGated(gate, {}, { capabilities: { elicitation: { url: {} } }, elicit: () => ({ action: 'accept', content: { approve: true } }) });
    assert.equal(structured.error?.code, 'APPROVAL_REQUIRED', structured.error?.message);
  });

  it('the person accepts with approve: true -> approved; provider mcp-elicitation, not verified', async () => {
    const { result, structured, asked } = await callGated(gate, {}, { capabilities: { elicitation: {} }, elicit: () => ({ action: 'accept', content: { approve: true } }) });
    assert.equal(result.isError, undefined, JSON.stringify(structured));
    assert.deepEqual(structured.approval, { via: 'elicitation', approver: { id: 'test-client', label: 'user of test-client', provider: 'mcp-elicitation', verified: false } });
    assert.equal(asked.length, 1);
    const params = asked[0]!.params as { message: string; requestedSchema: { required: string[]; properties: Record<string, { type: string }> } };
    assert.equal(params.message, SUBJECT.question);
    assert.deepEqual(params.requestedSchema.required, ['approve']);
    assert.equal(params.requestedSchema.properties['approve']?.type, 'boolean');
  });

  it('declines, cancels, or accepts with approve: false -> APPROVAL_DECLINED', async () => {
    const answers: ElicitResult[] = [{ action: 'decline' }, { action: 'cancel' }, { action: 'accept', content: { approve: false } }];
    for (const answer of answers) {
      const { structured, asked } = await callGated(gate, {}, { capabilities: { elicitation: {} }, elicit: () => answer });
      assert.equal(asked.length, 1);
      assert.equal(structured.error?.code, 'APPROVAL_DECLINED', JSON.stringify(answer));
      assert.ok(structured.error?.message.includes(`(${answer.action})`));
    }
  });

  it('an answer that does not fit the schema is not an approval', async () => {
    const { result, structured } = await callGated(gate, {}, { capabilities: { elicitation: {} }, elicit: () => ({ action: 'accept', content: { approve: 'yes' } }) });
    assert.equal(result.isError, true);
    assert.equal(structured.approval, undefined);
  });
});
