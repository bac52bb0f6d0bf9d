import * as z from 'zod/mini';

/**
 * Messages between the extension host and the diff preview webview (one panel, reused while it is open,
 * showing one approval request at a time: a `show` of another request swaps what the page shows).
 * Both sides parse every message they receive with these schemas and drop what does not fit: the
 * webview is a browser page that renders strings from config files and MCP servers (hostile input),
 * and the host never takes the page's word for anything beyond "this person clicked this button on
 * the request with this subject hash" (the coordinator re-checks that hash against the request).
 *
 * zod/mini, not zod: the webview bundles this file, and zod's classic API costs ~440 kB minified in a
 * browser bundle against ~17 kB for mini (measured with the project's esbuild). The protocol must not
 * import src/core (the webview may only import src/protocol), so the few enums it shares with core
 * are repeated here and a unit test checks that they agree.
 */

/** Limits, in characters or elements. The host's view model clips to these, so what it sends always parses. */
export const LIMITS = {
  id: 128,
  title: 500,
  text: 4000,
  path: 4096,
  label: 256,
  /** One diff line as shown (after invisible characters were made visible). */
  line: 2000,
  /** Lines shown per file; the rest is behind "Open in diff editor". */
  linesPerFile: 5000,
  hunksPerFile: 1000,
  /** A diff that could not be parsed is shown as text, cut to this. */
  raw: 200_000,
  files: 32,
  actions: 1000,
  factors: 100,
  servers: 500,
  keys: 200,
  reason: 2000,
  message: 2000,
} as const;

const str = (max: number) => z.string().check(z.maxLength(max));
const nonEmpty = (max: number) => z.string().check(z.minLength(1), z.maxLength(max));
const list = <T extends z.core.SomeType>(item: T, max: number) => z.array(item).check(z.maxLength(max));
const count = z.int().check(z.minimum(0), z.maximum(100_000_000));

const RequestId = nonEmpty(LIMITS.id);
const SubjectHash = z.string().check(z.regex(/^[0-9a-f]{64}$/));

/** The approval lifecycle's states (src/core/approvals/state-machine.ts; a test checks they agree). */
export const VIEW_STATES = ['pending', 'approved', 'rejected', 'expired', 'cancelled', 'executing', 'executed', 'failed'] as const;
export const RISK_LEVELS = ['low', 'medium', 'high'] as const;
export const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

/** One line of a hunk. `old`/`new` are line numbers in the base and proposed text (null where absent). */
export const DiffLineSchema = z.strictObject({
  kind: z.enum(['context', 'add', 'del', 'note']),
  text: str(LIMITS.line),
  old: z.nullable(count),
  new: z.nullable(count),
  /** The line held invisible or direction-changing characters; they are shown as `\u{…}` escapes. */
  hidden: z.optional(z.boolean()),
  /** The line was longer than LIMITS.line and was cut. */
  clipped: z.optional(z.boolean()),
});
export type DiffLine = z.infer<typeof DiffLineSchema>;

export const DiffHunkSchema = z.strictObject({
  header: str(300),
  lines: list(DiffLineSchema, LIMITS.linesPerFile),
});
export type DiffHunk = z.infer<typeof DiffHunkSchema>;

/** One target file: the parsed hunks, or the masked unified diff as text when it could not be parsed. */
export const FileViewSchema = z.strictObject({
  /** Position in the proposal's `files`: what `openDiffEditor` names. */
  index: z.int().check(z.minimum(0), z.maximum(LIMITS.files - 1)),
  displayPath: str(LIMITS.path),
  created: z.boolean(),
  added: count,
  removed: count,
  /** Lines were left out (LIMITS.linesPerFile); the native diff editor shows everything. */
  truncated: z.boolean(),
  diff: z.discriminatedUnion('format', [
    z.strictObject({ format: z.literal('hunks'), hunks: list(DiffHunkSchema, LIMITS.hunksPerFile) }),
    z.strictObject({ format: z.literal('raw'), text: str(LIMITS.raw) }),
  ]),
});
export type FileView = z.infer<typeof FileViewSchema>;

/** A proposal's action as a reviewer reads it: which finding it fixes and what else a person must do. */
export const ActionViewSchema = z.strictObject({
  kind: z.enum(['remediate-finding', 'install-server', 'pin-tools']),
  description: str(LIMITS.text),
  displayPath: str(LIMITS.path),
  risk: z.enum(RISK_LEVELS),
  ruleId: z.optional(str(LIMITS.id)),
  severity: z.optional(z.enum(SEVERITIES)),
  server: z.optional(str(LIMITS.label)),
  followUp: z.optional(str(LIMITS.text)),
});
export type ActionView = z.infer<typeof ActionViewSchema>;

export const RemediationViewSchema = z.strictObject({
  kind: z.literal('remediation'),
  risk: z.strictObject({ level: z.enum(RISK_LEVELS), summary: str(LIMITS.text), factors: list(str(LIMITS.text), LIMITS.factors) }),
  /** ISO 8601 duration as proposed, and the same in words. */
  estimatedTime: z.strictObject({ iso: str(32), text: str(64) }),
  /** How many actions fix a reported finding. */
  findingsFixed: count,
  actions: list(ActionViewSchema, LIMITS.actions),
  files: list(FileViewSchema, LIMITS.files),
});

/** A live assessment: which servers will be started or connected to, with what. */
export const AssessmentViewSchema = z.strictObject({
  kind: z.literal('assessment'),
  servers: list(
    z.strictObject({
      name: str(LIMITS.label),
      transport: str(32),
      /** The command line (masked) or the URL (masked). */
      target: str(LIMITS.text),
      cwd: z.optional(str(LIMITS.path)),
      envKeys: list(str(LIMITS.label), LIMITS.keys),
      headerKeys: list(str(LIMITS.label), LIMITS.keys),
      displayPath: str(LIMITS.path),
    }),
    LIMITS.servers,
  ),
  timeoutSeconds: count,
  concurrency: count,
});

export const ApprovalViewSchema = z.strictObject({
  requestId: RequestId,
  /** The hash of the subject as shown; Approve/Reject echo it so the decision names what was seen. */
  subjectHash: SubjectHash,
  title: str(LIMITS.title),
  state: z.enum(VIEW_STATES),
  /** Approve and Reject are offered (state is pending). */
  decidable: z.boolean(),
  requestedBy: str(LIMITS.label),
  requestedAt: str(64),
  expiresAt: str(64),
  /** What the server that made the subject says the reviewer should know (not part of the signed subject). */
  notes: z.optional(list(str(LIMITS.text), LIMITS.factors)),
  subject: z.discriminatedUnion('kind', [RemediationViewSchema, AssessmentViewSchema]),
});
export type ApprovalView = z.infer<typeof ApprovalViewSchema>;
export type RemediationView = z.infer<typeof RemediationViewSchema>;
export type AssessmentView = z.infer<typeof AssessmentViewSchema>;

// ---- host -> webview ----

/** host -> webview: show one approval request (the one shown: refresh it; another: show it instead). */
export const ShowMessageSchema = z.strictObject({ type: z.literal('show'), view: ApprovalViewSchema });

export const RESULT_OUTCOMES = ['applied', 'rejected', 'stale', 'expired', 'cancelled', 'failed'] as const;
/** host -> webview: how a decision ended (announced in the page's live region). */
export const ResultMessageSchema = z.strictObject({
  type: z.literal('result'),
  requestId: RequestId,
  outcome: z.enum(RESULT_OUTCOMES),
  message: str(LIMITS.message),
  /** A stale proposal's replacement, to review instead. */
  freshRequestId: z.optional(RequestId),
});
export type ResultMessage = z.infer<typeof ResultMessageSchema>;

export const HostToWebviewSchema = z.discriminatedUnion('type', [ShowMessageSchema, ResultMessageSchema]);
export type HostToWebview = z.infer<typeof HostToWebviewSchema>;

// ---- webview -> host ----

/** webview -> host: the page's script runs and can take a `show`. */
export const ReadyMessageSchema = z.strictObject({ type: z.literal('ready') });
const Ms = z.number().check(z.minimum(0), z.maximum(3_600_000));
/**
 * webview -> host: a request's diff is in the DOM and a frame was painted (once per request the page
 * starts showing). `ms` is performance.now() then (from the page's time origin: its frame starting to
 * navigate), `sinceScriptMs` from the script's first line, `sinceShowMs` from the `show` message that
 * brought this request to the page (on a page that already showed another one, the whole page-side cost).
 * `fetchStartMs` is when the frame's document began to be fetched, from the same origin: in VS Code's
 * web workbench the frame waits there for the webview's service worker to be active.
 */
export const RenderedMessageSchema = z.strictObject({
  type: z.literal('rendered'),
  requestId: RequestId,
  ms: Ms,
  sinceScriptMs: Ms,
  sinceShowMs: Ms,
  fetchStartMs: Ms,
});
const Decision = {
  requestId: RequestId,
  subjectHash: SubjectHash,
  reason: z.optional(str(LIMITS.reason)),
};
/** webview -> host: the person approved the subject with this hash. */
export const ApproveMessageSchema = z.strictObject({ type: z.literal('approve'), ...Decision });
/** webview -> host: the person rejected it. */
export const RejectMessageSchema = z.strictObject({ type: z.literal('reject'), ...Decision });
/** webview -> host: show file `file` (an index into the proposal's files) in VS Code's diff editor. */
export const OpenDiffEditorMessageSchema = z.strictObject({
  type: z.literal('openDiffEditor'),
  requestId: RequestId,
  file: z.int().check(z.minimum(0), z.maximum(LIMITS.files - 1)),
});

/** webview -> host: open the review of the request that replaced this one (a stale result's `freshRequestId`). */
export const OpenRequestMessageSchema = z.strictObject({ type: z.literal('openRequest'), requestId: RequestId, freshRequestId: RequestId });

export const WebviewToHostSchema = z.discriminatedUnion('type', [
  OpenRequestMessageSchema,
  ReadyMessageSchema,
  RenderedMessageSchema,
  ApproveMessageSchema,
  RejectMessageSchema,
  OpenDiffEditorMessageSchema,
]);
export type WebviewToHost = z.infer<typeof WebviewToHostSchema>;
