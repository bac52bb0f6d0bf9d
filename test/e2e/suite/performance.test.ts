import assert from 'node:assert/strict';
import { after, describe, it } from 'mocha';
import * as vscode from 'vscode';
import type { DiffRender, OversightApi } from '../../../src/extension/api';
import { activated, readOutput, waitFor } from './support/host';

/**
 * Issue 5's figures, measured inside a real VS Code: our code's activation time (target under 50 ms)
 * and the time from opening the diff preview to the diff being visible (target under 300 ms). The
 * figures are printed; the assertions are sanity bounds only (the machine is shared and slow at times,
 * and a flaky test would hide the figure rather than show it). The Node-side counterpart with
 * baselines is bench/extension-activation.bench.ts.
 */
async function api(): Promise<OversightApi> {
  const ext = await activated();
  const exports = ext.exports as OversightApi | undefined;
  assert.ok(exports && typeof exports.activationMs === 'number', 'activate() returns the OversightApi (src/extension/api.ts)');
  return exports;
}

/**
 * Where the time of one preview went, in order: the workbench creating the webview before the page's frame
 * began to navigate (host clock minus page clock, so approximate); the frame waiting before its document's
 * fetch could start (in code-server: the webview's service worker, which every new webview re-registers,
 * activating); the document fetched and written until our script ran; our script to the diff painted.
 */
function breakdown(r: DiffRender): string {
  const ms = (n: number) => `${Math.max(0, n).toFixed(0)} ms`;
  return `workbench before the page's frame ~${ms(r.hostMs - r.pageMs)}, the frame waiting to fetch its document ${ms(r.fetchStartMs)}, document to our script ${ms(r.pageMs - r.sinceScriptMs - r.fetchStartMs)}, our script to the diff painted ${ms(r.sinceScriptMs)}`;
}

/**
 * Prints a figure: in the test's title (what scripts/vscode-host/run-e2e.mjs lists from the results file;
 * the extension host's console is not shown there) and on the console (the desktop runner shows it).
 */
function figure(ctx: Mocha.Context, line: string): void {
  console.log(`      ${line}`);
  if (ctx.test) ctx.test.title += ` — ${line}`;
}

describe('performance', () => {
  let reviewed: string | undefined;

  after(async () => {
    // Leave nothing pending for the tests that follow: reject the proposal made here (the command asks for
    // an optional reason in an input box, which is accepted empty).
    if (reviewed === undefined) return;
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    let settled = false;
    void Promise.resolve(vscode.commands.executeCommand('mcpOversight.reject', reviewed)).finally(() => (settled = true));
    await waitFor('the reject command to return', async () => {
      await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
      return settled;
    }, 10_000, 250).catch((e: unknown) => console.log(`      (cleanup: ${e instanceof Error ? e.message : String(e)})`));
  });

  it('activation: our code, from the first line of dist/extension.js to the end of activate()', async function () {
    const a = await api();
    const load = a.activation.loadMs;
    figure(this, `activation: ${a.activationMs.toFixed(1)} ms (target < 50 ms; evaluating dist/extension.js ${load === undefined ? '?' : load.toFixed(1)} ms + activate() ${a.activation.activateMs.toFixed(1)} ms)`);
    assert.ok(load !== undefined, 'the build banner and footer time the bundle (scripts/build.mjs)');
    assert.ok(Number.isFinite(a.activationMs) && a.activationMs > 0);
    assert.ok(a.activationMs < 1000, `${a.activationMs.toFixed(0)} ms: something heavy runs at activation again`);
    assert.match(readOutput('MCP Oversight'), /activated in \d+(\.\d+)? ms/, 'the figure is in the log too');
  });

  it('diff visible: from opening the diff preview of a proposal to the diff painted', async function () {
    this.timeout(180_000);
    const a = await api();
    const before = a.diffRenders().length;
    const isNew = () => a.diffRenders().slice(before).at(-1);

    // Propose fixes for the fixture's findings: starts the coordinator (trusted workspace) if need be, and opens the preview.
    let failure: unknown;
    void Promise.resolve(vscode.commands.executeCommand('mcpOversight.proposeFixes')).catch((e: unknown) => (failure = e));
    const first: DiffRender = await waitFor('the diff preview of the proposal to be painted', () => {
      if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
      return isNew();
    }, 150_000, 20).catch((e: unknown) => {
      throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- MCP Oversight log ---\n${readOutput('MCP Oversight').slice(-3000)}`);
    });
    reviewed = first.requestId;
    const coreMs = a.coreLoadMs();
    figure(this, `diff visible: ${first.hostMs.toFixed(0)} ms (target < 300 ms), first preview of the session (${breakdown(first)})${coreMs === undefined ? '' : `; loading the extension's heavy half took ${coreMs.toFixed(0)} ms at first use`}`);

    // Open it again, warm: close the panel, then time from the command to the diff painted.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const count = a.diffRenders().length;
    const t0 = performance.now();
    await vscode.commands.executeCommand('mcpOversight.reviewApproval', first.requestId);
    const again = await waitFor('the reopened diff preview to be painted', () => a.diffRenders().slice(count).find((r) => r.requestId === first.requestId), 30_000, 5);
    const wall = performance.now() - t0;
    figure(this, `diff visible: ${again.hostMs.toFixed(0)} ms (target < 300 ms), opened again (${wall.toFixed(0)} ms from the command, as the test saw it; ${breakdown(again)})`);

    for (const r of [first, again]) assert.ok(Number.isFinite(r.hostMs) && r.hostMs > 0);
    assert.ok(again.hostMs < 5000, `${again.hostMs.toFixed(0)} ms to paint a small diff`);
  });
});
