import assert from 'node:assert/strict';
import { randomUUID } from 'node:crypto';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, beforeEach, describe, it } from 'node:test';
import { assessTarget } from '../../../src/core/assess/assess-workspace';
import { DeadLetterSchema } from '../../../src/core/coordination/dead-letter';
import { ApprovalRequestSchema, type ApprovalRequest } from '../../../src/core/coordination/messages';
import { sha256Hex } from '../../../src/core/crypto/hash';
import { OversightError } from '../../../src/core/errors';
import { generateGrantKeyPair } from '../../../src/core/grants/grant-crypto';
import { nodeFileSystem } from '../../../src/core/ports/node-file-system';
import { Coordinator, type CoordinatorDeps } from '../../../src/coordinator/coordinator';
import { RecordStore } from '../../../src/coordinator/record-store';
import { FakeAudit, FakeCompliance, FakeInstaller } from './support/fakes';

const keys = generateGrantKeyPair();
const alice = { id: 'alice@example.com', label: 'Alice', provider: 'github', verified: true };
const bob = { id: 'bob@example.com', label: 'Bob', provider: 'github', verified: true };
const CONFIG = '{\n  // keep me\n  "mcpServers": {\n    "remote": { "url": "http://mcp.example.com/mcp" }\n  }\n}\n';

const code = (c: string) => (e: unknown) => e instanceof OversightError && e.code === c;

describe('Coordinator (fakes at the server and audit boundaries)', () => {
  let tmp = '';
  let ws = '';
  let clock = 0;
  let audit: FakeAudit;
  let compliance: FakeCompliance;
  let installer: FakeInstaller;
  const running: Coordinator[] = [];
  const config = () => join(ws, '.kilocode', 'mcp.json');

  async function make(over: Partial<CoordinatorDeps['settings']> = {}, extra: Partial<CoordinatorDeps> = {}): Promise<Coordinator> {
    const store = join(tmp, 'store');
    const c = new Coordinator({
      workspace: ws,
      servers: { compliance, installer },
      audit,
      approvals: new RecordStore(join(store, 'approvals'), ApprovalRequestSchema),
      deadLetters: new RecordStore(join(store, 'dead-letter'), DeadLetterSchema),
      signingKey: keys.privateKey,
      fileHash: async (f) => {
        try {
          return sha256Hex(readFileSync(f));
        } catch {
          return 'absent';
        }
      },
      assessInProcess: (includeGlobal) => assessTarget(nodeFileSystem, { path: ws, includeGlobal, home: '/nonexistent-home', platform: 'linux', env: {}, toolVersion: 'test' }),
      now: () => new Date(Date.now() + clock),
      newId: randomUUID,
      settings: { approvalTtlMs: 3_600_000, fourEyes: false, expirySweepMs: 60_000, ...over },
      log: () => undefined,
      ...extra,
    });
    await c.start();
    running.push(c);
    return c;
  }

  const approve = (c: Coordinator, r: ApprovalRequest, who = alice) => c.decide({ requestId: r.id, decision: 'approved', subjectHash: r.subject.subjectHash, approver: who, decidedAt: new Date().toISOString() });

  beforeEach(() => {
    tmp = mkdtempSync(join(tmpdir(), 'oversight-coord-'));
    ws = join(tmp, 'ws');
    mkdirSync(join(ws, '.kilocode'), { recursive: true });
    writeFileSync(config(), CONFIG);
    clock = 0;
    audit = new FakeAudit();
    compliance = new FakeCompliance(ws);
    installer = new FakeInstaller(keys.publicKey);
  });
  afterEach(async () => {
    for (const c of running.splice(0)) await c.stop();
    rmSync(tmp, { recursive: true, force: true });
  });

  it('propose -> approve -> the Installer applies with a signed grant; each step audited and announced', async () => {
    const c = await make();
    const events: string[] = [];
    c.onApproval.on(({ request, event }) => events.push(`${event}:${request.state}`));
    const r = await c.proposeRemediation({ requestedBy: bob });
    assert.equal(r.state, 'pending');
    assert.equal(r.subject.kind, 'remediation');
    const done = await approve(c, r);
    assert.equal(done.state, 'executed');
    assert.equal(done.execution?.alreadyApplied, false);
    assert.equal(done.grant?.grant.approver.id, alice.id);
    assert.match(readFileSync(config(), 'utf8'), /https:\/\/mcp\.example\.com/);
    assert.match(readFileSync(config(), 'utf8'), /keep me/);
    assert.deepEqual(events, ['requested:pending', 'approve:approved', 'start:executing', 'succeed:executed']);
    assert.deepEqual(audit.kinds().filter((k) => k !== 'coordinator.started'), ['approval.requested', 'approval.decided', 'execution.started', 'execution.completed']);
    assert.deepEqual(done.history.map((h) => h.to), ['pending', 'approved', 'executing', 'executed']);
    assert.equal(JSON.stringify(audit.records).includes('newText'), false, 'file contents never reach the audit log');
  });

  it('a rejection is final; deciding again is INVALID_TRANSITION', async () => {
    const c = await make();
    const r = await c.proposeRemediation({ requestedBy: bob });
    const rejected = await c.decide({ requestId: r.id, decision: 'rejected', subjectHash: r.subject.subjectHash, approver: alice, decidedAt: new Date().toISOString(), reason: 'not now' });
    assert.equal(rejected.state, 'rejected');
    await assert.rejects(approve(c, r), code('INVALID_TRANSITION'));
    assert.equal(installer.calls.length, 0);
    assert.equal(readFileSync(config(), 'utf8'), CONFIG);
  });

  it('a decision about something else than what the request holds is refused (GRANT_MISMATCH), the request stays pending', async () => {
    const c = await make();
    const r = await c.proposeRemediation({ requestedBy: bob });
    await assert.rejects(c.decide({ requestId: r.id, decision: 'approved', subjectHash: 'f'.repeat(64), approver: alice, decidedAt: new Date().toISOString() }), code('GRANT_MISMATCH'));
    assert.equal(c.approval(r.id).state, 'pending');
    assert.ok(audit.kinds().includes('request.failed'));
  });

  it('malformed decisions are INVALID_ARGUMENT; unknown ids APPROVAL_NOT_FOUND', async () => {
    const c = await make();
    await assert.rejects(c.decide({ requestId: 'x', decision: 'maybe' }), code('INVALID_ARGUMENT'));
    await assert.rejects(c.decide({ requestId: 'nope', decision: 'approved', subjectHash: 'a'.repeat(64), approver: alice, decidedAt: new Date().toISOString() }), code('APPROVAL_NOT_FOUND'));
    compliance.failWith = 'CIRCUIT_OPEN';
    await assert.rejects(c.proposeRemediation({ requestedBy: bob }), code('CIRCUIT_OPEN'));
    const failed = audit.records.filter((r) => r.kind === 'request.failed').map((r) => `${r.actor.id}:${String(r.payload['code'])}`);
    assert.deepEqual(failed, ['mcp-oversight:INVALID_ARGUMENT', `${alice.id}:APPROVAL_NOT_FOUND`, `${bob.id}:CIRCUIT_OPEN`], 'refusals are on the trail, with who asked');
  });

  it('four-eyes: the requester cannot approve their own request, someone else can', async () => {
    const c = await make({ fourEyes: true });
    const r = await c.proposeRemediation({ requestedBy: alice });
    await assert.rejects(approve(c, r, alice), code('FOUR_EYES'));
    assert.equal(c.approval(r.id).state, 'pending');
    assert.equal((await approve(c, r, bob)).state, 'executed');
  });

  it('expiry is checked at decision time and by the sweep', async () => {
    const c = await make({ approvalTtlMs: 1000 });
    const r1 = await c.proposeRemediation({ requestedBy: bob });
    clock = 2000;
    await assert.rejects(approve(c, r1), code('APPROVAL_EXPIRED'));
    assert.equal(c.approval(r1.id).state, 'expired');
    clock = 0;
    const r2 = await c.proposeRemediation({ requestedBy: bob });
    clock = 5000;
    const c2 = await make({ approvalTtlMs: 1000 }); // a restart sweeps what expired meanwhile
    assert.equal(c2.approval(r2.id).state, 'expired');
    assert.equal(installer.calls.length, 0);
  });

  it('a file changed since the proposal: not approved, cancelled, and a fresh proposal offered (never a silent re-diff)', async () => {
    const c = await make();
    const r = await c.proposeRemediation({ requestedBy: bob });
    writeFileSync(config(), CONFIG.replace('keep me', 'edited by hand'));
    let fresh = '';
    await assert.rejects(approve(c, r), (e: unknown) => {
      assert.ok(e instanceof OversightError && e.code === 'STALE_PROPOSAL', String(e));
      fresh = String(e.details['freshRequestId']);
      return true;
    });
    assert.equal(c.approval(r.id).state, 'cancelled');
    assert.equal(c.approval(r.id).supersededBy, fresh);
    const next = c.approval(fresh);
    assert.equal(next.state, 'pending');
    assert.equal(next.supersedes, r.id);
    assert.equal(installer.calls.length, 0);
    assert.equal((await approve(c, next)).state, 'executed');
    assert.match(readFileSync(config(), 'utf8'), /edited by hand/);
  });

  it('an Installer that stays down: failed, dead-lettered; retried once it is back: executed, dead letter gone', async () => {
    const c = await make();
    const r = await c.proposeRemediation({ requestedBy: bob });
    installer.failWith = 'SERVER_UNAVAILABLE';
    const failed = await approve(c, r);
    assert.equal(failed.state, 'failed');
    assert.equal(failed.error?.code, 'SERVER_UNAVAILABLE');
    assert.equal(failed.error?.retryable, true);
    const [dl] = await c.deadLetters();
    assert.equal(dl?.approvalId, r.id);
    installer.failWith = undefined;
    const retried = await c.retryDeadLetter(dl!.id, alice);
    assert.equal(retried.state, 'executed');
    assert.deepEqual(await c.deadLetters(), []);
    assert.equal(installer.writes, 1);
    assert.ok(audit.kinds().includes('dead-letter.added') && audit.kinds().includes('dead-letter.retried'));
  });

  it('a non-retryable refusal is not dead-lettered; a discarded dead letter is gone and audited', async () => {
    const c = await make();
    const r = await c.proposeRemediation({ requestedBy: bob });
    installer.failWith = 'TARGET_UNWRITABLE';
    assert.equal((await approve(c, r)).state, 'failed');
    assert.deepEqual(await c.deadLetters(), []);
    const r2 = await c.proposeRemediation({ requestedBy: bob });
    installer.failWith = 'SERVER_TIMEOUT';
    await approve(c, r2);
    const [dl] = await c.deadLetters();
    await c.discardDeadLetter(dl!.id, alice, 'will redo by hand');
    assert.deepEqual(await c.deadLetters(), []);
    await assert.rejects(c.retryDeadLetter(dl!.id, alice), code('DEAD_LETTER_NOT_FOUND'));
    assert.ok(audit.kinds().includes('dead-letter.discarded'));
  });

  it('two approvals of the same request at once execute it once', async () => {
    const c = await make();
    const r = await c.proposeRemediation({ requestedBy: bob });
    const results = await Promise.allSettled([approve(c, r), approve(c, r)]);
    assert.equal(results.filter((x) => x.status === 'fulfilled').length, 1);
    assert.ok(results.some((x) => x.status === 'rejected' && code('INVALID_TRANSITION')(x.reason)));
    assert.equal(installer.writes, 1);
  });

  it('a failure after the Installer applied leaves the request executing; a restart sends the same grant and it is applied once', async () => {
    let crashed = false;
    const c = await make({}, {
      crashPoint: (p) => {
        if (p === 'after-executed-call' && !crashed) {
          crashed = true;
          throw new Error('simulated crash after the Installer applied, before "executed" was stored');
        }
      },
    });
    const r = await c.proposeRemediation({ requestedBy: bob });
    await assert.rejects(approve(c, r), /simulated crash/);
    assert.equal(c.approval(r.id).state, 'executing', 'not marked failed: the change did happen');
    assert.equal(JSON.parse(readFileSync(join(tmp, 'store', 'approvals', `${r.id}.json`), 'utf8')).state, 'executing');
    const c2 = await make();
    await c2.idle();
    const resumed = c2.approval(r.id);
    assert.equal(resumed.state, 'executed');
    assert.equal(resumed.execution?.alreadyApplied, true, 'the Installer answered from its journal');
    assert.equal(installer.writes, 1);
  });

  it('an audit log that refuses the entry stops the step: nothing is decided or run unaudited', async () => {
    const c = await make();
    const r = await c.proposeRemediation({ requestedBy: bob });
    const append = audit.append.bind(audit);
    audit.append = async (rec) => {
      if (rec.kind === 'approval.decided') throw new Error('disk full');
      return append(rec);
    };
    await assert.rejects(approve(c, r), /disk full/);
    assert.equal(c.approval(r.id).state, 'pending');
    assert.equal(installer.calls.length, 0);
  });

  it('four-eyes holds through a stale proposal: the fresh one keeps the original requester', async () => {
    const c = await make({ fourEyes: true });
    const r = await c.proposeRemediation({ requestedBy: alice });
    writeFileSync(config(), CONFIG.replace('keep me', 'edited'));
    let fresh = '';
    await assert.rejects(approve(c, r, bob), (e: unknown) => ((fresh = String((e as OversightError).details['freshRequestId'])), code('STALE_PROPOSAL')(e)));
    assert.equal(c.approval(fresh).requestedBy.id, alice.id);
    await assert.rejects(approve(c, c.approval(fresh), alice), code('FOUR_EYES'));
  });

  it('stop() lets an execution in progress finish before the servers and the audit log close', async () => {
    const c = await make();
    const r = await c.proposeRemediation({ requestedBy: bob });
    const slow = installer.callTool.bind(installer);
    installer.callTool = async (n, a) => (await new Promise((res) => setTimeout(res, 300)), slow(n, a));
    const pending = approve(c, r);
    await new Promise((res) => setTimeout(res, 50));
    await c.stop();
    running.length = 0;
    assert.equal((await pending).state, 'executed');
    assert.equal(audit.closed, true);
    assert.equal(audit.kinds().at(-1), 'coordinator.stopped');
    await assert.rejects(approve(c, r), code('SERVER_UNAVAILABLE'));
  });

  it('static assessment falls back in-process while the Compliance Server is down, and says so', async () => {
    const c = await make();
    const normal = await c.assess({ requestedBy: alice });
    assert.equal(normal.source, 'compliance-server');
    compliance.failWith = 'CIRCUIT_OPEN';
    const degraded = await c.assess({ requestedBy: alice });
    assert.equal(degraded.source, 'in-process');
    assert.equal(degraded.degraded, true);
    assert.match(degraded.degradedReason ?? '', /CIRCUIT_OPEN/);
    assert.deepEqual(degraded.findings.map((f) => f.fingerprint).sort(), normal.findings.map((f) => f.fingerprint).sort());
    compliance.failWith = 'INVALID_ARGUMENT';
    await assert.rejects(c.assess({ requestedBy: alice }), code('INVALID_ARGUMENT'));
  });

  it('server health changes are announced and audited once per change, not per ping', async () => {
    const c = await make();
    const seen: string[] = [];
    c.onServerHealth.on((h) => seen.push(`${h.server}:${h.state}`));
    installer.emit({ server: 'installer', state: 'down', breaker: 'open', lastError: { code: 'SERVER_UNAVAILABLE', message: 'exited', at: new Date().toISOString() } });
    installer.emit({ server: 'installer', state: 'down', breaker: 'open' });
    installer.emit({ server: 'installer', state: 'up', breaker: 'closed' });
    assert.deepEqual(seen, ['installer:down', 'installer:down', 'installer:up']);
    await new Promise((r) => setImmediate(r));
    assert.equal(audit.kinds().filter((k) => k === 'server.health').length, 2);
  });

  it('a corrupt stored request is set aside, the others load', async () => {
    const c = await make();
    const r = await c.proposeRemediation({ requestedBy: bob });
    await c.stop();
    running.length = 0;
    writeFileSync(join(tmp, 'store', 'approvals', 'broken.json'), '{"id": "broken", "state": "limbo"');
    const c2 = await make();
    assert.equal(c2.approval(r.id).state, 'pending');
    assert.ok(readdirSync(join(tmp, 'store', 'approvals')).includes('broken.json.invalid'));
  });
});
