import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { contentSecurityPolicy, webviewHtml } from '../../../src/extension/webviews/webview-html';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
const input = {
  cspSource: CSP_SOURCE,
  scriptUri: `${CSP_SOURCE}/ext/dist/webview/main.js`,
  styleUri: `${CSP_SOURCE}/ext/dist/webview/main.css`,
};

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'a CSP meta tag');
  return m[1]!.replace(/&#39;/g, "'");
}

describe('webview HTML', () => {
  it('a strict CSP: default-src none, scripts by nonce only, styles from the bundle or by nonce, nothing unsafe, no remote origin', () => {
    const csp = cspOf(webviewHtml(input));
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v] as const));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    const script = directives.get('script-src') ?? [];
    assert.equal(script.length, 1);
    assert.match(script[0] ?? '', /^'nonce-[A-Za-z0-9+/]{22}=='$/);
    assert.deepEqual(directives.get('style-src'), [CSP_SOURCE, script[0]]);
    assert.ok(!/unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe|strict-dynamic|\*/.test(csp), csp);
    const origins = csp.match(/[a-z][a-z0-9+.-]*:\/\/[^\s;']+/g) ?? [];
    assert.deepEqual([...new Set(origins)], [CSP_SOURCE], 'no origin but the webview resource origin');
    for (const d of ['base-uri', 'form-action', 'frame-src']) assert.deepEqual(directives.get(d), ["'none'"], d);
  });

  it('a fresh nonce per render, carried by the one script and the one stylesheet', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const html = webviewHtml(input);
      const nonce = /'nonce-([^']+)'/.exec(cspOf(html))?.[1];
      assert.ok(nonce);
      nonces.add(nonce);
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.equal(scripts.length, 1);
      assert.equal(scripts[0]?.[2], '', 'no inline script');
      const attrs = scripts[0]?.[1] ?? '';
      assert.ok(attrs.includes(`src="${input.scriptUri}"`) && attrs.includes(`nonce="${nonce}"`));
      assert.ok(html.includes(`<link rel="stylesheet" href="${input.styleUri}" nonce="${nonce}">`));
    }
    assert.equal(nonces.size, 50);
  });

  it('no inline styles or handlers, and no data in the HTML (it comes by message)', () => {
    const html = webviewHtml({ ...input, title: '<script>alert(1)</script>' });
    assert.ok(!/<style|\sstyle=|\son[a-z]+=|javascript:/i.test(html));
    assert.ok(!html.includes('<script>alert'), 'the title is escaped');
    assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
  });

  it('an attribute cannot be broken out of', () => {
    const html = webviewHtml({ ...input, scriptUri: '"><script>alert(1)</script>' });
    assert.ok(!html.includes('"><script>alert'));
    assert.equal(contentSecurityPolicy('x', 'n').includes("'nonce-n'"), true);
  });
});
