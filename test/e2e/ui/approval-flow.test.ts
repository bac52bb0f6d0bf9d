import assert from 'node:assert/strict';
import { execFileSync } from 'node:child_process';
import { cpSync, existsSync, readdirSync, readFileSync, writeFileSync } from 'node:fs';
import { basename, dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { Frame, Page } from 'playwright-core';
import { env, notLaunched, openWorkbench, runFromPalette, toast, type Workbench } from './support/workbench';

/**
 * The human in the loop, end to end, as a person does it in the browser: the MCP Oversight container,
 * a proposal pending in the Approvals tree, its diff preview (with a hostile server name that must stay
 * text), Approve, the notification, and the file changed on disk with the user's comment kept — then
 * the audit log, read and verified with our CLI. A screenshot of each step in test-results/e2e.
 */
const HOSTILE = 'search<img src=x onerror="document.title=\'pwned\'">';

function workspace(): string {
  const ws = join(dirname(env.workspace ?? '.'), 'workspace-ui-approval');
  cpSync(env.workspace ?? '.', ws, { recursive: true });
  writeFileSync(
    join(ws, '.kilocode', 'mcp.json'),
    [
      '{',
      '  // team servers: this comment must survive the fix',
      '  "mcpServers": {',
      `    ${JSON.stringify(HOSTILE)}: {`,
      '      "type": "streamable-http",',
      '      "url": "http://search.example.com/mcp"',
      '    }',
      '  }',
      '}',
      '',
    ].join('\n'),
  );
  return ws;
}

/** The webview frame (any depth) that has `selector`: VS Code nests the page in two iframes. */
async function webviewFrame(page: Page, selector: string, timeoutMs = 30_000): Promise<Frame> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    for (const f of page.frames()) {
      if ((await f.locator(selector).count().catch(() => 0)) > 0) return f;
    }
    if (Date.now() > until) throw new Error(`no webview frame has ${selector} after ${timeoutMs} ms`);
    await page.waitForTimeout(250);
  }
}

/**
 * The extension's store for `folder` in this code-server profile: `<user-data>/User/workspaceStorage/<id>/<ext>`,
 * whose metadata names the folder (other UI tests open other folders in the same profile).
 */
function storeDir(folder: string): string | undefined {
  const root = join(dirname(env.profiles ?? '.'), 'user-data', 'User', 'workspaceStorage');
  if (!existsSync(root)) return undefined;
  for (const id of readdirSync(root)) {
    // Desktop VS Code writes workspace.json (the folder's URI); code-server's web workbench meta.json (its name).
    const meta = ['workspace.json', 'meta.json'].map((f) => join(root, id, f)).filter((f) => existsSync(f)).map((f) => readFileSync(f, 'utf8')).join('\n');
    if (!meta.includes(encodeURI(folder)) && !meta.includes(`"name": ${JSON.stringify(basename(folder))}`)) continue;
    const dir = join(root, id, 'mcp-oversight.mcp-oversight');
    if (existsSync(join(dir, 'audit'))) return dir;
  }
  return undefined;
}

describe('UI: approve a proposed fix end to end', { skip: notLaunched }, () => {
  let wb: Workbench;
  let ws = '';
  let file = '';

  before(async () => {
    ws = workspace();
    file = join(ws, '.kilocode', 'mcp.json');
    wb = await openWorkbench('approval', ws);
  });

  after(async () => {
    await wb?.shot('last').catch(() => undefined);
    await wb?.close();
  });

  it('opens the MCP Oversight container from the activity bar', async () => {
    // VS Code 1.100 labels the activity bar entry itself (role tab); older builds labelled its link.
    const item = wb.page.locator('.part.activitybar .action-item[aria-label^="MCP Oversight"], .part.activitybar a[aria-label^="MCP Oversight"]').first();
    await item.waitFor({ state: 'visible', timeout: 45_000 });
    await item.click();
    await wb.page.locator('.pane-header', { hasText: 'Approvals' }).first().waitFor({ state: 'visible' });
    await wb.shot('container');
  });

  it('Propose Fixes puts a pending request in the Approvals tree and opens its diff preview', async () => {
    await runFromPalette(wb.page, 'MCP Oversight: Propose Fixes for the Findings', 60_000);
    const row = wb.page.locator('.pane', { has: wb.page.locator('.pane-header', { hasText: 'Approvals' }) }).locator('.monaco-list-row').first();
    await row.waitFor({ state: 'visible', timeout: 60_000 });
    await wb.shot('pending-in-tree');
    assert.match(await row.innerText(), /fix|Use https/i);
  });

  it('the diff preview shows the change and the hostile server name as text (no element, no script ran)', async () => {
    const f = await webviewFrame(wb.page, '#approve', 60_000);
    await f.locator('text=https://search.example.com').first().waitFor({ state: 'visible' });
    await wb.shot('diff-preview');
    const body = await f.locator('body').innerText();
    assert.ok(body.includes(HOSTILE), 'the name is shown exactly, as text');
    assert.equal(await f.locator('img').count(), 0, 'no <img> element was made from the name');
    assert.notEqual(await f.evaluate('document.title'), 'pwned');
    assert.equal(readFileSync(file, 'utf8').includes('https://'), false, 'nothing is written before the approval');
  });

  it('Approve applies it: the notification says so and the file changed, comment kept', async () => {
    const f = await webviewFrame(wb.page, '#approve');
    await f.locator('#approve').click();
    const note = toast(wb.page, /MCP Oversight: Applied/);
    await note.waitFor({ state: 'visible', timeout: 60_000 });
    await wb.shot('applied-notification');
    const text = readFileSync(file, 'utf8');
    assert.match(text, /"url": "https:\/\/search\.example\.com\/mcp"/);
    assert.match(text, /this comment must survive the fix/);
  });

  it('the decision is in the audit log with the approver, and the log verifies', () => {
    const store = storeDir(ws);
    assert.ok(store, 'the workspace store exists');
    const cli = join(process.cwd(), 'dist', 'cli.js');
    const entries = JSON.parse(execFileSync(process.execPath, [cli, 'audit', 'show', '--store', store, '--limit', '200', '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as { kind: string; actor: { id: string }; payload: Record<string, unknown> }[];
    const decided = entries.find((e) => e.kind === 'approval.decided');
    assert.equal(decided?.payload['decision'], 'approved');
    assert.ok((decided?.actor.id ?? '').length > 0);
    assert.ok(entries.some((e) => e.kind === 'execution.completed'));
    const report = JSON.parse(execFileSync(process.execPath, [cli, 'audit', 'verify', '--store', store, '--json'], { encoding: 'utf8', stdio: ['ignore', 'pipe', 'pipe'] })) as { ok: boolean };
    assert.equal(report.ok, true);
  });
});
