import assert from 'node:assert/strict';
import { after, before, describe, it } from 'node:test';
import { notLaunched, openWorkbench, panelText, runFromPalette, toast, type Workbench } from './support/workbench';

/** The packaged .vsix, installed into code-server, driven the way a person would: palette, notification, report. */
describe('UI: Assess Workspace MCP Configuration from the command palette', { skip: notLaunched }, () => {
  let wb: Workbench;
  const FINDINGS = /MCP Oversight: (\d+) finding\(s\) in the MCP configuration/;

  before(async () => {
    wb = await openWorkbench('assess');
  });

  after(async () => {
    await wb?.shot('last').catch(() => undefined);
    await wb?.close();
  });

  it('opens the workbench on the fixture workspace', async () => {
    await wb.page.locator('.explorer-folders-view', { hasText: '.kilocode' }).waitFor({ state: 'visible' });
    await wb.shot('workbench');
  });

  it('finds the command in the palette and runs it', async () => {
    const attempts = await runFromPalette(wb.page, 'MCP Oversight: Assess Workspace MCP Configuration');
    await wb.shot('palette-ran');
    assert.ok(attempts >= 1);
  });

  it('shows the number of findings in a notification', async () => {
    const note = toast(wb.page, FINDINGS);
    await note.waitFor({ state: 'visible', timeout: 30_000 });
    await wb.shot('findings-notification');
    const count = FINDINGS.exec(await note.innerText())?.[1];
    assert.equal(count, '3', 'test/e2e/fixtures/workspace/.kilocode/mcp.json has three deliberate problems');
  });

  it('opens the report from the notification, naming each rule and where', async () => {
    await toast(wb.page, FINDINGS).getByRole('button', { name: 'Show Report' }).click();
    const text = panelText(wb.page);
    await text.filter({ hasText: 'unpinned-npm-package' }).waitFor({ state: 'visible', timeout: 15_000 });
    await wb.shot('report');
    const shown = await text.innerText();
    assert.match(shown, /\.kilocode\/mcp\.json/);
    assert.match(shown, /insecure-http/);
  });
});
