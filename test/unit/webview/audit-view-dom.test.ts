import assert from 'node:assert/strict';
import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Browser } from 'playwright-core';
import { auditViewHtml } from '../../../src/extension/audit/audit-view-html';
import { toRow, verifyView } from '../../../src/extension/audit/audit-view-model';
import type { AuditHostToWebview, AuditWebviewToHost } from '../../../src/protocol/audit-view';
import { entry, newestFirst, RTL } from '../extension/audit-view-fixtures';
import { ARTIFACTS, bundle, launch, openWebview, ORIGIN, postedMatching, skip } from './support/chromium-webview';

/**
 * The audit panel's bundle in a real Chromium under the HTML and CSP the view sets (as
 * webview-dom.test.ts does for the diff preview): hostile payload text stays text, no CSP violation,
 * the filter controls and buttons post the right messages, the broken state is shown as an alert.
 * Skipped, with the reason, when there is no Chromium (set CHROMIUM_PATH, or apt-get install chromium).
 */
const EVIL = '<img src=x onerror="window.__pwned=1"></style></script><script>window.__pwned=2</script>';

describe('audit panel webview in Chromium', { skip }, () => {
  let browser: Browser;
  let js = '';
  let css = '';

  before(async () => {
    ({ js, css } = await bundle('webview-ui/src/audit/main.ts'));
    browser = await launch();
  });

  after(async () => {
    await browser?.close();
  });

  const open = () =>
    openWebview<AuditWebviewToHost>(browser, {
      html: auditViewHtml({ cspSource: ORIGIN, script: js, style: css }),
      viewport: { width: 360, height: 900 },
      timezoneId: 'UTC',
    });
  const waitFor = (posted: () => Promise<AuditWebviewToHost[]>, pred: (m: AuditWebviewToHost) => boolean) => postedMatching(posted, pred);

  it('hostile text in payloads, actors and subjects shows as text; bidi overrides as escapes; no CSP violation', async () => {
    const { page, send, violations, requested } = await open();
    const hostile = entry(3, {
      kind: 'request.failed',
      actor: { id: RTL, label: EVIL, provider: 'os-user', verified: false },
      subject: { type: 'server', id: EVIL, server: RTL },
      payload: { code: 'SERVER_PROTOCOL', message: EVIL, description: `</script>${RTL}` },
    });
    const rows = [hostile, entry(2), entry(1, { kind: 'audit.accessed', payload: { query: { limit: 200 } } })].map(toRow);
    const msg: AuditHostToWebview = { type: 'entries', mode: 'replace', rows, hasOlder: true, filter: {}, reason: 'open' };
    await send({ type: 'verify', state: verifyView({ status: 'unverified' }) });
    await send(msg);
    await page.waitForSelector('li.entry');
    assert.equal(await page.locator('li.entry').count(), 3);
    // Expand the hostile entry with the keyboard.
    await page.locator('li.entry[data-seq="3"] summary').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('li.entry[data-seq="3"] details[open] pre.payload');
    mkdirSync(ARTIFACTS, { recursive: true });
    await page.screenshot({ path: join(ARTIFACTS, 'audit-panel.png'), fullPage: true });

    const pre = (await page.locator('li.entry[data-seq="3"] pre.payload').textContent()) ?? '';
    assert.equal(pre, rows[0]?.payload);
    assert.ok(pre.includes('<img src=x onerror=') && pre.includes('</script>'));
    assert.ok(pre.includes('gh\\\\u{202E}exe.') || pre.includes('gh\\u{202E}exe.'));
    const body = (await page.locator('body').textContent()) ?? '';
    assert.ok(!body.includes('\u202E'), 'no raw bidi override reaches the page');
    assert.ok(body.includes(`server ${EVIL}`), 'the subject id is shown as written');
    assert.ok(body.includes('os-user/gh\\u{202E}exe.') && body.includes('(unverified)'));
    assert.equal(await page.locator('img').count(), 0, 'no element made from data');
    assert.equal(await page.locator('script').count(), 1, 'only the bundle');
    assert.equal(await page.locator('style').count(), 1, "only the bundle's stylesheet (lit adopts its own)");
    assert.deepEqual(requested(), [], 'the page loads nothing: its bundle is inline');
    assert.equal(await page.evaluate('window.__pwned'), undefined);
    assert.ok(await page.locator('li.entry[data-seq="3"] .note').first().isVisible(), 'the escapes are explained');
    assert.deepEqual(await violations(), []);
    assert.ok(await page.evaluate<number>("document.querySelector('vscode-button')?.shadowRoot?.adoptedStyleSheets.length ?? 0"), 'lit components rendered and styled');
    await page.close();
  });

  it('filter controls post the right messages; Load older, Verify and Export post theirs; bad messages are dropped', async () => {
    const { page, posted, send, violations } = await open();
    // Not ours or malformed: dropped.
    await send({ type: 'entries', mode: 'replace', rows: [{ seq: 1, summary: '<b>x</b>' }], hasOlder: false, filter: {}, reason: 'open' });
    await send('<script>');
    await send({ type: 'unavailable', message: 1 });
    assert.equal(await page.locator('li.entry').count(), 0);
    await send({ type: 'entries', mode: 'replace', rows: newestFirst(5, 5).map(toRow), hasOlder: true, filter: {}, reason: 'open' });
    await page.waitForSelector('li.entry');

    // The filters are collapsed; open them with the keyboard.
    await page.locator('details.filters > summary').focus();
    await page.keyboard.press('Enter');
    await page.waitForSelector('details.filters[open]');
    // Server: type and press Enter (trimmed by the page).
    await page.locator('#server input').fill('  github ');
    await page.locator('#server input').press('Enter');
    const q1 = await waitFor(posted, (m) => m.type === 'query');
    assert.deepEqual(q1, { type: 'query', filter: { server: 'github' } });

    // Kind: choose from the dropdown (applies at once, with the server still set).
    await page.evaluate(`(() => { const s = document.querySelector('#kind'); s.value = 'auth.failed'; s.dispatchEvent(new Event('change', { bubbles: true })); })()`);
    const q2 = await waitFor(posted, (m) => m.type === 'query' && m.filter.kind !== undefined);
    assert.deepEqual(q2, { type: 'query', filter: { kind: 'auth.failed', server: 'github' } });

    // Actor and time range, then Apply with the keyboard.
    await page.locator('#actor input').fill('octocat');
    await page.locator('#since input').fill('2026-03-01T10:00');
    await page.locator('#until input').fill('2026-03-02T00:00');
    await page.locator('#apply').focus();
    await page.keyboard.press('Enter');
    const q3 = await waitFor(posted, (m) => m.type === 'query' && m.filter.actor !== undefined);
    assert.deepEqual(q3, { type: 'query', filter: { kind: 'auth.failed', server: 'github', actor: 'octocat', since: '2026-03-01T10:00:00.000Z', until: '2026-03-02T00:00:00.000Z' } });

    // The host's answer brings the filter back into the controls (e.g. after the page was reloaded).
    await send({ type: 'entries', mode: 'replace', rows: [], hasOlder: false, filter: { kind: 'approval.decided', server: 'x', since: '2026-03-01T10:00:00.000Z' }, reason: 'filter' });
    await page.waitForSelector('li.empty');
    assert.equal(await page.evaluate<string>("document.querySelector('#kind').value"), 'approval.decided');
    assert.equal(await page.evaluate<string>("document.querySelector('#since').value"), '2026-03-01T10:00');
    assert.equal(await page.locator('#older').isHidden(), true);
    assert.equal(await page.locator('details.filters > summary').textContent(), 'Filters (3 active)');

    // Clear posts an empty filter.
    await page.locator('#clear').click();
    await waitFor(posted, (m) => m.type === 'query' && Object.keys(m.filter).length === 0);

    await page.locator('#refresh').click();
    await waitFor(posted, (m) => m.type === 'refresh');
    assert.equal(await page.evaluate<boolean>("document.querySelector('#older').disabled"), true, 'busy until the answer');
    await send({ type: 'entries', mode: 'replace', rows: newestFirst(5, 5).map(toRow), hasOlder: true, filter: {}, reason: 'refresh' });
    await page.locator('#older').click();
    await waitFor(posted, (m) => m.type === 'loadOlder');
    await send({ type: 'entries', mode: 'older', rows: newestFirst(0, 0).map(toRow), hasOlder: false, filter: {}, reason: 'older' });

    await page.locator('#verify').click();
    await waitFor(posted, (m) => m.type === 'verify');
    await send({ type: 'verify', state: verifyView({ status: 'running' }) });
    await page.waitForSelector('.verify.running vscode-progress-ring');
    await send({ type: 'verify', state: { status: 'broken', text: 'BROKEN at seq 512: edited', details: ['entry 512 differs (segment-000000000001.jsonl:512)'] } });
    await page.waitForSelector('.verify.broken [role="alert"]');
    assert.equal(await page.locator('.verify.broken .headline').textContent(), 'BROKEN at seq 512: edited');
    await page.screenshot({ path: join(ARTIFACTS, 'audit-panel-broken.png'), fullPage: true });

    await page.locator('#export').click();
    await waitFor(posted, (m) => m.type === 'export');
    assert.deepEqual(await violations(), []);
    await page.close();
  });

  it('untrusted workspace: a clear message instead of the panel', async () => {
    const { page, send } = await open();
    await send({ type: 'unavailable', message: 'This workspace is not trusted. The audit log belongs to a trusted workspace.' });
    await page.waitForSelector('.unavailable');
    assert.ok(((await page.locator('body').textContent()) ?? '').includes('belongs to a trusted workspace'));
    assert.equal(await page.locator('#verify').count(), 0);
    await page.close();
  });
});
