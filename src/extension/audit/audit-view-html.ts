import { contentSecurityPolicy, escapeHtml, newNonce } from '../webviews/webview-html';

/**
 * The audit panel's HTML: the same strict CSP as the diff preview (webview-html.ts: `default-src
 * 'none'`, the one script and stylesheet by a fresh nonce per render, nothing inline), its own bundle
 * (`dist/webview/audit.js` and `audit.css`). Data never enters the HTML: the page gets it by message.
 */
export interface AuditViewHtmlInput {
  cspSource: string;
  scriptUri: string;
  styleUri: string;
  nonce?: string;
}

export function auditViewHtml(input: AuditViewHtmlInput): string {
  const nonce = input.nonce ?? newNonce();
  const attr = escapeHtml;
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(input.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>MCP Oversight audit log</title>
<link rel="stylesheet" href="${attr(input.styleUri)}" nonce="${attr(nonce)}">
</head>
<body>
<main id="app" aria-busy="true"><p>Loading the audit log…</p></main>
<script src="${attr(input.scriptUri)}" nonce="${attr(nonce)}"></script>
</body>
</html>
`;
}
