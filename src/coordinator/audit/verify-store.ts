import type { KeyObject } from 'node:crypto';
import { existsSync } from 'node:fs';
import { readFile, stat } from 'node:fs/promises';
import { availableParallelism } from 'node:os';
import { join } from 'node:path';
import { Worker } from 'node:worker_threads';
import { LineHasher, scanSegment, type SegmentScan } from '../../core/audit/audit-scan';
import { readRetentionAnchors } from '../../core/audit/audit-anchor';
import { finishVerify, readCheckpoints, wantedSeqs, type AuditVerifyReport } from '../../core/audit/audit-verify';
import { isOversightError, OversightError } from '../../core/errors';
import { CHECKPOINTS_FILE, ioError, listSegments, RETENTION_FILE, type SegmentFile } from './audit-files';
import type { ScanJob, ScanReply, ScanWorkerData } from './scan-worker';

/** The built scan worker (scripts/build.mjs), looked for next to the running bundle. */
export const SCAN_WORKER_BUNDLE = 'audit-scan-worker.js';
/** Below this many segment bytes, starting workers costs more than it saves. */
export const PARALLEL_MIN_BYTES = 8 * 1024 * 1024;
/** Threads scanning at most, this one included. */
export const MAX_SCAN_THREADS = 4;

export interface VerifyStoreOptions {
  /**
   * Worker threads scanning segments, besides this thread (which scans too). Default: min(available
   * cores, segments, 4) - 1, when the log has at least 2 segments and 8 MiB and the worker bundle is
   * found; else 0. 0 scans on this thread only; set explicitly, 1 or more always starts workers (a
   * worker that cannot start leaves its share to this thread: the report is the same).
   */
  workers?: number;
  /** The built worker; default `audit-scan-worker.js` next to the running bundle (dist/). */
  workerFile?: string;
}

/**
 * Verifies the audit folder against `publicKey` (sequence, chain, hashes, checkpoint signatures) and
 * names the first bad seq. The fast pass scans each segment on its own, so on a big log worker threads
 * share the segments with this thread (see `VerifyStoreOptions`); otherwise this thread reads them one
 * at a time. The report is the same either way. Only when something is wrong are the segments from
 * the first suspect one on read again for the slow, explaining pass. Needs no lock (a line being
 * written at that very moment would show as 'torn').
 */
export async function verifyAuditStore(dir: string, publicKey: KeyObject, opts: VerifyStoreOptions = {}): Promise<AuditVerifyReport> {
  try {
    return await verifyOnce(dir, publicKey, opts);
  } catch (e) {
    // A segment a retention prune deleted between listing and reading it: look at the folder again, once.
    if (isOversightError(e) && e.code === 'io' && (e.cause as NodeJS.ErrnoException | undefined)?.code === 'ENOENT') return verifyOnce(dir, publicKey, opts);
    throw e;
  }
}

async function verifyOnce(dir: string, publicKey: KeyObject, opts: VerifyStoreOptions): Promise<AuditVerifyReport> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new OversightError('usage', `no audit log at ${dir} (the folder does not exist)`);
  const segments = await listSegments(dir);
  const cps = readCheckpoints(await readOptional(join(dir, CHECKPOINTS_FILE)), publicKey);
  const anchors = readRetentionAnchors(await readOptional(join(dir, RETENTION_FILE)), publicKey);
  const wanted = wantedSeqs(cps, anchors);
  const hasher = new LineHasher();
  const plan = await planWorkers(segments, opts);
  let scans: SegmentScan[];
  if (plan) scans = await scanWithWorkers(segments, wanted, hasher, plan);
  else {
    scans = [];
    for (const seg of segments) scans.push(scanSegment(await readSegment(seg), wanted, hasher));
  }
  const reload = async (from: number) => {
    const out = [];
    for (const seg of segments.slice(from)) out.push({ name: seg.name, data: await readSegment(seg) });
    return out;
  };
  return finishVerify({ names: segments.map((s) => s.name), scans, checkpoints: cps, anchors, reload, hasher });
}

/** A file's text; '' when it does not exist (no checkpoint or no prune yet). */
async function readOptional(file: string): Promise<string> {
  return readFile(file, 'utf8').catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw ioError(`could not read ${file}`, e);
  });
}

/** How many workers, from which file; undefined: this thread alone. */
async function planWorkers(segments: readonly SegmentFile[], opts: VerifyStoreOptions): Promise<{ count: number; file: string } | undefined> {
  if (segments.length < 2) return undefined;
  const file = opts.workerFile ?? join(__dirname, SCAN_WORKER_BUNDLE);
  if (opts.workers !== undefined) {
    const count = Math.min(Math.floor(opts.workers), segments.length - 1);
    return count >= 1 ? { count, file } : undefined;
  }
  // Under tsx (unit tests) __dirname is src/coordinator/audit: no bundle there, so this thread alone.
  if (!existsSync(file)) return undefined;
  const count = Math.min(availableParallelism(), segments.length, MAX_SCAN_THREADS) - 1;
  if (count < 1) return undefined;
  // A segment that cannot be stat'ed cannot be read either: the sequential path raises that error.
  const sizes = await Promise.all(segments.map((s) => stat(s.path).then((x) => x.size, () => -1)));
  if (sizes.includes(-1) || sizes.reduce((a, b) => a + b, 0) < PARALLEL_MIN_BYTES) return undefined;
  return { count, file };
}

/**
 * Scans every segment, on `count` workers and on this thread, all taking the next segment from one
 * queue. This thread starts at once (a worker takes tens of ms to load, and its first segment runs
 * cold), so a worker gets segments only once it says it is ready, two at a time so that it never
 * waits for this thread to hand it more. Workers only speed things up: one that fails to start or
 * dies leaves its segments to this thread. A segment that cannot be read fails verify, as on the
 * sequential path. Workers are terminated on every path, errors included.
 */
async function scanWithWorkers(segments: readonly SegmentFile[], wanted: ReadonlySet<number>, hasher: LineHasher, plan: { count: number; file: string }): Promise<SegmentScan[]> {
  const scans = new Array<SegmentScan>(segments.length);
  const workers: Worker[] = [];
  const workerData: ScanWorkerData = { wanted: [...wanted] };
  /** Segments handed to a worker that died, to scan again. */
  const retry: number[] = [];
  let next = 0;
  let done = 0;
  let settled = false;
  let mainScanning = false;
  const take = (): number | undefined => retry.pop() ?? (next < segments.length ? next++ : undefined);
  try {
    await new Promise<void>((resolve, reject) => {
      const fail = (e: unknown) => {
        settled = true;
        reject(e);
      };
      const finished = () => {
        if (++done !== segments.length) return;
        settled = true;
        resolve();
      };
      const scanHere = () => {
        if (mainScanning || settled) return;
        mainScanning = true;
        void (async () => {
          for (let id = take(); id !== undefined && !settled; id = take()) {
            const data = await readSegment(segments[id] as SegmentFile);
            scans[id] = scanSegment(data, wanted, hasher);
            finished();
          }
          mainScanning = false;
        })().catch(fail);
      };
      for (let k = 0; k < plan.count; k++) {
        const pending = new Set<number>();
        let alive = true;
        let w: Worker;
        try {
          w = new Worker(plan.file, { workerData });
        } catch {
          continue;
        }
        workers.push(w);
        const give = () => {
          const id = alive && !settled ? take() : undefined;
          if (id === undefined) return;
          pending.add(id);
          w.postMessage({ id, path: (segments[id] as SegmentFile).path } satisfies ScanJob);
        };
        const died = () => {
          alive = false;
          retry.push(...pending);
          pending.clear();
          scanHere();
        };
        w.on('message', (r: ScanReply) => {
          if ('ready' in r) {
            give();
            give();
          } else if ('error' in r) {
            const cause = Object.assign(new Error(r.error.message), r.error.code !== undefined ? { code: r.error.code } : {});
            fail(ioError(`could not read ${(segments[r.id] as SegmentFile).path}`, cause));
          } else {
            pending.delete(r.id);
            scans[r.id] = r.scan;
            finished();
            give();
          }
        });
        w.on('error', died);
        w.on('exit', died);
      }
      scanHere();
    });
  } finally {
    settled = true;
    // Not awaited: terminate() stops the thread at once; unref() so it can never hold the process.
    for (const w of workers) {
      w.unref();
      w.terminate().catch(() => undefined);
    }
  }
  return scans;
}

async function readSegment(seg: SegmentFile): Promise<Buffer> {
  try {
    return await readFile(seg.path);
  } catch (e) {
    throw ioError(`could not read ${seg.path}`, e);
  }
}
