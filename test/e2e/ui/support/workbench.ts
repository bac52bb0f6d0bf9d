import { mkdirSync } from 'node:fs';
import { join } from 'node:path';
import { chromium, type BrowserContext, type Locator, type Page } from 'playwright-core';

/**
 * Driving the code-server workbench from Chromium. The launcher (scripts/vscode-host/run-e2e.mjs)
 * starts code-server with the packaged .vsix installed and passes where things are in the environment.
 */
export const env = {
  url: process.env['E2E_CODE_SERVER_URL'],
  workspace: process.env['E2E_WORKSPACE'],
  screenshots: process.env['E2E_SCREENSHOTS'] ?? 'test-results/e2e',
  profiles: process.env['E2E_BROWSER_PROFILES'],
  chromium: process.env['CHROMIUM_PATH'] ?? '/usr/bin/chromium',
};

/** Why the UI tests skip when not started by the launcher. */
export const notLaunched = env.url && env.workspace && env.profiles ? false : 'run through `npm run test:e2e` (it starts code-server and sets E2E_*)';

const CHROMIUM_ARGS = ['--no-sandbox', '--disable-gpu', '--disable-quic', '--no-first-run', '--disable-background-networking', '--disable-component-update', '--disable-sync'];

export interface Workbench {
  context: BrowserContext;
  page: Page;
  /** Saves `<screenshots>/<prefix>-<nn>-<name>.png`, numbered in order. */
  shot(name: string): Promise<string>;
  close(): Promise<void>;
}

/** A fresh Chromium profile on the workbench of `folder`, rendered and ready for input. */
export async function openWorkbench(prefix: string, folder = env.workspace ?? ''): Promise<Workbench> {
  const profile = join(env.profiles ?? '.', `${prefix}-${Date.now()}`);
  const context = await chromium.launchPersistentContext(profile, {
    executablePath: env.chromium,
    headless: true,
    viewport: { width: 1400, height: 900 },
    args: CHROMIUM_ARGS,
  });
  const page = context.pages()[0] ?? (await context.newPage());
  page.setDefaultTimeout(30_000);
  mkdirSync(env.screenshots, { recursive: true });
  let n = 0;
  const wb: Workbench = {
    context,
    page,
    shot: async (name) => {
      const path = join(env.screenshots, `${prefix}-${String(++n).padStart(2, '0')}-${name}.png`);
      await page.screenshot({ path });
      return path;
    },
    close: () => context.close(),
  };
  await page.goto(`${env.url}/?folder=${encodeURIComponent(folder)}`);
  await page.locator('.monaco-workbench').waitFor({ state: 'visible', timeout: 60_000 });
  // The status bar is among the last parts to render; after it the workbench takes keyboard input.
  await page.locator('.part.statusbar').waitFor({ state: 'visible', timeout: 30_000 });
  return wb;
}

/**
 * Runs a command from the command palette by its full title ("Category: Title"). Until the extension
 * host has registered the extension the palette answers "No matching commands": close it and try
 * again until `timeoutMs`. Returns the number of attempts.
 */
export async function runFromPalette(page: Page, title: string, timeoutMs = 45_000): Promise<number> {
  const until = Date.now() + timeoutMs;
  for (let attempt = 1; ; attempt++) {
    await page.keyboard.press('Escape');
    await page.keyboard.press('F1');
    const input = page.locator('.quick-input-widget .quick-input-box input');
    await input.waitFor({ state: 'visible', timeout: 10_000 });
    await input.fill('>');
    await input.pressSequentially(title, { delay: 5 });
    const row = page.locator('.quick-input-widget .monaco-list-row', { hasText: title }).first();
    try {
      await row.waitFor({ state: 'visible', timeout: 3_000 });
      await row.click();
      return attempt;
    } catch (e) {
      if (Date.now() > until) throw new Error(`"${title}" not in the command palette after ${attempt} attempts: ${e instanceof Error ? e.message : String(e)}`, { cause: e });
      await page.keyboard.press('Escape');
      await page.waitForTimeout(1_000);
    }
  }
}

/** The notification toast whose text matches. */
export function toast(page: Page, text: RegExp | string): Locator {
  return page.locator('.notifications-toasts .notification-toast', { hasText: text }).first();
}

/** The text shown in the panel's editor (the Output view). */
export function panelText(page: Page): Locator {
  return page.locator('.part.panel .monaco-editor .view-lines').first();
}
