import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { isOversightError } from '../../../src/core/errors';
import { WebviewBundle } from '../../../src/extension/webviews/webview-bundle';
import { assertInlineable, contentSecurityPolicy, webviewHtml } from '../../../src/extension/webviews/webview-html';

const CSP_SOURCE = 'https://file+.vscode-resource.vscode-cdn.net';
/** Stand-ins for the bundle's text: what webviewHtml does with it does not depend on what it is. */
const SCRIPT = 'window.x = 1 < 2 && "a" > "b";';
const STYLE = 'body > main { color: red }';
const input = { cspSource: CSP_SOURCE, script: SCRIPT, style: STYLE };

function cspOf(html: string): string {
  const m = /<meta http-equiv="Content-Security-Policy" content="([^"]*)">/.exec(html);
  assert.ok(m, 'a CSP meta tag');
  return m[1]!.replace(/&#39;/g, "'");
}

describe('webview HTML', () => {
  it('a strict CSP: default-src none, scripts and styles by nonce only, nothing unsafe, no remote origin', () => {
    const csp = cspOf(webviewHtml(input));
    const directives = new Map(csp.split(';').map((d) => d.trim().split(/\s+/)).map(([k, ...v]) => [k, v] as const));
    assert.deepEqual(directives.get('default-src'), ["'none'"]);
    const script = directives.get('script-src') ?? [];
    assert.equal(script.length, 1);
    assert.match(script[0] ?? '', /^'nonce-[A-Za-z0-9+/]{22}=='$/);
    assert.deepEqual(directives.get('style-src'), [script[0]]);
    assert.ok(!/unsafe-inline|unsafe-eval|unsafe-hashes|wasm-unsafe|strict-dynamic|\*/.test(csp), csp);
    const origins = csp.match(/[a-z][a-z0-9+.-]*:\/\/[^\s;']+/g) ?? [];
    assert.deepEqual([...new Set(origins)], [CSP_SOURCE], 'no origin but the webview resource origin (images, fonts)');
    for (const d of ['base-uri', 'form-action', 'frame-src']) assert.deepEqual(directives.get(d), ["'none'"], d);
  });

  it('a fresh nonce per render, carried by the one inline script and the one style element, which hold the bundle', () => {
    const nonces = new Set<string>();
    for (let i = 0; i < 50; i++) {
      const html = webviewHtml(input);
      const nonce = /'nonce-([^']+)'/.exec(cspOf(html))?.[1];
      assert.ok(nonce);
      nonces.add(nonce);
      const scripts = [...html.matchAll(/<script\b([^>]*)>([\s\S]*?)<\/script>/g)];
      assert.equal(scripts.length, 1);
      assert.equal(scripts[0]?.[1], ` nonce="${nonce}"`, 'no src, no other attribute');
      assert.equal(scripts[0]?.[2], SCRIPT, 'the bundle, as it is');
      const styles = [...html.matchAll(/<style\b([^>]*)>([\s\S]*?)<\/style>/g)];
      assert.equal(styles.length, 1);
      assert.equal(styles[0]?.[1], ` nonce="${nonce}"`);
      assert.equal(styles[0]?.[2], STYLE);
    }
    assert.equal(nonces.size, 50);
  });

  it('nothing else inline: no other script or style element, no style attribute, no handlers, no links; no data in the HTML (it comes by message)', () => {
    const html = webviewHtml({ ...input, title: '<script>alert(1)</script>' });
    const rest = html.replace(/<script nonce="[^"]*">[\s\S]*?<\/script>/, '').replace(/<style nonce="[^"]*">[\s\S]*?<\/style>/, '');
    assert.ok(!/<script|<style|<link|\sstyle=|\son[a-z]+=|javascript:|\ssrc=|\shref=/i.test(rest), rest);
    assert.ok(!html.includes('<script>alert'), 'the title is escaped');
    assert.ok(html.includes('&#60;script&#62;alert(1)&#60;/script&#62;'));
  });

  it('an attribute cannot be broken out of', () => {
    const html = webviewHtml({ ...input, cspSource: '"><script>alert(1)</script>' });
    assert.ok(!html.includes('"><script>alert'));
    assert.equal(contentSecurityPolicy('x', 'n').includes("'nonce-n'"), true);
  });

  it('refuses bundle text that would end its element early or keep the parser in it', () => {
    for (const [script, style] of [
      ['let s = "</script><script>alert(1)";', STYLE],
      ['let s = "</SCRIPT >";', STYLE],
      ['let s = "<!-- <script>";', STYLE],
      [SCRIPT, '.a::after { content: "</style><script>alert(1)</script>" }'],
      [SCRIPT, '.a::after { content: "</Style" }'],
    ] as const) {
      assert.throws(() => webviewHtml({ ...input, script, style }), (e: unknown) => isOversightError(e) && e.code === 'internal', `${script} ${style}`);
    }
    // esbuild's escaped forms are fine (scripts/build.mjs keeps its `inline-script`/`inline-style` escaping on).
    assert.doesNotThrow(() => assertInlineable('let s = "<\\/script>";', '.a::after { content: "<\\/style>" }'));
  });
});

describe('webview bundle', () => {
  it('reads the script and stylesheet once, on first use, and keeps them', () => {
    const reads: string[] = [];
    const bundle = new WebviewBundle('/ext/dist/webview', 'main', (path) => {
      reads.push(path);
      return path.endsWith('.js') ? SCRIPT : STYLE;
    });
    assert.deepEqual(reads, [], 'nothing is read when it is made (at activation)');
    assert.deepEqual(bundle.get(), { script: SCRIPT, style: STYLE });
    assert.deepEqual(bundle.get(), { script: SCRIPT, style: STYLE });
    assert.deepEqual(reads, ['/ext/dist/webview/main.js', '/ext/dist/webview/main.css']);
  });

  it('a missing bundle is an io error that names the file; the next render tries again', () => {
    let fail = true;
    const bundle = new WebviewBundle('/ext/dist/webview', 'audit', (path) => {
      if (fail) throw Object.assign(new Error(`ENOENT: ${path}`), { code: 'ENOENT' });
      return path.endsWith('.js') ? SCRIPT : STYLE;
    });
    assert.throws(() => bundle.get(), (e: unknown) => isOversightError(e) && e.code === 'io' && e.message.includes('/ext/dist/webview/audit.js'));
    fail = false;
    assert.equal(bundle.get().script, SCRIPT);
  });
});
