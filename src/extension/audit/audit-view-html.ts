import { webviewHtml, type WebviewHtmlInput } from '../webviews/webview-html';

/**
 * The audit panel's HTML: the diff preview's page (webview-html.ts: strict CSP, `default-src 'none'`, the
 * bundle's script and stylesheet inlined, each by a fresh nonce per render, nothing else inline) with its
 * own bundle (`dist/webview/audit.js` and `audit.css`). Data never enters the HTML: the page gets it by message.
 */
export type AuditViewHtmlInput = Omit<WebviewHtmlInput, 'title' | 'loading'>;

export function auditViewHtml(input: AuditViewHtmlInput): string {
  return webviewHtml({ ...input, title: 'MCP Oversight audit log', loading: 'Loading the audit log…' });
}
