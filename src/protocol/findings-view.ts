import { z } from 'zod';

/**
 * Messages between the extension host and the findings webview. Every message in either direction
 * is parsed with these schemas on arrival; nothing from the other side is trusted.
 */

/** webview -> host: the page has loaded and can take data. */
export const WebviewReadySchema = z.object({ type: z.literal('ready') });

/** host -> webview: the findings to show (already masked; still rendered as text, never HTML). */
export const ShowFindingsSchema = z.object({
  type: z.literal('showFindings'),
  findings: z
    .array(
      z.object({
        severity: z.string().max(16),
        ruleId: z.string().max(100),
        server: z.string().max(500).nullable(),
        file: z.string().max(4096),
        line: z.number().int(),
        message: z.string().max(4000),
      }),
    )
    .max(10_000),
});

export const HostToWebviewSchema = z.discriminatedUnion('type', [ShowFindingsSchema]);
export type HostToWebview = z.infer<typeof HostToWebviewSchema>;
export const WebviewToHostSchema = z.discriminatedUnion('type', [WebviewReadySchema]);
export type WebviewToHost = z.infer<typeof WebviewToHostSchema>;
