// The sidebar audit panel (browser bundle, dist/webview/audit.js). Every message from the host is parsed
// with the protocol's schema; what does not fit is dropped. Text goes into the DOM through textContent only.
import { AuditHostToWebviewSchema, type AuditWebviewToHost } from '../../../src/protocol/audit-view';
import { h } from '../dom';
import { AuditPage } from './render';
import './audit.css';

declare function acquireVsCodeApi(): { postMessage(message: AuditWebviewToHost): void };

const vscode = acquireVsCodeApi();
const app = document.getElementById('app') ?? document.body.appendChild(h('main', { id: 'app' }));
const page = new AuditPage(app, (m) => vscode.postMessage(m));

window.addEventListener('message', (event: MessageEvent<unknown>) => {
  const parsed = AuditHostToWebviewSchema.safeParse(event.data);
  if (!parsed.success) return; // not ours, or malformed: ignore rather than trust (the host logs its own side)
  page.handle(parsed.data);
});

vscode.postMessage({ type: 'ready' });
