import { existsSync } from 'node:fs';
import { join } from 'node:path';
import { build } from 'esbuild';
import type { Browser, Page } from 'playwright-core';

/**
 * A webview bundle in a real Chromium (Debian's, driven by playwright-core) under the HTML and CSP the
 * extension sets, with a fake `acquireVsCodeApi` that records what the page posts and a listener for CSP
 * violations. Shared by the diff preview's and the audit panel's DOM tests. Skipped, with the reason, when
 * there is no Chromium (set CHROMIUM_PATH, or apt-get install chromium).
 */
export const CHROMIUM = process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium';
export const ORIGIN = 'https://webview.test';
export const skip = existsSync(CHROMIUM) ? false : `no Chromium at ${CHROMIUM} (apt-get install chromium, or set CHROMIUM_PATH)`;
export const ARTIFACTS = join(process.cwd(), '.test-tmp', 'webview');

/**
 * The page bundle as the build makes it (scripts/build.mjs, WEBVIEW_OPTIONS: minified, `</script` and
 * `</style` escaped), in memory: its script and its stylesheet, which the page inlines.
 */
export async function bundle(entry: string): Promise<{ js: string; css: string }> {
  const out = await build({
    entryPoints: [entry],
    bundle: true,
    write: false,
    outdir: '/virtual',
    platform: 'browser',
    format: 'iife',
    target: 'es2022',
    minify: true,
    supported: { 'inline-script': true, 'inline-style': true },
    legalComments: 'none',
    logLevel: 'silent',
  });
  const js = out.outputFiles.find((f) => f.path.endsWith('.js'))?.text ?? '';
  const css = out.outputFiles.find((f) => f.path.endsWith('.css'))?.text ?? '';
  if (js === '' || css === '') throw new Error(`bundling ${entry} gave no script or no stylesheet`);
  return { js, css };
}

export async function launch(): Promise<Browser> {
  const { chromium } = await import('playwright-core');
  return chromium.launch({ executablePath: CHROMIUM, headless: true, args: ['--no-sandbox', '--disable-gpu', '--disable-dev-shm-usage'] });
}

export interface WebviewPage<Out> {
  page: Page;
  posted: () => Promise<Out[]>;
  send: (m: unknown) => Promise<void>;
  violations: () => Promise<string[]>;
  /** What the page asked for besides its document (it inlines its bundle: nothing, normally). */
  requested: () => string[];
}

/**
 * Opens `html` at ORIGIN/index.html (any other request is answered 404 and recorded); waits for the
 * page's `ready`. With `reply`, the fake host answers `ready` with it at once, as the diff preview does.
 */
export async function openWebview<Out>(
  browser: Browser,
  o: { html: string; viewport: { width: number; height: number }; timezoneId?: string; reply?: unknown },
): Promise<WebviewPage<Out>> {
  const page = await browser.newPage({ viewport: o.viewport, ...(o.timezoneId ? { timezoneId: o.timezoneId } : {}) });
  const others: string[] = [];
  await page.route('**/*', (route) => {
    const url = route.request().url();
    if (url === `${ORIGIN}/index.html`) return route.fulfill({ contentType: 'text/html', body: o.html });
    others.push(url);
    return route.fulfill({ status: 404, body: '' });
  });
  // Page code is passed as strings: tsx's keepNames would put a `__name` helper into a serialised
  // function, and this tsconfig has no DOM types (test code runs in node).
  await page.addInitScript(`
    window.__posted = [];
    window.__csp = [];
    window.__reply = ${JSON.stringify(o.reply ?? null)};
    window.acquireVsCodeApi = () => ({
      postMessage: (m) => {
        window.__posted.push(JSON.parse(JSON.stringify(m)));
        if (m.type === 'ready' && window.__reply) setTimeout(() => window.postMessage(window.__reply, '*'));
      },
    });
    document.addEventListener('securitypolicyviolation', (e) => window.__csp.push(e.violatedDirective + ' ' + e.blockedURI));
  `);
  await page.goto(`${ORIGIN}/index.html`);
  const posted = () => page.evaluate<Out[]>('window.__posted');
  const send = (m: unknown) => page.evaluate(`window.postMessage(${JSON.stringify(m)}, '*')`).then(() => undefined);
  const violations = () => page.evaluate<string[]>('window.__csp');
  await page.waitForFunction("window.__posted.some((m) => m.type === 'ready')");
  return { page, posted, send, violations, requested: () => [...others] };
}

/** The first message the page posted that matches, polling for up to 5 s. */
export async function postedMatching<Out>(posted: () => Promise<Out[]>, pred: (m: Out) => boolean, what = 'a matching message'): Promise<Out> {
  for (let i = 0; i < 200; i++) {
    const m = (await posted()).find(pred);
    if (m) return m;
    await new Promise((r) => setTimeout(r, 25));
  }
  throw new Error(`no ${what}; posted: ${JSON.stringify(await posted())}`);
}
