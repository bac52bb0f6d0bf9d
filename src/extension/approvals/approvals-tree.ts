import * as vscode from 'vscode';
import type { Coordinator } from '../../coordinator/coordinator';
import { approvalNodes, type TreeNodeModel } from './approval-tree-model';

/** The Approvals view: pending requests (badge = how many), each expanding to its risk, actions and expiry. */
export class ApprovalsTree implements vscode.TreeDataProvider<TreeNodeModel>, vscode.Disposable {
  private readonly changed = new vscode.EventEmitter<void>();
  readonly onDidChangeTreeData = this.changed.event;
  private coordinator: Coordinator | undefined;
  private view: vscode.TreeView<TreeNodeModel> | undefined;
  private subscription: { dispose(): void } | undefined;

  attach(view: vscode.TreeView<TreeNodeModel>): void {
    this.view = view;
    this.refresh();
  }

  setCoordinator(c: Coordinator): void {
    this.subscription?.dispose();
    this.coordinator = c;
    this.subscription = c.onApproval.on(() => this.refresh());
    this.refresh();
  }

  refresh(): void {
    const pending = this.coordinator ? approvalNodes(this.coordinator.approvals({ states: ['pending'] }), new Date()).length : 0;
    if (this.view) this.view.badge = pending > 0 ? { value: pending, tooltip: `${pending} MCP change${pending === 1 ? '' : 's'} awaiting your approval` } : undefined;
    void vscode.commands.executeCommand('setContext', 'mcpOversight.pendingApprovals', pending);
    this.changed.fire();
  }

  getChildren(node?: TreeNodeModel): TreeNodeModel[] {
    if (node) return node.children;
    return this.coordinator ? approvalNodes(this.coordinator.approvals({ states: ['pending'] }), new Date()) : [];
  }

  getTreeItem(n: TreeNodeModel): vscode.TreeItem {
    const item = new vscode.TreeItem(n.label, n.children.length > 0 ? vscode.TreeItemCollapsibleState.Collapsed : vscode.TreeItemCollapsibleState.None);
    item.id = n.id;
    item.tooltip = n.tooltip;
    item.contextValue = n.contextValue;
    item.iconPath = new vscode.ThemeIcon(n.icon);
    if (n.description !== undefined) item.description = n.description;
    if (n.contextValue.startsWith('approval.pending')) item.command = { command: 'mcpOversight.reviewApproval', title: 'Review', arguments: [n] };
    return item;
  }

  dispose(): void {
    this.subscription?.dispose();
    this.changed.dispose();
  }
}
