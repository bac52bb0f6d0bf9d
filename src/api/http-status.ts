import type { ErrorCode } from '../core/errors';

/**
 * The one table from an error code to the HTTP status an API caller gets. Exhaustive over ErrorCode, so
 * a new code cannot reach a caller without someone deciding its status. 5xx means "our side or a server
 * we depend on": nothing a caller sends, however malformed, may produce one.
 */
export const HTTP_STATUS: Readonly<Record<ErrorCode, number>> = {
  usage: 400,
  'config.unreadable': 422,
  'config.invalid-json': 422,
  'config.schema': 422,
  'policy.invalid': 422,
  io: 500,
  internal: 500,
  INVALID_ARGUMENT: 400,
  GRANT_INVALID: 403,
  GRANT_EXPIRED: 403,
  GRANT_MISMATCH: 409,
  APPROVAL_REQUIRED: 403,
  APPROVAL_DECLINED: 409,
  STALE_PROPOSAL: 409,
  PROPOSAL_INVALID: 422,
  ALREADY_APPLIED: 409,
  TARGET_UNWRITABLE: 500,
  EXECUTION_NOT_FOUND: 404,
  ROLLBACK_CONFLICT: 409,
  SERVER_UNAVAILABLE: 503,
  SERVER_TIMEOUT: 504,
  SERVER_PROTOCOL: 502,
  CIRCUIT_OPEN: 503,
  QUEUE_FULL: 503,
  APPROVAL_NOT_FOUND: 404,
  APPROVAL_EXPIRED: 410,
  INVALID_TRANSITION: 409,
  FOUR_EYES: 403,
  DEAD_LETTER_NOT_FOUND: 404,
  AUDIT_BROKEN: 500,
  UNAUTHENTICATED: 401,
  FORBIDDEN: 403,
  NOT_FOUND: 404,
  METHOD_NOT_ALLOWED: 405,
  UNSUPPORTED_MEDIA_TYPE: 415,
  PAYLOAD_TOO_LARGE: 413,
  RATE_LIMITED: 429,
  REQUEST_TIMEOUT: 408,
};
