import { randomBytes } from 'node:crypto';
import { OversightError } from '../../core/errors';

/**
 * The webview's HTML: the bundle's script and stylesheet inlined, each in one element carrying a fresh
 * nonce per render, under a strict CSP; nothing else inline. Inlined because each file the page loads
 * is a round trip through the webview's service worker to the extension host (35-100 ms in code-server
 * before the script could start; issue 5 wants the diff within 300 ms). Pure (no vscode) so the CSP is
 * unit-tested; the caller passes `webview.cspSource` and the bundle's text (WebviewBundle reads it once,
 * on first use).
 *
 * - `default-src 'none'`: nothing loads unless listed (no fetch, frames, fonts, media, workers).
 * - scripts: only the inlined bundle, and only with this render's nonce (`'strict-dynamic'` is not used,
 *   so a script the page might inject could not run either).
 * - styles: only the inlined stylesheet, with the nonce. @vscode-elements (lit) styles its shadow roots
 *   with constructable stylesheets, which CSP does not govern, so no `'unsafe-inline'` is needed.
 * - images, fonts: the webview resource origin and data: URIs (none used today; lit's icons would need them).
 */
export interface WebviewHtmlInput {
  /** `webview.cspSource`. */
  cspSource: string;
  /** The bundle's script and stylesheet text (`dist/webview/<name>.js` and `.css`), inlined. */
  script: string;
  style: string;
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
    `style-src 'nonce-${nonce}'`,
    `img-src ${cspSource} data:`,
    `font-src ${cspSource}`,
    "base-uri 'none'",
    "form-action 'none'",
    "frame-src 'none'",
  ].join('; ');
}

export function webviewHtml(input: WebviewHtmlInput): string {
  assertInlineable(input.script, input.style);
  const nonce = input.nonce ?? newNonce();
  const attr = (s: string) => escapeHtml(s);
  return `<!DOCTYPE html>
<html lang="en">
<head>
<meta charset="utf-8">
<meta http-equiv="Content-Security-Policy" content="${attr(contentSecurityPolicy(input.cspSource, nonce))}">
<meta name="viewport" content="width=device-width, initial-scale=1">
<title>${escapeHtml(input.title ?? 'MCP change review')}</title>
<style nonce="${attr(nonce)}">${input.style}</style>
</head>
<body>
<main id="app" aria-busy="true"><p>${escapeHtml(input.loading ?? 'Loading the proposed change…')}</p></main>
<script nonce="${attr(nonce)}">${input.script}</script>
</body>
</html>
`;
}

/**
 * Refuses bundle text that would end its element early or change how it is parsed: `</script` in the
 * script, or `<!--` (with a later `<script` it keeps the parser inside the element past `</script>`);
 * `</style` in the stylesheet. esbuild escapes `</script` and `</style` (scripts/build.mjs); the rest is
 * checked on the built files by test/integration/webview-bundle.test.ts. Case-insensitive, as the parser is.
 */
export function assertInlineable(script: string, style: string): void {
  const bad = /<\/script|<!--/i.exec(script)?.[0] ?? /<\/style/i.exec(style)?.[0];
  if (bad !== undefined) throw new OversightError('internal', `the webview bundle contains "${bad}" and cannot be inlined into its page`);
}

/** For the few fixed strings that enter the HTML itself (data never does: the page gets it by message). */
export function escapeHtml(s: string): string {
  return s.replace(/[&<>"']/g, (c) => `&#${c.charCodeAt(0)};`);
}
