import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../../src/core/coordination/messages';
import { OversightError } from '../../../src/core/errors';
import type { ProposalFile } from '../../../src/core/remediation/proposal-schema';
import { HostToWebviewSchema, type HostToWebview } from '../../../src/protocol/diff-preview';
import { DiffPreviewController, type DiffPreviewDeps, type RenderTiming } from '../../../src/extension/webviews/diff-preview-controller';
import { assessmentRequest, remediationRequest } from './fixtures';

function harness(request: ApprovalRequest = remediationRequest(), over: Partial<DiffPreviewDeps> = {}) {
  const posted: HostToWebview[] = [];
  const calls: unknown[][] = [];
  const logs: string[] = [];
  const timings: RenderTiming[] = [];
  let clock = 1000;
  const deps: DiffPreviewDeps = {
    onApprove: async (...a) => {
      calls.push(['approve', ...a]);
    },
    onReject: async (...a) => {
      calls.push(['reject', ...a]);
    },
    onOpenDiffEditor: (id, file: ProposalFile) => {
      calls.push(['open', id, file.displayPath]);
    },
    onRendered: (_id, t) => timings.push(t),
    log: (m) => logs.push(m),
    ...over,
  };
  const c = new DiffPreviewController(request, deps, (m) => {
    assert.ok(HostToWebviewSchema.safeParse(m).success, 'every message the host posts parses');
    posted.push(m);
  }, () => clock);
  return { c, posted, calls, logs, timings, tick: (ms: number) => (clock += ms) };
}

const hashOf = (r: ApprovalRequest) => r.subject.subjectHash;

describe('DiffPreviewController', () => {
  it('shows the request when the page is ready (and again after a reload)', async () => {
    const { c, posted } = harness();
    await c.receive({ type: 'ready' });
    assert.equal(posted[0]?.type, 'show');
    c.reset();
    await c.receive({ type: 'ready' });
    assert.equal(posted.length, 2);
  });

  it('approve and reject go to the deps with the request id, the subject hash and the trimmed reason', async () => {
    const r = remediationRequest();
    const { c, calls } = harness(r);
    await c.receive({ type: 'ready' });
    await c.receive({ type: 'approve', requestId: r.id, subjectHash: hashOf(r), reason: '  ok by me  ' });
    await c.receive({ type: 'reject', requestId: r.id, subjectHash: hashOf(r), reason: '   ' });
    assert.deepEqual(calls, [
      ['approve', r.id, hashOf(r), 'ok by me'],
      ['reject', r.id, hashOf(r), undefined],
    ]);
  });

  it('drops malformed messages and messages for another request; refuses a decision on another subject', async () => {
    const r = remediationRequest();
    const { c, calls, posted, logs } = harness(r);
    await c.receive({ type: 'ready' });
    await c.receive({ type: 'approve', requestId: r.id });
    await c.receive({ type: 'approve', requestId: 'other', subjectHash: hashOf(r) });
    await c.receive('<script>');
    assert.equal(calls.length, 0);
    assert.equal(logs.length, 3);
    await c.receive({ type: 'approve', requestId: r.id, subjectHash: 'b'.repeat(64) });
    assert.equal(calls.length, 0);
    const last = posted.at(-1);
    assert.ok(last?.type === 'result' && last.outcome === 'failed' && /changed while you were reviewing/.test(last.message));
  });

  it('a request no longer pending is not decided', async () => {
    const r = remediationRequest(undefined, { state: 'expired' });
    const { c, calls, posted } = harness(r);
    await c.receive({ type: 'ready' });
    assert.ok(posted.some((m) => m.type === 'result' && m.outcome === 'expired'), 'the page learns the state at once');
    await c.receive({ type: 'approve', requestId: r.id, subjectHash: hashOf(r) });
    assert.equal(calls.length, 0);
  });

  it('one decision at a time: a double click decides once', async () => {
    const r = remediationRequest();
    let release = () => {};
    const gate = new Promise<void>((res) => (release = res));
    let n = 0;
    const { c } = harness(r, {
      onApprove: async () => {
        n++;
        await gate;
      },
    });
    await c.receive({ type: 'ready' });
    const first = c.receive({ type: 'approve', requestId: r.id, subjectHash: hashOf(r) });
    await c.receive({ type: 'approve', requestId: r.id, subjectHash: hashOf(r) });
    release();
    await first;
    assert.equal(n, 1);
  });

  it('the request as it ended becomes a result: applied, rejected, stale with the fresh request', async () => {
    const r = remediationRequest();
    const executed = { ...r, state: 'executed' as const };
    const { c, posted } = harness(r, { onApprove: async () => executed });
    await c.receive({ type: 'ready' });
    await c.receive({ type: 'approve', requestId: r.id, subjectHash: hashOf(r) });
    const result = posted.filter((m) => m.type === 'result');
    assert.equal(result.length, 1);
    assert.ok(result[0]?.type === 'result' && result[0].outcome === 'applied');
    const shows = posted.filter((m) => m.type === 'show');
    assert.ok(shows.at(-1)?.type === 'show' && shows.at(-1)?.type === 'show' && !(shows.at(-1) as { view: { decidable: boolean } }).view.decidable);
    c.update(executed); // the coordinator's event for the same state: no second result
    assert.equal(posted.filter((m) => m.type === 'result').length, 1);

    const h2 = harness(r, {
      onApprove: async () => {
        throw new OversightError('STALE_PROPOSAL', 'changed', { details: { freshRequestId: 'req-2' } });
      },
    });
    await h2.c.receive({ type: 'ready' });
    await h2.c.receive({ type: 'approve', requestId: r.id, subjectHash: hashOf(r) });
    const stale = h2.posted.at(-1);
    assert.ok(stale?.type === 'result' && stale.outcome === 'stale' && stale.freshRequestId === 'req-2');
    // The page may open the fresh proposal it was offered, and nothing else.
    const opened: string[] = [];
    const h4 = harness(r, {
      onApprove: async () => {
        throw new OversightError('STALE_PROPOSAL', 'changed', { details: { freshRequestId: 'req-2' } });
      },
      onOpenRequest: (id: string) => void opened.push(id),
    });
    await h4.c.receive({ type: 'openRequest', requestId: r.id, freshRequestId: 'req-2' });
    assert.deepEqual(opened, [], 'not offered yet');
    await h4.c.receive({ type: 'ready' });
    await h4.c.receive({ type: 'approve', requestId: r.id, subjectHash: hashOf(r) });
    await h4.c.receive({ type: 'openRequest', requestId: r.id, freshRequestId: 'req-9' });
    await h4.c.receive({ type: 'openRequest', requestId: r.id, freshRequestId: 'req-2' });
    assert.deepEqual(opened, ['req-2']);

    const h3 = harness(r, {
      onReject: async () => {
        throw new Error('disk on fire <script>');
      },
    });
    await h3.c.receive({ type: 'ready' });
    await h3.c.receive({ type: 'reject', requestId: r.id, subjectHash: hashOf(r) });
    const failed = h3.posted.at(-1);
    assert.ok(failed?.type === 'result' && failed.outcome === 'failed' && failed.message.includes('disk on fire <script>'));
  });

  it('open in diff editor: an index into the proposal\'s files, nothing else', async () => {
    const r = remediationRequest();
    const { c, calls } = harness(r);
    await c.receive({ type: 'openDiffEditor', requestId: r.id, file: 0 });
    await c.receive({ type: 'openDiffEditor', requestId: r.id, file: 5 });
    assert.deepEqual(calls, [['open', r.id, '.kilocode/mcp.json']]);
    const live = harness(assessmentRequest());
    await live.c.receive({ type: 'openDiffEditor', requestId: 'req-live', file: 0 });
    assert.equal(live.calls.length, 0);
  });

  it('rendered: the page\'s timings and the host\'s own, from the HTML being set', async () => {
    const r = remediationRequest();
    const { c, timings, tick } = harness(r);
    c.reset();
    tick(120);
    await c.receive({ type: 'rendered', requestId: r.id, ms: 95, sinceScriptMs: 40, sinceShowMs: 20, fetchStartMs: 30 });
    assert.deepEqual(timings, [{ hostMs: 120, reused: false, pageMs: 95, sinceScriptMs: 40, sinceShowMs: 20, fetchStartMs: 30 }]);
  });

  it('show swaps the request on the loaded page: the page gets it at once, and its timing runs from the swap', async () => {
    const a = remediationRequest();
    const b = { ...remediationRequest(), id: 'req-b', title: 'the other one' };
    const { c, posted, timings, tick, calls } = harness(a);
    await c.receive({ type: 'ready' });
    tick(5000);
    c.show(b);
    assert.equal(c.requestId, 'req-b');
    const shown = posted.at(-1);
    assert.ok(shown?.type === 'show' && shown.view.requestId === 'req-b');
    tick(40);
    await c.receive({ type: 'rendered', requestId: 'req-b', ms: 9000, sinceScriptMs: 8000, sinceShowMs: 25, fetchStartMs: 900 });
    assert.deepEqual(timings, [{ hostMs: 40, reused: true, pageMs: 9000, sinceScriptMs: 8000, sinceShowMs: 25, fetchStartMs: 900 }]);
    // Messages about the request no longer shown are dropped; a decision needs the request shown.
    await c.receive({ type: 'approve', requestId: a.id, subjectHash: hashOf(a) });
    await c.receive({ type: 'rendered', requestId: a.id, ms: 1, sinceScriptMs: 1, sinceShowMs: 1, fetchStartMs: 0 });
    assert.equal(calls.length, 0);
    assert.equal(timings.length, 1);
    await c.receive({ type: 'approve', requestId: 'req-b', subjectHash: hashOf(b) });
    assert.deepEqual(calls, [['approve', 'req-b', hashOf(b), undefined]]);
    // An update of the other request does not reach the page; showing the same request again is a refresh.
    const n = posted.length;
    c.update({ ...a, state: 'rejected' });
    assert.equal(posted.length, n);
    c.show({ ...b, state: 'rejected' });
    assert.ok(posted.at(-2)?.type === 'show' && posted.at(-1)?.type === 'result');
  });

  it('show before the page is ready waits for it; a decision that ends after a swap does not reach the page', async () => {
    const a = remediationRequest();
    const b = { ...remediationRequest(), id: 'req-b' };
    let release: (r: ApprovalRequest) => void = () => {};
    const { c, posted } = harness(a, { onApprove: () => new Promise<ApprovalRequest>((res) => (release = res)) });
    c.show(b);
    assert.equal(posted.length, 0);
    await c.receive({ type: 'ready' });
    assert.ok(posted[0]?.type === 'show' && posted[0].view.requestId === 'req-b');
    c.show(a);
    const deciding = c.receive({ type: 'approve', requestId: a.id, subjectHash: hashOf(a) });
    c.show(b);
    const n = posted.length;
    release({ ...a, state: 'executed' });
    await deciding;
    assert.equal(posted.length, n, 'the page shows req-b now: no show or result for the other request');
  });

  it('updates before the page is ready are held until it is', async () => {
    const r = remediationRequest();
    const { c, posted } = harness(r);
    c.update({ ...r, state: 'rejected' });
    assert.equal(posted.length, 0);
    await c.receive({ type: 'ready' });
    assert.ok(posted[0]?.type === 'show' && posted[0].view.state === 'rejected');
    assert.ok(posted[1]?.type === 'result' && posted[1].outcome === 'rejected');
  });
});
