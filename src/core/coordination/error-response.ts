import { z } from 'zod';
import { ERROR_CODES, OversightError, type ErrorCode } from '../errors';

/** The design's error categories: who has to act (the caller's credentials, a person, the input, us, the rules). */
export const ERROR_CATEGORIES = ['authentication', 'authorization', 'validation', 'system', 'business-logic'] as const;
export const ErrorCategorySchema = z.enum(ERROR_CATEGORIES);
export type ErrorCategory = z.infer<typeof ErrorCategorySchema>;

/**
 * Every code's category and whether trying the same request again later can succeed. `retryable` is
 * about the request, not the policy: the coordinator's retry policy retries only transient transport
 * failures (SERVER_UNAVAILABLE, SERVER_TIMEOUT); a caller may retry CIRCUIT_OPEN / QUEUE_FULL later.
 */
export const ERROR_CLASS: Record<ErrorCode, { category: ErrorCategory; retryable: boolean }> = {
  usage: { category: 'validation', retryable: false },
  'config.unreadable': { category: 'validation', retryable: false },
  'config.invalid-json': { category: 'validation', retryable: false },
  'config.schema': { category: 'validation', retryable: false },
  'policy.invalid': { category: 'validation', retryable: false },
  io: { category: 'system', retryable: false },
  internal: { category: 'system', retryable: false },
  INVALID_ARGUMENT: { category: 'validation', retryable: false },
  GRANT_INVALID: { category: 'authentication', retryable: false },
  GRANT_EXPIRED: { category: 'authorization', retryable: false },
  GRANT_MISMATCH: { category: 'authorization', retryable: false },
  APPROVAL_REQUIRED: { category: 'authorization', retryable: false },
  APPROVAL_DECLINED: { category: 'authorization', retryable: false },
  STALE_PROPOSAL: { category: 'business-logic', retryable: false },
  PROPOSAL_INVALID: { category: 'validation', retryable: false },
  ALREADY_APPLIED: { category: 'business-logic', retryable: false },
  TARGET_UNWRITABLE: { category: 'system', retryable: false },
  EXECUTION_NOT_FOUND: { category: 'business-logic', retryable: false },
  ROLLBACK_CONFLICT: { category: 'business-logic', retryable: false },
  SERVER_UNAVAILABLE: { category: 'system', retryable: true },
  SERVER_TIMEOUT: { category: 'system', retryable: true },
  SERVER_PROTOCOL: { category: 'system', retryable: false },
  CIRCUIT_OPEN: { category: 'system', retryable: true },
  QUEUE_FULL: { category: 'system', retryable: true },
  APPROVAL_NOT_FOUND: { category: 'business-logic', retryable: false },
  APPROVAL_EXPIRED: { category: 'business-logic', retryable: false },
  INVALID_TRANSITION: { category: 'business-logic', retryable: false },
  FOUR_EYES: { category: 'authorization', retryable: false },
  DEAD_LETTER_NOT_FOUND: { category: 'business-logic', retryable: false },
  AUDIT_BROKEN: { category: 'system', retryable: false },
  UNAUTHENTICATED: { category: 'authentication', retryable: false },
  FORBIDDEN: { category: 'authorization', retryable: false },
  NOT_FOUND: { category: 'validation', retryable: false },
  METHOD_NOT_ALLOWED: { category: 'validation', retryable: false },
  UNSUPPORTED_MEDIA_TYPE: { category: 'validation', retryable: false },
  PAYLOAD_TOO_LARGE: { category: 'validation', retryable: false },
  RATE_LIMITED: { category: 'system', retryable: true },
  REQUEST_TIMEOUT: { category: 'system', retryable: true },
};

/** The design's ErrorResponse: what the coordinator hands any caller (extension, CLI, HTTP API) on failure. */
export const ErrorResponseSchema = z.object({
  code: z.enum(ERROR_CODES),
  category: ErrorCategorySchema,
  message: z.string(),
  details: z.record(z.string(), z.unknown()),
  retryable: z.boolean(),
  timestamp: z.iso.datetime({ offset: true }),
  requestId: z.string().min(1).max(128),
});
export type ErrorResponse = z.infer<typeof ErrorResponseSchema>;

/** Anything thrown -> an ErrorResponse. Non-OversightErrors are `internal` (their text is kept, stacks are not). */
export function toErrorResponse(e: unknown, requestId: string, now: Date = new Date()): ErrorResponse {
  const err = e instanceof OversightError ? e : new OversightError('internal', e instanceof Error ? e.message : String(e));
  const cls = ERROR_CLASS[err.code];
  return { code: err.code, category: cls.category, message: err.message, details: { ...err.details }, retryable: cls.retryable, timestamp: now.toISOString(), requestId };
}

export function isRetryable(e: unknown): boolean {
  return e instanceof OversightError && ERROR_CLASS[e.code].retryable;
}
