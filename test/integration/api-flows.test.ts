/**
 * The HTTP API on the real coordinator, its two servers as processes, the real audit log and real
 * files: automation asks, a person (the human_oversight role) decides, and every step is on the trail.
 * Then `mcp-oversight serve` as a process: credentials from the CLI, a request, a graceful SIGTERM.
 */
import assert from 'node:assert/strict';
import { spawn, spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { request } from 'node:https';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { startApi, type RunningApi } from '../../src/api/start-api';
import { mintApiToken } from '../../src/api/auth/jwt';
import { ApiAssessmentRequestSchema } from '../../src/api/schemas';
import { ErrorResponseSchema } from '../../src/core/coordination/error-response';
import { AssessmentResponseSchema } from '../../src/core/coordination/messages';
import { verifyAuditStore } from '../../src/coordinator/audit/audit-log';
import type { Coordinator } from '../../src/coordinator/coordinator';
import { createCoordinator } from '../../src/coordinator/create-coordinator';
import { storeLayout } from '../../src/coordinator/store-layout';
import { parseGrantPublicKey } from '../../src/core/grants/grant-crypto';
import { FIXTURE_SERVER, ROOT } from './support/server-process';

const FAST = { pingIntervalMs: 200, callTimeoutMs: 20_000, retry: { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 200 }, restart: { initialDelayMs: 100, maxDelayMs: 400 }, breaker: { consecutiveFailures: 50, halfOpenAfterMs: 500 } };

function workspace(root: string, name: string): string {
  const ws = join(root, name);
  mkdirSync(join(ws, '.kilocode'), { recursive: true });
  writeFileSync(
    join(ws, '.kilocode', 'mcp.json'),
    ['{', '  // keep this comment', '  "mcpServers": {', `    "weather": { "command": ${JSON.stringify(process.execPath)}, "args": [${JSON.stringify(FIXTURE_SERVER)}, "normal"] },`, '    "remote": { "url": "http://mcp.example.com/mcp" }', '  }', '}', ''].join('\n'),
  );
  return ws;
}

interface Reply {
  status: number;
  headers: Record<string, string | string[] | undefined>;
  body: unknown;
}

function call(api: Pick<RunningApi, 'port'> & { ca: string }, method: string, path: string, credential?: string, json?: unknown): Promise<Reply> {
  return new Promise((resolve, reject) => {
    const text = json === undefined ? undefined : JSON.stringify(json);
    const req = request(
      { host: '127.0.0.1', port: api.port, method, path, ca: api.ca, servername: 'localhost', headers: { host: `localhost:${api.port}`, ...(credential ? { authorization: `Bearer ${credential}` } : {}), ...(text ? { 'content-type': 'application/json' } : {}) } },
      (res) => {
        const chunks: Buffer[] = [];
        res.on('data', (c: Buffer) => chunks.push(c));
        res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, body: JSON.parse(Buffer.concat(chunks).toString('utf8') || 'null') }));
      },
    );
    req.on('error', reject);
    req.end(text);
  });
}

describe('HTTP API on the real coordinator', () => {
  let tmp = '';
  let ws = '';
  let store = '';
  let coordinator: Coordinator;
  let api: RunningApi;
  let target: { port: number; ca: string };
  const cred: Record<string, string> = {};

  before(async () => {
    if (!existsSync(join(ROOT, 'dist', 'cli.js'))) assert.equal(spawnSync('npm', ['run', 'build'], { cwd: ROOT, stdio: 'inherit' }).status, 0);
    tmp = mkdtempSync(join(tmpdir(), 'oversight-api-'));
    ws = workspace(tmp, 'ws');
    store = join(tmp, 'store');
    coordinator = await createCoordinator({ workspace: ws, store, distDir: join(ROOT, 'dist'), toolVersion: 'test', log: () => undefined, serverOptions: FAST, settings: { fourEyes: true } });
    await coordinator.start();
    api = await startApi({ coordinator, store, port: 0, log: () => undefined });
    target = { port: api.port, ca: api.tls.cert };
    cred['installer'] = (await api.keys.create({ name: 'ci pipeline', role: 'installer' })).key;
    cred['compliance'] = (await api.keys.create({ name: 'compliance bot', role: 'compliance' })).key;
    cred['alice'] = await mintApiToken({ key: api.signing, issuer: api.issuer, role: 'human_oversight', subject: 'alice', name: 'Alice', ttlSeconds: 600 });
    cred['admin'] = await mintApiToken({ key: api.signing, issuer: api.issuer, role: 'admin', subject: 'root', ttlSeconds: 600 });
  });
  after(async () => {
    await api?.close(1000);
    await coordinator?.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('a static assessment through the API is the Compliance Server\'s, and shows up in the status', async () => {
    const r = await call(target, 'POST', '/api/v1/assessment/request', cred['installer'], { kind: 'static', workspace: ws });
    assert.equal(r.status, 200, JSON.stringify(r.body));
    const a = AssessmentResponseSchema.parse(r.body);
    assert.equal(a.source, 'compliance-server');
    assert.ok(a.findings.some((f) => f.ruleId === 'insecure-http'));
    const s = await call(target, 'GET', '/api/v1/status/assessment', cred['compliance']);
    assert.equal((s.body as { lastAssessment: { assessmentId: string } }).lastAssessment.assessmentId, a.assessmentId);
    const other = await call(target, 'POST', '/api/v1/assessment/request', cred['installer'], { kind: 'static', workspace: join(tmp, 'elsewhere') });
    assert.equal(other.status, 400);
  });

  it('a live assessment waits for a person; the human_oversight token approves it and gets the result; it ran the configured server', async () => {
    const asked = await call(target, 'POST', '/api/v1/assessment/request', cred['installer'], { kind: 'live', servers: ['weather'] });
    assert.equal(asked.status, 202, JSON.stringify(asked.body));
    const pending = asked.body as { requestId: string; subjectHash: string; state: string; servers: string[] };
    assert.equal(pending.state, 'pending');
    assert.deepEqual(pending.servers, ['weather']);
    // The person deciding can see what would run; the requester cannot review it.
    const review = await call(target, 'GET', `/api/v1/assessment/review?requestId=${pending.requestId}`, cred['alice']);
    assert.equal(review.status, 200, JSON.stringify(review.body));
    assert.match((review.body as { description: string }).description, /weather/);
    assert.equal((await call(target, 'GET', `/api/v1/assessment/review?requestId=${pending.requestId}`, cred['installer'])).status, 403);
    // The installer may ask, not decide.
    const self = await call(target, 'POST', '/api/v1/assessment/approve', cred['installer'], { requestId: pending.requestId, decision: 'approved', subjectHash: pending.subjectHash });
    assert.equal(self.status, 403);
    // A decision must name what was reviewed.
    const wrong = await call(target, 'POST', '/api/v1/assessment/approve', cred['alice'], { requestId: pending.requestId, decision: 'approved', subjectHash: 'f'.repeat(64) });
    assert.equal(wrong.status, 409, JSON.stringify(wrong.body));
    assert.equal(ErrorResponseSchema.parse(wrong.body).code, 'GRANT_MISMATCH');
    const ok = await call(target, 'POST', '/api/v1/assessment/approve', cred['alice'], { requestId: pending.requestId, decision: 'approved', subjectHash: pending.subjectHash, approver: { id: 'mallory', label: 'forged', provider: 'github', verified: true } });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    const live = AssessmentResponseSchema.parse(ok.body);
    assert.equal(live.kind, 'live');
    assert.ok(live.probes?.some((p) => p.serverName === 'weather' && p.status === 'ok'), JSON.stringify(live.probes));
    // The approver on record is the token's principal, not what the body claimed.
    const decided = coordinator.approval(pending.requestId).decision!;
    assert.equal(decided.approver.id, 'jwt:alice');
    assert.equal(decided.approver.verified, false, 'a token with no verified person behind it is not a verified approver');
  });

  it('remediation: the compliance role proposes (no file contents in the answer), a person approves, the Installer applies it keeping comments', async () => {
    const p = await call(target, 'POST', '/api/v1/remediation/propose', cred['compliance'], {});
    assert.equal(p.status, 201, JSON.stringify(p.body));
    const proposal = p.body as { requestId: string; subjectHash: string; proposal: { files: Record<string, unknown>[] } };
    const review = await call(target, 'GET', `/api/v1/remediation/review?requestId=${proposal.requestId}`, cred['alice']);
    assert.equal(review.status, 200);
    assert.equal((review.body as { subjectHash: string }).subjectHash, proposal.subjectHash);
    assert.ok(proposal.proposal.files.every((f) => !('newText' in f) && typeof f['diff'] === 'string'));
    const ok = await call(target, 'POST', '/api/v1/remediation/approve', cred['alice'], { requestId: proposal.requestId, decision: 'approved', subjectHash: proposal.subjectHash });
    assert.equal(ok.status, 200, JSON.stringify(ok.body));
    assert.equal((ok.body as { state: string }).state, 'executed');
    const text = readFileSync(join(ws, '.kilocode', 'mcp.json'), 'utf8');
    assert.match(text, /keep this comment/);
    assert.match(text, /https:\/\/mcp\.example\.com/);
    const status = await call(target, 'GET', '/api/v1/status/remediation', cred['installer']);
    assert.equal((status.body as { counts: Record<string, number> }).counts['executed'], 1);
  });

  it('four-eyes holds through the API: who proposed cannot approve, even as admin', async () => {
    writeFileSync(join(ws, '.kilocode', 'mcp.json'), '{ "mcpServers": { "remote": { "url": "http://mcp.example.com/mcp" } } }\n');
    const p = await call(target, 'POST', '/api/v1/remediation/propose', cred['admin'], {});
    assert.equal(p.status, 201, JSON.stringify(p.body));
    const { requestId, subjectHash } = p.body as { requestId: string; subjectHash: string };
    const own = await call(target, 'POST', '/api/v1/remediation/approve', cred['admin'], { requestId, decision: 'approved', subjectHash });
    assert.equal(own.status, 403, JSON.stringify(own.body));
    assert.equal(ErrorResponseSchema.parse(own.body).code, 'FOUR_EYES');
    // One person, two credentials: Bob's compliance key proposes, Bob's own approval token cannot approve it.
    const bob = { id: 'github:7', label: 'Bob', verified: true };
    const bobKey = (await api.keys.create({ name: 'bob bot', role: 'compliance', owner: bob })).key;
    const bobToken = await mintApiToken({ key: api.signing, issuer: api.issuer, role: 'human_oversight', subject: 'bob-laptop', ttlSeconds: 600, owner: bob });
    const p2 = await call(target, 'POST', '/api/v1/remediation/propose', bobKey, {});
    assert.equal(p2.status, 201, JSON.stringify(p2.body));
    const b = p2.body as { requestId: string; subjectHash: string };
    const bobs = await call(target, 'POST', '/api/v1/remediation/approve', bobToken, { requestId: b.requestId, decision: 'approved', subjectHash: b.subjectHash });
    assert.equal(bobs.status, 403, JSON.stringify(bobs.body));
    assert.equal(ErrorResponseSchema.parse(bobs.body).code, 'FOUR_EYES');
    await call(target, 'POST', '/api/v1/remediation/approve', cred['alice'], { requestId: b.requestId, decision: 'rejected', subjectHash: b.subjectHash });
    const reject = await call(target, 'POST', '/api/v1/remediation/approve', cred['alice'], { requestId, decision: 'rejected', subjectHash, reason: 'not now' });
    assert.equal(reject.status, 200);
    assert.equal((reject.body as { state: string }).state, 'rejected');
  });

  it('logs are paged newest first with a next link, one family each; a revoked key stops working at once', async () => {
    const first = await call(target, 'GET', '/api/v1/remediation/logs?limit=2', cred['installer']);
    assert.equal(first.status, 200);
    const page = first.body as { seq: number; kind: string }[];
    assert.equal(page.length, 2);
    assert.ok(page[0]!.seq > page[1]!.seq);
    const next = String(first.headers['x-next-before-seq']);
    const filtered = await call(target, 'GET', '/api/v1/assessment/logs?limit=1&kind=assessment.completed&kind=assessment.requested', cred['installer']);
    assert.match(String(filtered.headers['link']), /kind=assessment.completed&kind=assessment.requested/, 'the next page keeps the filters');
    const second = await call(target, 'GET', `/api/v1/remediation/logs?limit=2&beforeSeq=${next}`, cred['installer']);
    assert.ok((second.body as { seq: number }[]).every((e) => e.seq < Number(next)));
    const assessments = await call(target, 'GET', '/api/v1/assessment/logs?kind=assessment.completed', cred['installer']);
    assert.ok((assessments.body as { kind: string }[]).length >= 1);
    assert.ok((assessments.body as { kind: string }[]).every((e) => e.kind === 'assessment.completed'));
    const bad = await call(target, 'GET', '/api/v1/assessment/logs?kind=server.health', cred['installer']);
    assert.equal(bad.status, 400);

    // A key pasted into the path by mistake: the trail records the path, and the key must not be in it
    // (the last test reads the segments for every credential).
    assert.equal((await call(target, 'GET', `/api/v1/${cred['installer']}`, cred['installer'])).status, 404);

    const id = (await api.keys.list()).find((k) => k.name === 'ci pipeline')!.id;
    await api.keys.revoke(id);
    assert.equal((await call(target, 'GET', '/api/v1/status/assessment', cred['installer'])).status, 401);
  });

  it('the trail has every access with its principal and never a credential, and verifies', async () => {
    await api.close(1000);
    await coordinator.stop();
    const layout = storeLayout(store);
    const report = await verifyAuditStore(layout.audit, parseGrantPublicKey(readFileSync(layout.publicKey, 'utf8'), layout.publicKey));
    assert.equal(report.ok, true, JSON.stringify(report));
    const all = readdirSync(layout.audit).filter((f) => f.startsWith('segment-')).map((f) => readFileSync(join(layout.audit, f), 'utf8')).join('');
    for (const c of Object.values(cred)) assert.ok(!all.includes(c.slice(-24)), 'no credential in the audit log');
    const accesses = all.split('\n').filter((l) => l.includes('"api.access"'));
    assert.ok(accesses.length >= 15, `${accesses.length} api.access entries`);
    assert.ok(accesses.some((l) => l.includes('"status":401')));
    // The person (owner) is the actor; the credential's id is kept in clear (an id, not a secret).
    assert.ok(accesses.some((l) => l.includes('"credentialId":"jwt:alice"')));
    assert.ok(ApiAssessmentRequestSchema.safeParse({}).success);
  });
});

describe('mcp-oversight serve (a process)', () => {
  it('serves with credentials from the CLI, and stops gracefully on SIGTERM with the audit checkpoint', async () => {
    const tmp = mkdtempSync(join(tmpdir(), 'oversight-serve-'));
    try {
      const ws = workspace(tmp, 'ws');
      const store = join(tmp, 'store');
      const cli = join(ROOT, 'dist', 'cli.js');
      const key = spawnSync(process.execPath, [cli, 'apikey', 'create', '--role', 'installer', '--name', 'ci', '--workspace', ws, '--store', store], { encoding: 'utf8' });
      assert.equal(key.status, 0, key.stderr);
      const token = spawnSync(process.execPath, [cli, 'token', 'create', '--role', 'human_oversight', '--ttl', '10m', '--workspace', ws, '--store', store], { encoding: 'utf8' });
      assert.equal(token.status, 0, token.stderr);
      const child = spawn(process.execPath, [cli, 'serve', '--workspace', ws, '--store', store, '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
      let err = '';
      child.stderr.on('data', (c: Buffer) => (err += c.toString()));
      const exited = new Promise<number | null>((r) => child.on('exit', (code) => r(code)));
      const deadline = Date.now() + 30_000;
      while (!/listening on https:\/\/127\.0\.0\.1:(\d+)/.test(err)) {
        if (Date.now() > deadline) throw new Error(`serve did not start: ${err}`);
        await new Promise((r) => setTimeout(r, 100));
      }
      const port = Number(/listening on https:\/\/127\.0\.0\.1:(\d+)/.exec(err)![1]);
      assert.match(err, /SHA-256\s+([0-9A-F]{2}:){31}[0-9A-F]{2}/);
      const ca = readFileSync(join(store, 'api', 'tls-cert.pem'), 'utf8');
      const s = await call({ port, ca }, 'GET', '/api/v1/status/assessment', key.stdout.trim());
      assert.equal(s.status, 200);
      const t = await call({ port, ca }, 'GET', '/api/v1/status/remediation', token.stdout.trim());
      assert.equal(t.status, 200);
      child.kill('SIGTERM');
      assert.equal(await exited, 0, err);
      assert.match(err, /stopped; the audit log has its checkpoint/);
      const v = spawnSync(process.execPath, [cli, 'audit', 'verify', '--store', store], { encoding: 'utf8' });
      assert.equal(v.status, 0, v.stdout + v.stderr);
    } finally {
      rmSync(tmp, { recursive: true, force: true });
    }
  });
});
