import assert from 'node:assert/strict';
import { existsSync, readFileSync } from 'node:fs';
import { describe, it } from 'node:test';
import { assertInlineable } from '../../src/extension/webviews/webview-html';

/**
 * The webview bundles as built (`npm run build`) are inlined into their pages (webview-html.ts), so their
 * text must not end its element early: no `</script` (nor `<!--`, which with a later `<script` keeps the
 * parser inside the element) in a script, no `</style` in a stylesheet. esbuild escapes the closing tags
 * (scripts/build.mjs, WEBVIEW_OPTIONS); a dependency's `<!--` it would not. They are minified (they travel
 * in the HTML every time a page loads) and carry no sourceMappingURL (it could not resolve from inline).
 */
const BUNDLES = ['main', 'audit'];
/** Minified today: main.js 77 KiB, audit.js 124 KiB. */
const BUDGET_KIB: Record<string, number> = { main: 96, audit: 150 };

describe('the webview bundles, inlined into their pages', () => {
  for (const name of BUNDLES) {
    it(`dist/webview/${name}.js and .css can be inlined: no closing tag or comment opener, minified, no source map link`, () => {
      const js = `dist/webview/${name}.js`;
      const css = `dist/webview/${name}.css`;
      assert.ok(existsSync(js) && existsSync(css), `${js} or ${css} is missing: run \`npm run build\` first`);
      const script = readFileSync(js, 'utf8');
      const style = readFileSync(css, 'utf8');
      assert.doesNotMatch(script, /<\/script/i);
      assert.doesNotMatch(script, /<!--/);
      assert.doesNotMatch(style, /<\/style/i);
      assert.doesNotThrow(() => assertInlineable(script, style));
      for (const text of [script, style]) assert.doesNotMatch(text, /sourceMappingURL/);
      // Minified (unminified they were 135 and 206 KiB): a budget, since every page load carries them.
      const kib = script.length / 1024;
      assert.ok(kib < BUDGET_KIB[name]!, `${js}: ${kib.toFixed(0)} KiB, over its ${BUDGET_KIB[name]} KiB budget (minified?)`);
    });
  }
});
