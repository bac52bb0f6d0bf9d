/**
 * Entry point of the extension-host suite: VS Code loads the bundled `out/e2e-suite/index.js` inside the
 * extension host (extensionTestsPath) and calls `run()`, with code-server (scripts/vscode-host/run-e2e.mjs)
 * or desktop VS Code (test/e2e/electron/run-electron.mjs) alike. Every `*.test.js` beside it is a test
 * file (from test/e2e/suite/**\/*.test.ts); MCP_OVERSIGHT_E2E_GREP filters by title. Files named
 * `*.untrusted.test.ts` run only when MCP_OVERSIGHT_E2E_MODE=untrusted (the launcher's second pass, with
 * workspace trust on and the folder not trusted), and the others only without it.
 */
import { readdirSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import Mocha from 'mocha';
import type { SuiteResults } from './support/results';

function testFiles(dir: string): string[] {
  const untrusted = process.env['MCP_OVERSIGHT_E2E_MODE'] === 'untrusted';
  return readdirSync(dir, { recursive: true })
    .map(String)
    .filter((f) => f.endsWith('.test.js') && f.endsWith('.untrusted.test.js') === untrusted)
    .sort()
    .map((f) => join(dir, f));
}

export function run(): Promise<void> {
  const mocha = new Mocha({ ui: 'bdd', color: false, timeout: 60_000, reporter: 'spec' });
  const grep = process.env['MCP_OVERSIGHT_E2E_GREP'];
  if (grep) mocha.grep(grep);
  for (const file of testFiles(__dirname)) mocha.addFile(file);

  const results: SuiteResults = { passed: [], failed: [], pending: [] };
  const save = () => {
    const out = process.env['MCP_OVERSIGHT_E2E_RESULTS'];
    if (out) writeFileSync(out, JSON.stringify(results, null, 2));
  };
  return new Promise((resolve, reject) => {
    try {
      const runner = mocha.run((failures) => {
        save();
        if (failures > 0) reject(new Error(`${failures} extension-host test(s) failed`));
        else resolve();
      });
      runner.on('pass', (t) => results.passed.push({ title: t.fullTitle(), ms: t.duration ?? 0 }));
      runner.on('pending', (t) => results.pending.push({ title: t.fullTitle(), ms: 0 }));
      runner.on('fail', (t, err: unknown) => {
        const e = err instanceof Error ? err : new Error(String(err));
        results.failed.push({ title: t.fullTitle(), ms: t.duration ?? 0, error: `${e.message}\n${e.stack ?? ''}`.slice(0, 4000) });
      });
    } catch (e) {
      results.failed.push({ title: 'loading the suite', ms: 0, error: e instanceof Error ? (e.stack ?? e.message) : String(e) });
      save();
      reject(e instanceof Error ? e : new Error(String(e)));
    }
  });
}
