import type { CallToolResult } from '@modelcontextprotocol/sdk/types.js';
import { safeTool } from '../kit/tool-result';

/** Where a failed call's stable code and details travel: result `_meta`, which no output schema constrains. */
export const ERROR_META_KEY = 'mcp-oversight/error';

/**
 * `safeTool`, with the structured error moved from `structuredContent` to `_meta`. The SDK's client
 * validates `structuredContent` against the tool's output schema even on an error result (once it
 * has listed the tools), so `{ error }` there would turn every refusal into a client-side exception.
 * The text stays `CODE: what happened and what to do`.
 */
export function installerTool<A, X>(handler: (args: A, extra: X) => Promise<CallToolResult>): (args: A, extra: X) => Promise<CallToolResult> {
  const safe = safeTool(handler);
  return async (args, extra) => {
    const r = await safe(args, extra);
    if (r.isError !== true || r.structuredContent === undefined) return r;
    const { structuredContent, ...rest } = r;
    return { ...rest, _meta: { ...(r._meta ?? {}), [ERROR_META_KEY]: structuredContent['error'] } };
  };
}
