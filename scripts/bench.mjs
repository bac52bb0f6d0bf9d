#!/usr/bin/env node
// Bundles each benchmark the way the shipped code is bundled (esbuild, no tsx wrappers) and runs it.
// Usage: node scripts/bench.mjs [bench/<name>.bench.ts ...]   (default: every bench/*.bench.ts, in name order)
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';
import { readdirSync } from 'node:fs';

const entries = process.argv.length > 2 ? process.argv.slice(2) : readdirSync('bench').filter((f) => f.endsWith('.bench.ts')).sort().map((f) => `bench/${f}`);
// Parallel audit verify looks for its worker next to the running bundle (as dist/cli.js finds
// dist/audit-scan-worker.js): build it next to the benches.
await build({ entryPoints: ['src/coordinator/audit/scan-worker.ts'], outfile: '.bench-out/audit-scan-worker.js', bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], logLevel: 'warning' });
// The extension bench measures the bundles as scripts/build.mjs makes them (both builds), built here so
// it never measures a stale dist/ and never touches it.
if (entries.some((e) => e.includes('extension-activation'))) {
  const { buildAll } = await import('./build.mjs');
  for (const production of [false, true]) await buildAll({ production, root: `.bench-out/${production ? 'production' : 'dev'}` });
}
let status = 0;
for (const entry of entries) {
  const outfile = `.bench-out/${entry.replace(/^bench\//, '').replace(/\.ts$/, '.js')}`;
  await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], logLevel: 'warning' });
  console.log(`== ${entry}`);
  // --expose-gc: a bench may collect its own bookkeeping's garbage between measured runs.
  const r = spawnSync(process.execPath, ['--expose-gc', outfile], { stdio: 'inherit' });
  status ||= r.status ?? 1;
}
process.exit(status);
