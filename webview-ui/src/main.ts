// The diff preview webview (browser bundle). The first import takes the time the script started (imports
// run before this module's body): the page reports how long it took to show the diff (issue 5: < 300 ms).
import { scriptStart } from './script-start';
import { HostToWebviewSchema, type ApprovalView, type WebviewToHost } from '../../src/protocol/diff-preview';
import { h } from './dom';
import { renderView, setBusy, showResult, type PageState } from './render';
import { WorkQueue } from './work-queue';
import './main.css';

declare function acquireVsCodeApi(): { postMessage(message: WebviewToHost): void };

const vscode = acquireVsCodeApi();
const post = (m: WebviewToHost) => vscode.postMessage(m);

const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
const banner = h('div', { class: 'result', hidden: true });
const live = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
const content = h('div', { class: 'content' });
app.replaceChildren(banner, content, live);

const state: PageState = { layout: 'unified', busy: false, queue: new WorkQueue() };
let view: ApprovalView | undefined;
let reported = false;

/**
 * Shows a request, or refreshes the one shown. The page is reused for every request the panel shows
 * (a new webview costs over a second in VS Code's web workbench): another request starts from a clean
 * page (no banner, no reason typed for the other one, at the top) and reports when its diff is painted.
 */
function show(next: ApprovalView, receivedAt: number): void {
  if (view !== undefined && view.requestId !== next.requestId) {
    reported = false;
    state.busy = false;
    state.queue.reset(); // the other request's remaining rows
    state.queue = new WorkQueue(); // and this one's wait for its first paint, as on a fresh page
    banner.hidden = true;
    banner.replaceChildren();
    live.textContent = '';
    content.replaceChildren();
    window.scrollTo(0, 0);
  }
  view = next;
  if (!next.decidable) state.busy = false;
  renderView(content, next, state, {
    decide(what, reason) {
      if (view === undefined) return;
      state.busy = true;
      setBusy(content, true);
      live.textContent = what === 'approve' ? 'Approving…' : 'Rejecting…';
      post({ type: what, requestId: view.requestId, subjectHash: view.subjectHash, ...(reason !== undefined ? { reason } : {}) });
    },
    openDiffEditor(file) {
      if (view !== undefined) post({ type: 'openDiffEditor', requestId: view.requestId, file });
    },
  });
  if (reported) state.queue.start();
  else {
    reported = true;
    const id = next.requestId;
    // After the next frame is painted: the diff is visible, not merely in the DOM.
    requestAnimationFrame(() =>
      setTimeout(() => {
        const ms = performance.now();
        const nav = performance.getEntriesByType('navigation')[0] as PerformanceNavigationTiming | undefined;
        post({ type: 'rendered', requestId: id, ms, sinceScriptMs: ms - scriptStart, sinceShowMs: ms - receivedAt, fetchStartMs: nav?.fetchStart ?? 0 });
        state.queue.start(); // the rest of a long diff, in slices
      }, 0),
    );
  }
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const receivedAt = performance.now();
  const parsed = HostToWebviewSchema.safeParse(event.data);
  if (!parsed.success) return; // not ours, or malformed: ignore rather than trust
  const msg = parsed.data;
  if (msg.type === 'show') show(msg.view, receivedAt);
  else if (view !== undefined && msg.requestId === view.requestId) {
    state.busy = false;
    setBusy(content, false);
    const shown = view;
    showResult(live, banner, msg, (freshRequestId) => post({ type: 'openRequest', requestId: shown.requestId, freshRequestId }));
  }
});

post({ type: 'ready' });
