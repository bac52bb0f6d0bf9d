import * as vscode from 'vscode';
import type { Coordinator } from '../../coordinator/coordinator';
import type { AssessmentStore } from './assessment-store';
import { liveHealthByServer } from './live-health';
import { serverTree, type ServerNode, type ServicesState } from './server-tree-model';

/**
 * The Servers view: server-tree-model.ts decides what it shows; this maps it to TreeItems. Tooltips are
 * MarkdownStrings that are neither trusted nor allowed HTML, and every line is appended as text, so a
 * server named like a markdown command link stays a name.
 */
export class ServersTree implements vscode.TreeDataProvider<ServerNode>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private coordinator: Coordinator | undefined;
  private readonly subs: { dispose(): void }[] = [];
  private coordinatorSubs: { dispose(): void }[] = [];
  private roots: ServerNode[] = [];
  private readonly lastHealth = new Map<string, string>();

  constructor(private readonly store: AssessmentStore) {
    this.subs.push(store.onDidChange(() => this.refresh()));
    this.refresh();
  }

  setCoordinator(c: Coordinator): void {
    for (const s of this.coordinatorSubs.splice(0)) s.dispose();
    this.coordinator = c;
    // Live results arrive as executed assessment requests; health as the servers' own events.
    this.coordinatorSubs.push(
      c.onApproval.on(({ request }) => {
        if (request.subject.kind === 'assessment' && request.state === 'executed') this.refresh();
      }),
      // Pings report health every few seconds: redraw only when what the view shows changed.
      c.onServerHealth.on((h) => {
        const key = `${h.state}/${h.breaker}/${h.restarts ?? 0}/${h.lastError?.at ?? ''}`;
        if (this.lastHealth.get(h.server) === key) return;
        this.lastHealth.set(h.server, key);
        this.refresh();
      }),
    );
    this.refresh();
  }

  refresh(): void {
    const c = this.coordinator;
    const services: ServicesState = c ? { kind: 'up', health: Object.values(c.health()) } : vscode.workspace.isTrusted ? { kind: 'not-started' } : { kind: 'untrusted' };
    const live = c ? liveHealthByServer(c.approvals({})) : new Map();
    const all = this.store.all();
    this.roots = serverTree(all, live, services);
    void vscode.commands.executeCommand('setContext', 'mcpOversight.noMcpConfig', all.length > 0 && this.roots.length === 0);
    this.changed.fire();
  }

  getChildren(node?: ServerNode): ServerNode[] {
    return node ? node.children : this.roots;
  }

  getTreeItem(n: ServerNode): vscode.TreeItem {
    const state = n.children.length === 0 ? vscode.TreeItemCollapsibleState.None : n.contextValue === 'mcpConfigFile' || n.contextValue === 'mcpServices' ? vscode.TreeItemCollapsibleState.Expanded : vscode.TreeItemCollapsibleState.Collapsed;
    const item = new vscode.TreeItem(n.label, state);
    item.id = n.id;
    item.contextValue = n.contextValue;
    if (n.description !== undefined) item.description = n.description;
    item.iconPath = n.color ? new vscode.ThemeIcon(n.icon, new vscode.ThemeColor(n.color)) : new vscode.ThemeIcon(n.icon);
    const tip = new vscode.MarkdownString('', false);
    tip.isTrusted = false;
    tip.supportHtml = false;
    n.tooltip.forEach((line, i) => {
      if (i > 0) tip.appendMarkdown('\n\n');
      tip.appendText(line);
    });
    item.tooltip = tip;
    if (n.open) item.command = { command: 'mcpOversight.openServerDefinition', title: 'Open Definition', arguments: [n] };
    return item;
  }

  dispose(): void {
    for (const s of [...this.subs.splice(0), ...this.coordinatorSubs.splice(0)]) s.dispose();
    this.changed.dispose();
  }
}

/** Opens the config file with the server's entry (or the finding) selected. */
export async function openServerDefinition(arg: unknown): Promise<void> {
  const open = (arg as Partial<ServerNode> | undefined)?.open;
  if (!open || typeof open.file !== 'string') return;
  const doc = await vscode.workspace.openTextDocument(vscode.Uri.file(open.file));
  const r = open.range;
  const selection = r ? new vscode.Range(r.startLine, r.startCharacter, r.endLine, r.endCharacter) : undefined;
  await vscode.window.showTextDocument(doc, { preview: true, ...(selection ? { selection } : {}) });
}
