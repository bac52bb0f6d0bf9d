import * as vscode from 'vscode';
import { OversightError } from '../../core/errors';
import type { Coordinator } from '../../coordinator/coordinator';
import type { ExtensionCore } from '../core-loader';
import { auditRetentionDays, booleanSetting, numberSetting } from '../settings';

/** The coordinator settings a person can change (package.json documents each). */
export function coordinatorSettings(cfg: vscode.WorkspaceConfiguration) {
  return {
    approvalTtlMs: numberSetting(cfg, 'approval.expiryHours', { min: 0.01, max: 24 * 30, fallback: 24 }) * 3_600_000,
    fourEyes: booleanSetting(cfg, 'approval.fourEyes', false),
  };
}

/**
 * Owns the coordinator of the first workspace folder: created on first use (not at activation, which
 * must stay fast), started in the background, stopped on dispose. Refuses in an untrusted workspace:
 * there only static assessment runs, in-process, and no process is started. `core` loads the heavy
 * bundle (dist/extension-core.js) that holds `createCoordinator`: on the first `get()`, not before.
 */
export class OversightHost implements vscode.Disposable {
  private pending: Promise<Coordinator> | undefined;
  private started: Coordinator | undefined;
  private readonly ready = new vscode.EventEmitter<Coordinator>();
  private readonly beforeStop: (() => Promise<unknown>)[] = [];
  private stopping: Promise<void> | undefined;
  /** Fires once the coordinator is up (subscribe to its events then). */
  readonly onReady = this.ready.event;

  constructor(
    private readonly context: vscode.ExtensionContext,
    private readonly log: vscode.LogOutputChannel,
    private readonly version: string,
    private readonly core: () => ExtensionCore,
  ) {}

  current(): Coordinator | undefined {
    return this.started;
  }

  get(): Promise<Coordinator> {
    if (!vscode.workspace.isTrusted) {
      return Promise.reject(new OversightError('APPROVAL_REQUIRED', 'This workspace is not trusted: MCP Oversight only runs static checks here (nothing is started or changed). Trust the workspace to review and apply changes.'));
    }
    const folder = vscode.workspace.workspaceFolders?.[0];
    const storage = this.context.storageUri;
    if (folder === undefined || storage === undefined) return Promise.reject(new OversightError('usage', 'Open a folder first: approvals and the audit log belong to a workspace.'));
    this.pending ??= (async () => {
      const cfg = vscode.workspace.getConfiguration('mcpOversight', folder.uri);
      const c = await this.core().createCoordinator({
        workspace: folder.uri.fsPath,
        store: storage.fsPath,
        distDir: vscode.Uri.joinPath(this.context.extensionUri, 'dist').fsPath,
        toolVersion: this.version,
        settings: coordinatorSettings(cfg),
        // Read when the coordinator starts (a change applies from the next start, e.g. a window reload).
        auditRetentionDays: auditRetentionDays(cfg),
        log: (line) => this.log.info(line),
      });
      await c.start();
      this.started = c;
      this.ready.fire(c);
      return c;
    })();
    this.pending.catch(() => (this.pending = undefined));
    return this.pending;
  }

  /**
   * Runs `fn` (and waits for it) before the coordinator stops, whichever way it is stopped: VS Code
   * calls deactivate() and disposes the subscriptions at once, without waiting. The HTTP API closes here.
   */
  onBeforeStop(fn: () => Promise<unknown>): void {
    this.beforeStop.push(fn);
  }

  /** Stops the servers and closes the audit log with its checkpoint (deactivate awaits this; one stop at a time). */
  stop(): Promise<void> {
    this.stopping ??= this.stopNow().finally(() => (this.stopping = undefined));
    return this.stopping;
  }

  private async stopNow(): Promise<void> {
    const c = this.started ?? (await this.pending?.catch(() => undefined));
    await Promise.allSettled(this.beforeStop.map((fn) => fn()));
    this.started = undefined;
    this.pending = undefined;
    if (c) await c.stop().catch((e: unknown) => this.log.error(`stopping the coordinator: ${String(e)}`));
  }

  dispose(): void {
    this.ready.dispose();
    void this.stop();
  }
}
