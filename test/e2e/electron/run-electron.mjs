#!/usr/bin/env node
// The same extension-host suite (test/e2e/suite) in DESKTOP VS Code through @vscode/test-electron, for
// machines that have a VS Code (a laptop, hosted CI). The project's own `npm run test:e2e` uses code-server
// instead, which works where desktop VS Code cannot be downloaded. @vscode/test-electron is not a
// dependency: install it beside the repo for this, e.g. `npm install --no-save @vscode/test-electron`.
//
//   VSCODE_EXECUTABLE_PATH=/path/to/code npm run build && node test/e2e/electron/run-electron.mjs
// Without VSCODE_EXECUTABLE_PATH, test-electron downloads VS Code (needs the network).
import { cpSync, existsSync, mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { buildSuite } from '../../../scripts/vscode-host/build-suite.mjs';
import { TEST_USER_SETTINGS } from '../../../scripts/vscode-host/code-server.mjs';
import { REPO_ROOT } from '../../../scripts/vscode-host/host-config.mjs';

let runTests;
try {
  ({ runTests } = await import('@vscode/test-electron'));
} catch {
  console.error('@vscode/test-electron is not installed: npm install --no-save @vscode/test-electron (or use npm run test:e2e, the code-server route)');
  process.exit(1);
}
if (!existsSync(join(REPO_ROOT, 'dist', 'extension.js'))) {
  console.error('dist/extension.js is missing: npm run build first');
  process.exit(1);
}

const suiteDir = await buildSuite();
const runDir = mkdtempSync(join(tmpdir(), 'mcp-oversight-e2e-electron-'));
const workspace = join(runDir, 'workspace');
cpSync(join(REPO_ROOT, 'test', 'e2e', 'fixtures', 'workspace'), workspace, { recursive: true });
const userData = join(runDir, 'user-data');
mkdirSync(join(userData, 'User'), { recursive: true });
writeFileSync(join(userData, 'User', 'settings.json'), JSON.stringify(TEST_USER_SETTINGS, null, 2));
const results = join(runDir, 'results.json');

let code = 0;
try {
  await runTests({
    ...(process.env.VSCODE_EXECUTABLE_PATH ? { vscodeExecutablePath: process.env.VSCODE_EXECUTABLE_PATH } : {}),
    extensionDevelopmentPath: REPO_ROOT,
    extensionTestsPath: suiteDir,
    launchArgs: [workspace, '--user-data-dir', userData, '--extensions-dir', join(runDir, 'extensions'), '--disable-workspace-trust', '--skip-welcome', '--skip-release-notes'],
    extensionTestsEnv: { MCP_OVERSIGHT_E2E_LOGS: join(userData, 'logs'), MCP_OVERSIGHT_E2E_RESULTS: results, ...(process.env.MCP_OVERSIGHT_E2E_GREP ? { MCP_OVERSIGHT_E2E_GREP: process.env.MCP_OVERSIGHT_E2E_GREP } : {}) },
  });
} catch (e) {
  console.error(e instanceof Error ? e.message : String(e));
  code = 1;
}
if (existsSync(results)) {
  const r = JSON.parse(readFileSync(results, 'utf8'));
  console.log(`e2e (desktop VS Code): ${r.passed.length} passed, ${r.failed.length} failed, ${r.pending.length} skipped`);
}
if (code === 0) rmSync(runDir, { recursive: true, force: true });
else console.error(`kept ${runDir}`);
process.exit(code);
