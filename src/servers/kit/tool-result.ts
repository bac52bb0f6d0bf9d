import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describeError, isOversightError } from '../../core/errors';
import { redactSecrets } from '../../core/secrets/detect-secrets';

/** A successful tool result: structured content (checked by the SDK against the output schema) and its text. */
export function toolResult(structured: Record<string, unknown>, text?: string): CallToolResult {
  return { content: [{ type: 'text', text: text ?? JSON.stringify(structured, null, 2) }], structuredContent: structured };
}

/** Where a failed call's stable code and details travel: result `_meta`, which no output schema constrains. */
export const ERROR_META_KEY = 'mcp-oversight/error';

/**
 * A failed tool call as the client sees it: `isError`, a text of `CODE: what happened and what to do`,
 * and the same in `_meta["mcp-oversight/error"]` so programs can switch on the stable code. (Not in
 * `structuredContent`: the SDK's client validates that against the output schema even on errors.)
 * Unknown errors become `internal` without a stack; secrets are masked either way.
 */
export function toolError(e: unknown): CallToolResult {
  const code = isOversightError(e) ? e.code : 'internal';
  const message = redactSecrets(isOversightError(e) ? e.message : `Unexpected error: ${describeError(e)}`);
  const details = isOversightError(e) ? redactDeep(e.details, 0) : {};
  return {
    isError: true,
    content: [{ type: 'text', text: `${code}: ${message}` }],
    _meta: { [ERROR_META_KEY]: { code, message, details } },
  };
}

/** Wraps a tool handler so that nothing it throws escapes as anything but a tool error. */
export function safeTool<A, X>(handler: (args: A, extra: X) => Promise<CallToolResult>): (args: A, extra: X) => Promise<CallToolResult> {
  return async (args, extra) => {
    try {
      return await handler(args, extra);
    } catch (e) {
      return toolError(e);
    }
  };
}

/** Details are meant to hold hashes, paths and field names; mask any string in them anyway. */
function redactDeep(value: unknown, depth: number): unknown {
  if (typeof value === 'string') return redactSecrets(value);
  if (value === null || typeof value !== 'object' || depth > 8) return typeof value === 'object' && value !== null ? '[…]' : value;
  if (Array.isArray(value)) return value.map((v) => redactDeep(v, depth + 1));
  return Object.fromEntries(Object.entries(value).map(([k, v]) => [k, redactDeep(v, depth + 1)]));
}
