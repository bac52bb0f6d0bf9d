#!/usr/bin/env node
// Bundles the extension-host mocha suite (test/e2e/suite/**/*.ts) to out/e2e-suite/: CommonJS, one file
// per test file plus index.js exporting run(), as VS Code's extensionTestsPath expects. `vscode` comes
// from the extension host; `mocha` is required from node_modules so every test file shares one instance.
import { build } from 'esbuild';
import { readdirSync, rmSync } from 'node:fs';
import { join } from 'node:path';
import { fileURLToPath } from 'node:url';
import { REPO_ROOT, say } from './host-config.mjs';

export const SUITE_SRC = join(REPO_ROOT, 'test', 'e2e', 'suite');
export const SUITE_OUT = join(REPO_ROOT, 'out', 'e2e-suite');

export async function buildSuite() {
  const started = Date.now();
  const entries = readdirSync(SUITE_SRC, { recursive: true })
    .map(String)
    .filter((f) => f === 'index.ts' || f.endsWith('.test.ts'))
    .map((f) => join(SUITE_SRC, f));
  rmSync(SUITE_OUT, { recursive: true, force: true });
  await build({
    entryPoints: entries,
    outdir: SUITE_OUT,
    outbase: SUITE_SRC,
    bundle: true,
    platform: 'node',
    format: 'cjs',
    target: 'node20',
    external: ['vscode', 'mocha'],
    sourcemap: 'inline',
    logLevel: 'warning',
  });
  say(`built the extension-host suite (${entries.length - 1} test files) into ${SUITE_OUT} in ${Date.now() - started} ms`);
  return SUITE_OUT;
}

if (process.argv[1] === fileURLToPath(import.meta.url)) {
  buildSuite().catch((e) => {
    console.error(e);
    process.exit(1);
  });
}
