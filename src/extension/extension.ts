import * as vscode from 'vscode';
import { nodeFileSystem } from '../core/ports/node-file-system';
import { assessWorkspace } from './commands/assess-workspace';
import { presentError } from './present-error';

declare const PACKAGE_VERSION: string;

/** The composition root: everything the extension uses is built here and passed down. */
export function activate(context: vscode.ExtensionContext): void {
  const log = vscode.window.createOutputChannel('MCP Oversight', { log: true });
  const report = vscode.window.createOutputChannel('MCP Oversight Report');
  // Sibling extensions' storage folders live beside ours: KiloCode's mcp_settings.json, Cline's, Roo's.
  const vscodeGlobalStorage = vscode.Uri.joinPath(context.globalStorageUri, '..').fsPath;
  const version = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';

  const command = (id: string, run: () => Promise<void> | void) =>
    vscode.commands.registerCommand(id, async () => {
      try {
        await run();
      } catch (e) {
        await presentError(e, log);
      }
    });

  context.subscriptions.push(
    log,
    report,
    command('mcpOversight.assessWorkspace', () => assessWorkspace({ fs: nodeFileSystem, log, report, vscodeGlobalStorage, version })),
    command('mcpOversight.showLogs', () => log.show()),
  );
  log.info(`MCP Oversight ${version} activated`);
}

export function deactivate(): void {
  // Everything is disposed through context.subscriptions.
}
