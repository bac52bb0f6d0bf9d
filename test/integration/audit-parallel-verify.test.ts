/**
 * Parallel verify through the built scan worker (dist/audit-scan-worker.js; `npm run build` first):
 * its reports equal the sequential path's on a clean log and on dozens of tampered copies, read errors
 * come out the same, and no worker keeps the process alive. Under tsx the default is sequential (no
 * bundle next to src/), so these tests ask for workers explicitly.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { existsSync, linkSync, mkdirSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import { AUDIT_ENTRY_TAG_PREFIX, AUDIT_HASH_SUFFIX_LENGTH, AUDIT_MAX_LINE_BYTES } from '../../src/core/audit/audit-line';
import { SCAN_LINE_FORMAT } from '../../src/core/audit/audit-scan';
import type { AuditVerifyReport } from '../../src/core/audit/audit-verify';
import { verifyAuditStore } from '../../src/coordinator/audit/audit-log';
import { input, KEYS, openLog, tempDir } from '../unit/audit/helpers';

const ROOT = resolve(__dirname, '..', '..');
const WORKER = join(ROOT, 'dist', 'audit-scan-worker.js');
const N = 3000;
const PER_SEGMENT = 250;
const MUTATIONS = 40;

function prng(seed: number): () => number {
  let a = seed >>> 0;
  return () => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

/** The same folder verified on this thread alone and with 1 and 3 workers: the reports must be equal. */
async function verifyAllWays(dir: string): Promise<AuditVerifyReport> {
  const seq = await verifyAuditStore(dir, KEYS.publicKey, { workers: 0 });
  for (const workers of [1, 3]) assert.deepEqual(await verifyAuditStore(dir, KEYS.publicKey, { workers, workerFile: WORKER }), seq, `${dir} with ${workers} workers`);
  return seq;
}

describe('parallel verify (the built scan worker)', () => {
  let base: string;
  let names: string[];
  let texts: string[];
  let checkpoints: string;

  before(async () => {
    assert.ok(existsSync(WORKER), `${WORKER} is missing: run npm run build`);
    base = join(tempDir({ after: (fn) => process.on('exit', fn) }), 'base');
    const log = await openLog(base, { segmentMaxEntries: PER_SEGMENT, checkpointEvery: 500 });
    for (let i = 0; i < N; i += 50) await Promise.all(Array.from({ length: 50 }, (_, k) => log.append(input(i + k))));
    await log.close();
    names = readdirSync(base).filter((f) => f.startsWith('segment-')).sort();
    texts = names.map((n) => readFileSync(join(base, n), 'utf8'));
    checkpoints = readFileSync(join(base, 'checkpoints.jsonl'), 'utf8');
  });

  it("the scanner's restated line format equals audit-line's", () => {
    assert.deepEqual(SCAN_LINE_FORMAT, { tagPrefix: AUDIT_ENTRY_TAG_PREFIX, hashSuffixLength: AUDIT_HASH_SUFFIX_LENGTH, maxLineBytes: AUDIT_MAX_LINE_BYTES });
  });

  it('a clean log: the same report with and without workers', async () => {
    assert.equal(names.length, N / PER_SEGMENT);
    const r = await verifyAllWays(base);
    assert.equal(r.ok, true, JSON.stringify(r.firstBad));
    assert.equal(r.entries, N);
    // Without a bundle next to the source (tsx), the default is this thread alone; same report.
    assert.deepEqual(await verifyAuditStore(base, KEYS.publicKey), r);
  });

  it(`${MUTATIONS} tampered copies: the same report (first bad seq, reason, detail) with and without workers`, async (t) => {
    const seed = Number(process.env['AUDIT_TAMPER_SEED'] ?? Date.now() % 1_000_000);
    const rnd = prng(seed);
    const int = (lo: number, hi: number) => lo + Math.floor(rnd() * (hi - lo + 1));
    const root = tempDir(t);
    const seen = new Set<string>();
    for (let i = 0; i < MUTATIONS; i++) {
      const segs: Array<string | undefined> = [...texts];
      let cps = checkpoints;
      const s = int(0, segs.length - 1);
      const lines = (segs[s] as string).slice(0, -1).split('\n');
      const l = int(0, lines.length - 1);
      const kind = i % 8;
      if (kind === 0) {
        const text = segs[s] as string;
        const pos = int(0, text.length - 1);
        segs[s] = text.slice(0, pos) + (text[pos] === 'a' ? 'b' : 'a') + text.slice(pos + 1);
      } else if (kind === 1) lines.splice(l, 1);
      else if (kind === 2) lines.splice(l, 0, lines[int(0, lines.length - 1)] as string);
      else if (kind === 3) {
        const m = l === 0 ? 1 : 0;
        [lines[l], lines[m]] = [lines[m] as string, lines[l] as string];
      }
      else if (kind === 4) segs[s] = undefined;
      else if (kind === 5) {
        // Cut mid-line; later segments gone.
        segs[s] = (segs[s] as string).slice(0, int(1, (segs[s] as string).length - 2));
        segs.fill(undefined, s + 1);
      } else if (kind === 6) {
        const pos = int(0, cps.length - 2);
        cps = cps.slice(0, pos) + (cps[pos] === '1' ? '2' : '1') + cps.slice(pos + 1);
      } else lines.push(lines[l] as string); // a copy appended at the segment's end
      if (kind === 1 || kind === 2 || kind === 3 || kind === 7) segs[s] = lines.join('\n') + '\n';
      const dir = join(root, String(i));
      mkdirSync(dir);
      segs.forEach((text, k) => {
        const name = names[k] as string;
        if (text === texts[k]) linkSync(join(base, name), join(dir, name));
        else if (text !== undefined) writeFileSync(join(dir, name), text);
      });
      writeFileSync(join(dir, 'checkpoints.jsonl'), cps);
      const r = await verifyAllWays(dir);
      assert.equal(r.ok, false, `seed ${seed}, mutation ${i} (kind ${kind}) was not caught`);
      seen.add(r.firstBad?.reason ?? '');
      rmSync(dir, { recursive: true });
    }
    for (const reason of ['edited', 'deleted', 'truncated', 'forged-checkpoint']) assert.ok(seen.has(reason), `seed ${seed}: no ${reason} among ${[...seen].join(', ')}`);
  });

  it('a segment that cannot be read: the same error from the workers as from this thread', async (t) => {
    const dir = join(tempDir(t), 'unreadable');
    mkdirSync(dir);
    names.forEach((name, k) => (k === 5 ? mkdirSync(join(dir, name)) : linkSync(join(base, name), join(dir, name))));
    writeFileSync(join(dir, 'checkpoints.jsonl'), checkpoints);
    const seq = await verifyAuditStore(dir, KEYS.publicKey, { workers: 0 }).then(
      () => assert.fail('verify read a folder as a segment'),
      (e: unknown) => e as Error & { code: string },
    );
    assert.equal(seq.code, 'io');
    await assert.rejects(verifyAuditStore(dir, KEYS.publicKey, { workers: 2, workerFile: WORKER }), (e: Error & { code: string }) => e.code === 'io' && e.message === seq.message);
  });

  it('workers that cannot start (a missing file, a script that throws) leave their segments to this thread: same report', async (t) => {
    const throwing = join(tempDir(t), 'throwing-worker.js');
    // Says it is ready, then dies holding the segments it was given.
    writeFileSync(throwing, "const { parentPort } = require('node:worker_threads'); parentPort.on('message', () => { throw new Error('boom'); }); parentPort.postMessage({ ready: true });\n");
    const seq = await verifyAuditStore(base, KEYS.publicKey, { workers: 0 });
    for (const workerFile of [join(ROOT, 'dist', 'no-such-worker.js'), throwing]) assert.deepEqual(await verifyAuditStore(base, KEYS.publicKey, { workers: 2, workerFile }), seq, workerFile);
  });

  it('workers never keep the process alive: a script that verifies (ok, failing, erroring) exits on its own', () => {
    const script = `
      const { verifyAuditStore } = require(${JSON.stringify(join(ROOT, 'src/coordinator/audit/audit-log.ts'))});
      const { generateGrantKeyPair } = require(${JSON.stringify(join(ROOT, 'src/core/grants/grant-crypto.ts'))});
      (async () => {
        const opts = { workers: 2, workerFile: ${JSON.stringify(WORKER)} };
        const r = await verifyAuditStore(${JSON.stringify(base)}, generateGrantKeyPair().publicKey, opts);
        await verifyAuditStore(${JSON.stringify(base)}, generateGrantKeyPair().publicKey, { ...opts, workerFile: '/no/such/worker.js' }).catch(() => undefined);
        console.log('done', r.ok, r.firstBad.reason);
      })();`;
    const r = spawnSync(process.execPath, ['--import', 'tsx', '-e', script], { cwd: ROOT, encoding: 'utf8', timeout: 30_000 });
    assert.equal(r.signal, null, `the script did not exit on its own: ${r.stderr}`);
    assert.equal(r.status, 0, r.stderr);
    assert.match(r.stdout, /^done false forged-checkpoint/);
  });
});
