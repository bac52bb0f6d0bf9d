#!/usr/bin/env node
// The tests in a real VS Code (code-server 4.100.3 = VS Code 1.100.3), driven with Debian's Chromium:
//   build -> package the .vsix -> setup (cached) -> (a) the extension-host mocha suite (test/e2e/suite)
//   through the workbench's extensionDevelopmentPath/extensionTestsPath payload -> (b) the UI tests
//   (test/e2e/ui, node:test + playwright-core) on code-server with the .vsix installed -> counts.
// Every code-server runs in its own process group and is killed on success, failure, timeout or signal.
//
//   node scripts/vscode-host/run-e2e.mjs [--only host|ui] [--no-build] [--keep] [--grep TEXT]
// Env: MCP_OVERSIGHT_E2E_TIMEOUT_S (whole run, default 600), CHROMIUM_PATH, MCP_OVERSIGHT_CACHE.
// Screenshots: test-results/e2e/. Run folder (profiles, logs): kept on failure or with --keep.
import { spawn } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { parseArgs } from 'node:util';
import { chromium } from 'playwright-core';
import { buildSuite } from './build-suite.mjs';
import { adoptGroup, installExtension, killAllNow, profileDirs, releaseGroup, startCodeServer } from './code-server.mjs';
import { CHROMIUM_ARGS, CHROMIUM_PATH, REPO_ROOT, run, say, seconds } from './host-config.mjs';
import { packageVsix } from './package-vsix.mjs';
import { setup } from './setup.mjs';

const { values: opts } = parseArgs({
  options: {
    only: { type: 'string' },
    'no-build': { type: 'boolean', default: false },
    keep: { type: 'boolean', default: false },
    grep: { type: 'string' },
  },
});
const FIXTURE = join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'workspace');
const SCREENSHOTS = join(REPO_ROOT, 'test-results', 'e2e');
const UI_TESTS = join(REPO_ROOT, 'test', 'e2e', 'ui');
const HOST_SUITE_TIMEOUT_MS = 180_000;
const UI_TIMEOUT_MS = 240_000;
const TOTAL_TIMEOUT_MS = Number(process.env.MCP_OVERSIGHT_E2E_TIMEOUT_S ?? 600) * 1000;

const t0 = Date.now();
const times = [];
async function stage(name, fn) {
  const started = Date.now();
  say(`== ${name}`);
  try {
    return await fn();
  } finally {
    times.push(`${name} ${seconds(Date.now() - started)}`);
  }
}

function copyWorkspace(runDir, name) {
  const ws = join(runDir, name);
  cpSync(FIXTURE, ws, { recursive: true });
  return ws;
}

function withTimeout(promise, ms, what) {
  let timer;
  return Promise.race([promise, new Promise((_, reject) => (timer = setTimeout(() => reject(new Error(`${what} timed out after ${seconds(ms)}`)), ms)))]).finally(() => clearTimeout(timer));
}

/**
 * (a) The mocha suite inside the extension host, started by the workbench from the URL payload. The
 * `untrusted` pass turns workspace trust on, so the fixture folder opens in restricted mode, and runs
 * only the `*.untrusted.test.ts` files (test/e2e/suite/index.ts picks them by MCP_OVERSIGHT_E2E_MODE).
 */
async function runHostSuite(runDir, suiteDir, mode = 'trusted') {
  const dirs = profileDirs(runDir, `host-suite-${mode}`);
  const workspace = copyWorkspace(runDir, `workspace-host-suite-${mode}`);
  const resultsPath = join(dirs.base, 'results.json');
  const server = await startCodeServer({
    dirs,
    settings: mode === 'untrusted' ? { 'security.workspace.trust.enabled': true, 'security.workspace.trust.startupPrompt': 'never', 'security.workspace.trust.emptyWindow': false } : {},
    env: {
      MCP_OVERSIGHT_E2E_MODE: mode,
      MCP_OVERSIGHT_E2E_LOGS: join(dirs.userData, 'logs'),
      MCP_OVERSIGHT_E2E_RESULTS: resultsPath,
      ...(opts.grep ? { MCP_OVERSIGHT_E2E_GREP: opts.grep } : {}),
    },
  });
  let context;
  try {
    context = await chromium.launchPersistentContext(join(dirs.base, 'chromium'), { executablePath: CHROMIUM_PATH, headless: true, viewport: { width: 1400, height: 900 }, args: CHROMIUM_ARGS });
    const page = context.pages()[0] ?? (await context.newPage());
    let exited;
    const exit = new Promise((resolve) => (exited = resolve));
    // The workbench calls these when it runs extension tests (VS Code's automation hooks).
    await page.exposeFunction('codeAutomationExit', (code) => exited(Number(code)));
    await page.exposeFunction('codeAutomationLog', (type, args) => {
      const line = (Array.isArray(args) ? args : [args]).map((a) => (typeof a === 'string' ? a : JSON.stringify(a))).join(' ');
      // The web workbench asks its extension gallery (open-vsx) for recommendations: no route here, harmless.
      const galleryNoise = /open-vsx\.org|ENOTFOUND/.test(line);
      if (process.env.MCP_OVERSIGHT_E2E_VERBOSE || (type === 'error' && !galleryNoise)) console.log(`  [workbench ${type}] ${line.slice(0, 2000)}`);
    });
    const payload = [
      ['extensionDevelopmentPath', `vscode-remote://remote${REPO_ROOT}`],
      ['extensionTestsPath', `vscode-remote://remote${suiteDir}`],
    ];
    await page.goto(`${server.url}/?folder=${encodeURIComponent(workspace)}&payload=${encodeURIComponent(JSON.stringify(payload))}`);
    let code;
    try {
      code = await withTimeout(exit, HOST_SUITE_TIMEOUT_MS, 'the extension-host suite');
    } finally {
      mkdirSync(SCREENSHOTS, { recursive: true });
      await page.screenshot({ path: join(SCREENSHOTS, `host-suite-${mode}-end.png`) }).catch(() => undefined);
    }
    if (!existsSync(resultsPath)) throw new Error(`the extension-host suite exited with ${code} and wrote no results (did index.js load? see ${server.logPath} and ${join(dirs.userData, 'logs')})`);
    const results = JSON.parse(readFileSync(resultsPath, 'utf8'));
    for (const t of results.passed) console.log(`  ✔ ${t.title} (${t.ms} ms)`);
    for (const t of results.pending) console.log(`  - ${t.title} (skipped)`);
    for (const t of results.failed) console.log(`  ✖ ${t.title}\n${t.error.replace(/^/gm, '      ')}`);
    return { passed: results.passed.length, failed: results.failed.length + (code !== 0 && results.failed.length === 0 ? 1 : 0), skipped: results.pending.length };
  } finally {
    await context?.close().catch(() => undefined);
    await server.stop();
  }
}

/** (b) node:test + playwright-core against code-server with the packaged .vsix installed. */
async function runUiTests(runDir, vsix) {
  const dirs = profileDirs(runDir, 'ui');
  const workspace = copyWorkspace(runDir, 'workspace-ui');
  const installed = Date.now();
  await installExtension(dirs, vsix);
  say(`installed ${relative(REPO_ROOT, vsix)} into code-server in ${Date.now() - installed} ms`);
  const server = await startCodeServer({ dirs, env: { MCP_OVERSIGHT_E2E_LOGS: join(dirs.userData, 'logs') } });
  try {
    const files = readdirSync(UI_TESTS).filter((f) => f.endsWith('.test.ts')).sort().map((f) => join(UI_TESTS, f));
    const tap = join(dirs.base, 'ui.tap');
    const child = spawn(
      process.execPath,
      ['--import', 'tsx', '--test', '--test-concurrency=1', '--test-reporter=spec', '--test-reporter-destination=stdout', '--test-reporter=tap', `--test-reporter-destination=${tap}`, ...(opts.grep ? [`--test-name-pattern=${opts.grep}`] : []), ...files],
      {
        cwd: REPO_ROOT,
        detached: true,
        stdio: ['ignore', 'inherit', 'inherit'],
        env: { ...process.env, NO_COLOR: '1', E2E_CODE_SERVER_URL: server.url, E2E_WORKSPACE: workspace, E2E_SCREENSHOTS: SCREENSHOTS, E2E_BROWSER_PROFILES: join(dirs.base, 'chromium'), CHROMIUM_PATH },
      },
    );
    adoptGroup(child.pid);
    const exitCode = await withTimeout(new Promise((resolve) => child.on('close', (c) => resolve(c ?? 1))), UI_TIMEOUT_MS, 'the UI tests').catch((e) => {
      try {
        process.kill(-child.pid, 'SIGKILL');
      } catch {
        // gone
      }
      throw e;
    });
    releaseGroup(child.pid);
    const text = existsSync(tap) ? readFileSync(tap, 'utf8') : '';
    const count = (k) => Number(new RegExp(`^# ${k} (\\d+)$`, 'm').exec(text)?.[1] ?? 0);
    const counts = { passed: count('pass'), failed: count('fail') + count('cancelled'), skipped: count('skipped') + count('todo') };
    if (exitCode !== 0 && counts.failed === 0) counts.failed = 1;
    return counts;
  } finally {
    await server.stop();
  }
}

async function main() {
  const which = opts.only ?? 'all';
  if (!['all', 'host', 'ui'].includes(which)) throw new Error(`--only host|ui, not ${which}`);
  if (!opts['no-build']) await stage('build', () => run('npm', ['run', '--silent', 'build'], { echo: true }));
  const vsix = await stage('package', async () => (await packageVsix()).path);
  await stage('setup', () => setup());
  const suiteDir = await stage('build suite', () => buildSuite());

  rmSync(SCREENSHOTS, { recursive: true, force: true });
  mkdirSync(SCREENSHOTS, { recursive: true });
  const runDir = mkdtempSync(join(tmpdir(), 'mcp-oversight-e2e-'));
  say(`run folder ${runDir}`);
  const totals = { passed: 0, failed: 0, skipped: 0 };
  const add = (c) => Object.keys(totals).forEach((k) => (totals[k] += c[k]));
  const failures = [];
  for (const [name, fn] of [
    ['extension-host suite', () => runHostSuite(runDir, suiteDir)],
    ['extension-host suite, untrusted workspace', () => runHostSuite(runDir, suiteDir, 'untrusted')],
    ['UI tests', () => runUiTests(runDir, vsix)],
  ]) {
    if ((which === 'host' && !name.startsWith('extension-host suite')) || (which === 'ui' && name !== 'UI tests')) continue;
    try {
      const c = await stage(name, fn);
      say(`${name}: ${c.passed} passed, ${c.failed} failed, ${c.skipped} skipped`);
      add(c);
    } catch (e) {
      failures.push(`${name}: ${e instanceof Error ? e.message : String(e)}`);
      totals.failed += 1;
    }
  }
  const ok = totals.failed === 0 && totals.passed > 0;
  if (ok && !opts.keep) rmSync(runDir, { recursive: true, force: true });
  else say(`kept the run folder ${runDir} (code-server logs, profiles, extension logs)`);
  for (const f of failures) console.error(`[vscode-host] ${f}`);
  say(`times: ${times.join(', ')}; total ${seconds(Date.now() - t0)}; screenshots in ${relative(REPO_ROOT, SCREENSHOTS)}/`);
  console.log(`e2e: ${totals.passed} passed, ${totals.failed} failed, ${totals.skipped} skipped`);
  return ok ? 0 : 1;
}

process.on('exit', killAllNow);
for (const sig of ['SIGINT', 'SIGTERM', 'SIGHUP']) {
  process.on(sig, () => {
    killAllNow();
    process.exit(130);
  });
}
const overall = setTimeout(() => {
  console.error(`[vscode-host] the whole e2e run took over ${seconds(TOTAL_TIMEOUT_MS)}: stopping everything`);
  killAllNow();
  process.exit(1);
}, TOTAL_TIMEOUT_MS);
overall.unref();

main().then(
  (code) => process.exit(code),
  (e) => {
    console.error(`[vscode-host] e2e failed: ${e instanceof Error ? e.message : String(e)}`);
    killAllNow();
    process.exit(1);
  },
);
