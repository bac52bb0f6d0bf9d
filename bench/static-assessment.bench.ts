/**
 * Static assessment cost against a bare JSON.parse of the same text, measured in the same run
 * (machines are shared and noisy: only ratios are compared). Targets (issue 2): 1,000 servers in at
 * most 10x the parse time; 10,000 servers at most 12x the 1,000-server figure (linear growth).
 *
 *   npm run bench            # prints a table; exits 0 (figures, not a test)
 */
import { assessModel } from '../src/core/assess/assess';
import type { Candidate } from '../src/core/config/discovery';
import { loadConfigModel } from '../src/core/config/load-config-model';
import { MemoryFileSystem } from '../src/core/ports/memory-file-system';
import { generateConfig } from './generate-config';

const FILE = '/bench/ws/.kilocode/mcp.json';
const candidate: Candidate = { file: FILE, displayPath: '.kilocode/mcp.json', format: 'kilocode-legacy', scope: 'project', readBy: [{ client: 'kilocode-legacy', precedence: 10 }] };

async function assessOnce(fs: MemoryFileSystem): Promise<number> {
  const { model, locator } = await loadConfigModel(fs, [candidate], { workspace: '/bench/ws', maxFileBytes: 1 << 30 });
  return assessModel(model, { locator, toolVersion: 'bench', now: new Date('2026-01-01') }).findings.length;
}

/** Median milliseconds of `fn`, after warm-up, over at least `minReps` runs and ~`budgetMs` of work. */
async function median(fn: () => unknown, minReps: number, budgetMs: number): Promise<number> {
  for (let i = 0; i < 2; i++) await fn();
  const times: number[] = [];
  const start = performance.now();
  while (times.length < minReps || (performance.now() - start < budgetMs && times.length < 200)) {
    const t = performance.now();
    await fn();
    times.push(performance.now() - t);
  }
  times.sort((a, b) => a - b);
  return times[Math.floor(times.length / 2)] as number;
}

async function main(): Promise<void> {
  const sizes = [10, 100, 1_000, 10_000];
  const rows: { n: number; kib: number; parse: number; assess: number; findings: number }[] = [];
  for (const n of sizes) {
    const text = generateConfig(n);
    const fs = new MemoryFileSystem({ [FILE]: text });
    const findings = await assessOnce(fs);
    const budget = n >= 10_000 ? 4000 : 1500;
    // Interleave the two measurements so that machine noise hits both alike.
    const parse = await median(() => JSON.parse(text), 5, budget / 2);
    const assess = await median(() => assessOnce(fs), 5, budget);
    rows.push({ n, kib: text.length / 1024, parse, assess, findings });
  }

  const fmt = (x: number, d = 3) => x.toFixed(d).padStart(10);
  console.log('servers      KiB   JSON.parse ms   assess ms   assess/parse   findings');
  for (const r of rows) {
    console.log(`${String(r.n).padStart(7)} ${r.kib.toFixed(0).padStart(8)} ${fmt(r.parse)}      ${fmt(r.assess)}  ${fmt(r.assess / r.parse, 2)}x   ${String(r.findings).padStart(8)}`);
  }
  const at = (n: number) => rows.find((r) => r.n === n) as (typeof rows)[number];
  const ratio1k = at(1_000).assess / at(1_000).parse;
  const growth = at(10_000).assess / at(1_000).assess;
  console.log(`\n1,000 servers: assess/parse = ${ratio1k.toFixed(2)}x (target <= 10x): ${ratio1k <= 10 ? 'met' : 'MISSED'}`);
  console.log(`10,000 vs 1,000 servers: ${growth.toFixed(2)}x (target <= 12x, linear = 10x): ${growth <= 12 ? 'met' : 'MISSED'}`);
}

void main();
