import * as vscode from 'vscode';
import type { AssessmentStore, FolderAssessment } from './assessment-store';
import { ReassessScheduler } from './reassess-scheduler';
import { watchPatterns } from './watch-patterns';

export interface AutoAssessDeps {
  store: AssessmentStore;
  /** One folder's static assessment (injected: the heavy code stays in the lazily loaded core). */
  assess: (folder: vscode.WorkspaceFolder, primary: boolean) => Promise<FolderAssessment>;
  log: vscode.LogOutputChannel;
  /** Wait after activation before the first run, so activation itself stays fast. */
  startDelayMs?: number;
  debounceMs?: number;
}

/**
 * Keeps the store current: the static rules run in this process (nothing started, fine in an untrusted
 * workspace) shortly after activation, when a watched config or policy file is created, changed or
 * deleted, when an `mcpOversight.*` setting or the workspace folders change, and on `now()` (the
 * Assess command). Bursts are debounced and runs never overlap (ReassessScheduler).
 */
export class AutoAssessment implements vscode.Disposable {
  private readonly scheduler: ReassessScheduler;
  private readonly subs: vscode.Disposable[] = [];
  private disposed = false;
  private watchers: vscode.Disposable[] = [];
  private watchKey = '';

  constructor(private readonly d: AutoAssessDeps) {
    this.scheduler = new ReassessScheduler(() => this.runAll(), d.debounceMs ?? 500, (e) => d.log.error(`re-assessing the MCP configuration: ${e instanceof Error ? e.message : String(e)}`));
    this.subs.push(
      vscode.workspace.onDidChangeConfiguration((e) => {
        if (e.affectsConfiguration('mcpOversight')) this.scheduler.request();
      }),
      vscode.workspace.onDidChangeWorkspaceFolders(() => this.scheduler.request()),
    );
    this.scheduler.request(d.startDelayMs ?? 1000);
  }

  /** Re-assess now; resolves when the store holds a result read after this call. */
  now(): Promise<void> {
    return this.scheduler.now();
  }

  private async runAll(): Promise<void> {
    const folders = vscode.workspace.workspaceFolders ?? [];
    this.d.store.retain(folders.map((f) => f.uri.fsPath));
    const started = performance.now();
    await Promise.all(
      folders.map(async (folder, i) => {
        const ticket = this.d.store.ticket();
        try {
          const a = await this.d.assess(folder, i === 0);
          this.d.store.set(a, ticket);
          if (a.policyErrors.length > 0) this.d.log.warn(`${folder.name}: the MCP policy file is invalid, so the folder was not assessed (see Problems)`);
        } catch (e) {
          this.d.log.error(`assessing ${folder.name}: ${e instanceof Error ? e.message : String(e)}`);
        }
      }),
    );
    const all = this.d.store.all();
    this.d.log.info(`background assessment of ${folders.length} folder(s) took ${(performance.now() - started).toFixed(0)} ms; ${all.reduce((n, a) => n + a.findings.length, 0)} finding(s), ${this.d.store.serverCount()} server(s)`);
    this.rewatch(folders.map((f) => f.uri.fsPath), all.flatMap((a) => a.watch));
  }

  /** Watchers follow what discovery lists; they are rebuilt only when that list changes. */
  private rewatch(folders: string[], files: string[]): void {
    if (this.disposed) return; // a run that was in flight at dispose() must not make new watchers
    const patterns = watchPatterns(folders, files);
    const key = JSON.stringify(patterns);
    if (key === this.watchKey) return;
    this.watchKey = key;
    for (const w of this.watchers.splice(0)) w.dispose();
    const changed = () => this.scheduler.request();
    for (const p of patterns) {
      const w = vscode.workspace.createFileSystemWatcher(new vscode.RelativePattern(vscode.Uri.file(p.base), p.glob));
      this.watchers.push(w, w.onDidCreate(changed), w.onDidChange(changed), w.onDidDelete(changed));
    }
  }

  dispose(): void {
    this.disposed = true;
    this.scheduler.dispose();
    for (const s of [...this.subs.splice(0), ...this.watchers.splice(0)]) s.dispose();
  }
}
