/**
 * Activation of the extension's own code (issue 5: target under 50 ms; bundle under 1 MB with the heavy
 * parts loaded lazily), Node side: `require(dist/extension.js)` + `activate()` with the stand-in `vscode`
 * module of the integration test (test/integration/support/fake-vscode.ts), untrusted workspace (so no
 * coordinator), each run in a fresh process (a module is evaluated once per process), against baselines
 * measured in the same run on the same machine:
 *  - requiring an empty module (the floor of a require),
 *  - requiring an inert bundle of the same size as dist/extension.js (what reading, parsing and compiling
 *    that many bytes costs, whatever they hold).
 * And what the first use adds: requiring dist/extension-core.js (the first assessment or coordinator start).
 * Both builds are measured: as `npm run build` makes them and `--production` (minified; what the .vsix
 * ships). scripts/bench.mjs builds them into .bench-out/<build>/dist with scripts/build.mjs's options.
 *
 *   node scripts/bench.mjs bench/extension-activation.bench.ts
 */
import { spawnSync } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import type { OversightApi } from '../src/extension/api';
import { fakeVscode, hookVscode, recorder } from '../test/integration/support/fake-vscode';

const RUNS = Number(process.env['BENCH_RUNS'] ?? 15);
const BUILDS = ['dev', 'production'] as const;
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const kib = (bytes: number) => `${(bytes / 1024).toFixed(0)} KiB`;

interface ChildResult {
  requireMs: number;
  activateMs?: number;
  /** What the extension itself reports (OversightApi.activationMs): bundle evaluation + activate(). */
  apiMs?: number;
  /** The CPU time of the same (OversightApi.activation.cpuMs). */
  apiCpuMs?: number;
}

/** In a fresh process: require `file` (and activate it when it is the extension) and report the times. */
function child(kind: string, file: string, workspace: string): void {
  hookVscode(fakeVscode(workspace, recorder()));
  const t0 = performance.now();
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- measuring exactly a CommonJS require
  const mod = require(file) as { activate?: (ctx: unknown) => OversightApi };
  const t1 = performance.now();
  const out: ChildResult = { requireMs: t1 - t0 };
  if (kind === 'extension' && mod.activate) {
    const api: OversightApi | undefined = mod.activate({ subscriptions: [], globalStorageUri: { fsPath: join(workspace, 'gs', 'mcp-oversight') }, extensionUri: { fsPath: resolve('.') } });
    out.activateMs = performance.now() - t1;
    if (api !== undefined) out.apiMs = api.activationMs;
    if (api?.activation.cpuMs !== undefined) out.apiCpuMs = api.activation.cpuMs;
  }
  process.stdout.write(JSON.stringify(out));
}

function measure(kind: string, file: string, workspace: string): { require: number; activate?: number; api?: number; apiCpu?: number } {
  const rs: ChildResult[] = [];
  for (let i = 0; i < RUNS; i++) {
    const r = spawnSync(process.execPath, [__filename, '--child', kind, file, workspace], { encoding: 'utf8' });
    if (r.status !== 0) throw new Error(`${kind} ${file}: ${r.stderr}`);
    rs.push(JSON.parse(r.stdout) as ChildResult);
  }
  const pick = (f: (r: ChildResult) => number | undefined) => (rs.every((r) => f(r) !== undefined) ? median(rs.map((r) => f(r) as number)) : undefined);
  const required = pick((r) => r.requireMs) as number;
  const activate = pick((r) => r.activateMs);
  const api = pick((r) => r.apiMs);
  const apiCpu = pick((r) => r.apiCpuMs);
  return { require: required, ...(activate !== undefined ? { activate } : {}), ...(api !== undefined ? { api } : {}), ...(apiCpu !== undefined ? { apiCpu } : {}) };
}

/** CommonJS of about `bytes` bytes that defines a lot and runs nothing much, like most of a bundle. */
function inertBundle(bytes: number): string {
  const parts: string[] = ['"use strict";\nconst table = {};\n'];
  let size = parts[0]!.length;
  for (let i = 0; size < bytes; i++) {
    const s = `function f${i}(a, b) {\n  if (typeof a !== "string") throw new TypeError("f${i}: expected a string, got " + typeof a);\n  const parts = a.split("/").filter((p) => p.length > 0 && p !== ".");\n  return { name: "f${i}", parts, depth: parts.length + (b ?? 0), key: parts.join(":") + "#${i}" };\n}\ntable["f${i}"] = f${i};\n`;
    parts.push(s);
    size += s.length;
  }
  parts.push('module.exports = { table };\n');
  return parts.join('');
}

function main(): void {
  const root = resolve('.bench-out');
  const work = mkdtempSync(join(tmpdir(), 'ext-activation-bench-'));
  try {
    mkdirSync(join(work, '.kilocode'));
    writeFileSync(join(work, '.kilocode', 'mcp.json'), JSON.stringify({ mcpServers: { fetch: { command: 'uvx', args: ['mcp-server-fetch'] } } }));
    const empty = join(work, 'empty.js');
    writeFileSync(empty, '');

    for (const build of BUILDS) {
      const dist = join(root, build, 'dist');
      const files = readdirSync(dist, { recursive: true }).map(String).filter((f) => f.endsWith('.js')).sort();
      console.log(`bundle sizes (${build === 'dev' ? '`npm run build`' : '`--production`: minified, no source maps'}): ${files.map((f) => `${f} ${kib(statSync(join(dist, f)).size)}`).join(', ')}`);
    }
    console.log(`\nrequire + activate(), stand-in vscode, untrusted workspace; fresh process each, median of ${RUNS}:`);
    const base = measure('empty', empty, work);
    console.log(`  baseline: require an empty module                      ${base.require.toFixed(2).padStart(7)} ms`);
    for (const build of BUILDS) {
      const ext = join(root, build, 'dist', 'extension.js');
      const same = join(work, `same-size-${build}.js`);
      writeFileSync(same, inertBundle(statSync(ext).size));
      const inert = measure('inert', same, work);
      const m = measure('extension', ext, work);
      const core = measure('core', join(root, build, 'dist', 'extension-core.js'), work);
      const total = m.require + (m.activate ?? 0);
      console.log(`  [${build}] baseline: require an inert bundle of the same size (${kib(statSync(same).size)}) ${inert.require.toFixed(2).padStart(7)} ms`);
      console.log(`  [${build}] require dist/extension.js                   ${m.require.toFixed(2).padStart(7)} ms  = ${(m.require / inert.require).toFixed(2)}x the same-size baseline`);
      console.log(`  [${build}] activate()                                  ${(m.activate ?? NaN).toFixed(2).padStart(7)} ms`);
      console.log(`  [${build}] our code, require + activate()              ${total.toFixed(2).padStart(7)} ms  (target < 50 ms; the extension's own figure: ${(m.api ?? NaN).toFixed(2)} ms, CPU ${(m.apiCpu ?? NaN).toFixed(2)} ms)`);
      console.log(`  [${build}] first use: require dist/extension-core.js   ${core.require.toFixed(2).padStart(7)} ms  (not at activation: the first assessment or coordinator start)`);
    }
  } finally {
    rmSync(work, { recursive: true, force: true });
  }
}

if (process.argv[2] === '--child') child(process.argv[3] ?? '', process.argv[4] ?? '', process.argv[5] ?? '');
else main();
