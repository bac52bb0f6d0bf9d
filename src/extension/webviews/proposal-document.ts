import * as vscode from 'vscode';
import { sha256Hex } from '../../core/crypto/hash';
import type { ProposalFile } from '../../core/remediation/proposal-schema';

/**
 * "Open in diff editor": a proposal file's change in VS Code's own diff editor, through read-only
 * virtual documents (`mcp-oversight-proposal:`; a TextDocumentContentProvider's documents cannot be
 * saved). Left: the file as on disk now (empty when the proposal creates it). Right: the proposal's
 * exact new text. Unlike the webview, this shows `newText` unmasked: it is the person's own config file
 * in their own editor, and a secret it already holds is shown as it is in the file itself.
 */
export const PROPOSAL_SCHEME = 'mcp-oversight-proposal';

export type ReadText = (file: string) => Promise<string | undefined>;

export class ProposalDocumentProvider implements vscode.TextDocumentContentProvider, vscode.Disposable {
  private readonly texts = new Map<string, string>();
  private readonly changed = new vscode.EventEmitter<vscode.Uri>();
  readonly onDidChange = this.changed.event;

  provideTextDocumentContent(uri: vscode.Uri): string {
    return this.texts.get(uri.toString()) ?? '';
  }

  /** Registers the provider for PROPOSAL_SCHEME (push the result to context.subscriptions). */
  register(): vscode.Disposable {
    return vscode.Disposable.from(vscode.workspace.registerTextDocumentContentProvider(PROPOSAL_SCHEME, this), this);
  }

  /**
   * Opens the diff of `file` from request `requestId`. `read` gives the file's current text (undefined
   * when it does not exist). When that text no longer hashes to the proposal's base, the title says
   * so: the proposal would be refused as stale and a fresh one is needed.
   */
  async open(requestId: string, file: ProposalFile, read: ReadText): Promise<void> {
    const current = file.baseHash === 'absent' ? undefined : await read(file.file);
    const base = current ?? '';
    const changedSince = file.baseHash === 'absent' ? current !== undefined : current === undefined || sha256Hex(current) !== file.baseHash;
    const left = this.put(requestId, file, 'current', base);
    const right = this.put(requestId, file, 'proposed', file.newText);
    const name = file.displayPath.split('/').at(-1) ?? file.displayPath;
    const title = `${name}: current ↔ proposed${changedSince ? ' (the file changed since this was proposed)' : ''}`;
    await vscode.commands.executeCommand('vscode.diff', left, right, title, { preview: true });
  }

  private put(requestId: string, file: ProposalFile, side: 'current' | 'proposed', text: string): vscode.Uri {
    // The path keeps the file's name and extension so the editor picks the JSON/JSONC language.
    const uri = vscode.Uri.from({
      scheme: PROPOSAL_SCHEME,
      path: `/${side}/${encodeURIComponent(requestId)}/${file.displayPath.replace(/^\/+/, '')}`,
      query: `hash=${file.newHash.slice(0, 16)}`,
    });
    const key = uri.toString();
    const before = this.texts.get(key);
    this.texts.set(key, text);
    if (before !== undefined && before !== text) this.changed.fire(uri);
    return uri;
  }

  /** Forget a request's texts (when it is decided or its panel closes). */
  forget(requestId: string): void {
    const marker = `/${encodeURIComponent(requestId)}/`;
    for (const key of [...this.texts.keys()]) if (vscode.Uri.parse(key).path.includes(marker)) this.texts.delete(key);
  }

  dispose(): void {
    this.texts.clear();
    this.changed.dispose();
  }
}
