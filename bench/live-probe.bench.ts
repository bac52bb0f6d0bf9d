/**
 * Live probe cost, as ratios measured in the same run (machines are shared and noisy):
 *  (a) 8 servers probed at once (concurrency 8) against the slowest of them probed alone
 *      (target: at most 1.5x): concurrency must not serialise or starve anything. Twice: the three
 *      reference servers with the fixture in `slow` mode (it starts, then waits) and in `cold`
 *      mode (it waits, then starts). The servers' start-up is CPU work (~0.45 s each), so on a
 *      small machine the figure is bounded below by their CPU time over the cores, also printed;
 *  (b) `probeServer` of one server against a bare SDK `Client` + `StdioClientTransport` connect,
 *      `tools/list` and close of the same server, interleaved (target: at most 1.2x): the price of
 *      our transport, process-group kill, caps and redaction.
 *
 *   npm run bench -- bench/live-probe.bench.ts
 */
import { mkdtempSync, readFileSync, rmSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import type { McpServer } from '../src/core/model/server';
import { probeServer, type ProbeOptions } from '../src/live/probe-server';
import { probeServers } from '../src/live/probe-servers';

const ROOT = resolve(__dirname, '..');
const BIN = join(ROOT, 'node_modules', '.bin');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'servers', 'hostile-server.mjs');
const NODE = process.execPath;

function entry(name: string, command: string, args: string[], env: Record<string, string> = {}): McpServer {
  return {
    id: `bench#${name}`,
    name,
    sourceId: 'bench',
    file: join(ROOT, '.kilocode', 'mcp.json'),
    format: 'kilocode-legacy',
    scope: 'project',
    transport: 'stdio',
    command,
    args,
    env,
    headers: {},
    enabled: true,
    autoApprove: [],
    disabledTools: [],
    origins: { entry: ['mcpServers', name], args: [], env: {}, headers: {}, autoApprove: [] },
    position: { line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, length: 0 },
    valid: true,
  };
}

const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;
const fmt = (ms: number) => `${ms.toFixed(0).padStart(6)} ms`;

async function timed<T>(f: () => Promise<T>): Promise<[number, T]> {
  const t = performance.now();
  const r = await f();
  return [performance.now() - t, r];
}

/**
 * CPU seconds used by this process's reaped children so far (Linux: cutime + cstime of
 * /proc/self/stat), or undefined elsewhere. The servers are our direct children, so this is what
 * their start-up costs, and with the core count it gives the floor no scheduling can beat.
 */
function childCpuSeconds(): number | undefined {
  try {
    const fields = readFileSync('/proc/self/stat', 'utf8').split(') ')[1]?.split(' ') ?? [];
    // Fields 16 and 17 of stat(5), counted from after the command name (which starts at field 3).
    return (Number(fields[13]) + Number(fields[14])) / 100;
  } catch {
    return undefined;
  }
}

async function bareSdk(server: McpServer): Promise<number> {
  const transport = new StdioClientTransport({ command: server.command ?? '', args: server.args, env: { ...(process.env as Record<string, string>), ...server.env }, stderr: 'pipe' });
  const client = new Client({ name: 'bench', version: '1.0.0' }, { capabilities: {} });
  await client.connect(transport);
  const { tools } = await client.listTools();
  await client.close();
  return tools.length;
}

/** (a) for one set of 8 servers: all at once against the slowest of them alone, interleaved. */
async function concurrent(label: string, servers: McpServer[], opts: ProbeOptions): Promise<void> {
  if (servers.length !== 8) throw new Error('8 servers expected');
  // Warm-up and the choice of "the slowest": each server alone, twice.
  const alone = new Map<string, number[]>();
  for (let i = 0; i < 2; i++) {
    for (const s of servers) {
      const [ms, p] = await timed(() => probeServer(s, opts));
      if (p.status !== 'ok') throw new Error(`${s.name}: ${p.reason?.code} ${p.reason?.message}`);
      alone.set(s.name, [...(alone.get(s.name) ?? []), ms]);
    }
  }
  const slowest = servers.reduce((a, b) => (median(alone.get(a.name) ?? []) >= median(alone.get(b.name) ?? []) ? a : b));

  const REPS = 7;
  const all: number[] = [];
  const one: number[] = [];
  const cpu: number[] = [];
  for (let i = 0; i < REPS; i++) {
    const cpu0 = childCpuSeconds();
    const [msAll, probes] = await timed(() => probeServers(servers, { ...opts, concurrency: 8 }));
    const bad = probes.filter((p) => p.status !== 'ok');
    if (bad.length > 0) throw new Error(`not ok: ${bad.map((p) => `${p.serverName} ${p.reason?.code}`).join(', ')}`);
    all.push(msAll);
    const cpu1 = childCpuSeconds();
    if (cpu0 !== undefined && cpu1 !== undefined) cpu.push(cpu1 - cpu0);
    one.push((await timed(() => probeServer(slowest, opts)))[0]);
  }
  const ratio = median(all) / median(one);
  console.log(`(a) ${label}: 8 servers, concurrency 8, vs the slowest (${slowest.name}) alone; ${REPS} rounds, medians`);
  console.log(`    all 8 at once ${fmt(median(all))}   slowest alone ${fmt(median(one))}   ratio ${ratio.toFixed(2)}x (target <= 1.5x) ${ratio <= 1.5 ? 'met' : 'MISSED'}`);
  if (cpu.length > 0) {
    const cores = availableParallelism();
    const floor = (median(cpu) * 1000) / cores;
    console.log(`    the servers' own start-up used ${median(cpu).toFixed(2)} s of CPU: on ${cores} cores, at least ${fmt(floor)} (${(floor / median(one)).toFixed(2)}x the slowest alone)`);
  }
  console.log(`    alone: ${servers.map((s) => `${s.name} ${median(alone.get(s.name) ?? []).toFixed(0)}`).join(', ')} ms`);
}

async function main(): Promise<void> {
  const tmp = mkdtempSync(join(tmpdir(), 'mcp-oversight-bench-live-'));
  const opts: ProbeOptions = { env: process.env, workspaceFolder: tmp, timeoutMs: 60_000 };
  try {
    const servers = [
      entry('everything', join(BIN, 'mcp-server-everything'), []),
      entry('memory', join(BIN, 'mcp-server-memory'), [], { MEMORY_FILE_PATH: join(tmp, 'memory.jsonl') }),
      entry('filesystem', join(BIN, 'mcp-server-filesystem'), [tmp]),
    ];
    const delays = [200, 400, 600, 800, 1000];
    // `slow`: loads, then waits (I/O at start-up); `cold`: waits, then loads (a first npx download).
    await concurrent('slow fixtures (wait after start-up)', [...servers, ...delays.map((ms) => entry(`slow-${ms}`, NODE, [FIXTURE, 'slow', String(ms)]))], opts);
    await concurrent('cold fixtures (wait before start-up)', [...servers, ...delays.map((ms) => entry(`cold-${ms}`, NODE, [FIXTURE, 'cold', String(ms)]))], opts);

    console.log(`(b) probeServer vs bare SDK connect + tools/list + close, interleaved; medians`);
    for (const s of servers) {
      const ours: number[] = [];
      const bare: number[] = [];
      for (let i = 0; i < 2; i++) await bareSdk(s); // warm-up
      for (let i = 0; i < 9; i++) {
        // Alternate which goes first, so neither always runs on a just-warmed cache.
        const runOurs = async () => ours.push((await timed(() => probeServer(s, opts)))[0]);
        const runBare = async () => bare.push((await timed(() => bareSdk(s)))[0]);
        if (i % 2 === 0) await runOurs().then(runBare);
        else await runBare().then(runOurs);
      }
      const ratio = median(ours) / median(bare);
      console.log(`    ${s.name.padEnd(12)} probe ${fmt(median(ours))}   bare SDK ${fmt(median(bare))}   ratio ${ratio.toFixed(2)}x (target <= 1.2x) ${ratio <= 1.2 ? 'met' : 'MISSED'}`);
    }
  } finally {
    rmSync(tmp, { recursive: true, force: true });
  }
}

main().catch((e: unknown) => {
  console.error(e);
  process.exit(1);
});
