import { ErrorCode as McpErrorCode, McpError, type CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { BrokenCircuitError, BulkheadRejectedError, IsolatedCircuitError } from 'cockatiel';
import { ERROR_CODES, OversightError, type ErrorCode } from '../../core/errors';

/** Where our servers put a failed call's `{ code, message, details }` (src/servers/kit/tool-result.ts; not importable here). */
export const ERROR_META_KEY = 'mcp-oversight/error';

const KNOWN_CODES: ReadonlySet<string> = new Set(ERROR_CODES);

/** Transport-level failures: worth another attempt (after a restart, or once the server catches up). */
export const RETRYABLE_CODES: ReadonlySet<ErrorCode> = new Set(['SERVER_UNAVAILABLE', 'SERVER_TIMEOUT']);
/** What counts against a server's circuit breaker: it is not working. A tool's own error code never does. */
export const BREAKER_CODES: ReadonlySet<ErrorCode> = new Set(['SERVER_UNAVAILABLE', 'SERVER_TIMEOUT', 'SERVER_PROTOCOL']);

/** Marks an error that must not be retried even though its code is retryable (the server was stopped on purpose). */
export const FINAL = 'final';

export function isRetryableFailure(e: unknown): boolean {
  return e instanceof OversightError && RETRYABLE_CODES.has(e.code) && e.details[FINAL] !== true;
}

export function isBreakerFailure(e: unknown): boolean {
  return e instanceof OversightError && BREAKER_CODES.has(e.code) && e.details[FINAL] !== true;
}

/**
 * A `tools/call` result -> its structuredContent, or the OversightError it carries. Our servers put a
 * refusal's stable code in `_meta["mcp-oversight/error"]` (text `CODE: message`); an error without it,
 * an unknown code, or a success without an object `structuredContent` is SERVER_PROTOCOL (the server
 * does not keep the contract). The SDK's own argument validation (`MCP error -32602: …` as an isError
 * text) is INVALID_ARGUMENT.
 */
export function interpretToolResult(server: string, tool: string, result: CallToolResult): Record<string, unknown> {
  if (result.isError === true) {
    const meta: unknown = result._meta?.[ERROR_META_KEY];
    if (isRecord(meta) && typeof meta['code'] === 'string') {
      const code = meta['code'];
      const message = typeof meta['message'] === 'string' ? meta['message'] : textOf(result);
      const details = isRecord(meta['details']) ? meta['details'] : {};
      // The server's details as they are (the contract callers switch on); which server and tool is the caller's context.
      if (KNOWN_CODES.has(code)) throw new OversightError(code as ErrorCode, message, { details });
      throw new OversightError('SERVER_PROTOCOL', `The ${server} server answered ${tool} with an unknown error code ${JSON.stringify(code.slice(0, 64))}: ${message}`, { details: { server, tool, code: code.slice(0, 64) } });
    }
    const text = textOf(result);
    const sdk = /^MCP error (-?\d+): ([\s\S]*)$/.exec(text);
    if (sdk && Number(sdk[1]) === McpErrorCode.InvalidParams) throw new OversightError('INVALID_ARGUMENT', sdk[2]!, { details: { server, tool } });
    throw new OversightError('SERVER_PROTOCOL', `The ${server} server refused ${tool} without an error code: ${text.slice(0, 500)}`, { details: { server, tool } });
  }
  const structured: unknown = result.structuredContent;
  if (!isRecord(structured)) {
    throw new OversightError('SERVER_PROTOCOL', `The ${server} server answered ${tool} without structured content.`, { details: { server, tool } });
  }
  return structured;
}

/**
 * Anything a request attempt threw -> an OversightError. `timedOut`: the attempt's own deadline
 * aborted it (the SDK then rejects with the signal's reason and sends `notifications/cancelled`).
 */
export function mapRequestError(server: string, tool: string, e: unknown, timedOut: boolean, timeoutMs: number): OversightError {
  if (e instanceof OversightError) return e;
  if (timedOut || (e instanceof McpError && e.code === McpErrorCode.RequestTimeout)) {
    return new OversightError('SERVER_TIMEOUT', `The ${server} server did not answer ${tool} within ${timeoutMs} ms.`, { cause: e, details: { server, tool, timeoutMs } });
  }
  if (e instanceof McpError) {
    switch (e.code) {
      case McpErrorCode.ConnectionClosed:
        return unavailable(server, `the connection closed during ${tool}`, e);
      case McpErrorCode.InvalidParams:
        return new OversightError('INVALID_ARGUMENT', stripMcpPrefix(e.message), { cause: e, details: { server, tool } });
      case McpErrorCode.InternalError:
        return new OversightError('internal', `The ${server} server failed on ${tool}: ${stripMcpPrefix(e.message)}`, { cause: e, details: { server, tool, mcpCode: e.code } });
      default:
        return new OversightError('SERVER_PROTOCOL', `The ${server} server answered ${tool} with MCP error ${e.code}: ${stripMcpPrefix(e.message)}`, { cause: e, details: { server, tool, mcpCode: e.code } });
    }
  }
  if (e instanceof Error && /not connected/i.test(e.message)) return unavailable(server, `not connected (${tool})`, e);
  // The SDK rejects a response that fails its result schema with a zod error.
  if (e instanceof Error && (e.name === 'ZodError' || e.name === '$ZodError')) {
    return new OversightError('SERVER_PROTOCOL', `The ${server} server's answer to ${tool} is not a valid tool result.`, { cause: e, details: { server, tool } });
  }
  return unavailable(server, `${tool} failed: ${e instanceof Error ? e.message : String(e)}`, e);
}

/** Errors of the cockatiel policies themselves -> our codes. */
export function mapPolicyError(server: string, e: unknown, info: { retryAfterMs: number; lastError?: string; maxConcurrent: number; maxQueue: number }): unknown {
  if (e instanceof BrokenCircuitError || e instanceof IsolatedCircuitError) {
    return new OversightError('CIRCUIT_OPEN', `The ${server} server failed repeatedly; calls to it are refused for now (next trial in about ${Math.ceil(info.retryAfterMs / 1000)} s).`, {
      cause: e,
      details: { server, retryAfterMs: info.retryAfterMs, ...(info.lastError !== undefined ? { lastError: info.lastError } : {}) },
    });
  }
  if (e instanceof BulkheadRejectedError) {
    return new OversightError('QUEUE_FULL', `Too many calls to the ${server} server: ${info.maxConcurrent} running and ${info.maxQueue} waiting.`, {
      cause: e,
      details: { server, maxConcurrent: info.maxConcurrent, maxQueue: info.maxQueue },
    });
  }
  return e;
}

export function unavailable(server: string, why: string, cause?: unknown, extra: Record<string, unknown> = {}): OversightError {
  return new OversightError('SERVER_UNAVAILABLE', `The ${server} server is unavailable: ${why}.`, { ...(cause !== undefined ? { cause } : {}), details: { server, ...extra } });
}

function stripMcpPrefix(message: string): string {
  return message.replace(/^MCP error -?\d+: /, '');
}

function textOf(result: CallToolResult): string {
  return (result.content ?? [])
    .map((c) => (c.type === 'text' ? c.text : ''))
    .join('\n')
    .trim();
}

function isRecord(v: unknown): v is Record<string, unknown> {
  return typeof v === 'object' && v !== null && !Array.isArray(v);
}
