import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-option/index.js';
import '@vscode-elements/elements/dist/vscode-progress-ring/index.js';
import '@vscode-elements/elements/dist/vscode-single-select/index.js';
import '@vscode-elements/elements/dist/vscode-textfield/index.js';
import { AUDIT_VIEW_KINDS, AUDIT_VIEW_LIMITS, type AuditFilter, type AuditHostToWebview, type AuditRow, type AuditWebviewToHost, type VerifyView } from '../../../src/protocol/audit-view';
import { h, srOnly } from '../dom';

type Button = HTMLElement & { disabled: boolean; secondary: boolean };
type Field = HTMLElement & { value: string };

/** `2026-03-01T10:00:00.000Z` -> the `datetime-local` value of that instant in this browser's time zone. */
export function toLocalInput(iso: string | undefined): string {
  if (iso === undefined) return '';
  const d = new Date(iso);
  if (Number.isNaN(d.getTime())) return '';
  const p = (n: number) => String(n).padStart(2, '0');
  return `${d.getFullYear()}-${p(d.getMonth() + 1)}-${p(d.getDate())}T${p(d.getHours())}:${p(d.getMinutes())}`;
}

/** A `datetime-local` (or `date`) value, read in this browser's time zone, as ISO; undefined when empty or invalid. */
export function fromLocalInput(value: string): string | undefined {
  const v = value.trim();
  if (v === '') return undefined;
  const d = new Date(/^\d{4}-\d{2}-\d{2}$/.test(v) ? `${v}T00:00` : v);
  return Number.isNaN(d.getTime()) ? undefined : d.toISOString();
}

function localTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

/**
 * The panel: the chain's verification state with Verify / Export, the filters, the entries (newest
 * first; each expands to its payload), "Load older", and a live region that announces what changed.
 */
export class AuditPage {
  private readonly verifyBox = h('section', { class: 'verify unverified', 'aria-labelledby': 'verify-h' });
  private readonly filters: HTMLElement;
  private readonly list = h('ol', { class: 'entries', 'aria-labelledby': 'entries-h' });
  private readonly older = h('vscode-button', { id: 'older', secondary: true, hidden: true }, 'Load older entries') as Button;
  private readonly count = h('span', { class: 'count' });
  /** "(2 active)" beside the collapsed Filters heading. */
  private readonly active = h('span', { class: 'count' });
  private readonly banner = h('div', { class: 'error', role: 'alert', hidden: true });
  private readonly live = h('div', { class: 'sr-only', role: 'status', 'aria-live': 'polite', 'aria-atomic': 'true' });
  private readonly body: HTMLElement;
  private readonly fields: { kind: Field; server: Field; actor: Field; since: Field; until: Field };
  private verifyRunning = false;

  constructor(
    private readonly root: HTMLElement,
    private readonly post: (m: AuditWebviewToHost) => void,
  ) {
    const kind = h('vscode-single-select', { id: 'kind', label: 'Kind' }, h('vscode-option', { value: '' }, 'All kinds'), ...AUDIT_VIEW_KINDS.map((k) => h('vscode-option', { value: k }, k))) as Field;
    const text = (id: string, label: string, placeholder: string, type = 'text') =>
      h('vscode-textfield', { id, label, placeholder, type, maxlength: String(AUDIT_VIEW_LIMITS.filterText) }) as Field;
    this.fields = {
      kind,
      server: text('server', 'Server', 'any server'),
      actor: text('actor', 'Actor id', 'any actor'),
      since: text('since', 'From (inclusive)', '', 'datetime-local'),
      until: text('until', 'To (exclusive)', '', 'datetime-local'),
    };
    const apply = h('vscode-button', { id: 'apply' }, 'Apply filters') as Button;
    const clear = h('vscode-button', { id: 'clear', secondary: true }, 'Clear') as Button;
    apply.addEventListener('click', () => this.applyFilters());
    clear.addEventListener('click', () => {
      for (const f of Object.values(this.fields)) f.value = '';
      this.applyFilters();
    });
    kind.addEventListener('change', () => this.applyFilters());
    for (const f of [this.fields.server, this.fields.actor, this.fields.since, this.fields.until]) {
      f.addEventListener('keydown', (e: KeyboardEvent) => {
        if (e.key === 'Enter') this.applyFilters();
      });
    }
    const field = (id: string, label: string, el: HTMLElement) => h('div', { class: 'field' }, h('label', { for: id }, label), el);
    this.filters = h(
      'details',
      { class: 'filters' },
      h('summary', {}, h('h2', { id: 'filters-h' }, 'Filters ', this.active)),
      h(
        'div',
        { class: 'grid' },
        field('kind', 'Kind', kind),
        field('server', 'Server', this.fields.server),
        field('actor', 'Actor id', this.fields.actor),
        field('since', 'From', this.fields.since),
        field('until', 'To', this.fields.until),
      ),
      h('div', { class: 'buttons' }, apply, clear),
    );
    this.older.addEventListener('click', () => {
      this.setBusy(true);
      this.post({ type: 'loadOlder' });
    });
    const refresh = h('vscode-button', { id: 'refresh', secondary: true }, 'Refresh') as Button;
    refresh.addEventListener('click', () => {
      this.setBusy(true);
      this.post({ type: 'refresh' });
    });
    this.body = h(
      'div',
      { class: 'body' },
      this.verifyBox,
      this.filters,
      h('section', { 'aria-labelledby': 'entries-h' }, h('div', { class: 'entries-head' }, h('h2', { id: 'entries-h' }, 'Entries, newest first ', this.count), refresh), this.banner, this.list, this.older),
    );
    this.renderVerify({ status: 'unverified', text: 'Not verified yet', details: [] });
    this.root.replaceChildren(this.body, this.live);
  }

  handle(m: AuditHostToWebview): void {
    switch (m.type) {
      case 'unavailable':
        this.root.replaceChildren(h('div', { class: 'unavailable', role: 'status' }, h('h2', {}, 'No audit log here'), h('p', { class: 'pre' }, m.message)), this.live);
        this.root.setAttribute('aria-busy', 'false');
        return;
      case 'loading':
        this.setBusy(true);
        return;
      case 'error':
        this.setBusy(false);
        this.banner.hidden = false;
        this.banner.textContent = m.message;
        return;
      case 'verify':
        if (!this.root.contains(this.body)) this.root.replaceChildren(this.body, this.live);
        this.renderVerify(m.state);
        return;
      case 'entries': {
        if (!this.root.contains(this.body)) this.root.replaceChildren(this.body, this.live);
        this.banner.hidden = true;
        this.setBusy(false);
        const items = m.rows.map((r) => entryItem(r));
        if (m.mode === 'replace') {
          this.list.replaceChildren(...items);
          this.showFilter(m.filter);
        } else if (m.mode === 'older') this.list.append(...items);
        else this.list.prepend(...items);
        this.older.hidden = !m.hasOlder;
        const n = this.list.children.length;
        this.count.textContent = `(${n} shown)`;
        if (n === 0) this.list.replaceChildren(h('li', { class: 'empty' }, 'No entries match.'));
        else this.list.querySelector(':scope > li.empty')?.remove();
        const what = m.reason === 'live' ? `${m.rows.length} new audit entries` : m.reason === 'older' ? `${m.rows.length} older entries loaded` : `${m.rows.length} audit entries shown`;
        if (m.reason !== 'open' || m.mode === 'replace') this.live.textContent = what;
        return;
      }
    }
  }

  private applyFilters(): void {
    const f: AuditFilter = {};
    const kind = this.fields.kind.value;
    if ((AUDIT_VIEW_KINDS as readonly string[]).includes(kind)) f.kind = kind as AuditFilter['kind'];
    const server = this.fields.server.value.trim().slice(0, AUDIT_VIEW_LIMITS.filterText);
    if (server !== '') f.server = server;
    const actor = this.fields.actor.value.trim().slice(0, AUDIT_VIEW_LIMITS.filterText);
    if (actor !== '') f.actor = actor;
    const since = fromLocalInput(this.fields.since.value);
    if (since !== undefined) f.since = since;
    const until = fromLocalInput(this.fields.until.value);
    if (until !== undefined) f.until = until;
    this.setBusy(true);
    this.post({ type: 'query', filter: f });
  }

  /** The filter the host applied, back into the controls (after the page was reloaded, say). */
  private showFilter(f: AuditFilter): void {
    this.fields.kind.value = f.kind ?? '';
    this.fields.server.value = f.server ?? '';
    this.fields.actor.value = f.actor ?? '';
    this.fields.since.value = toLocalInput(f.since);
    this.fields.until.value = toLocalInput(f.until);
    const n = Object.keys(f).length;
    this.active.textContent = n > 0 ? `(${n} active)` : '';
    if (n > 0) this.filters.setAttribute('open', '');
  }

  private setBusy(busy: boolean): void {
    this.root.setAttribute('aria-busy', String(busy));
    this.older.disabled = busy;
  }

  private renderVerify(v: VerifyView): void {
    const running = v.status === 'running';
    const verify = h('vscode-button', { id: 'verify' }, running ? 'Verifying…' : 'Verify') as Button;
    verify.disabled = running;
    verify.addEventListener('click', () => {
      if (this.verifyRunning) return;
      this.post({ type: 'verify' });
    });
    const exp = h('vscode-button', { id: 'export', secondary: true }, 'Export…') as Button;
    exp.addEventListener('click', () => this.post({ type: 'export' }));
    this.verifyBox.className = `verify ${v.status}`;
    this.verifyBox.replaceChildren(
      h('h2', { id: 'verify-h', class: 'sr-only' }, 'Chain verification'),
      h('p', { class: 'headline' }, running ? h('vscode-progress-ring', { 'aria-label': 'Verifying' }) : null, v.status === 'broken' ? h('strong', {}, v.text) : v.text),
      h('div', { class: 'buttons' }, verify, exp),
    );
    if (v.details.length > 0) this.verifyBox.insertBefore(h('ul', { class: 'details' }, ...v.details.map((d) => h('li', { class: 'pre' }, d))), this.verifyBox.lastChild);
    // A verdict is announced; the broken one assertively (role=alert on the headline).
    if (v.status === 'broken') this.verifyBox.querySelector('.headline')?.setAttribute('role', 'alert');
    if (this.verifyRunning && !running) this.live.textContent = v.text;
    this.verifyRunning = running;
  }
}

function entryItem(r: AuditRow): HTMLElement {
  const actor = `${r.actor.provider}/${r.actor.id}`;
  return h(
    'li',
    { class: `entry kind-${r.kind.replace(/[^a-z-]/g, '-')}`, 'data-seq': String(r.seq) },
    h(
      'details',
      {},
      h(
        'summary',
        {},
        h('span', { class: 'line1' }, h('time', { datetime: r.ts }, localTime(r.ts)), ' ', h('vscode-badge', { class: 'kind' }, r.kind), ' ', h('span', { class: 'seq' }, `#${r.seq}`)),
        h(
          'span',
          { class: 'line2' },
          h('span', { class: `actor ${r.actor.verified ? 'verified' : 'unverified'}`, title: r.actor.label }, actor),
          h('span', { class: 'flag' }, r.actor.verified ? ' ✓' : ' (unverified)'),
          srOnly(r.actor.verified ? ', verified identity' : ''),
          ' → ',
          h('span', { class: 'subject' }, `${r.subject.type} ${r.subject.id}${r.subject.server !== undefined ? ` on ${r.subject.server}` : ''}`),
        ),
        h('span', { class: 'summary' }, r.summary),
      ),
      h(
        'dl',
        { class: 'facts' },
        h('dt', {}, 'Seq'),
        h('dd', {}, String(r.seq)),
        h('dt', {}, 'Time (UTC)'),
        h('dd', {}, r.ts),
        h('dt', {}, 'Actor'),
        h('dd', {}, `${r.actor.label} (${actor}, ${r.actor.verified ? 'verified' : 'not verified'})`),
        h('dt', {}, 'Subject'),
        h('dd', {}, `${r.subject.type} ${r.subject.id}${r.subject.server !== undefined ? ` · server ${r.subject.server}` : ''}`),
      ),
      r.hidden ? h('p', { class: 'note' }, 'Invisible or direction-changing characters in this entry are shown as \\u{…} escapes.') : null,
      h('pre', { class: 'payload', tabindex: '0', 'aria-label': `Payload of entry ${r.seq}` }, r.payload),
      r.payloadClipped ? h('p', { class: 'note' }, 'The payload is cut here; export the log to see all of it.') : null,
    ),
  );
}
