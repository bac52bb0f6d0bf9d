import * as vscode from 'vscode';
import type { ApprovalRequest } from '../../core/coordination/messages';
import type { HostToWebview } from '../../protocol/diff-preview';
import { DiffPreviewController, type DiffPreviewDeps } from './diff-preview-controller';
import { visible } from './visible-text';
import { WebviewBundle } from './webview-bundle';
import { webviewHtml } from './webview-html';

export const DIFF_PREVIEW_VIEW_TYPE = 'mcpOversight.diffPreview';

/**
 * The diff preview of one approval request: a webview panel whose page inlines `dist/webview/main.js`
 * and `main.css` (webview-html.ts; the text is read once, by DiffPreviewPanels' WebviewBundle). The logic
 * (message parsing, binding to the subject hash, results) is in DiffPreviewController; this class is
 * the vscode glue. Create panels through DiffPreviewPanels, which keeps one per request id.
 */
export class DiffPreviewPanel implements vscode.Disposable {
  private readonly controller: DiffPreviewController;
  private readonly disposables: vscode.Disposable[] = [];
  private wasVisible = true;

  constructor(
    private readonly panel: vscode.WebviewPanel,
    request: ApprovalRequest,
    private readonly bundle: WebviewBundle,
    deps: DiffPreviewDeps,
    onDisposed: () => void,
  ) {
    this.controller = new DiffPreviewController(request, deps, (m: HostToWebview) => void this.panel.webview.postMessage(m));
    this.disposables.push(
      panel.webview.onDidReceiveMessage((m: unknown) => {
        this.controller.receive(m).catch((e: unknown) => deps.log?.(`diff preview: ${e instanceof Error ? e.message : String(e)}`));
      }),
      panel.onDidChangeViewState(() => {
        // retainContextWhenHidden is off: the page is discarded when hidden and loads again when shown.
        // It loads with fresh HTML (a new nonce) and says `ready` again.
        if (!panel.visible) this.controller.reset();
        else if (!this.wasVisible) this.render();
        this.wasVisible = panel.visible;
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

  /** A newer version of the request (from the coordinator's onApproval): refresh the page. */
  update(request: ApprovalRequest): void {
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
}

/** One diff preview panel per approval request id: `open` shows it (or reveals the open one). */
export class DiffPreviewPanels implements vscode.Disposable {
  private readonly panels = new Map<string, DiffPreviewPanel>();
  private readonly bundleRoot: vscode.Uri;
  private readonly bundle: WebviewBundle;

  constructor(private readonly options: DiffPreviewPanelsOptions) {
    this.bundleRoot = vscode.Uri.joinPath(options.extensionUri, 'dist', 'webview');
    this.bundle = new WebviewBundle(this.bundleRoot.fsPath, 'main');
  }

  open(request: ApprovalRequest, column: vscode.ViewColumn = vscode.ViewColumn.Active): DiffPreviewPanel {
    const open = this.panels.get(request.id);
    if (open !== undefined) {
      open.update(request);
      open.reveal();
      return open;
    }
    const panel = vscode.window.createWebviewPanel(DIFF_PREVIEW_VIEW_TYPE, panelTitle(request), column, {
      enableScripts: true,
      enableForms: false,
      enableCommandUris: false,
      retainContextWhenHidden: false,
      localResourceRoots: [this.bundleRoot],
    });
    const created = new DiffPreviewPanel(panel, request, this.bundle, this.options.deps, () => this.panels.delete(request.id));
    this.panels.set(request.id, created);
    return created;
  }

  /** Forward a coordinator event: the panel of that request (if open) refreshes. */
  update(request: ApprovalRequest): void {
    this.panels.get(request.id)?.update(request);
  }

  get(requestId: string): DiffPreviewPanel | undefined {
    return this.panels.get(requestId);
  }

  dispose(): void {
    for (const p of [...this.panels.values()]) p.dispose();
    this.panels.clear();
  }
}

function panelTitle(request: ApprovalRequest): string {
  const what = request.subject.kind === 'remediation' ? 'Review change' : 'Review live assessment';
  return `${what}: ${visible(request.title, 80)}`;
}
