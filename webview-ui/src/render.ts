import '@vscode-elements/elements/dist/vscode-badge/index.js';
import '@vscode-elements/elements/dist/vscode-button/index.js';
import '@vscode-elements/elements/dist/vscode-textarea/index.js';
import type { ActionView, ApprovalView, AssessmentView, FileView, RemediationView, ResultMessage } from '../../src/protocol/diff-preview';
import { LIMITS } from '../../src/protocol/diff-preview';
import { h, srOnly } from './dom';
import { diffTable, type DiffLayout } from './diff-table';
import type { WorkQueue } from './work-queue';

/** What the page can ask of the host (main.ts posts them). */
export interface PageActions {
  decide(what: 'approve' | 'reject', reason: string | undefined): void;
  openDiffEditor(file: number): void;
}

/** Page state kept across a `show` refresh (the layout choice and a reason being typed). */
export interface PageState {
  layout: DiffLayout;
  busy: boolean;
  /** Long diffs finish rendering here after the first paint. */
  queue: WorkQueue;
}

/** Diff rows built before the first paint (across files): enough to fill a screen several times. */
export const FIRST_PAINT_ROWS = 300;

type Button = HTMLElement & { disabled: boolean; secondary: boolean };
type TextArea = HTMLElement & { value: string };

export function renderView(root: HTMLElement, view: ApprovalView, state: PageState, actions: PageActions, now = Date.now()): void {
  const reasonBefore = root.querySelector<TextArea>('#reason')?.value ?? '';
  const s = view.subject;
  const parts: (HTMLElement | null)[] = [
    header(view, now),
    s.kind === 'remediation' ? riskSection(s) : planSection(s),
    view.notes !== undefined && view.notes.length > 0 ? notesSection(view.notes) : null,
    s.kind === 'remediation' && s.actions.length > 0 ? actionsSection(s.actions) : null,
    s.kind === 'remediation' ? filesSection(s, state, actions) : null,
    view.decidable ? decisionSection(state, actions, reasonBefore) : null,
  ];
  root.replaceChildren(...parts.filter((p): p is HTMLElement => p !== null));
  root.setAttribute('aria-busy', 'false');
}

function header(view: ApprovalView, now: number): HTMLElement {
  const expires = new Date(view.expiresAt);
  return h(
    'header',
    {},
    h('h1', {}, view.title === '' ? 'Approval request' : view.title),
    h(
      'p',
      { class: 'meta' },
      'State: ',
      h('vscode-badge', { class: `state ${view.state}` }, view.state),
      ` · requested by ${view.requestedBy} at ${localTime(view.requestedAt)} · `,
      h('time', { datetime: view.expiresAt }, view.decidable ? `expires ${relative(expires.getTime() - now)} (${localTime(view.expiresAt)})` : `expiry ${localTime(view.expiresAt)}`),
    ),
  );
}

function notesSection(notes: readonly string[]): HTMLElement {
  return h('section', { 'aria-labelledby': 'notes-h' }, h('h2', { id: 'notes-h' }, 'Before you decide'), h('ul', { class: 'notes' }, ...notes.map((n) => h('li', { class: 'pre' }, n))));
}

function riskSection(s: RemediationView): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'risk-h' },
    h('h2', { id: 'risk-h' }, 'Risk'),
    h('p', {}, h('vscode-badge', { class: `risk ${s.risk.level}` }, `${s.risk.level} risk`), ' ', h('span', { class: 'pre' }, s.risk.summary)),
    s.risk.factors.length > 0 ? h('ul', {}, ...s.risk.factors.map((f) => h('li', { class: 'pre' }, f))) : null,
    h(
      'dl',
      { class: 'facts' },
      h('dt', {}, 'Estimated time'),
      h('dd', {}, h('time', { datetime: s.estimatedTime.iso }, s.estimatedTime.text)),
      h('dt', {}, 'Findings fixed'),
      h('dd', {}, String(s.findingsFixed)),
      h('dt', {}, 'Files changed'),
      h('dd', {}, String(s.files.length)),
    ),
  );
}

function actionsSection(actions: readonly ActionView[]): HTMLElement {
  const rows = actions.map((a) =>
    h(
      'tr',
      {},
      h('td', {}, a.severity ?? '—'),
      h('td', {}, a.ruleId ?? a.kind),
      h('td', {}, a.server ?? '—'),
      h('td', {}, a.displayPath),
      h('td', { class: 'pre' }, a.description, a.followUp !== undefined ? h('p', { class: 'follow-up pre' }, h('strong', {}, 'Then: '), a.followUp) : null),
    ),
  );
  return h(
    'section',
    { 'aria-labelledby': 'actions-h' },
    h('h2', { id: 'actions-h' }, `Changes (${actions.length})`),
    h(
      'table',
      { class: 'actions' },
      h('thead', {}, h('tr', {}, ...['Severity', 'Rule', 'Server', 'File', 'What changes'].map((t) => h('th', { scope: 'col' }, t)))),
      h('tbody', {}, ...rows),
    ),
  );
}

function filesSection(s: RemediationView, state: PageState, actions: PageActions): HTMLElement {
  const toggle = h('div', { class: 'layout-toggle', role: 'group', 'aria-label': 'Diff layout' });
  const body = h('div', { class: 'files' });
  const draw = () => {
    state.queue.reset();
    const budget = { rows: FIRST_PAINT_ROWS };
    body.replaceChildren(...s.files.map((f) => fileBlock(f, state.layout, actions, budget, state.queue)));
    for (const b of toggle.querySelectorAll<Button>('vscode-button')) {
      const on = b.dataset['layout'] === state.layout;
      b.secondary = !on;
      b.setAttribute('aria-pressed', String(on));
    }
  };
  for (const [layout, label] of [
    ['unified', 'Unified'],
    ['split', 'Side by side'],
  ] as const) {
    const b = h('vscode-button', { 'data-layout': layout, 'aria-pressed': String(state.layout === layout) }, label) as Button;
    b.secondary = state.layout !== layout;
    b.addEventListener('click', () => {
      if (state.layout === layout) return;
      state.layout = layout;
      draw();
    });
    toggle.append(b);
  }
  draw();
  return h('section', { 'aria-labelledby': 'files-h' }, h('div', { class: 'files-head' }, h('h2', { id: 'files-h' }, 'Proposed diff'), toggle), body);
}

function fileBlock(f: FileView, layout: DiffLayout, actions: PageActions, budget: { rows: number }, queue: WorkQueue): HTMLElement {
  const open = h('vscode-button', { secondary: true, 'aria-label': `Open ${f.displayPath} in the diff editor` }, 'Open in diff editor');
  open.addEventListener('click', () => actions.openDiffEditor(f.index));
  return h(
    'article',
    { class: 'file', 'aria-label': f.displayPath },
    h(
      'h3',
      {},
      h('span', { class: 'path' }, f.displayPath),
      f.created ? h('vscode-badge', {}, 'new file') : null,
      h('span', { class: 'stat' }, h('span', { class: 'added' }, `+${f.added}`), ' ', h('span', { class: 'removed' }, `−${f.removed}`), srOnly(` (${f.added} added, ${f.removed} removed lines)`)),
      open,
    ),
    f.truncated ? h('p', { class: 'note' }, 'This diff is too long to show in full here; open it in the diff editor to see all of it.') : null,
    diffTable(f, layout, budget, queue),
  );
}

function planSection(s: AssessmentView): HTMLElement {
  return h(
    'section',
    { 'aria-labelledby': 'plan-h' },
    h('h2', { id: 'plan-h' }, `Servers that will be started or connected to (${s.servers.length})`),
    h('p', {}, `Each is given ${s.timeoutSeconds} s; ${s.concurrency} run at a time. Secrets in arguments and URLs are masked.`),
    h(
      'table',
      { class: 'actions' },
      h('thead', {}, h('tr', {}, ...['Server', 'Transport', 'Runs / connects to', 'Environment', 'File'].map((t) => h('th', { scope: 'col' }, t)))),
      h(
        'tbody',
        {},
        ...s.servers.map((v) =>
          h(
            'tr',
            {},
            h('td', {}, v.name),
            h('td', {}, v.transport),
            h('td', {}, h('code', {}, v.target), v.cwd !== undefined ? h('div', {}, `in ${v.cwd}`) : null),
            h('td', {}, [...v.envKeys, ...v.headerKeys.map((k) => `header ${k}`)].join(', ') || '—'),
            h('td', {}, v.displayPath),
          ),
        ),
      ),
    ),
  );
}

function decisionSection(state: PageState, actions: PageActions, reasonBefore: string): HTMLElement {
  const reason = h('vscode-textarea', { id: 'reason', label: 'Reason (optional)', maxlength: String(LIMITS.reason), rows: '2', resize: 'vertical' }) as TextArea;
  reason.value = reasonBefore;
  const approve = h('vscode-button', { id: 'approve' }, 'Approve') as Button;
  const reject = h('vscode-button', { id: 'reject', secondary: true }, 'Reject') as Button;
  const go = (what: 'approve' | 'reject') => {
    if (state.busy) return;
    const text = reason.value.trim().slice(0, LIMITS.reason);
    actions.decide(what, text === '' ? undefined : text);
  };
  approve.addEventListener('click', () => go('approve'));
  reject.addEventListener('click', () => go('reject'));
  approve.disabled = reject.disabled = state.busy;
  return h(
    'section',
    { class: 'decision', 'aria-labelledby': 'decide-h' },
    h('h2', { id: 'decide-h' }, 'Decision'),
    h('label', { for: 'reason', class: 'reason-label' }, 'Reason (optional, recorded in the audit log)'),
    reason,
    h('div', { class: 'buttons' }, approve, reject),
  );
}

/** Buttons off while a decision is on its way; on again when a result came back for a request still pending. */
export function setBusy(root: HTMLElement, busy: boolean): void {
  for (const id of ['approve', 'reject']) {
    const b = root.querySelector<Button>(`#${id}`);
    if (b) b.disabled = busy;
  }
}

const OUTCOME_HEAD: Record<ResultMessage['outcome'], string> = {
  applied: 'Applied',
  rejected: 'Rejected',
  stale: 'Not applied: the file changed',
  expired: 'Expired',
  cancelled: 'Cancelled',
  failed: 'Failed',
};

/** Announces a result in the live region and shows it at the top (the banner itself is not announced twice). */
export function showResult(live: HTMLElement, banner: HTMLElement, r: ResultMessage, openFresh?: (freshRequestId: string) => void): void {
  const text = `${OUTCOME_HEAD[r.outcome]}. ${r.message}`;
  live.textContent = text;
  banner.className = `result ${r.outcome}`;
  banner.hidden = false;
  let fresh: HTMLElement | null = null;
  if (r.freshRequestId !== undefined && openFresh !== undefined) {
    const id = r.freshRequestId;
    fresh = h('vscode-button', { id: 'open-fresh' }, 'Review the fresh proposal');
    fresh.addEventListener('click', () => openFresh(id));
  }
  banner.replaceChildren(h('strong', {}, OUTCOME_HEAD[r.outcome]), ` ${r.message} `, ...(fresh ? [fresh] : []));
}

function localTime(iso: string): string {
  const d = new Date(iso);
  return Number.isNaN(d.getTime()) ? iso : d.toLocaleString();
}

function relative(ms: number): string {
  if (ms <= 0) return 'now (expired)';
  const min = Math.round(ms / 60_000);
  if (min < 1) return 'in less than a minute';
  if (min < 90) return `in ${min} min`;
  const hours = Math.round(min / 60);
  return hours < 48 ? `in ${hours} h` : `in ${Math.round(hours / 24)} days`;
}
