/**
 * Static assessment cost against a bare JSON.parse of the same text, measured in the same run
 * (machines are shared and noisy: only ratios are compared). Targets (issue 2): 1,000 servers in at
 * most 10x the parse time; 10,000 servers at most 12x the 1,000-server figure (linear growth).
 * "Assess" is the whole pipeline from text: parse + index, read and normalise (zod), merge, every
 * rule, and the findings (located, fingerprinted, redacted). It is also split into its two halves.
 *
 *   npm run bench            # bundles this file like the shipped code and prints the table
 */
import { assessModel } from '../src/core/assess/assess';
import type { Candidate } from '../src/core/config/discovery';
import { loadConfigModel } from '../src/core/config/load-config-model';
import { MemoryFileSystem } from '../src/core/ports/memory-file-system';
import { generateConfig } from './generate-config';

const FILE = '/bench/ws/.kilocode/mcp.json';
const candidate: Candidate = { file: FILE, displayPath: '.kilocode/mcp.json', format: 'kilocode-legacy', scope: 'project', readBy: [{ client: 'kilocode-legacy', precedence: 10 }] };
const NOW = new Date('2026-01-01');

interface Sample {
  parse: number;
  load: number;
  rules: number;
  findings: number;
}

/** One interleaved round: JSON.parse, then the pipeline on the same text, so noise hits both alike. */
async function round(fs: MemoryFileSystem, text: string): Promise<Sample> {
  let t = performance.now();
  JSON.parse(text);
  const parse = performance.now() - t;
  t = performance.now();
  const { model, locator, texts } = await loadConfigModel(fs, [candidate], { workspace: '/bench/ws', maxFileBytes: 1 << 30 });
  const load = performance.now() - t;
  t = performance.now();
  const findings = assessModel(model, { locator, texts, toolVersion: 'bench', now: NOW }).findings.length;
  return { parse, load, rules: performance.now() - t, findings };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

async function main(): Promise<void> {
  const rows: { n: number; kib: number; parse: number; load: number; rules: number; total: number; findings: number }[] = [];
  for (const n of [10, 100, 1_000, 10_000]) {
    const text = generateConfig(n);
    const fs = new MemoryFileSystem({ [FILE]: text });
    const samples: Sample[] = [];
    const budget = n >= 10_000 ? 6000 : 2000;
    const start = performance.now();
    for (let i = 0; i < 3; i++) await round(fs, text); // warm-up
    while (samples.length < 7 || (performance.now() - start < budget && samples.length < 300)) samples.push(await round(fs, text));
    const total = median(samples.map((s) => s.load + s.rules));
    rows.push({ n, kib: text.length / 1024, parse: median(samples.map((s) => s.parse)), load: median(samples.map((s) => s.load)), rules: median(samples.map((s) => s.rules)), total, findings: samples[0]?.findings ?? 0 });
  }

  const f = (x: number, w = 9, d = 2) => x.toFixed(d).padStart(w);
  console.log('servers      KiB  JSON.parse ms  read ms  rules ms  assess ms  assess/parse  findings');
  for (const r of rows) console.log(`${String(r.n).padStart(7)} ${r.kib.toFixed(0).padStart(8)}  ${f(r.parse, 12, 3)} ${f(r.load)} ${f(r.rules)} ${f(r.total, 10)}  ${f(r.total / r.parse, 11)}x ${String(r.findings).padStart(9)}`);
  const at = (n: number) => rows.find((r) => r.n === n) as (typeof rows)[number];
  const ratio = at(1_000).total / at(1_000).parse;
  const growth = at(10_000).total / at(1_000).total;
  console.log(`\n1,000 servers: assess/parse = ${ratio.toFixed(2)}x (target <= 10x): ${ratio <= 10 ? 'met' : 'MISSED'}`);
  console.log(`  of which read (parse + index + schema + normalise) = ${(at(1_000).load / at(1_000).parse).toFixed(2)}x, rules + findings = ${(at(1_000).rules / at(1_000).parse).toFixed(2)}x`);
  console.log(`10,000 vs 1,000 servers: ${growth.toFixed(2)}x (target <= 12x; linear = 10x): ${growth <= 12 ? 'met' : 'MISSED'}`);
}

void main();
