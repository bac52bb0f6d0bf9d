import type { ConfigError } from '../../core/model/config-error';
import type { ConfigSource } from '../../core/model/source';
import type { Finding } from '../../core/model/finding';
import type { McpServer } from '../../core/model/server';
import type { Severity } from '../../core/model/severity';

/** The latest static assessment of one workspace folder: what diagnostics, the Servers view and the status bar show. */
export interface FolderAssessment {
  /** The workspace folder (fsPath): the key. */
  folder: string;
  folderName: string;
  /** The first folder: the coordinator's, so the only one whose findings it can propose fixes for. */
  primary: boolean;
  /** Every finding, policy applied; views filter by `minimumSeverity`. */
  findings: readonly Finding[];
  /** Every candidate file, existing or not (the watcher watches them all). */
  sources: readonly ConfigSource[];
  servers: readonly McpServer[];
  minimumSeverity: Severity;
  /** Errors in the policy file: then the folder was not assessed (findings empty), as the CLI refuses to. */
  policyErrors: readonly ConfigError[];
  /** Files whose change means re-assessing: the candidates and the policy file. */
  watch: readonly string[];
  assessedAt: string;
}

/**
 * The one owner of "the latest assessment per folder". Writers take a ticket before they start, so a
 * slow run that started first cannot overwrite a newer result that finished before it.
 */
export class AssessmentStore {
  private readonly byFolder = new Map<string, { ticket: number; value: FolderAssessment }>();
  private readonly listeners = new Set<() => void>();
  private tickets = 0;

  /** Take before assessing; hand it back to `set`. */
  ticket(): number {
    return ++this.tickets;
  }

  /** Stores `a` unless something newer (a later ticket) is already there. Returns whether it was stored. */
  set(a: FolderAssessment, ticket: number): boolean {
    const old = this.byFolder.get(a.folder);
    if (old && old.ticket > ticket) return false;
    this.byFolder.set(a.folder, { ticket, value: a });
    this.fire();
    return true;
  }

  /** Forgets folders no longer in the workspace. */
  retain(folders: readonly string[]): void {
    const keep = new Set(folders);
    let changed = false;
    for (const k of [...this.byFolder.keys()]) {
      if (!keep.has(k)) changed = this.byFolder.delete(k) || changed;
    }
    if (changed) this.fire();
  }

  get(folder: string): FolderAssessment | undefined {
    return this.byFolder.get(folder)?.value;
  }

  /** Primary folder first, then by name. */
  all(): FolderAssessment[] {
    return [...this.byFolder.values()].map((e) => e.value).sort((a, b) => Number(b.primary) - Number(a.primary) || a.folderName.localeCompare(b.folderName));
  }

  /** Configured servers across the workspace, each file once (a global file is in every folder's model). */
  serverCount(): number {
    const seen = new Set<string>();
    for (const a of this.all()) for (const s of a.servers) seen.add(`${s.file}\u0000${s.name}`);
    return seen.size;
  }

  onDidChange(listener: () => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  private fire(): void {
    for (const l of [...this.listeners]) {
      try {
        l();
      } catch {
        // A failing view must not stop the others from updating.
      }
    }
  }
}
