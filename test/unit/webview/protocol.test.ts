import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { HostToWebviewSchema, LIMITS, WebviewToHostSchema } from '../../../src/protocol/diff-preview';
import { toShowMessage } from '../../../src/extension/webviews/view-model';
import { remediationRequest } from './fixtures';

const HASH = 'a'.repeat(64);
const valid = [
  { type: 'ready' },
  { type: 'rendered', requestId: 'r', ms: 12.5, sinceScriptMs: 3, sinceShowMs: 2, fetchStartMs: 1.5 },
  { type: 'approve', requestId: 'r', subjectHash: HASH },
  { type: 'approve', requestId: 'r', subjectHash: HASH, reason: 'looks right' },
  { type: 'reject', requestId: 'r', subjectHash: HASH, reason: '' },
  { type: 'openDiffEditor', requestId: 'r', file: 0 },
];

describe('diff preview protocol: webview -> host', () => {
  it('takes the messages the page sends', () => {
    for (const m of valid) assert.ok(WebviewToHostSchema.safeParse(m).success, JSON.stringify(m));
  });

  it('rejects malformed and oversized messages', () => {
    const bad: unknown[] = [
      null,
      'approve',
      [],
      {},
      { type: 'approve' },
      { type: 'approve', requestId: 'r', subjectHash: 'A'.repeat(64) },
      { type: 'approve', requestId: 'r', subjectHash: HASH.slice(1) },
      { type: 'approve', requestId: '', subjectHash: HASH },
      { type: 'approve', requestId: 'r'.repeat(LIMITS.id + 1), subjectHash: HASH },
      { type: 'approve', requestId: 'r', subjectHash: HASH, reason: 'x'.repeat(LIMITS.reason + 1) },
      { type: 'approve', requestId: 'r', subjectHash: HASH, reason: 42 },
      { type: 'approve', requestId: 'r', subjectHash: HASH, approver: { id: 'root' } },
      { type: 'approve', requestId: 'r', subjectHash: HASH, __proto__: { polluted: true }, constructor: 'x' },
      { type: 'openDiffEditor', requestId: 'r', file: -1 },
      { type: 'openDiffEditor', requestId: 'r', file: LIMITS.files },
      { type: 'openDiffEditor', requestId: 'r', file: 1.5 },
      { type: 'openDiffEditor', requestId: 'r', file: '/etc/passwd' },
      { type: 'rendered', requestId: 'r', ms: Number.NaN, sinceScriptMs: 0, sinceShowMs: 0, fetchStartMs: 0 },
      { type: 'rendered', requestId: 'r', ms: Number.POSITIVE_INFINITY, sinceScriptMs: 0, sinceShowMs: 0, fetchStartMs: 0 },
      { type: 'rendered', requestId: 'r', ms: -1, sinceScriptMs: 0, sinceShowMs: 0, fetchStartMs: 0 },
      { type: 'rendered', requestId: 'r', ms: 1, sinceScriptMs: 0, sinceShowMs: 0, fetchStartMs: -1 },
      { type: 'rendered', requestId: 'r', ms: 1, sinceScriptMs: 0, fetchStartMs: 0 },
      { type: 'rendered', requestId: 'r', ms: 1, sinceScriptMs: 0, sinceShowMs: -1, fetchStartMs: 0 },
      { type: 'show', view: {} },
      { type: 'ready', extra: 1 },
    ];
    for (const m of bad) assert.equal(WebviewToHostSchema.safeParse(m).success, false, JSON.stringify(m));
  });

  it('arbitrary values never throw, and whatever parses is one of the known shapes within the limits (property)', () => {
    const near = fc.record(
      {
        type: fc.constantFrom('ready', 'rendered', 'approve', 'reject', 'openDiffEditor', 'show', 'result', '__proto__'),
        requestId: fc.oneof(fc.string({ maxLength: 200 }), fc.integer()),
        subjectHash: fc.oneof(fc.constant(HASH), fc.string({ maxLength: 70 }), fc.stringMatching(/^[0-9a-f]{64}$/)),
        reason: fc.oneof(fc.string({ maxLength: 2100 }), fc.constant(null), fc.object()),
        file: fc.oneof(fc.integer({ min: -5, max: 40 }), fc.double(), fc.string()),
        ms: fc.oneof(fc.double(), fc.integer()),
        sinceScriptMs: fc.double(),
        sinceShowMs: fc.double(),
        fetchStartMs: fc.double(),
        extra: fc.anything(),
      },
      { requiredKeys: ['type'] },
    );
    fc.assert(
      fc.property(fc.oneof(fc.anything(), near), (value) => {
        const r = WebviewToHostSchema.safeParse(value);
        if (!r.success) return;
        const m = r.data;
        assert.ok(['ready', 'rendered', 'approve', 'reject', 'openDiffEditor'].includes(m.type));
        for (const v of Object.values(m)) {
          assert.ok(['string', 'number'].includes(typeof v), 'only strings and numbers');
          if (typeof v === 'string') assert.ok(v.length <= Math.max(LIMITS.reason, LIMITS.id, 64));
          if (typeof v === 'number') assert.ok(Number.isFinite(v));
        }
        if (m.type === 'approve' || m.type === 'reject') assert.match(m.subjectHash, /^[0-9a-f]{64}$/);
        if (m.type === 'openDiffEditor') assert.ok(Number.isInteger(m.file) && m.file >= 0 && m.file < LIMITS.files);
        assert.ok(!('extra' in m), 'unknown keys are refused');
      }),
      { numRuns: 5000 },
    );
  });
});

describe('diff preview protocol: host -> webview', () => {
  it('the page drops malformed messages; the host\'s own show message parses', () => {
    assert.ok(HostToWebviewSchema.safeParse(toShowMessage(remediationRequest())).success);
    const show = toShowMessage(remediationRequest());
    const bad: unknown[] = [
      { ...show, view: { ...show.view, title: 'x'.repeat(LIMITS.title + 1) } },
      { ...show, view: { ...show.view, state: 'owned' } },
      { ...show, view: { ...show.view, subjectHash: 'nothex' } },
      { ...show, view: { ...show.view, html: '<script>' } },
      { type: 'result', requestId: 'r', outcome: 'applied', message: 'x'.repeat(LIMITS.message + 1) },
      { type: 'result', requestId: 'r', outcome: 'pwned', message: '' },
      { type: 'approve', requestId: 'r', subjectHash: HASH },
    ];
    for (const m of bad) assert.equal(HostToWebviewSchema.safeParse(m).success, false);
    assert.ok(HostToWebviewSchema.safeParse({ type: 'result', requestId: 'r', outcome: 'stale', message: 'm', freshRequestId: 'r2' }).success);
  });

  it('arbitrary values never throw (property)', () => {
    fc.assert(
      fc.property(fc.anything(), fc.anything(), (a, b) => {
        HostToWebviewSchema.safeParse(a);
        HostToWebviewSchema.safeParse({ type: 'show', view: b });
      }),
      { numRuns: 2000 },
    );
  });
});
