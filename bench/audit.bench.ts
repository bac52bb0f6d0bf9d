/**
 * The audit log (issue 4), against baselines measured in the same run (machines are shared and noisy):
 *  - appends per second: durable group commit (64 concurrent appenders) vs sequential durable appends
 *    (one fdatasync each) vs non-durable appends;
 *  - verify throughput vs a bare SHA-256 over the same bytes (target >= 0.3x): in memory, and from files
 *    on one thread and in parallel (worker threads plus this one: the default on a big log; the worker
 *    is .bench-out/audit-scan-worker.js, built by scripts/bench.mjs next to this bench);
 *  - the newest 100 entries of a 1,000,000-entry log vs of a 1,000-entry log (target <= 2x: no full scan).
 *    The big log is written directly with the same line writer (encodeAuditLine), as the store lays it out.
 *
 *   node scripts/bench.mjs bench/audit.bench.ts
 */
import { createHash } from 'node:crypto';
import { existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { availableParallelism, tmpdir } from 'node:os';
import { join } from 'node:path';
import { GENESIS_HASH, type AuditInput } from '../src/core/audit/audit-entry';
import { encodeAuditLine } from '../src/core/audit/audit-line';
import { verifyAuditSegments } from '../src/core/audit/audit-verify';
import { generateGrantKeyPair } from '../src/core/grants/grant-crypto';
import { segmentName } from '../src/coordinator/audit/audit-files';
import { AuditLog, verifyAuditStore } from '../src/coordinator/audit/audit-log';
import { MAX_SCAN_THREADS, SCAN_WORKER_BUNDLE } from '../src/coordinator/audit/verify-store';
import { readNewest } from '../src/coordinator/audit/audit-reader';

const KEYS = generateGrantKeyPair();
const HMAC = Buffer.alloc(32, 7);
const root = mkdtempSync(join(tmpdir(), 'audit-bench-'));
const median = (xs: number[]): number => [...xs].sort((a, b) => a - b)[xs.length >> 1] as number;

/** A realistic entry: an approval decision with a proposal hash, a file, a reason (about 550 bytes a line). */
function entry(i: number): AuditInput {
  return {
    actor: { id: `user-${i % 17}@example.com`, label: `User ${i % 17}`, provider: 'github', verified: i % 5 !== 0 },
    kind: (['approval.requested', 'approval.decided', 'execution.started', 'execution.completed', 'server.health'] as const)[i % 5] as AuditInput['kind'],
    subject: { type: 'approval', id: `ap-${i.toString(36)}-${(i * 7919).toString(36)}`, server: `server-${i % 9}` },
    payload: { proposalHash: createHash('sha256').update(String(i)).digest('hex'), targetFile: `/home/dev/project-${i % 3}/.kilocode/mcp.json`, decision: i % 4 === 0 ? 'rejected' : 'approved', reason: 'Pin the package version and move the token into an env reference.', attempt: i % 3, durationMs: (i * 37) % 5000 },
  };
}

async function appendRate(label: string, opts: { durable: boolean; writers: number; perWriter: number }): Promise<number> {
  const dir = join(root, `append-${label}`);
  const log = await AuditLog.open({ dir, signingKey: KEYS.privateKey, hmacKey: HMAC, durable: opts.durable });
  const t = performance.now();
  await Promise.all(
    Array.from({ length: opts.writers }, async (_, w) => {
      for (let k = 0; k < opts.perWriter; k++) await log.append(entry(w * opts.perWriter + k));
    }),
  );
  const ms = performance.now() - t;
  const s = log.stats;
  await log.close();
  const n = opts.writers * opts.perWriter;
  console.log(`${label.padEnd(34)} ${String(n).padStart(7)} appends ${(n / (ms / 1000)).toFixed(0).padStart(8)}/s   ${(s.appends / Math.max(1, s.batches)).toFixed(1).padStart(6)} appends per write, ${s.syncs} fdatasyncs`);
  return n / (ms / 1000);
}

/** Writes `n` chained entries straight into segment files (10,000 a segment), as the store would. */
function writeLog(dir: string, n: number): void {
  mkdirSync(dir, { recursive: true });
  let prev = GENESIS_HASH;
  const start = Date.parse('2026-01-01T00:00:00.000Z');
  for (let first = 1; first <= n; first += 10_000) {
    const lines: string[] = [];
    for (let seq = first; seq < Math.min(n + 1, first + 10_000); seq++) {
      const { line, hash } = encodeAuditLine({ ...entry(seq), seq, prevHash: prev, ts: new Date(start + seq * 1000).toISOString() });
      lines.push(line);
      prev = hash;
    }
    writeFileSync(join(dir, segmentName(first)), lines.join('\n') + '\n');
  }
}

async function main(): Promise<void> {
  console.log('-- appends (one entry = one line, about 550 bytes)');
  const seqDurable = await appendRate('sequential, durable (1 writer)', { durable: true, writers: 1, perWriter: 300 });
  const group = await appendRate('group commit, durable (64 writers)', { durable: true, writers: 64, perWriter: 50 });
  const nonDurable = await appendRate('non-durable (64 writers)', { durable: false, writers: 64, perWriter: 300 });
  console.log(`group commit = ${(group / seqDurable).toFixed(1)}x sequential durable appends; ${((group / nonDurable) * 100).toFixed(0)}% of the non-durable rate`);

  console.log('\n-- verify (200,000 entries) against a bare SHA-256 over the same bytes');
  const vdir = join(root, 'verify');
  const vlog = await AuditLog.open({ dir: vdir, signingKey: KEYS.privateKey, hmacKey: HMAC, durable: false, checkpointEvery: 10_000 });
  for (let i = 0; i < 200_000; i += 500) await Promise.all(Array.from({ length: 500 }, (_, k) => vlog.append(entry(i + k))));
  await vlog.close();
  const names = readdirSync(vdir).filter((f) => f.startsWith('segment-')).sort();
  const segments = names.map((name) => ({ name, data: readFileSync(join(vdir, name)) }));
  const checkpoints = readFileSync(join(vdir, 'checkpoints.jsonl'), 'utf8');
  const all = Buffer.concat(segments.map((s) => s.data));
  const mb = all.length / 1e6;
  if (!existsSync(join(__dirname, SCAN_WORKER_BUNDLE))) throw new Error(`no ${SCAN_WORKER_BUNDLE} next to the bench: run it through scripts/bench.mjs`);
  const threads = Math.min(availableParallelism(), segments.length, MAX_SCAN_THREADS);
  const bare: number[] = [];
  const mem: number[] = [];
  const disk: number[] = [];
  const par: number[] = [];
  for (let r = 0; r < 9; r++) {
    let t = performance.now();
    createHash('sha256').update(all).digest();
    bare.push(performance.now() - t);
    t = performance.now();
    const rep = await verifyAuditSegments(segments, checkpoints, KEYS.publicKey);
    mem.push(performance.now() - t);
    if (!rep.ok) throw new Error(`bench log does not verify: ${JSON.stringify(rep.firstBad)}`);
    t = performance.now();
    const srep = await verifyAuditStore(vdir, KEYS.publicKey, { workers: 0 });
    disk.push(performance.now() - t);
    t = performance.now();
    const prep = await verifyAuditStore(vdir, KEYS.publicKey);
    par.push(performance.now() - t);
    if (JSON.stringify(prep) !== JSON.stringify(srep)) throw new Error('parallel verify reported otherwise than one thread');
  }
  const rate = (ms: number) => mb / (ms / 1000);
  const vs = (xs: number[]) => `${rate(median(xs)).toFixed(0)} MB/s (${(median(bare) / median(xs)).toFixed(2)}x)`;
  console.log(`${mb.toFixed(1)} MB in ${segments.length} segments, ${availableParallelism()} cores: bare SHA-256 ${rate(median(bare)).toFixed(0)} MB/s; verify in memory ${vs(mem)}; from files, one thread ${vs(disk)}; from files, ${threads} threads (${threads - 1} workers + this one, the default) ${vs(par)}`);
  const ratio = median(bare) / median(par);
  console.log(`verify (default, from files)/bare SHA-256 = ${ratio.toFixed(2)} (target >= 0.3): ${ratio >= 0.3 ? 'met' : 'MISSED'}`);

  console.log('\n-- newest 100 entries: 1,000,000-entry log vs 1,000-entry log');
  const small = join(root, 'small');
  const big = join(root, 'big');
  let t = performance.now();
  writeLog(small, 1_000);
  writeLog(big, 1_000_000);
  console.log(`wrote the logs in ${((performance.now() - t) / 1000).toFixed(1)} s`);
  const rs: number[] = [];
  const rb: number[] = [];
  for (let r = 0; r < 25; r++) {
    t = performance.now();
    const a = await readNewest(small, 100);
    rs.push(performance.now() - t);
    t = performance.now();
    const b = await readNewest(big, 100);
    rb.push(performance.now() - t);
    if (a[0]?.seq !== 1_000 || b[0]?.seq !== 1_000_000 || b.length !== 100) throw new Error('newest read the wrong entries');
  }
  const growth = median(rb) / median(rs);
  console.log(`newest(100): 1,000 entries ${median(rs).toFixed(2)} ms, 1,000,000 entries ${median(rb).toFixed(2)} ms = ${growth.toFixed(2)}x (target <= 2x): ${growth <= 2 ? 'met' : 'MISSED'}`);
}

main()
  .catch((e: unknown) => {
    console.error(e);
    process.exitCode = 1;
  })
  .finally(() => rmSync(root, { recursive: true, force: true }));
