/**
 * The Integration Coordinator with the real servers as processes (dist/compliance-server.js and
 * dist/installer-server.js), the real audit log and real files: every flow of the design, and the
 * faults — a server killed mid-flight, an Installer that cannot start (dead letter, then retried),
 * and the coordinator itself killed between approval and execution.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { ApprovalRequest } from '../../src/core/coordination/messages';
import { OversightError } from '../../src/core/errors';
import { parseGrantPublicKey } from '../../src/core/grants/grant-crypto';
import { verifyAuditStore } from '../../src/coordinator/audit/audit-log';
import type { Coordinator } from '../../src/coordinator/coordinator';
import { createCoordinator, type CreateCoordinatorOptions } from '../../src/coordinator/create-coordinator';
import { storeLayout } from '../../src/coordinator/store-layout';
import { connectStdio, FIXTURE_SERVER, ROOT } from './support/server-process';

const alice = { id: 'alice@example.com', label: 'Alice', provider: 'github', verified: true };
const TOKEN = 'ghp_' + 'Q7w8E9r0T1'.repeat(3) + 'abcdef';
const FAST = { pingIntervalMs: 200, callTimeoutMs: 20_000, retry: { maxAttempts: 2, initialDelayMs: 50, maxDelayMs: 200 }, restart: { initialDelayMs: 100, maxDelayMs: 400 }, breaker: { consecutiveFailures: 50, halfOpenAfterMs: 500 } };

function workspace(root: string, name: string): string {
  const ws = join(root, name);
  mkdirSync(join(ws, '.kilocode'), { recursive: true });
  writeFileSync(
    join(ws, '.kilocode', 'mcp.json'),
    [
      '{',
      '  // team servers: keep this comment',
      '  "mcpServers": {',
      `    "weather": { "command": ${JSON.stringify(process.execPath)}, "args": [${JSON.stringify(FIXTURE_SERVER)}, "normal"] },`,
      `    "remote": { "url": "http://mcp.example.com/mcp", "headers": { "Authorization": "Bearer ${TOKEN}" } }`,
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return ws;
}

const approveIt = (c: Coordinator, r: ApprovalRequest) => c.decide({ requestId: r.id, decision: 'approved', subjectHash: r.subject.subjectHash, approver: alice, decidedAt: new Date().toISOString() });

async function until(what: string, ok: () => boolean, ms = 15_000): Promise<void> {
  const end = Date.now() + ms;
  while (!ok()) {
    if (Date.now() > end) throw new Error(`timed out waiting for ${what}`);
    await new Promise((r) => setTimeout(r, 50));
  }
}

describe('Integration Coordinator with the real servers', () => {
  let tmp = '';
  const started: Coordinator[] = [];
  const make = async (o: Partial<CreateCoordinatorOptions> & { workspace: string; store: string }) => {
    const c = await createCoordinator({ distDir: join(ROOT, 'dist'), toolVersion: 'test', log: () => undefined, serverOptions: FAST, ...o });
    await c.start();
    started.push(c);
    return c;
  };

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'oversight-coordinator-'));
  });
  after(async () => {
    await Promise.all(started.map((c) => c.stop()));
    rmSync(tmp, { recursive: true, force: true });
  });

  it('static assessment -> proposal -> approval -> Installer applies -> audited; the audit log verifies', async () => {
    const ws = workspace(tmp, 'flow');
    const store = join(tmp, 'flow-store');
    const c = await make({ workspace: ws, store });
    assert.equal(c.health().compliance.state, 'up');
    const a = await c.assess({ requestedBy: alice });
    assert.equal(a.source, 'compliance-server');
    const http = a.findings.find((f) => f.ruleId === 'insecure-http');
    assert.ok(http);
    const r = await c.proposeRemediation({ fingerprints: [http.fingerprint], requestedBy: alice });
    const done = await approveIt(c, r);
    assert.equal(done.state, 'executed', JSON.stringify(done.error));
    assert.equal(done.execution?.alreadyApplied, false);
    const text = readFileSync(join(ws, '.kilocode', 'mcp.json'), 'utf8');
    assert.match(text, /https:\/\/mcp\.example\.com/);
    assert.match(text, /keep this comment/);
    const decided = await c.readAudit({ kinds: ['approval.decided'] }, alice);
    assert.equal(decided.length, 1);
    assert.equal(decided[0]!.actor.id, alice.id);
    assert.equal((await c.readAudit({ kinds: ['audit.accessed'] }, alice)).length, 2, 'reading the trail is on the trail');
    await c.stop();
    const report = await verifyAuditStore(storeLayout(store).audit, parseGrantPublicKey(readFileSync(storeLayout(store).publicKey, 'utf8'), 'pub'));
    assert.equal(report.ok, true, JSON.stringify(report.firstBad));
    assert.ok(report.entries >= 8, `entries: ${report.entries}`);
    for (const name of readdirSync(storeLayout(store).audit)) {
      assert.ok(!readFileSync(join(storeLayout(store).audit, name), 'utf8').includes(TOKEN.slice(4)), `the config's token reached ${name}`);
    }
  });

  it('install: the Installer proposes the entry (findings as notes, secret as an env reference); nothing is written until approved', async () => {
    const ws = workspace(tmp, 'install');
    const PARAM_TOKEN = 'ghp_' + 'Z9y8X7w6V5'.repeat(3) + 'fedcba';
    const c = await make({ workspace: ws, store: join(tmp, 'install-store') });
    const file = join(ws, '.kilocode', 'mcp.json');
    const before = readFileSync(file, 'utf8');
    const r = await c.proposeInstall({ name: 'memory', spec: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory'], env: { API_TOKEN: '{{apiToken}}' } }, params: { apiToken: PARAM_TOKEN }, requestedBy: alice });
    assert.equal(r.state, 'pending');
    assert.match(r.title, /Install MCP server "memory" in \.kilocode\/mcp\.json/);
    assert.ok(r.notes?.some((n) => /unpinned-npm-package/.test(n)), JSON.stringify(r.notes));
    assert.ok(r.notes?.some((n) => /API_TOKEN/.test(n)), 'the person is told which variable to set');
    assert.equal(readFileSync(file, 'utf8'), before, 'a proposal writes nothing');
    assert.ok(!JSON.stringify(r).includes(PARAM_TOKEN.slice(4)), 'the secret typed for the install is nowhere in the request');
    const done = await approveIt(c, r);
    assert.equal(done.state, 'executed', JSON.stringify(done.error));
    const after = readFileSync(file, 'utf8');
    assert.match(after, /"memory"/);
    assert.match(after, /keep this comment/);
    assert.ok(!after.includes(PARAM_TOKEN.slice(4)), 'the secret is referenced, not written');
    await assert.rejects(c.proposeInstall({ name: 'memory', spec: { command: 'npx' }, requestedBy: alice }), (e: unknown) => e instanceof OversightError && /already exists/.test(e.message));
    await assert.rejects(c.proposeInstall({ name: '../evil', spec: { command: 'npx' }, requestedBy: alice }), (e: unknown) => e instanceof OversightError && e.code === 'INVALID_ARGUMENT');
  });

  it('live assessment: the plan is approved before any server runs, then the Compliance Server probes it', async () => {
    const ws = workspace(tmp, 'live');
    const c = await make({ workspace: ws, store: join(tmp, 'live-store') });
    const r = await c.requestLiveAssessment({ servers: ['weather'], requestedBy: alice });
    assert.equal(r.state, 'pending');
    assert.equal(r.subject.kind, 'assessment');
    assert.match(r.subject.kind === 'assessment' ? r.subject.description : '', /weather/);
    const done = await approveIt(c, r);
    assert.equal(done.state, 'executed', JSON.stringify(done.error));
    assert.equal(done.assessment?.probes?.[0]?.status, 'ok');
    assert.ok((done.assessment?.findings ?? []).some((f) => f.ruleId === 'tool-definitions-not-pinned'));
  });

  it('a Compliance Server killed mid-request (a live check in progress) is restarted and the approved check completes; the Installer is unaffected', async () => {
    const ws = workspace(tmp, 'kill');
    const cfg = join(ws, '.kilocode', 'mcp.json');
    writeFileSync(cfg, readFileSync(cfg, 'utf8').replace('"normal"]', '"slow", "1500"]'));
    const c = await make({ workspace: ws, store: join(tmp, 'kill-store') });
    const pid = c.health().compliance.pid;
    assert.ok(pid);
    const installerPid = c.health().installer.pid;
    const r = await c.requestLiveAssessment({ servers: ['weather'], requestedBy: alice });
    const pending = approveIt(c, r);
    await until('the live check running on the Compliance Server', () => (c.health().compliance.inFlight ?? 0) > 0 && c.approval(r.id).state === 'executing');
    await new Promise((res) => setTimeout(res, 300)); // inside assess_servers, while the configured server is starting
    process.kill(pid, 'SIGKILL');
    const done = await pending;
    assert.equal(done.state, 'executed', JSON.stringify(done.error));
    assert.equal(done.assessment?.probes?.[0]?.status, 'ok');
    assert.notEqual(c.health().compliance.pid, pid);
    assert.ok((c.health().compliance.restarts ?? 0) >= 1);
    assert.equal(c.health().installer.pid, installerPid);
    const a = await c.assess({ requestedBy: alice });
    assert.equal(a.source, 'compliance-server');
  });

  it('an Installer that cannot start: static work goes on, the approved change is dead-lettered, then retried successfully', async () => {
    const ws = workspace(tmp, 'dlq');
    // A dist folder whose installer refuses to start while a flag file exists.
    const dist = join(tmp, 'flaky-dist');
    mkdirSync(dist, { recursive: true });
    const flag = join(tmp, 'installer-down');
    writeFileSync(flag, '');
    writeFileSync(join(dist, 'compliance-server.js'), `require(${JSON.stringify(join(ROOT, 'dist', 'compliance-server.js'))});\n`);
    writeFileSync(join(dist, 'installer-server.js'), `if (require('node:fs').existsSync(${JSON.stringify(flag)})) { process.stderr.write('installer: down for the test\\n'); process.exit(3); }\nrequire(${JSON.stringify(join(ROOT, 'dist', 'installer-server.js'))});\n`);
    const c = await make({ workspace: ws, store: join(tmp, 'dlq-store'), distDir: dist, serverOptions: { ...FAST, callTimeoutMs: 1500, breaker: { consecutiveFailures: 2, halfOpenAfterMs: 300 } } });
    assert.notEqual(c.health().installer.state, 'up');
    assert.equal(c.health().compliance.state, 'up');
    const r = await c.proposeRemediation({ requestedBy: alice });
    const failed = await approveIt(c, r);
    assert.equal(failed.state, 'failed');
    assert.ok(['SERVER_UNAVAILABLE', 'SERVER_TIMEOUT', 'CIRCUIT_OPEN'].includes(failed.error?.code ?? ''), JSON.stringify(failed.error));
    assert.equal(failed.error?.retryable, true);
    const [dl] = await c.deadLetters();
    assert.equal(dl?.approvalId, r.id);
    rmSync(flag);
    await until('the Installer up, its breaker no longer open', () => c.health().installer.state === 'up' && c.health().installer.breaker !== 'open');
    const retried = await c.retryDeadLetter(dl!.id, alice);
    assert.equal(retried.state, 'executed', JSON.stringify(retried.error));
    assert.deepEqual(await c.deadLetters(), []);
    assert.match(readFileSync(join(ws, '.kilocode', 'mcp.json'), 'utf8'), /https:\/\//);
  });

  for (const point of ['after-approved', 'after-started', 'after-executed-call'] as const) {
    it(`the coordinator killed ${point.replace(/-/g, ' ')}: after a restart the change is applied exactly once`, async () => {
      const ws = workspace(tmp, `crash-${point}`);
      const store = join(tmp, `crash-${point}-store`);
      const harness = join(ROOT, 'test', 'integration', 'support', 'coordinator-harness.ts');
      const run = (action: string) => {
        const p = spawnSync(process.execPath, ['--import', 'tsx', harness, ws, store, action, ...(action === 'resume' ? [] : [point])], { encoding: 'utf8', timeout: 60_000, cwd: ROOT });
        return { status: p.status, signal: p.signal, lines: p.stdout.trim().split('\n').filter(Boolean).map((l) => JSON.parse(l) as Record<string, unknown>), stderr: p.stderr };
      };
      const first = run('propose-approve');
      assert.equal(first.signal, 'SIGKILL', first.stderr);
      assert.equal(first.lines.at(-1)?.['step'], 'crash');
      const second = run('resume');
      assert.equal(second.status, 0, second.stderr);
      const resumed = second.lines.find((l) => l['step'] === 'resumed')?.['approvals'] as { state: string; alreadyApplied?: boolean; history: string[] }[];
      assert.equal(resumed.length, 1);
      assert.equal(resumed[0]!.state, 'executed');
      assert.equal(resumed[0]!.alreadyApplied, point === 'after-executed-call', 'applied by the first run only when it got that far');
      // The Installer's own journal: one execution, not two, not zero.
      const installer = await connectStdio('installer-server.js', ['--workspace', ws]);
      try {
        const list = await installer.client.callTool({ name: 'list_executions', arguments: {} });
        const executions = (list.structuredContent as { executions: { status: string }[] }).executions;
        assert.equal(executions.length, 1, JSON.stringify(executions));
        assert.equal(executions[0]!.status, 'applied');
      } finally {
        await installer.close();
      }
      assert.ok(existsSync(storeLayout(store).audit));
    });
  }

  it('errors keep their codes across the process boundary', async () => {
    const ws = workspace(tmp, 'codes');
    const c = await make({ workspace: ws, store: join(tmp, 'codes-store') });
    await assert.rejects(c.proposeRemediation({ fingerprints: ['no-such-finding'], requestedBy: alice }), (e: unknown) => e instanceof OversightError && e.code === 'STALE_PROPOSAL');
  });
});
