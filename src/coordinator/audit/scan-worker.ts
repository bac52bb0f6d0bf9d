/**
 * Worker-thread entry of parallel verify (bundled as dist/audit-scan-worker.js). It says `ready` once
 * loaded; `verifyAuditStore` then posts it segment file paths; it reads each file itself (nothing is
 * copied across threads), runs `scanSegment` and posts the `SegmentScan` back (its Map is
 * structured-cloneable). A read error goes back as its message and code, so the caller raises the
 * same error the sequential path would.
 */
import { readFileSync } from 'node:fs';
import { parentPort, workerData } from 'node:worker_threads';
import { LineHasher, scanSegment, type SegmentScan } from '../../core/audit/audit-scan';

export interface ScanWorkerData {
  /** The seqs whose hashes the checkpoints signed (`SegmentScan.hashes`). */
  wanted: number[];
}
/** One segment to scan; `id` is its index in the log. */
export interface ScanJob {
  id: number;
  path: string;
}
export type ScanReply = { ready: true } | { id: number; scan: SegmentScan } | { id: number; error: { message: string; code?: string } };

const port = parentPort;
if (port) {
  const wanted = new Set((workerData as ScanWorkerData).wanted);
  const hasher = new LineHasher();
  port.on('message', (job: ScanJob) => {
    let reply: ScanReply;
    try {
      reply = { id: job.id, scan: scanSegment(readFileSync(job.path), wanted, hasher) };
    } catch (e) {
      const err = e as NodeJS.ErrnoException;
      reply = { id: job.id, error: { message: err instanceof Error ? err.message : String(e), ...(err.code !== undefined ? { code: err.code } : {}) } };
    }
    port.postMessage(reply);
  });
  port.postMessage({ ready: true } satisfies ScanReply);
}
