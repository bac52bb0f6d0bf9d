#!/usr/bin/env node
// Opens MCP Oversight in a real VS Code in your browser: builds, packages the .vsix, sets up code-server
// (cached after the first run), installs the .vsix into a throwaway profile and serves the workbench on
// a copy of examples/demo-workspace (so approving fixes never changes the repo). Ctrl-C stops it.
//
//   node scripts/vscode-host/open-demo.mjs [--port 8080] [--workspace PATH] [--no-build] [--check]
// --check: load the workbench once in Chromium, save test-results/e2e/demo.png, stop (a smoke test).
import { cpSync, mkdirSync, mkdtempSync, rmSync } from 'node:fs';
import { createServer } from 'node:net';
import { tmpdir } from 'node:os';
import { basename, join, resolve } from 'node:path';
import { parseArgs } from 'node:util';
import { installExtension, killAllNow, profileDirs, startCodeServer } from './code-server.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH, REPO_ROOT, run, say } from './host-config.mjs';
import { packageVsix } from './package-vsix.mjs';
import { setup } from './setup.mjs';

const { values: opts } = parseArgs({
  options: {
    port: { type: 'string', default: '8080' },
    workspace: { type: 'string', default: join(REPO_ROOT, 'examples', 'demo-workspace') },
    'no-build': { type: 'boolean', default: false },
    check: { type: 'boolean', default: false },
  },
});

function portFree(port) {
  return new Promise((res) => {
    const srv = createServer();
    srv.once('error', () => res(false));
    srv.listen(port, '127.0.0.1', () => srv.close(() => res(true)));
  });
}

let runDir;
function cleanup() {
  killAllNow();
  if (runDir) rmSync(runDir, { recursive: true, force: true });
}
process.on('exit', cleanup);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) process.on(sig, () => process.exit(0));

async function main() {
  if (!opts['no-build']) await run('npm', ['run', '--silent', 'build'], { echo: true });
  const { path: vsix } = await packageVsix();
  await setup();
  runDir = mkdtempSync(join(tmpdir(), 'mcp-oversight-demo-'));
  const workspace = join(runDir, basename(resolve(opts.workspace)));
  cpSync(resolve(opts.workspace), workspace, { recursive: true });
  const dirs = profileDirs(runDir, 'profile');
  await installExtension(dirs, vsix);
  const wanted = Number(opts.port);
  const port = opts.check ? undefined : (await portFree(wanted)) ? wanted : undefined;
  // A throwaway profile: workspace trust off so the demo runs its checks without a prompt.
  const server = await startCodeServer({ dirs, port });
  const url = `${server.url}/?folder=${encodeURIComponent(workspace).replaceAll('%2F', '/')}`;
  if (opts.check) {
    const { chromium } = await import('playwright-core');
    const context = await chromium.launchPersistentContext(join(runDir, 'chromium'), { executablePath: CHROMIUM_PATH, headless: true, viewport: { width: 1400, height: 900 }, args: CHROMIUM_ARGS });
    try {
      const page = context.pages()[0] ?? (await context.newPage());
      await page.goto(url);
      await page.locator('.monaco-workbench .part.statusbar').waitFor({ state: 'visible', timeout: 60_000 });
      await page.waitForTimeout(3_000);
      mkdirSync(join(REPO_ROOT, 'test-results', 'e2e'), { recursive: true });
      await page.screenshot({ path: join(REPO_ROOT, 'test-results', 'e2e', 'demo.png') });
      say('demo workbench loaded: test-results/e2e/demo.png');
    } finally {
      await context.close();
      await server.stop();
    }
    return;
  }
  if (port === undefined) say(`port ${wanted} is taken: using ${server.port}`);
  console.log(`\nMCP Oversight in VS Code 1.100.3 (code-server), on a copy of ${opts.workspace}:\n\n  ${url}\n\nOpen it in your browser. Ctrl-C stops the server and removes the copy.\n`);
  await new Promise(() => undefined);
}

main().catch((e) => {
  console.error(`[vscode-host] ${e instanceof Error ? e.message : String(e)}`);
  process.exit(1);
});
