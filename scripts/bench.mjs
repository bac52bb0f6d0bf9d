#!/usr/bin/env node
// Bundles a benchmark the way the shipped code is bundled (esbuild, no tsx wrappers) and runs it.
// Usage: node scripts/bench.mjs [bench/static-assessment.bench.ts]
import { build } from 'esbuild';
import { spawnSync } from 'node:child_process';

const entry = process.argv[2] ?? 'bench/static-assessment.bench.ts';
const outfile = `.bench-out/${entry.replace(/^bench\//, '').replace(/\.ts$/, '.js')}`;
await build({ entryPoints: [entry], outfile, bundle: true, platform: 'node', format: 'cjs', target: 'node20', mainFields: ['module', 'main'], logLevel: 'warning' });
const r = spawnSync(process.execPath, [outfile], { stdio: 'inherit' });
process.exit(r.status ?? 1);
