import type { AuditEntry } from '../../core/audit/audit-entry';
import type { AuditQuery } from '../../core/audit/audit-query';
import type { AuditVerifyReport } from '../../core/audit/audit-verify';
import { AUDIT_VIEW_LIMITS, AuditWebviewToHostSchema, type AuditFilter, type AuditHostToWebview, type AuditRow, type EntriesMessage, type VerifyView } from '../../protocol/audit-view';
import { filterToQuery, mergeOlder, normalizeFilter, olderQuery, toRow, verifyView } from './audit-view-model';

/**
 * What the audit panel needs, injected by extension.ts (so this file and the panel's vscode glue pull
 * neither the coordinator nor classic zod into the extension bundle).
 */
export interface AuditViewDeps {
  /**
   * Reads the log through the coordinator (`coordinator.readAudit(query, actor)`), which appends an
   * `audit.accessed` entry before it reads: every read this panel makes is audited.
   */
  read(query: AuditQuery): Promise<AuditEntry[]>;
  /** verifyAuditStore over the workspace's store. */
  verify(): Promise<AuditVerifyReport>;
  /** The export command (`mcpOversight.exportAudit`). */
  exportAudit(): Promise<void>;
  /** Why there is no audit to show here (untrusted workspace, no folder), or undefined when there is. */
  unavailable(): string | undefined;
  log(message: string): void;
  now?: () => Date;
  /** Quiet time after the last new-entry signal before the panel reads again (default 1 s). */
  liveDebounceMs?: number;
  /** At least this long between two automatic reads (default 5 s): a busy log adds one read per interval, not one per entry. */
  liveMinIntervalMs?: number;
}

type VerifyState = Parameters<typeof verifyView>[0];

/**
 * The sidebar audit panel's logic, without vscode: parses what the page sends (dropping and logging
 * what does not fit), reads pages through `deps.read`, keeps the rows shown, verifies and exports.
 *
 * Reads are audited (deps.read goes through coordinator.readAudit). So that an open panel does not fill
 * the log with its own reads:
 * - showing the panel again (its page is reloaded when it was hidden) re-sends the rows already read,
 *   it does not read again;
 * - a new-entry signal (the coordinator's events) reads again only while the panel is visible, after
 *   a quiet second, and at most once per `liveMinIntervalMs`; while hidden it marks the rows stale and
 *   the next show reads once. Each such read is one `audit.accessed` entry, like any other read;
 * - the `audit.accessed` entries this panel causes never trigger a read themselves (the coordinator's
 *   events do not fire for them), so there is no feedback loop.
 */
export class AuditViewController {
  private filter: AuditFilter = {};
  private rows: AuditRow[] = [];
  private hasOlder = false;
  private loaded = false;
  private stale = false;
  private pageReady = false;
  private visible = true;
  private verifyState: VerifyState = { status: 'unverified' };
  /** Bumped by every read that replaces the rows: an older read's answer is dropped. */
  private generation = 0;
  private liveTimer: ReturnType<typeof setTimeout> | undefined;
  private lastLiveRead = -Infinity;
  private disposed = false;

  constructor(
    private readonly deps: AuditViewDeps,
    private readonly post: (m: AuditHostToWebview) => void,
  ) {}

  /** A message from the page: parsed, then acted on. Anything else is logged and ignored. */
  async receive(raw: unknown): Promise<void> {
    const parsed = AuditWebviewToHostSchema.safeParse(raw);
    if (!parsed.success) {
      this.deps.log(`audit panel: ignored a message that does not fit the protocol (${describe(raw)})`);
      return;
    }
    const m = parsed.data;
    switch (m.type) {
      case 'ready':
        this.pageReady = true;
        return this.ready();
      case 'query':
        this.filter = normalizeFilter(m.filter);
        return this.load('filter');
      case 'refresh':
        return this.load('refresh');
      case 'loadOlder':
        return this.loadOlder();
      case 'verify':
        return this.verify();
      case 'export':
        if (this.unavailableMessage()) return;
        return this.deps.exportAudit().catch((e: unknown) => this.fail('export', e));
    }
  }

  /** The page was discarded (the view was hidden): it says `ready` again when it is back. */
  reset(): void {
    this.pageReady = false;
  }

  /** Visibility only: a page shown again says `ready`, which reads once if entries came meanwhile. */
  setVisible(visible: boolean): void {
    this.visible = visible;
  }

  /** The coordinator is up (or trust was granted): a page that showed "unavailable" can now read. */
  availabilityChanged(): void {
    if (this.pageReady) void this.ready();
  }

  /** Something was appended to the log (a coordinator event): read the newest entries again, debounced. */
  entriesAppended(): void {
    if (this.disposed || !this.loaded) return;
    this.stale = true;
    if (!this.visible || !this.pageReady) return;
    if (this.liveTimer !== undefined) clearTimeout(this.liveTimer);
    const now = this.now().getTime();
    const wait = Math.max(this.deps.liveDebounceMs ?? 1000, this.lastLiveRead + (this.deps.liveMinIntervalMs ?? 5000) - now);
    this.liveTimer = setTimeout(() => {
      this.liveTimer = undefined;
      if (this.stale && this.visible && this.pageReady) void this.load('live');
    }, wait);
    this.liveTimer.unref?.();
  }

  dispose(): void {
    this.disposed = true;
    if (this.liveTimer !== undefined) clearTimeout(this.liveTimer);
  }

  private now(): Date {
    return this.deps.now?.() ?? new Date();
  }

  private unavailableMessage(): string | undefined {
    const why = this.deps.unavailable();
    if (why !== undefined) this.send({ type: 'unavailable', message: why.slice(0, AUDIT_VIEW_LIMITS.message) });
    return why;
  }

  private async ready(): Promise<void> {
    if (this.unavailableMessage()) return;
    this.send({ type: 'verify', state: this.verifyViewNow() });
    // Rows already read are shown again without another (audited) read, unless entries came since.
    if (this.loaded && !this.stale) this.resend();
    else await this.load(this.loaded ? 'live' : 'open');
  }

  private async load(reason: EntriesMessage['reason']): Promise<void> {
    if (this.unavailableMessage()) return;
    const gen = ++this.generation;
    if (reason === 'live') this.lastLiveRead = this.now().getTime();
    this.stale = false;
    if (reason !== 'live') this.send({ type: 'loading' });
    let entries: AuditEntry[];
    const query = filterToQuery(this.filter);
    try {
      entries = await this.deps.read(query);
    } catch (e) {
      if (gen === this.generation) this.fail('reading the audit log', e);
      return;
    }
    if (gen !== this.generation || this.disposed) return;
    const fetched = entries.slice(0, AUDIT_VIEW_LIMITS.page).map(toRow);
    const full = entries.length >= (query.limit ?? Infinity);
    const newest = this.rows[0]?.seq;
    const overlap = newest !== undefined && fetched.some((r) => r.seq === newest);
    if (reason === 'live' && this.loaded && overlap) {
      // Only what is newer than the rows shown; the older pages the person loaded stay.
      const newer = fetched.filter((r) => r.seq > (newest ?? 0));
      this.rows = [...newer, ...this.rows].slice(0, AUDIT_VIEW_LIMITS.maxRows);
      if (newer.length > 0) this.send(this.entries('newer', newer, 'live'));
      return;
    }
    this.rows = fetched;
    this.hasOlder = full;
    this.loaded = true;
    this.send(this.entries('replace', this.rows, reason));
  }

  private async loadOlder(): Promise<void> {
    if (this.unavailableMessage()) return;
    const query = olderQuery(this.filter, this.rows);
    if (query === undefined || !this.hasOlder || this.rows.length >= AUDIT_VIEW_LIMITS.maxRows) return;
    const gen = this.generation;
    this.send({ type: 'loading' });
    let entries: AuditEntry[];
    try {
      entries = await this.deps.read(query);
    } catch (e) {
      this.fail('reading older audit entries', e);
      return;
    }
    if (gen !== this.generation || this.disposed) return;
    const older = mergeOlder(this.rows, entries.map(toRow)).slice(0, AUDIT_VIEW_LIMITS.page);
    this.rows = [...this.rows, ...older];
    this.hasOlder = entries.length >= (query.limit ?? Infinity) && older.length > 0 && this.rows.length < AUDIT_VIEW_LIMITS.maxRows;
    this.send(this.entries('older', older, 'older'));
  }

  private async verify(): Promise<void> {
    if (this.verifyState.status === 'running' || this.unavailableMessage()) return;
    this.verifyState = { status: 'running' };
    this.send({ type: 'verify', state: this.verifyViewNow() });
    try {
      const report = await this.deps.verify();
      this.verifyState = { status: 'done', report, at: this.now() };
    } catch (e) {
      this.verifyState = { status: 'error', message: e instanceof Error ? e.message : String(e) };
    }
    this.send({ type: 'verify', state: this.verifyViewNow() });
  }

  /** The verify state as the page shows it (the panel's badge uses it too). */
  verifyViewNow(): VerifyView {
    return verifyView(this.verifyState);
  }

  /** The rows already read, again, in pages (a message carries at most two pages). */
  private resend(): void {
    const n = AUDIT_VIEW_LIMITS.page;
    this.send(this.entries('replace', this.rows.slice(0, n), 'open'));
    for (let i = n; i < this.rows.length; i += n) this.send(this.entries('older', this.rows.slice(i, i + n), 'open'));
  }

  private entries(mode: EntriesMessage['mode'], rows: AuditRow[], reason: EntriesMessage['reason']): EntriesMessage {
    return { type: 'entries', mode, rows, hasOlder: this.hasOlder && this.rows.length < AUDIT_VIEW_LIMITS.maxRows, filter: this.filter, reason };
  }

  private fail(what: string, e: unknown): void {
    const message = e instanceof Error ? e.message : String(e);
    this.deps.log(`audit panel: ${what}: ${message}`);
    this.send({ type: 'error', message: `${what}: ${message}`.slice(0, AUDIT_VIEW_LIMITS.message) });
  }

  private send(m: AuditHostToWebview): void {
    if (this.pageReady && !this.disposed) this.post(m);
  }
}

function describe(raw: unknown): string {
  if (typeof raw !== 'object' || raw === null) return typeof raw;
  const t = (raw as { type?: unknown }).type;
  return typeof t === 'string' ? `type ${JSON.stringify(t.slice(0, 40))}` : 'no type';
}
