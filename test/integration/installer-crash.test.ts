/**
 * Kill test: a process applies two-file proposals in a loop (old -> new -> old …) through the
 * Installer's engine and is SIGKILLed at a random moment, hundreds of times. After every kill each
 * target must be byte-identical to its old or its new text (never torn), and the next start's
 * recovery must leave the pair consistent (both old or both new) with no open journal record.
 * The harness is bundled with esbuild from the source below (fast start-up: no TypeScript loader).
 * INSTALLER_CRASH_RUNS overrides the number of runs (default 200, split over two workers).
 */
import assert from 'node:assert/strict';
import { spawn, type ChildProcessWithoutNullStreams } from 'node:child_process';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { build } from 'esbuild';
import { generateGrantKeyPair, privateKeyPem, publicKeyPem } from '../../src/core/grants/grant-crypto';
import { newTextFor } from '../../src/core/remediation/build-proposal';

const ROOT = resolve(__dirname, '..', '..');
const RUNS = Number(process.env['INSTALLER_CRASH_RUNS'] ?? 200);
const WORKERS = Number(process.env["CRASH_WORKERS"] ?? 2);

/**
 * Loads, says `loaded` and waits for `recover` (so the next process starts while the previous one
 * still runs); runs recovery and prints its report; waits for `go`; then applies forever, toggling
 * both files, printing `applied` after each.
 */
const HARNESS = `
import { readFileSync } from 'node:fs';
import { createInterface } from 'node:readline';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';
import { createInstallerContext } from './src/servers/installer/installer-context';
import { buildProposal } from './src/core/remediation/build-proposal';
import { hashCanonical, HASH_TAGS } from './src/core/crypto/hash';
import { parseGrantPrivateKey, parseGrantPublicKey, signGrant } from './src/core/grants/grant-crypto';

const [ws, home, keyDir] = process.argv.slice(2);
const pub = parseGrantPublicKey(readFileSync(join(keyDir, 'pub.pem'), 'utf8'), 'pub');
const priv = parseGrantPrivateKey(readFileSync(join(keyDir, 'priv.pem'), 'utf8'), 'priv');
const ctx = createInstallerContext({ workspace: ws, allowedOrigins: [], grantPublicKey: pub }, 'crash', { home, env: {} });
const A = join(ws, '.kilocode', 'mcp.json');
const B = join(ws, '.vscode', 'mcp.json');

const lines = [];
let waiting;
createInterface({ input: process.stdin }).on('line', (l) => { lines.push(l); if (waiting) { waiting(); waiting = undefined; } });
async function line(expected) {
  while (lines.length === 0) await new Promise((r) => (waiting = r));
  const l = lines.shift();
  if (l !== expected) throw new Error('expected ' + expected + ', got ' + l);
}

async function main() {
  process.stdout.write('loaded\\n');
  await line('recover');
  const report = await ctx.engine.ready();
  process.stdout.write(JSON.stringify({ ready: true, resolved: report.resolved.map((r) => r.from + '->' + r.to) }) + '\\n');
  await line('go');
  for (;;) {
    const toNew = readFileSync(A, 'utf8').includes('"node-old"');
    const proposal = buildProposal({
      assessmentId: randomUUID(),
      actions: [
        { kind: 'remediate-finding', description: 'toggle A', file: A, edits: [{ jsonPath: ['mcpServers', 'zeta', 'command'], value: toNew ? 'node-new' : 'node-old' }], risk: 'low' },
        { kind: 'remediate-finding', description: 'toggle B', file: B, edits: [{ jsonPath: ['servers', 'web', 'url'], value: toNew ? 'https://new.example/mcp' : 'https://old.example/mcp' }], risk: 'low' },
      ],
      read: (f) => readFileSync(f, 'utf8'),
      now: new Date(),
      newId: () => randomUUID(),
    });
    const now = Date.now();
    const grant = signGrant({
      grantId: randomUUID(), kind: 'remediation', subjectHash: hashCanonical(HASH_TAGS.proposal, proposal),
      targetFile: proposal.files[0].file, baseHash: proposal.files[0].baseHash,
      approver: { id: 'crash', label: 'crash test', provider: 'test', verified: true },
      decidedAt: new Date(now - 1000).toISOString(), expiresAt: new Date(now + 600000).toISOString(),
    }, priv);
    await ctx.engine.apply(proposal, grant, (s, g) => ctx.gate.approve(s, g, undefined));
    process.stdout.write('applied\\n');
  }
}
main().catch((e) => { process.stderr.write(String(e && e.stack || e) + '\\n'); process.exit(3); });
`;

function serverBlock(n: number): string {
  const lines: string[] = [];
  for (let i = 0; i < n; i++) lines.push(`    "filler-${i}": { "command": "node", "args": ["server-${i}.js", "--port", "${4000 + i}"] }, // keep ${i}`);
  return lines.join('\n');
}

const A0 = `{
  // generated for the kill test: comments and layout must survive every apply
  "mcpServers": {
${serverBlock(120)}
    "zeta": { "command": "node-old", "args": ["zeta.js"] }
  }
}
`;
const B0 = `{
\t"servers": {
\t\t"web": { "type": "http", "url": "https://old.example/mcp" }
\t}
}
`;

const setA = (text: string, v: string) => newTextFor(text, [{ edits: [{ jsonPath: ['mcpServers', 'zeta', 'command'], value: v }] }], 'A');
const setB = (text: string, v: string) => newTextFor(text, [{ edits: [{ jsonPath: ['servers', 'web', 'url'], value: v }] }], 'B');
const A1 = setA(A0, 'node-new');
const B1 = setB(B0, 'https://new.example/mcp');

interface Tally {
  runs: number;
  afterKill: { old: number; new: number; mixed: number };
  afterRecovery: { old: number; new: number };
  recoveries: Record<string, number>;
  applies: number;
  /** Running mean of one proposal-and-apply cycle, in ms. */
  cycleMs: number;
}

const sleep = (ms: number) => new Promise<void>((r) => setTimeout(r, ms));

function classify(a: Buffer, b: Buffer): 'old' | 'new' | 'mixed' {
  const sa = a.toString('utf8');
  const sb = b.toString('utf8');
  assert.ok(sa === A0 || sa === A1, `.kilocode/mcp.json is torn (${a.length} bytes, neither old nor new)`);
  assert.ok(sb === B0 || sb === B1, `.vscode/mcp.json is torn (${b.length} bytes, neither old nor new)`);
  if (sa === A0 && sb === B0) return 'old';
  if (sa === A1 && sb === B1) return 'new';
  return 'mixed';
}

describe('Installer: killed at random points during apply', () => {
  let tmp = '';
  let harness = '';
  let keyDir = '';

  before(async () => {
    assert.equal(setA(A1, 'node-old'), A0, 'toggling back gives the old bytes exactly');
    assert.equal(setB(B1, 'https://old.example/mcp'), B0);
    tmp = mkdtempSync(join(tmpdir(), 'oversight-installer-crash-'));
    harness = join(tmp, 'harness.js');
    await build({
      stdin: { contents: HARNESS, resolveDir: ROOT, sourcefile: 'crash-harness.ts', loader: 'ts' },
      outfile: harness,
      bundle: true,
      platform: 'node',
      format: 'cjs',
      target: 'node20',
      mainFields: ['module', 'main'],
      logLevel: 'warning',
    });
    keyDir = join(tmp, 'keys');
    mkdirSync(keyDir);
    const keys = generateGrantKeyPair();
    writeFileSync(join(keyDir, 'pub.pem'), publicKeyPem(keys.publicKey));
    writeFileSync(join(keyDir, 'priv.pem'), privateKeyPem(keys.privateKey), { mode: 0o600 });
  });
  after(() => rmSync(tmp, { recursive: true, force: true }));

  interface Harness {
    child: ChildProcessWithoutNullStreams;
    /** Resolves on the next line of stdout (lines are queued). */
    next(): Promise<string>;
    closed: Promise<number | null>;
    stderr(): string;
  }

  function startHarness(ws: string, home: string): Harness {
    const child = spawn(process.execPath, [harness, ws, home, keyDir], { stdio: ['pipe', 'pipe', 'pipe'] });
    let err = '';
    child.stderr.on('data', (d: Buffer) => (err += d.toString()));
    const queue: string[] = [];
    const waiters: ((l: string) => void)[] = [];
    let buf = '';
    child.stdout.on('data', (d: Buffer) => {
      buf += d.toString();
      for (let nl = buf.indexOf('\n'); nl !== -1; nl = buf.indexOf('\n')) {
        const l = buf.slice(0, nl);
        buf = buf.slice(nl + 1);
        const w = waiters.shift();
        if (w) w(l);
        else queue.push(l);
      }
    });
    const closed = new Promise<number | null>((r) => child.once('close', (code, signal) => r(signal === 'SIGKILL' ? null : code)));
    return {
      child,
      closed,
      stderr: () => err,
      next: () => {
        const l = queue.shift();
        if (l !== undefined) return Promise.resolve(l);
        return new Promise<string>((ok, fail) => {
          waiters.push(ok);
          void closed.then((code) => fail(new Error(`harness exited (${String(code)}):\n${err}`)));
        });
      },
    };
  }

  /** One start of a harness that is already loaded: recovery checked, then a kill at a random point. */
  async function run(h: Harness, ws: string, tally: Tally, kill: boolean): Promise<void> {
    assert.equal(await h.next(), 'loaded');
    h.child.stdin.write('recover\n');
    const ready = JSON.parse(await h.next()) as { resolved: string[] };
    for (const r of ready.resolved) tally.recoveries[r] = (tally.recoveries[r] ?? 0) + 1;
    // After recovery: the pair is consistent, and no execution is left open.
    const state = classify(readFileSync(join(ws, '.kilocode', 'mcp.json')), readFileSync(join(ws, '.vscode', 'mcp.json')));
    if (state === 'mixed') assert.fail(`recovery left one file old and the other new (resolved: ${ready.resolved.join(', ')})`);
    tally.afterRecovery[state]++;
    const journal = join(ws, '.kilocode', '.mcp-oversight', 'installer', 'executions');
    for (const name of readdirSync(journal)) {
      if (!name.endsWith('.json') || name.startsWith('.')) continue;
      const rec = JSON.parse(readFileSync(join(journal, name), 'utf8')) as { status: string };
      assert.ok(rec.status !== 'applying' && rec.status !== 'rolling-back', `${name} left ${rec.status}`);
      // Closed records are history this test does not need; dropping them keeps each start fast.
      rmSync(join(journal, name));
    }
    if (!kill) {
      h.child.kill('SIGKILL');
      await h.closed;
      return;
    }
    // A random point of an apply cycle: after 0 or 1 completed applies (so the files start old or
    // new), then a random part of the (measured) duration of one cycle, so the kills spread over every
    // step whatever the machine's speed.
    h.child.stdin.write('go\n');
    const completed = Math.floor(Math.random() * 2);
    let last = Date.now();
    for (let i = 0; i < completed; i++) {
      assert.equal(await h.next(), 'applied');
      const now = Date.now();
      tally.cycleMs = tally.cycleMs * 0.9 + (now - last) * 0.1;
      last = now;
      tally.applies++;
    }
    await sleep(Math.random() * tally.cycleMs * 1.2);
    h.child.kill('SIGKILL');
    const code = await h.closed;
    assert.equal(code, null, `the harness failed by itself (exit ${String(code)}):\n${h.stderr()}`);
    tally.afterKill[classify(readFileSync(join(ws, '.kilocode', 'mcp.json')), readFileSync(join(ws, '.vscode', 'mcp.json')))]++;
    tally.runs++;
  }

  it(`leaves every target exactly old or exactly new after ${RUNS} kills, and recovery makes the pair consistent`, { timeout: 240_000 }, async () => {
    const tally: Tally = { runs: 0, afterKill: { old: 0, new: 0, mixed: 0 }, afterRecovery: { old: 0, new: 0 }, recoveries: {}, applies: 0, cycleMs: 60 };
    const started = Date.now();
    await Promise.all(
      Array.from({ length: WORKERS }, async (_, w) => {
        const ws = join(tmp, `ws-${w}`);
        const home = join(tmp, `home-${w}`);
        mkdirSync(join(ws, '.kilocode'), { recursive: true });
        mkdirSync(join(ws, '.vscode'), { recursive: true });
        mkdirSync(home);
        writeFileSync(join(ws, '.kilocode', 'mcp.json'), A0);
        writeFileSync(join(ws, '.vscode', 'mcp.json'), B0);
        const share = Math.floor(RUNS / WORKERS) + (w < RUNS % WORKERS ? 1 : 0);
        // The next process starts (node and the bundle load) while the current one runs.
        let next = startHarness(ws, home);
        for (let i = 0; i <= share; i++) {
          const current = next;
          if (i < share) next = startHarness(ws, home);
          await run(current, ws, tally, i < share); // the last start only checks the last kill's recovery
        }
      }),
    );
    const seconds = ((Date.now() - started) / 1000).toFixed(1);
    const recoveries = Object.entries(tally.recoveries).map(([k, v]) => `${k} ${v}`).join(', ') || 'none';
    process.stdout.write(
      `# installer kill test: ${tally.runs} kills in ${seconds} s (${WORKERS} workers); ${tally.applies} applies completed before the kills; one cycle ~${Math.round(tally.cycleMs)} ms.\n` +
        `#   right after the kill: ${tally.afterKill.old} old, ${tally.afterKill.new} new, ${tally.afterKill.mixed} mixed (one file renamed, the other not yet), 0 torn\n` +
        `#   after the next start's recovery: ${tally.afterRecovery.old} old, ${tally.afterRecovery.new} new, 0 mixed; recoveries: ${recoveries}\n`,
    );
    assert.equal(tally.runs, RUNS);
    assert.ok(tally.afterKill.old > 0 && tally.afterKill.new > 0, 'kills landed on both sides of an apply');
  });
});
