/**
 * The one error type of the project. `code` is a closed union so that every place that presents an
 * error (CLI exit codes, later the VS Code presenter and the HTTP status table) can switch on it
 * exhaustively. Never throw strings.
 */
export const ERROR_CODES = [
  'usage',
  'config.unreadable',
  'config.invalid-json',
  'config.schema',
  'policy.invalid',
  'io',
  'internal',
  // Stable codes of the two MCP servers (the wire contract of issue 3; clients switch on them).
  'INVALID_ARGUMENT',
  'GRANT_INVALID',
  'GRANT_EXPIRED',
  'GRANT_MISMATCH',
  'APPROVAL_REQUIRED',
  'APPROVAL_DECLINED',
  'STALE_PROPOSAL',
  'PROPOSAL_INVALID',
  'ALREADY_APPLIED',
  'TARGET_UNWRITABLE',
  'EXECUTION_NOT_FOUND',
  'ROLLBACK_CONFLICT',
  // The Integration Coordinator (issue 4): routing and the approval workflow.
  'SERVER_UNAVAILABLE',
  'SERVER_TIMEOUT',
  'SERVER_PROTOCOL',
  'CIRCUIT_OPEN',
  'QUEUE_FULL',
  'APPROVAL_NOT_FOUND',
  'APPROVAL_EXPIRED',
  'INVALID_TRANSITION',
  'FOUR_EYES',
  'DEAD_LETTER_NOT_FOUND',
  'AUDIT_BROKEN',
  // The HTTP API (issue 6): what a caller did wrong before any of the above could apply.
  'UNAUTHENTICATED',
  'FORBIDDEN',
  'NOT_FOUND',
  'METHOD_NOT_ALLOWED',
  'UNSUPPORTED_MEDIA_TYPE',
  'PAYLOAD_TOO_LARGE',
  'RATE_LIMITED',
  'REQUEST_TIMEOUT',
] as const;
export type ErrorCode = (typeof ERROR_CODES)[number];

export class OversightError extends Error {
  override readonly name = 'OversightError';
  readonly code: ErrorCode;
  readonly details: Readonly<Record<string, unknown>>;

  constructor(code: ErrorCode, message: string, options: { cause?: unknown; details?: Record<string, unknown> } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.code = code;
    this.details = options.details ?? {};
  }
}

const CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/**
 * By name and code, not `instanceof`: the extension's glue (dist/extension.js) and its lazily loaded
 * heavy half (dist/extension-core.js) each bundle their own copy of this class, and an error from the
 * coordinator must be presented as ours all the same. The one place where that is decided.
 */
export function isOversightError(e: unknown): e is OversightError {
  if (e instanceof OversightError) return true;
  if (!(e instanceof Error) || e.name !== 'OversightError') return false;
  const { code, details } = e as Partial<OversightError>;
  return typeof code === 'string' && CODES.has(code) && typeof details === 'object' && details !== null;
}

/** A short, single-line description of anything thrown, for logs and error lists. */
export function describeError(e: unknown): string {
  if (e instanceof Error) return e.message;
  return String(e);
}
