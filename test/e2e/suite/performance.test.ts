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
 * Where the time of a preview on a new page went, in order: the workbench creating the webview before the
 * page's frame began to navigate (host clock minus page clock, so approximate); the frame waiting before its
 * document's fetch could start (in code-server: the webview's service worker, which every new webview
 * registers again, activating: see docs/ARCHITECTURE.md, "Webview pages"); the document fetched and written
 * until our script ran; our script to the diff painted. On the page already open (the preview reused): the
 * request's trip to the page (postMessage through the workbench) and the page's work to the paint.
 */
function breakdown(r: DiffRender): string {
  const ms = (n: number) => `${Math.max(0, n).toFixed(0)} ms`;
  if (r.reused) return `the open preview's page, reused: to the page ~${ms(r.hostMs - r.sinceShowMs)}, the page to the diff painted ${ms(r.sinceShowMs)}`;
  return `a new webview: workbench before the page's frame ~${ms(r.hostMs - r.pageMs)}, the frame waiting to fetch its document ${ms(r.fetchStartMs)}, document to our script ${ms(r.pageMs - r.sinceScriptMs - r.fetchStartMs)}, our script to the diff painted ${ms(r.sinceScriptMs)}`;
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
  const reviewed: string[] = [];

  after(async () => {
    // Leave nothing pending for the tests that follow: reject the proposals made here (the command asks for
    // an optional reason in an input box, which is accepted empty).
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    for (const id of reviewed) {
      let settled = false;
      void Promise.resolve(vscode.commands.executeCommand('mcpOversight.reject', id)).finally(() => (settled = true));
      await waitFor('the reject command to return', async () => {
        await vscode.commands.executeCommand('workbench.action.acceptSelectedQuickOpenItem');
        return settled;
      }, 10_000, 250).catch((e: unknown) => console.log(`      (cleanup: ${e instanceof Error ? e.message : String(e)})`));
    }
  });

  it('activation: our code, from the first line of dist/extension.js to the end of activate()', async function () {
    const a = await api();
    const load = a.activation.loadMs;
    const cpu = a.activation.cpuMs;
    figure(this, `activation: ${a.activationMs.toFixed(1)} ms (target < 50 ms; evaluating dist/extension.js ${load === undefined ? '?' : load.toFixed(1)} ms + activate() ${a.activation.activateMs.toFixed(1)} ms; the extension host's CPU time meanwhile ${cpu === undefined ? '?' : cpu.toFixed(1)} ms, all its threads: less than the wall clock when it waited for a core)`);
    assert.ok(load !== undefined && cpu !== undefined, 'the build banner and footer time the bundle (scripts/build.mjs)');
    assert.ok(Number.isFinite(a.activationMs) && a.activationMs > 0);
    assert.ok(a.activationMs < 1000, `${a.activationMs.toFixed(0)} ms: something heavy runs at activation again`);
    // The log channel reaches its file a moment after the line is written.
    await waitFor('the activation figure in the log', () => /activated in \d+(\.\d+)? ms/.test(readOutput('MCP Oversight')), 10_000, 100);
  });

  it('diff visible: from opening the diff preview of a proposal to the diff painted', async function () {
    this.timeout(240_000);
    const a = await api();

    /** Proposes fixes (starts the coordinator if need be; the command opens the preview) and waits for that diff to be painted. */
    const propose = async (what: string): Promise<DiffRender> => {
      const before = a.diffRenders().length;
      let failure: unknown;
      void Promise.resolve(vscode.commands.executeCommand('mcpOversight.proposeFixes')).catch((e: unknown) => (failure = e));
      const r = await waitFor(what, () => {
        if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
        return a.diffRenders().slice(before).find((x) => !reviewed.includes(x.requestId));
      }, 150_000, 20).catch((e: unknown) => {
        throw new Error(`${e instanceof Error ? e.message : String(e)}\n--- MCP Oversight log ---\n${readOutput('MCP Oversight').slice(-3000)}`);
      });
      reviewed.push(r.requestId);
      return r;
    };
    /** The Review command on a request (as the Approvals view's Review button runs it), timed from the command to the diff painted. */
    const review = async (requestId: string): Promise<{ render: DiffRender; wall: number }> => {
      const count = a.diffRenders().length;
      const t0 = performance.now();
      await vscode.commands.executeCommand('mcpOversight.reviewApproval', requestId);
      const render = await waitFor(`the preview of ${requestId} to be painted`, () => a.diffRenders().slice(count).find((r) => r.requestId === requestId), 30_000, 5);
      return { render, wall: performance.now() - t0 };
    };

    // 1. The first preview of the session: the command opens a new panel, hence a new webview.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const first = await propose('the diff preview of the proposal to be painted');
    const coreMs = a.coreLoadMs();
    figure(this, `diff visible: ${first.hostMs.toFixed(0)} ms (target < 300 ms), first preview of the session (${breakdown(first)})${coreMs === undefined ? '' : `; loading the extension's heavy half took ${coreMs.toFixed(0)} ms at first use`}`);

    // 2. The warm path: a second proposal is shown in the preview already open, and the person goes back and
    // forth between the two with Review. The panel and its page are reused: no new webview.
    const second = await propose('the second proposal to be painted in the open preview');
    const warm = [await review(first.requestId), await review(second.requestId), await review(first.requestId)];
    const worst = Math.max(...warm.map((w) => w.render.hostMs));
    figure(this, `diff visible: ${warm.map((w) => w.render.hostMs.toFixed(0)).join(' / ')} ms (target < 300 ms), opened again from Review while the preview is open (${warm.map((w) => w.wall.toFixed(0)).join(' / ')} ms from the command, as the test saw it; ${breakdown(warm.at(-1)!.render)}); the second proposal ${second.hostMs.toFixed(0)} ms after it was shown`);

    // 3. Hidden behind another editor and revealed: the page is kept (retainContextWhenHidden), nothing loads again.
    const renders = a.diffRenders().length;
    const doc = await vscode.workspace.openTextDocument({ content: 'another editor', language: 'plaintext' });
    await vscode.window.showTextDocument(doc, { preview: false });
    await vscode.commands.executeCommand('mcpOversight.reviewApproval', first.requestId);
    await new Promise((r) => setTimeout(r, 500));
    assert.equal(a.diffRenders().length, renders, 'revealing the hidden preview does not load its page again');

    // 4. Closed, then opened again: a new panel, hence a new webview, with what that costs in this workbench.
    await vscode.commands.executeCommand('workbench.action.closeAllEditors');
    const reopened = await review(first.requestId);
    figure(this, `diff visible: ${reopened.render.hostMs.toFixed(0)} ms (target < 300 ms), opened again after the preview was closed (${reopened.wall.toFixed(0)} ms from the command; ${breakdown(reopened.render)})`);

    for (const r of [first, second, reopened.render, ...warm.map((w) => w.render)]) assert.ok(Number.isFinite(r.hostMs) && r.hostMs > 0);
    assert.equal(first.reused, false);
    assert.equal(second.reused, true, 'the second proposal is shown in the open preview');
    assert.ok(warm.every((w) => w.render.reused), 'Review of another request reuses the open preview');
    assert.equal(reopened.render.reused, false, 'a closed preview is opened anew');
    assert.ok(worst < 2000, `${worst.toFixed(0)} ms to show another request in the open preview: its page is not reused any more?`);
    assert.ok(reopened.render.hostMs < 5000, `${reopened.render.hostMs.toFixed(0)} ms to paint a small diff`);
  });
});
