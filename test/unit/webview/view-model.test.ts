import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { APPROVAL_STATES } from '../../../src/core/approvals/state-machine';
import { SEVERITIES as CORE_SEVERITIES } from '../../../src/core/model/severity';
import { RiskLevelSchema } from '../../../src/core/remediation/proposal-schema';
import { HostToWebviewSchema, LIMITS, RISK_LEVELS, SEVERITIES, VIEW_STATES, type ApprovalView, type FileView } from '../../../src/protocol/diff-preview';
import { durationText, toShowMessage } from '../../../src/extension/webviews/view-model';
import { assessmentRequest, diffOf, moveToken, proposal, remediationRequest, TOKEN, withFiles } from './fixtures';

function show(r = remediationRequest()): ApprovalView {
  const msg = toShowMessage(r);
  const parsed = HostToWebviewSchema.safeParse(msg);
  assert.ok(parsed.success, `the view model parses: ${parsed.success ? '' : JSON.stringify(parsed.error.issues.slice(0, 3))}`);
  return msg.view;
}

function hunksOf(f: FileView | undefined) {
  assert.ok(f && f.diff.format === 'hunks', 'parsed into hunks');
  return f.diff.hunks;
}

const HOSTILE = ['<script>alert(1)</script>', '</style><img src=x onerror=alert(1)>', '"><svg onload=alert(1)>', '{{constructor.constructor("alert(1)")()}}'];

describe('view model: ApprovalRequest -> show message', () => {
  it('a remediation: title, state, expiry, risk, estimated time, findings fixed, actions and parsed hunks with line numbers', () => {
    const v = show();
    assert.equal(v.requestId, 'req-1');
    assert.equal(v.state, 'pending');
    assert.equal(v.decidable, true);
    assert.equal(v.requestedBy, 'Alice (github)');
    assert.equal(v.expiresAt, '2026-06-02T12:00:00.000Z');
    assert.equal(v.subject.kind, 'remediation');
    if (v.subject.kind !== 'remediation') return;
    assert.equal(v.subject.risk.level, 'medium');
    assert.match(v.subject.estimatedTime.text, /^about /);
    assert.equal(v.subject.findingsFixed, 2);
    assert.deepEqual(
      v.subject.actions.map((a) => [a.ruleId, a.severity, a.displayPath, a.followUp !== undefined]),
      [
        ['secret-token', 'critical', '.kilocode/mcp.json', true],
        ['auto-approve-all', 'high', '.kilocode/mcp.json', false],
      ],
    );
    const [file] = v.subject.files;
    assert.equal(file?.displayPath, '.kilocode/mcp.json');
    assert.equal(file?.created, false);
    assert.equal(file?.truncated, false);
    assert.equal(file?.added, 1);
    assert.equal(file?.removed, 2);
    const lines = hunksOf(file).flatMap((h) => h.lines);
    // Line numbers follow the base on the left and the proposal on the right.
    const del = lines.filter((l) => l.kind === 'del');
    const add = lines.filter((l) => l.kind === 'add');
    assert.equal(del.length, 2);
    assert.ok(del.every((l) => l.old !== null && l.new === null));
    assert.ok(add.every((l) => l.new !== null && l.old === null));
    assert.equal(del[0]?.old, 7, 'the token line is line 7 of the base');
    assert.ok(add[0]?.text.includes('${env:GITHUB_PERSONAL_ACCESS_TOKEN}'));
    const ctx = lines.filter((l) => l.kind === 'context');
    assert.ok(ctx.every((l) => l.old !== null && l.new !== null));
  });

  it('never carries the secret or the proposal\'s exact new text (only the masked diff)', () => {
    const r = remediationRequest();
    const json = JSON.stringify(toShowMessage(r));
    assert.ok(!json.includes(TOKEN), 'the token is masked');
    assert.ok(!json.includes('newText'));
    assert.ok(!json.includes('baseHash'));
    assert.ok(!json.includes('/ws/.kilocode'), 'no absolute paths');
  });

  it('a file the proposal creates is marked as new', () => {
    const p = proposal([{ ...moveToken, file: '/ws/.vscode/mcp.json', edits: [{ jsonPath: ['servers', 'x'], value: { command: 'node' } }] }]);
    const v = show(remediationRequest(p));
    assert.ok(v.subject.kind === 'remediation' && v.subject.files[0]?.created === true);
  });

  it('states other than pending are not decidable', () => {
    for (const state of APPROVAL_STATES) assert.equal(show(remediationRequest(proposal(), { state })).decidable, state === 'pending', state);
  });

  it('hostile strings stay literal text (the page uses textContent): no escaping doubles them, none is dropped', () => {
    for (const evil of HOSTILE) {
      const p = proposal([{ ...moveToken, description: evil, followUp: evil, server: evil }]);
      const v = show(remediationRequest(p, { title: evil }));
      assert.equal(v.title, evil);
      assert.ok(v.subject.kind === 'remediation');
      const a = v.subject.actions[0];
      assert.equal(a?.description, evil);
      assert.equal(a?.followUp, evil);
      assert.equal(a?.server, evil);
    }
    const r = withFiles([{ displayPath: '<b>x</b>.json', diff: diffOf(['-a', `+${HOSTILE[0]}`, `+${HOSTILE[1]}`]) }]);
    const v = show(r);
    assert.ok(v.subject.kind === 'remediation');
    assert.equal(v.subject.files[0]?.displayPath, '<b>x</b>.json');
    assert.deepEqual(hunksOf(v.subject.files[0]).flatMap((h) => h.lines.filter((l) => l.kind === 'add').map((l) => l.text)), [HOSTILE[0], HOSTILE[1]]);
  });

  it('notes (e.g. an install\'s findings) are carried as literal text with hidden characters escaped; none when there are none', () => {
    const notes = [...HOSTILE, 'a\u202Eb'];
    const v = show(remediationRequest(proposal(), { notes }));
    assert.equal(v.notes?.length, notes.length);
    assert.equal(v.notes?.[0], HOSTILE[0]);
    assert.ok(!v.notes?.some((n) => n.includes('\u202E')), 'the bidi override is escaped');
    assert.equal(show(remediationRequest(proposal())).notes, undefined);
    assert.ok(HostToWebviewSchema.safeParse({ type: 'show', view: v }).success);
  });

  it('bidi controls and zero-width characters become visible escapes and mark the line', () => {
    const r = withFiles([{ displayPath: 'a\u202Enosj.exe', diff: diffOf(['-"x": 1', '+"x": 2 /*\u202E } \u2066*/', '+"admin\u200B": true', ' \t"tab": "kept"']) }]);
    const v = show(remediationRequest(undefined, {}));
    assert.ok(v); // the fixture itself is clean
    const view = show({ ...r, title: 'evil\u202Etitle' });
    assert.equal(view.title, 'evil\\u{202E}title');
    assert.ok(view.subject.kind === 'remediation');
    assert.equal(view.subject.files[0]?.displayPath, 'a\\u{202E}nosj.exe');
    const lines = hunksOf(view.subject.files[0]).flatMap((h) => h.lines);
    const adds = lines.filter((l) => l.kind === 'add');
    assert.equal(adds[0]?.text, '"x": 2 /*\\u{202E} } \\u{2066}*/');
    assert.equal(adds[0]?.hidden, true);
    assert.equal(adds[1]?.text, '"admin\\u{200B}": true');
    const ctx = lines.find((l) => l.kind === 'context');
    assert.equal(ctx?.text, '\t"tab": "kept"', 'tabs are ordinary in a diff line');
    assert.equal(ctx?.hidden, undefined);
    const json = JSON.stringify(view);
    assert.ok(!/[\u202A-\u202E\u2066-\u2069\u200B-\u200F\uFEFF]/.test(json), 'no raw invisible character anywhere');
  });

  it('a live assessment: the servers and what each runs, masked, with hidden characters escaped', () => {
    const v = show(assessmentRequest());
    assert.ok(v.subject.kind === 'assessment');
    assert.equal(v.subject.servers.length, 2);
    const [gh, web] = v.subject.servers;
    assert.equal(gh?.name, 'gh\\u{202E}gnp.exe');
    assert.match(gh?.target ?? '', /^npx -y srv --token=/);
    assert.ok(!JSON.stringify(v).includes(TOKEN), 'the token in the arguments is masked');
    assert.deepEqual(gh?.envKeys, ['API_KEY']);
    assert.equal(gh?.displayPath, '.kilocode/mcp.json');
    assert.equal(web?.target, 'https://mcp.example.com/mcp');
    assert.deepEqual(web?.headerKeys, ['Authorization']);
    assert.equal(v.subject.timeoutSeconds, 30);
  });

  it('huge diffs are capped per file and across the request, still parse, and say so', () => {
    const big = diffOf(Array.from({ length: 60_000 }, (_, i) => `+"k${i}": ${'x'.repeat(i % 50)}`));
    const started = performance.now();
    const r = withFiles(Array.from({ length: 6 }, (_, i) => ({ displayPath: `f${i}.json`, diff: big })));
    const v = show(r);
    const took = performance.now() - started;
    assert.ok(v.subject.kind === 'remediation');
    let total = 0;
    for (const f of v.subject.files) {
      const n = f.diff.format === 'hunks' ? f.diff.hunks.reduce((s, h) => s + h.lines.length, 0) : 0;
      assert.ok(n <= LIMITS.linesPerFile);
      assert.equal(f.truncated, true);
      assert.equal(f.added, 60_000, 'the counts are of the whole diff');
      total += n;
    }
    assert.equal(total, 20_000, 'the request-wide budget');
    assert.ok(took < 5000, `took ${Math.round(took)} ms`);
  });

  it('a very long line is cut to the line limit and marked', () => {
    const v = show(withFiles([{ displayPath: 'a.json', diff: diffOf(['-a', `+${'y'.repeat(1_000_000)}`]) }]));
    assert.ok(v.subject.kind === 'remediation');
    const add = hunksOf(v.subject.files[0])[0]?.lines.find((l) => l.kind === 'add');
    assert.equal(add?.clipped, true);
    assert.ok((add?.text.length ?? 0) <= LIMITS.line);
  });

  it('a diff that does not parse is shown as escaped text', () => {
    const v = show(withFiles([{ displayPath: 'a.json', diff: '--- a\n+++ b\n@@ -1,1 +1,1 @@\n-a\n+b\n+c\n' }]));
    assert.ok(v.subject.kind === 'remediation');
    assert.equal(v.subject.files[0]?.diff.format, 'raw');
  });

  it('estimated time in words', () => {
    assert.equal(durationText('PT1M30S'), 'about 1 min 30 s');
    assert.equal(durationText('PT2H'), 'about 2 h');
    assert.equal(durationText('PT25S'), 'about 25 s');
    assert.equal(durationText('P1D'), 'P1D');
  });

  it("the protocol's enums agree with core's", () => {
    assert.deepEqual([...VIEW_STATES], [...APPROVAL_STATES]);
    assert.deepEqual([...SEVERITIES], [...CORE_SEVERITIES]);
    assert.deepEqual([...RISK_LEVELS], [...RiskLevelSchema.options]);
  });
});
