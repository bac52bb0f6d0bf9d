import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { accessEntry, RateLimitRecorder } from '../../../src/api/audit-access';
import { RateLimiter } from '../../../src/api/rate-limit';
import type { AuditInput } from '../../../src/core/audit/audit-entry';
import { OversightError } from '../../../src/core/errors';
import { ErrorResponseSchema } from '../../../src/core/coordination/error-response';
import { bearer, call, FakeCoordinator, startHarness } from './support/api-harness';
import { sendRaw } from './support/fuzz-support';

/** A coordinator whose health view throws (assessment status answers synchronously, so it throws there). */
class BrokenHealth extends FakeCoordinator {
  override health(): never {
    throw new Error('health view broke');
  }
}

describe('token bucket', () => {
  it('allows the burst, then the refill rate, and says when to retry', () => {
    const rl = new RateLimiter({ burst: 3, perSecond: 2 });
    const t = 1_000_000;
    assert.deepEqual([1, 2, 3].map(() => rl.take('a', t).ok), [true, true, true]);
    assert.deepEqual(rl.take('a', t), { ok: false, retryAfterSeconds: 1 });
    assert.equal(rl.take('b', t).ok, true, 'keys are independent');
    assert.equal(rl.take('a', t + 499).ok, false);
    assert.equal(rl.take('a', t + 500).ok, true, 'one token per 500 ms');
    assert.equal(rl.take('a', t + 10_000).ok, true);
  });

  it('a clock going backwards refills nothing; memory stays bounded', () => {
    const rl = new RateLimiter({ burst: 1, perSecond: 1, maxKeys: 100 });
    assert.equal(rl.take('a', 5000).ok, true);
    assert.equal(rl.take('a', 1000).ok, false);
    for (let i = 0; i < 1000; i++) rl.take(`k${i}`, 5000);
    assert.ok(rl.size <= 100, String(rl.size));
  });

  it('refused requests are recorded once per window with the count of the rest', () => {
    const out: AuditInput[] = [];
    const rec = new RateLimitRecorder((e) => out.push(e), 1000);
    for (let i = 0; i < 50; i++) rec.refused('ip:1.2.3.4', 'ip', '1.2.3.4', '/api/v1/health', 10);
    assert.equal(out.length, 1);
    rec.refused('ip:1.2.3.4', 'ip', '1.2.3.4', '/api/v1/health', 2000);
    assert.equal(out.length, 2);
    assert.equal(out[1]!.payload['refusedSinceLast'], 49);
    rec.refused('ip:1.2.3.4', 'ip', '1.2.3.4', '/x', 2001);
    rec.flush();
    assert.equal(out[2]!.payload['refusedSinceLast'], 1, 'flushed at shutdown');
  });
});

describe('HTTP limits', () => {
  it('429 with Retry-After past the burst, per credential; other credentials go on', async () => {
    const h = await startHarness({ limits: { principalRate: { burst: 5, perSecond: 0.5 } } });
    try {
      const statuses = [];
      for (let i = 0; i < 7; i++) statuses.push((await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(h.apiKey.installer) })).status);
      assert.deepEqual(statuses, [200, 200, 200, 200, 200, 429, 429]);
      const r = await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(h.apiKey.installer) });
      assert.equal(r.headers['retry-after'], '2');
      assert.equal(ErrorResponseSchema.parse(r.json()).code, 'RATE_LIMITED');
      assert.equal((await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(h.apiKey.compliance) })).status, 200);
      await new Promise((r) => setTimeout(r, 20));
      assert.equal(h.coordinator.recorded.filter((e) => e.kind === 'api.rate-limited').length, 1, 'one entry for the window');
    } finally {
      await h.close();
    }
  });

  it('the per-address limit applies before any credential is checked', async () => {
    const h = await startHarness({ limits: { ipRate: { burst: 3, perSecond: 0.1 } } });
    try {
      const statuses = [];
      for (let i = 0; i < 5; i++) statuses.push((await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer('guess' + i) })).status);
      assert.deepEqual(statuses, [401, 401, 401, 429, 429]);
      // A local process guessing from the same (loopback) address does not lock out callers with a credential.
      assert.equal((await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(h.apiKey.installer) })).status, 200);
    } finally {
      await h.close();
    }
  });

  it("a request Node's parser refuses is an access in the trail; a stream of them is counted per address, not recorded one by one", async () => {
    const h = await startHarness({ limits: { ipRate: { burst: 3, perSecond: 0.1 } } });
    try {
      const ids: string[] = [];
      for (let i = 0; i < 5; i++) {
        const out = await sendRaw(h.port, Buffer.from(`GARBAGE ${i}\r\n\r\n`));
        assert.deepEqual(out.responses.map((r) => r.status), [400]);
        ids.push(ErrorResponseSchema.parse(JSON.parse(out.responses[0]!.body.toString('utf8'))).requestId);
      }
      await new Promise((r) => setImmediate(r));
      const access = h.coordinator.recorded.filter((e) => e.kind === 'api.access');
      assert.deepEqual(access.map((e) => e.payload['requestId']), ids.slice(0, 3));
      for (const e of access) {
        assert.deepEqual([e.subject.id, e.payload['method'], e.payload['status'], e.payload['code'], e.actor.id], ['(unparsed)', '(unparsed)', 400, 'INVALID_ARGUMENT', 'anonymous']);
      }
      const limited = h.coordinator.recorded.filter((e) => e.kind === 'api.rate-limited');
      assert.equal(limited.length, 1, 'one entry for the window; the rest are counted in it when it ends');
    } finally {
      await h.close();
    }
  });

  it('a long path is cut before the 256-character limit, never through a credential (its tail would no longer look like one)', () => {
    const key = `mcpo_abcdefgh2345_${'Qx7-_'.repeat(8)}abc`;
    for (const lead of [200, 230, 250, 255]) {
      const path = `/api/v1/${'a'.repeat(lead - 9)}/${key}/more`;
      const id = accessEntry({ requestId: 'r', method: 'GET', path, status: 404, ip: '127.0.0.1', ms: 1 }).subject.id;
      assert.ok(id.length <= 256);
      const secret = key.slice(18);
      for (let i = 0; i + 8 <= secret.length; i++) assert.ok(!id.includes(secret.slice(i, i + 8)), `lead ${lead}: part of the key kept: ${id.slice(-40)}`);
    }
    assert.equal(accessEntry({ requestId: 'r', method: 'GET', path: 'x'.repeat(300), status: 404, ip: '127.0.0.1', ms: 1 }).subject.id, 'x'.repeat(256));
  });

  it('fails closed: a request whose access entry the audit log refuses is answered 503, and so is every other until it records again', async () => {
    let refuse = false;
    const coordinator = new (class extends FakeCoordinator {
      override async recordApiEvent(e: AuditInput): Promise<void> {
        if (refuse && e.kind === 'api.access') throw new Error('disk full (fake)');
        await super.recordApiEvent(e);
      }
    })();
    const h = await startHarness({ coordinator });
    try {
      const status = () => call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(h.apiKey.installer) });
      assert.equal((await status()).status, 200);
      refuse = true;
      const refused = await status();
      assert.equal(refused.status, 503, 'not the 200 the handler computed: its access is not in the trail');
      assert.equal(ErrorResponseSchema.parse(refused.json()).code, 'SERVER_UNAVAILABLE');
      assert.equal((await status()).status, 503);
      refuse = false;
      // The next access that is recorded opens the API again (health is public and always answered).
      assert.equal((await call(h.port, 'GET', '/api/v1/health')).status, 200);
      assert.equal((await status()).status, 200);
    } finally {
      await h.close();
    }
  });

  it('an audit log that stops answering holds a request at most auditWaitMs (503), not for ever', async () => {
    let hang = false;
    const coordinator = new (class extends FakeCoordinator {
      override recordApiEvent(e: AuditInput): Promise<void> {
        return hang && e.kind === 'api.access' ? new Promise<void>(() => undefined) : super.recordApiEvent(e);
      }
    })();
    const h = await startHarness({ coordinator, limits: { auditWaitMs: 200 } });
    try {
      hang = true;
      const t0 = performance.now();
      const r = await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(h.apiKey.installer) });
      assert.equal(r.status, 503);
      assert.ok(performance.now() - t0 < 5000, 'answered after the wait, not held');
    } finally {
      await h.close();
    }
  });

  it('an access entry recorded after auditWaitMs: one 503, and the late success opens the API again', async () => {
    let delay = 0;
    const coordinator = new (class extends FakeCoordinator {
      override recordApiEvent(e: AuditInput): Promise<void> {
        const d = delay;
        return e.kind === 'api.access' && d > 0 ? new Promise<void>((r) => setTimeout(r, d)).then(() => super.recordApiEvent(e)) : super.recordApiEvent(e);
      }
    })();
    const logs: string[] = [];
    const h = await startHarness({ coordinator, limits: { auditWaitMs: 100 }, log: (l) => logs.push(l) });
    try {
      delay = 600;
      const r = await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(h.apiKey.installer) });
      assert.equal(r.status, 503);
      // Until a late entry lands, nothing is served (this one's entry is late too, so it cannot reopen the API).
      assert.equal((await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(h.apiKey.installer) })).status, 503);
      delay = 0;
      await new Promise((r) => setTimeout(r, 700));
      // Only the late entries' success can have reopened it.
      assert.equal((await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(h.apiKey.installer) })).status, 200);
      assert.equal(h.coordinator.recorded.filter((e) => e.kind === 'api.access').length, 3, 'one entry a request');
      assert.equal((h.server as unknown as { inflight: number }).inflight, 0, 'every request settled once');
      assert.ok(!logs.some((l) => /unexpected|could not send/.test(l)), logs.join('\n'));
    } finally {
      await h.close();
    }
  });

  it('a handler that throws synchronously is answered 500 and recorded so', async () => {
    const coordinator = new BrokenHealth();
    const logs: string[] = [];
    const h = await startHarness({ coordinator, log: (l) => logs.push(l) });
    try {
      const r = await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(h.apiKey.installer) });
      assert.equal(r.status, 500);
      assert.equal(ErrorResponseSchema.parse(r.json()).code, 'internal');
      assert.ok(!r.text.includes('health view broke'), 'the cause stays in the log');
      assert.ok(logs.some((l) => l.includes('health view broke')));
      const entry = h.coordinator.recorded.find((e) => e.kind === 'api.access');
      assert.equal(entry?.payload['status'], 500);
      assert.equal(entry?.payload['code'], 'internal');
    } finally {
      await h.close();
    }
  });

  it('an answer that cannot be sent (a body JSON cannot hold) is a 500, and the request still settles', async () => {
    const coordinator = new (class extends FakeCoordinator {
      override health() {
        const h = super.health();
        return { ...h, compliance: { ...h.compliance, state: 10n as unknown as string } };
      }
    })();
    const logs: string[] = [];
    const h = await startHarness({ coordinator, log: (l) => logs.push(l) });
    try {
      const r = await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(h.apiKey.installer) });
      assert.equal(r.status, 500);
      assert.equal(ErrorResponseSchema.parse(r.json()).code, 'internal');
      assert.ok(logs.some((l) => l.includes('could not send')));
      assert.equal((h.server as unknown as { inflight: number }).inflight, 0);
      assert.equal((await call(h.port, 'GET', '/api/v1/health')).status, 200, 'the server still answers');
    } finally {
      await h.close();
    }
  });

  it('a log that throws while a failure is mapped: the 500 is still recorded and answered once', async () => {
    const coordinator = new BrokenHealth();
    const h = await startHarness({
      coordinator,
      log: () => {
        throw new Error('log broke');
      },
    });
    try {
      const r = await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(h.apiKey.installer) });
      assert.equal(r.status, 500);
      const entry = h.coordinator.recorded.find((e) => e.kind === 'api.access');
      assert.equal(entry?.payload['status'], 500);
      assert.equal(entry?.payload['code'], 'internal');
      assert.equal((h.server as unknown as { inflight: number }).inflight, 0);
    } finally {
      await h.close();
    }
  });

  it('an answer waits for its access entry to be written (default) or synced to disk (syncAccess)', async () => {
    for (const syncAccess of [false, true]) {
      const h = await startHarness({ limits: { syncAccess } });
      try {
        assert.equal((await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(h.apiKey.installer) })).status, 200);
        const i = h.coordinator.recorded.findIndex((e) => e.kind === 'api.access');
        assert.equal(h.coordinator.until[i], syncAccess ? 'durable' : 'written');
        const started = h.coordinator.recorded.findIndex((e) => e.kind === 'api.started');
        assert.notEqual(h.coordinator.until[started], 'written', 'other API events are durable');
      } finally {
        await h.close();
      }
    }
  });

  it('a handler that runs past handlerTimeoutMs is answered 504 and recorded so; its work is not cut', async () => {
    let release: () => void = () => undefined;
    const coordinator = new (class extends FakeCoordinator {
      override assess(): Promise<never> {
        return new Promise((_ok, fail) => (release = () => fail(new Error('released'))));
      }
    })();
    const h = await startHarness({ coordinator, limits: { handlerTimeoutMs: 150 } });
    try {
      const t0 = performance.now();
      const r = await call(h.port, 'POST', '/api/v1/assessment/request', { headers: bearer(h.apiKey.admin), json: { kind: 'static' } });
      assert.equal(r.status, 504);
      assert.equal(ErrorResponseSchema.parse(r.json()).code, 'SERVER_TIMEOUT');
      assert.ok(performance.now() - t0 < 5000);
      const access = h.coordinator.recorded.filter((e) => e.kind === 'api.access' && e.subject.id === '/api/v1/assessment/request');
      assert.equal(access.at(-1)?.payload['status'], 504);
    } finally {
      release();
      await h.close();
    }
  });


  it('close waits for a request in progress to be answered (within its grace), then stops; a second close is the same one', async () => {
    let release: () => void = () => undefined;
    let started: () => void = () => undefined;
    const running = new Promise<void>((r) => (started = r));
    const coordinator = new (class extends FakeCoordinator {
      override assess() {
        started();
        return new Promise<never>((_ok, fail) => (release = () => fail(new OversightError('SERVER_UNAVAILABLE', 'released'))));
      }
    })();
    const h = await startHarness({ coordinator });
    const answer = call(h.port, 'POST', '/api/v1/assessment/request', { headers: bearer(h.apiKey.admin), json: { kind: 'static' } });
    await running;
    let closed = false;
    const closing = h.server.close(10_000).then(() => (closed = true));
    assert.equal(h.server.close(), h.server.close(), 'idempotent: one closing');
    await new Promise((r) => setTimeout(r, 100));
    assert.equal(closed, false, 'close waits for the request in progress');
    release();
    assert.equal((await answer).status, 503, 'the request is answered, not cut off');
    await closing;
    assert.ok(closed);
    assert.equal(h.coordinator.recorded.at(-1)?.kind, 'api.stopped');

    // Past its grace, close cuts what is left.
    const stuck = await startHarness({ coordinator: new (class extends FakeCoordinator {
      override assess() {
        return new Promise<never>(() => undefined);
      }
    })() });
    const cut = call(stuck.port, 'POST', '/api/v1/assessment/request', { headers: bearer(stuck.apiKey.admin), json: { kind: 'static' } }).then(() => 'answered', () => 'cut off');
    await new Promise((r) => setTimeout(r, 50));
    const t0 = performance.now();
    await stuck.server.close(200);
    assert.ok(performance.now() - t0 < 5000);
    assert.equal(await cut, 'cut off');
  });

  it('a body that stalls past the request timeout is one access in the trail, not two', async () => {
    const h = await startHarness({ limits: { requestTimeoutMs: 300 } });
    try {
      const head = `POST /api/v1/assessment/request HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nAuthorization: Bearer ${h.apiKey.admin}\r\nContent-Type: application/json\r\nContent-Length: 100\r\n\r\n{"kind":`;
      const out = await sendRaw(h.port, Buffer.from(head), { idleMs: 4000, maxMs: 8000 });
      assert.ok(out.responses.length <= 1);
      await new Promise((r) => setTimeout(r, 100));
      const access = h.coordinator.recorded.filter((e) => e.kind === 'api.access');
      assert.equal(access.length, 1, JSON.stringify(access.map((e) => [e.subject.id, e.payload['status']])));
      assert.equal(access[0]!.subject.id, '/api/v1/assessment/request');
    } finally {
      await h.close();
    }
  });

  it('413 for a body over the limit (declared or streamed), 415 for non-JSON, 400 for bad JSON; nothing reaches the coordinator', async () => {
    const h = await startHarness({ limits: { bodyBytes: 1024 } });
    try {
      const headers = { ...bearer(h.apiKey.admin), 'content-type': 'application/json' };
      const big = await call(h.port, 'POST', '/api/v1/assessment/request', { headers, body: JSON.stringify({ requestId: 'x'.repeat(2000) }) });
      assert.equal(big.status, 413);
      assert.equal(big.headers['connection'], 'close');
      const chunked = await call(h.port, 'POST', '/api/v1/assessment/request', { headers: { ...headers, 'transfer-encoding': 'chunked' }, body: Buffer.alloc(5000, 32) });
      assert.equal(chunked.status, 413);
      assert.equal((await call(h.port, 'POST', '/api/v1/assessment/request', { headers: { ...bearer(h.apiKey.admin), 'content-type': 'text/plain' }, body: '{}' })).status, 415);
      const bad = await call(h.port, 'POST', '/api/v1/assessment/request', { headers, body: '{"kind":' });
      assert.equal(bad.status, 400);
      assert.equal(ErrorResponseSchema.parse(bad.json()).details['field'], 'body');
      assert.equal(h.coordinator.assessed, 0);
    } finally {
      await h.close();
    }
  });

  it('404 for an unknown path, 405 with Allow for a wrong method, 400 for a Host that is not loopback', async () => {
    const h = await startHarness();
    try {
      assert.equal((await call(h.port, 'GET', '/api/v1/nothing', { headers: bearer(h.apiKey.admin) })).status, 404);
      const m = await call(h.port, 'DELETE', '/api/v1/status/assessment', { headers: bearer(h.apiKey.admin) });
      assert.equal(m.status, 405);
      assert.equal(m.headers['allow'], 'GET');
      const rebound = await call(h.port, 'GET', '/api/v1/health', { host: 'evil.example:443' });
      assert.equal(rebound.status, 400, 'a DNS-rebinding page cannot reach the API by name');
      const r = await call(h.port, 'GET', '/api/v1/health', { headers: { 'x-request-id': 'abc-123' } });
      assert.equal(r.headers['x-request-id'], 'abc-123');
      assert.equal(r.headers['cache-control'], 'no-store');
    } finally {
      await h.close();
    }
  });
});
