import { HostToWebviewSchema, type HostToWebview, type WebviewToHost } from '../../src/protocol/findings-view';

// The webview bundle (browser platform). Issue 5 builds the full review UI on @vscode-elements/elements;
// this entry already follows its rules: messages parsed with the protocol schemas, text set through
// textContent only (strings from configs and servers are hostile), no inline script or style.
declare function acquireVsCodeApi(): { postMessage(message: WebviewToHost): void };

const vscode = acquireVsCodeApi();

function render(msg: Extract<HostToWebview, { type: 'showFindings' }>): void {
  const list = document.getElementById('findings');
  if (!list) return;
  list.replaceChildren(
    ...msg.findings.map((f) => {
      const li = document.createElement('li');
      li.textContent = `${f.severity.toUpperCase()} ${f.ruleId}${f.server === null ? '' : ` [${f.server}]`} ${f.file}:${f.line} — ${f.message}`;
      return li;
    }),
  );
}

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = HostToWebviewSchema.safeParse(event.data);
  if (!parsed.success) return; // not ours, or malformed: ignore rather than trust
  if (parsed.data.type === 'showFindings') render(parsed.data);
});

vscode.postMessage({ type: 'ready' });
