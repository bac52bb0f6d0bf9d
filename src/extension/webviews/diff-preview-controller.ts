import type { ApprovalRequest } from '../../core/coordination/messages';
import type { ProposalFile } from '../../core/remediation/proposal-schema';
import { isOversightError, describeError } from '../../core/errors';
import { LIMITS, WebviewToHostSchema, type HostToWebview, type ResultMessage } from '../../protocol/diff-preview';
import { toShowMessage } from './view-model';
import { visible } from './visible-text';

/**
 * What the diff preview may ask of the rest of the extension. The composition root wires these to the
 * coordinator (`decide`, and `openProposalDiff` for the native diff editor). `onApprove`/`onReject`
 * resolve with the request as it ended (what `Coordinator.decide` returns) or throw its
 * OversightError; either way the panel reports the outcome in the page.
 */
export interface DiffPreviewDeps {
  onApprove(requestId: string, subjectHash: string, reason?: string): Promise<ApprovalRequest | void>;
  onReject(requestId: string, subjectHash: string, reason?: string): Promise<ApprovalRequest | void>;
  onOpenDiffEditor(requestId: string, file: ProposalFile): Promise<void> | void;
  /** Open the review of another request (the fresh proposal that replaced a stale one). */
  onOpenRequest?(requestId: string): Promise<void> | void;
  /** The diff was painted: timings from the page, and from the panel's opening as the host saw it. */
  onRendered?(requestId: string, timing: RenderTiming): void;
  /** Messages that did not parse, and other things worth a log line. Never shown to the person. */
  log?(message: string): void;
}

export interface RenderTiming {
  /**
   * Host clock: from the host showing the request to the `rendered` message. Showing is setting the page's
   * HTML (a new panel, or its page loading again) or, on a page already loaded, posting it the request.
   */
  hostMs: number;
  /** The request was shown on a page already loaded (another request's): no new webview was made. */
  reused: boolean;
  /** Page clock: from the document's time origin, and from the script's first line, to the diff painted. */
  pageMs: number;
  sinceScriptMs: number;
  /** Page clock: from the `show` message that brought this request to the diff painted. */
  sinceShowMs: number;
  /** Page clock: from the time origin to its document's fetch starting (the wait for the webview's service worker). */
  fetchStartMs: number;
}

/**
 * The panel's logic without vscode: parses every message from the page, checks it names the request
 * shown and the subject it was shown, allows one decision at a time per request, and turns outcomes into
 * `result` messages. `post` sends to the page. One controller serves the panel for as long as it is open:
 * `show` swaps the request it shows (the page is reused; see DiffPreviewPanels).
 */
export class DiffPreviewController {
  private request: ApprovalRequest;
  private readonly deciding = new Set<string>();
  private ready = false;
  /** When the request shown was shown (host clock), and whether on a page already loaded. */
  private shownAt: number;
  private shownOnLoadedPage = false;

  /** Fresh requests this page was offered (in `result` messages) for the request shown: the only ones it may ask to open. */
  private readonly offered = new Set<string>();
  private readonly post: (message: HostToWebview) => void;

  constructor(
    request: ApprovalRequest,
    private readonly deps: DiffPreviewDeps,
    post: (message: HostToWebview) => void,
    private readonly now: () => number = () => performance.now(),
  ) {
    this.request = request;
    this.shownAt = now();
    this.post = (m) => {
      if (m.type === 'result') {
        // A decision on a request no longer shown ended: the page shows another one now.
        if (m.requestId !== this.request.id) return;
        if (m.freshRequestId !== undefined) this.offered.add(m.freshRequestId);
      }
      post(m);
    };
  }

  get requestId(): string {
    return this.request.id;
  }

  /** Show this request instead of the one shown (the same one: a refresh, as `update`). */
  show(request: ApprovalRequest): void {
    if (request.id === this.request.id) {
      this.update(request);
      return;
    }
    this.request = request;
    this.offered.clear();
    this.shownAt = this.now();
    this.shownOnLoadedPage = this.ready;
    if (this.ready) this.postRequest();
  }

  /** A newer version of the request shown (a coordinator event): show it, and say how a decision ended. */
  update(request: ApprovalRequest): void {
    if (request.id !== this.request.id) return;
    const before = this.request.state;
    this.request = request;
    if (!this.ready) return;
    this.post(toShowMessage(request));
    if (before !== request.state) {
      const result = resultOf(request);
      if (result !== undefined) this.post(result);
    }
  }

  /** The page is being (re)loaded: it will say `ready` again and get the request again. */
  reset(): void {
    this.ready = false;
    this.shownAt = this.now();
    this.shownOnLoadedPage = false;
  }

  private postRequest(): void {
    this.post(toShowMessage(this.request));
    const result = resultOf(this.request);
    if (result !== undefined) this.post(result);
  }

  async receive(raw: unknown): Promise<void> {
    const parsed = WebviewToHostSchema.safeParse(raw);
    if (!parsed.success) {
      this.deps.log?.(`diff preview: dropped a message that does not fit the protocol`);
      return;
    }
    const msg = parsed.data;
    if (msg.type === 'ready') {
      this.ready = true;
      this.postRequest();
      return;
    }
    if (msg.requestId !== this.request.id) {
      this.deps.log?.(`diff preview: dropped a message for another request`);
      return;
    }
    switch (msg.type) {
      case 'rendered':
        this.deps.onRendered?.(msg.requestId, {
          hostMs: this.now() - this.shownAt,
          reused: this.shownOnLoadedPage,
          pageMs: msg.ms,
          sinceScriptMs: msg.sinceScriptMs,
          sinceShowMs: msg.sinceShowMs,
          fetchStartMs: msg.fetchStartMs,
        });
        return;
      case 'openDiffEditor': {
        const s = this.request.subject;
        const file = s.kind === 'remediation' ? s.proposal.files[msg.file] : undefined;
        if (file === undefined) return;
        await this.deps.onOpenDiffEditor(this.request.id, file);
        return;
      }
      case 'openRequest':
        // Only the request that replaced this one: the page cannot make the host open anything else.
        if (this.offered.has(msg.freshRequestId)) await this.deps.onOpenRequest?.(msg.freshRequestId);
        else this.deps.log?.('diff preview: dropped a request to open something other than the fresh proposal');
        return;
      case 'approve':
      case 'reject':
        await this.decide(msg.type, msg.subjectHash, msg.reason);
        return;
    }
  }

  private async decide(what: 'approve' | 'reject', subjectHash: string, reason: string | undefined): Promise<void> {
    const id = this.request.id;
    if (subjectHash !== this.request.subject.subjectHash) {
      // The page showed an older subject than the one stored: show the current one, decide nothing.
      this.post(toShowMessage(this.request));
      this.post(result(id, 'failed', 'The request changed while you were reviewing it. Review it again.'));
      return;
    }
    if (this.request.state !== 'pending') {
      this.post(result(id, 'failed', `This request is ${this.request.state}; it can no longer be decided.`));
      return;
    }
    if (this.deciding.has(id)) return;
    this.deciding.add(id);
    try {
      const trimmed = reason?.trim();
      const why = trimmed === undefined || trimmed === '' ? undefined : trimmed;
      const ended = what === 'approve' ? await this.deps.onApprove(id, subjectHash, why) : await this.deps.onReject(id, subjectHash, why);
      if (ended) this.update(ended);
    } catch (e) {
      this.post(errorResult(id, e));
    } finally {
      this.deciding.delete(id);
    }
  }
}

function result(requestId: string, outcome: ResultMessage['outcome'], message: string, freshRequestId?: string): ResultMessage {
  return { type: 'result', requestId, outcome, message: visible(message, LIMITS.message), ...(freshRequestId !== undefined ? { freshRequestId } : {}) };
}

/** The result a request's state stands for, if it is an outcome at all. */
export function resultOf(r: ApprovalRequest): ResultMessage | undefined {
  switch (r.state) {
    case 'executed': {
      if (r.subject.kind === 'assessment') return result(r.id, 'applied', 'The live assessment ran.');
      const n = r.execution?.files.length ?? r.subject.proposal.files.length;
      return result(r.id, 'applied', `Applied: ${n} file(s) changed${r.execution?.alreadyApplied ? ' (it had already been applied)' : ''}.`);
    }
    case 'rejected':
      return result(r.id, 'rejected', 'Rejected. Nothing was changed.');
    case 'expired':
      return result(r.id, 'expired', 'This request expired. Nothing was changed.');
    case 'cancelled':
      return r.supersededBy !== undefined
        ? result(r.id, 'stale', 'The file changed since this was proposed, so nothing was changed. A fresh proposal is waiting for review.', r.supersededBy)
        : result(r.id, 'cancelled', 'This request was cancelled. Nothing was changed.');
    case 'failed':
      return result(r.id, 'failed', `It failed: ${r.error?.message ?? 'unknown error'}`);
    default:
      return undefined;
  }
}

/** A thrown decision as a result: stale (with the fresh request), expired, or failed. */
export function errorResult(requestId: string, e: unknown): ResultMessage {
  if (isOversightError(e)) {
    const fresh = typeof e.details['freshRequestId'] === 'string' && e.details['freshRequestId'].length <= LIMITS.id && e.details['freshRequestId'] !== '' ? e.details['freshRequestId'] : undefined;
    if (e.code === 'STALE_PROPOSAL') return result(requestId, 'stale', `The file changed since this was proposed, so nothing was changed.${fresh ? ' A fresh proposal is waiting for review.' : ''}`, fresh);
    if (e.code === 'APPROVAL_EXPIRED' || e.code === 'GRANT_EXPIRED') return result(requestId, 'expired', 'This request expired. Nothing was changed.');
  }
  return result(requestId, 'failed', `It did not go through: ${describeError(e)}`);
}
