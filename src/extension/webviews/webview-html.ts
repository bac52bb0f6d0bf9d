import { randomBytes } from 'node:crypto';

/**
 * The webview's HTML: one script and one stylesheet from the bundle folder, a strict CSP with a fresh
 * nonce per render, nothing inline. Pure (no vscode) so the CSP is unit-tested; the panel passes
 * `webview.cspSource` and the bundle's webview URIs.
 *
 * - `default-src 'none'`: nothing loads unless listed (no fetch, frames, fonts, media, workers).
 * - scripts: only the bundle, and only with this render's nonce (`'strict-dynamic'` is not used, so a
 *   script the page might inject could not run either).
 * - styles: the bundle's stylesheet with the nonce. @vscode-elements (lit) styles its shadow roots with
 *   constructable stylesheets, which CSP does not govern, so no `'unsafe-inline'` is needed.
 * - images: the bundle folder and data: URIs (none used today; lit's icons would need them).
 */
export interface WebviewHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** Webview URIs (`webview.asWebviewUri`) of the bundle's script and stylesheet. */
  scriptUri: string;
  styleUri: string;
  /** Defaults to 16 random bytes, base64. A test passes its own. */
  nonce?: string;
  /** The document's title (escaped here; normally fixed text). */
  title?: string;
  /** What the page says until its script has rendered (escaped here; fixed text). */
  loading?: string;
}

export function newNonce(): string {
  return randomBytes(16).toString('base64');
}

export function contentSecurityPolicy(cspSource: string, nonce: string): string {
  return [
    "default-src 'none'",
    `script-src 'nonce-${nonce}'`,
    `style-src ${cspSource} 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
}

export function webviewHtml(input: WebviewHtmlInput): string {
  const nonce = input.nonce ?? newNonce();
  const attr = (s: string) => escapeHtml(s);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(input.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title ?? 'MCP change review')}</title>
<link rel="stylesheet" href="${attr(input.styleUri)}" nonce="${attr(nonce)}">
</head>
<body>
<main id="app" aria-busy="true"><p>${escapeHtml(input.loading ?? 'Loading the proposed change…')}</p></main>
<script src="${attr(input.scriptUri)}" nonce="${attr(nonce)}"></script>
</body>
</html>
`;
}

/** For the few fixed strings that enter the HTML itself (data never does: the page gets it by message). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
