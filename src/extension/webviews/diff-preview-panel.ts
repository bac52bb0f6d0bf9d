import * as vscode from 'vscode';
import type { ApprovalRequest } from '../../core/coordination/messages';
import type { HostToWebview } from '../../protocol/diff-preview';
import type { ExtensionCore } from '../core-loader';
import type { DiffPreviewController, DiffPreviewDeps } from './diff-preview-controller';
import { visible } from './visible-text';
import { WebviewBundle } from './webview-bundle';
import { webviewHtml } from './webview-html';

export const DIFF_PREVIEW_VIEW_TYPE = 'mcpOversight.diffPreview';

/**
 * The diff preview: a webview panel whose page inlines `dist/webview/main.js` and `main.css`
 * (webview-html.ts; the text is read once, by DiffPreviewPanels' WebviewBundle) and shows one approval
 * request at a time; `show` swaps the request by message, on the same page. The logic (message parsing,
 * binding to the subject hash, results) is in DiffPreviewController; this class is the vscode glue.
 * DiffPreviewPanels keeps at most one.
 */
export class DiffPreviewPanel implements vscode.Disposable {
  private readonly controller: DiffPreviewController;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    private readonly panel: vscode.WebviewPanel,
    request: ApprovalRequest,
    private readonly bundle: WebviewBundle,
    deps: DiffPreviewDeps,
    core: ExtensionCore,
    onDisposed: () => void,
  ) {
    this.controller = new core.DiffPreviewController(request, deps, (m: HostToWebview) => void this.panel.webview.postMessage(m));
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => {
        this.controller.receive(m).catch((e: unknown) => deps.log?.(`diff preview: ${e instanceof Error ? e.message : String(e)}`));
      }),
      panel.onDidDispose(() => {
        onDisposed();
        this.dispose();
      }),
    );
    this.render();
  }

  get requestId(): string {
    return this.controller.requestId;
  }

  reveal(): void {
    this.panel.reveal();
  }

  /** Show this request instead of the one shown (on the same page), or refresh it if it is the one shown. */
  show(request: ApprovalRequest): void {
    this.panel.title = panelTitle(request);
    this.controller.show(request);
  }

  /** A newer version of a request (from the coordinator's onApproval): the page refreshes if it shows it. */
  update(request: ApprovalRequest): void {
    if (request.id !== this.controller.requestId) return;
    this.panel.title = panelTitle(request);
    this.controller.update(request);
  }

  private render(): void {
    this.controller.reset();
    const webview = this.panel.webview;
    webview.html = webviewHtml({ cspSource: webview.cspSource, ...this.bundle.get() });
  }

  dispose(): void {
    for (const d of this.disposables.splice(0)) d.dispose();
    this.panel.dispose();
  }
}

export interface DiffPreviewPanelsOptions {
  /** `context.extensionUri`: the bundle is `dist/webview/` under it. */
  extensionUri: vscode.Uri;
  deps: DiffPreviewDeps;
  /** The lazily loaded core: DiffPreviewController (the protocol's schemas are costly to build at activation). */
  core: () => ExtensionCore;
}

/**
 * The diff preview panel, one at a time: `open` shows a request in the open panel (swapping what its page
 * shows, by message) or opens the panel. Reused, and its page kept while it is hidden
 * (retainContextWhenHidden), because a new webview page is the expensive part of showing a diff: in VS
 * Code's web workbench (code-server) each new webview registers the webview service worker again and
 * Chromium activates that version a second late (docs/ARCHITECTURE.md, "Webview pages"), so a new panel
 * or a hidden page loading again took 1.2-1.35 s against ~0.1 s for a page already loaded.
 */
export class DiffPreviewPanels implements vscode.Disposable {
  private current: DiffPreviewPanel | undefined;
  private readonly bundleRoot: vscode.Uri;
  private readonly bundle: WebviewBundle;

  constructor(private readonly options: DiffPreviewPanelsOptions) {
    this.bundleRoot = vscode.Uri.joinPath(options.extensionUri, 'dist', 'webview');
    this.bundle = new WebviewBundle(this.bundleRoot.fsPath, 'main');
  }

  open(request: ApprovalRequest, column: vscode.ViewColumn = vscode.ViewColumn.Active): DiffPreviewPanel {
    const open = this.current;
    if (open !== undefined) {
      open.show(request);
      open.reveal();
      return open;
    }
    const core = this.options.core();
    const panel = vscode.window.createWebviewPanel(DIFF_PREVIEW_VIEW_TYPE, panelTitle(request), column, {
      enableScripts: true,
      enableForms: false,
      enableCommandUris: false,
      retainContextWhenHidden: true,
      localResourceRoots: [this.bundleRoot],
    });
    const created: DiffPreviewPanel = new DiffPreviewPanel(panel, request, this.bundle, this.options.deps, core, () => {
      if (this.current === created) this.current = undefined;
    });
    this.current = created;
    return created;
  }

  /** Forward a coordinator event: the panel refreshes if it shows that request. */
  update(request: ApprovalRequest): void {
    this.current?.update(request);
  }

  /** The panel, if it shows this request. */
  get(requestId: string): DiffPreviewPanel | undefined {
    return this.current?.requestId === requestId ? this.current : undefined;
  }

  dispose(): void {
    this.current?.dispose();
    this.current = undefined;
  }
}

function panelTitle(request: ApprovalRequest): string {
  const what = request.subject.kind === 'remediation' ? 'Review change' : 'Review live assessment';
  return `${what}: ${visible(request.title, 80)}`;
}
