import * as vscode from 'vscode';
import type { AuditHostToWebview } from '../../protocol/audit-view';
import type { AuditViewController, AuditViewDeps } from './audit-view-controller';
import type { ExtensionCore } from '../core-loader';
import { WebviewBundle } from '../webviews/webview-bundle';
import { auditViewHtml } from './audit-view-html';

export const AUDIT_VIEW_ID = 'mcpOversight.audit';

/**
 * The sidebar audit panel (`mcpOversight.audit`, a webview view in the MCP Oversight container): the
 * vscode glue around AuditViewController. The page inlines `dist/webview/audit.js` and `audit.css` (read
 * once, on the first render) under a strict CSP with a fresh nonce per render; `localResourceRoots` is
 * `dist/webview` only. The controller (with the protocol's schemas) comes from the lazily loaded core, when
 * the view is first shown.
 */
export class AuditViewProvider implements vscode.WebviewViewProvider, vscode.Disposable {
  private readonly bundleRoot: vscode.Uri;
  private readonly bundle: WebviewBundle;
  private controller: AuditViewController | undefined;
  private readonly disposables: vscode.Disposable[] = [];

  constructor(
    extensionUri: vscode.Uri,
    private readonly deps: AuditViewDeps,
    private readonly core: () => ExtensionCore,
  ) {
    this.bundleRoot = vscode.Uri.joinPath(extensionUri, 'dist', 'webview');
    this.bundle = new WebviewBundle(this.bundleRoot.fsPath, 'audit');
  }

  register(): vscode.Disposable {
    return vscode.window.registerWebviewViewProvider(AUDIT_VIEW_ID, this);
  }

  resolveWebviewView(view: vscode.WebviewView): void {
    this.controller?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
    view.webview.options = { enableScripts: true, enableForms: false, enableCommandUris: false, localResourceRoots: [this.bundleRoot] };
    const deps: AuditViewDeps = {
      ...this.deps,
      // Verify shows its progress on the view too (the page shows "Verifying…").
      verify: () => Promise.resolve(vscode.window.withProgress({ location: { viewId: AUDIT_VIEW_ID } }, () => this.deps.verify())),
    };
    const controller = new (this.core().AuditViewController)(deps, (m: AuditHostToWebview) => void view.webview.postMessage(m));
    this.controller = controller;
    this.disposables.push(
      view.webview.onDidReceiveMessage((m: unknown) => {
        controller.receive(m).catch((e: unknown) => this.deps.log(`audit panel: ${e instanceof Error ? e.message : String(e)}`));
      }),
      view.onDidChangeVisibility(() => {
        // retainContextWhenHidden is off: a hidden view's page is discarded and loads (with a new nonce) when shown.
        // Rendered again with a fresh nonce; the page says `ready` and gets the rows already read.
        controller.setVisible(view.visible);
        if (view.visible) this.render(view);
        else controller.reset();
      }),
      view.onDidDispose(() => {
        controller.dispose();
        if (this.controller === controller) this.controller = undefined;
      }),
    );
    this.render(view);
  }

  private render(view: vscode.WebviewView): void {
    this.controller?.reset();
    view.webview.html = auditViewHtml({ cspSource: view.webview.cspSource, ...this.bundle.get() });
  }

  /** New entries were appended (a coordinator event): the panel reads again, debounced, if it is showing. */
  entriesAppended(): void {
    this.controller?.entriesAppended();
  }

  /** The coordinator came up or trust was granted. */
  availabilityChanged(): void {
    this.controller?.availabilityChanged();
  }

  dispose(): void {
    this.controller?.dispose();
    for (const d of this.disposables.splice(0)) d.dispose();
  }
}
