import * as vscode from 'vscode';
import { describeError, isOversightError, type ErrorCode } from '../core/errors';

/** The one place where errors become what a person sees. */
const TEXT: Record<ErrorCode, string> = {
  usage: 'MCP Oversight was asked to do something it cannot',
  'config.unreadable': 'An MCP config file could not be read',
  'config.invalid-json': 'An MCP config file is not valid JSON',
  'config.schema': 'An MCP config file does not match its format',
  'policy.invalid': 'The MCP policy file is invalid',
  io: 'A file operation failed',
  internal: 'MCP Oversight hit an internal error',
  INVALID_ARGUMENT: 'An MCP Oversight server was given an invalid argument',
  GRANT_INVALID: 'The approval could not be verified, so nothing was changed',
  GRANT_EXPIRED: 'The approval expired, so nothing was changed',
  GRANT_MISMATCH: 'The approval is for something else, so nothing was changed',
  APPROVAL_REQUIRED: 'This needs a person\'s approval first',
  APPROVAL_DECLINED: 'The change was declined',
  STALE_PROPOSAL: 'The file changed since the proposal was made; review a fresh proposal',
  PROPOSAL_INVALID: 'The proposed change is invalid',
  ALREADY_APPLIED: 'This change was already applied',
  TARGET_UNWRITABLE: 'The config file could not be written',
  EXECUTION_NOT_FOUND: 'No such applied change',
  ROLLBACK_CONFLICT: 'The file changed after the change was applied, so it was not rolled back',
  SERVER_UNAVAILABLE: 'An MCP Oversight server is not running; it is being restarted',
  SERVER_TIMEOUT: 'An MCP Oversight server did not answer in time',
  SERVER_PROTOCOL: 'An MCP Oversight server sent an answer that is not valid',
  CIRCUIT_OPEN: 'An MCP Oversight server failed repeatedly and is paused for a moment',
  QUEUE_FULL: 'Too many requests are waiting; try again shortly',
  APPROVAL_NOT_FOUND: 'No such approval request',
  APPROVAL_EXPIRED: 'The approval request expired; request a fresh one',
  INVALID_TRANSITION: 'That approval request cannot be changed that way any more',
  FOUR_EYES: 'A request must be approved by someone other than its requester',
  DEAD_LETTER_NOT_FOUND: 'No such failed request',
  AUDIT_BROKEN: 'The audit log failed verification',
  UNAUTHENTICATED: 'The HTTP API refused a missing or invalid credential',
  FORBIDDEN: 'That role may not do this through the HTTP API',
  NOT_FOUND: 'No such HTTP API endpoint',
  METHOD_NOT_ALLOWED: 'That HTTP method is not allowed here',
  UNSUPPORTED_MEDIA_TYPE: 'The HTTP API takes JSON only',
  PAYLOAD_TOO_LARGE: 'The request to the HTTP API is too large',
  RATE_LIMITED: 'Too many requests to the HTTP API; try again shortly',
  REQUEST_TIMEOUT: 'The HTTP API request took too long',
};

export async function presentError(e: unknown, log: vscode.LogOutputChannel): Promise<void> {
  log.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  const headline = isOversightError(e) ? TEXT[e.code] : TEXT.internal;
  const choice = await vscode.window.showErrorMessage(`${headline}: ${describeError(e)}`, 'Show Logs');
  if (choice === 'Show Logs') log.show();
}
