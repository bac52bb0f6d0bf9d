import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { describeError, isOversightError } from '../../core/errors';
import { redactSecrets } from '../../core/secrets/detect-secrets';

/** A successful tool result: structured content (checked by the SDK against the output schema) and its text. */
export function toolResult(structured: Record<string, unknown>, text?: string): CallToolResult {
  return { content: [{ type: 'text', text: text ?? JSON.stringify(structured, null, 2) }], structuredContent: structured };
}

/**
 * A failed tool call as the client sees it: `isError`, a text of `CODE: what happened and what to do`,
 * and the same as structured `error` so programs can switch on the stable code. Unknown errors become
 * `internal` without a stack; secrets are masked either way.
 */
export function toolError(e: unknown): CallToolResult {
  const code = isOversightError(e) ? e.code : 'internal';
  const message = redactSecrets(isOversightError(e) ? e.message : `Unexpected error: ${describeError(e)}`);
  const details = isOversightError(e) ? e.details : {};
  return {
    isError: true,
    content: [{ type: 'text', text: `${code}: ${message}` }],
    structuredContent: { error: { code, message, details } },
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
