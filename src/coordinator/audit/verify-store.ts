import type { KeyObject } from 'node:crypto';
import { readFile, stat } from 'node:fs/promises';
import { join } from 'node:path';
import { LineHasher, scanSegment, type SegmentScan } from '../../core/audit/audit-scan';
import { finishVerify, readCheckpoints, type AuditVerifyReport } from '../../core/audit/audit-verify';
import { OversightError } from '../../core/errors';
import { CHECKPOINTS_FILE, ioError, listSegments, type SegmentFile } from './audit-files';

/**
 * Verifies the audit folder against `publicKey` (sequence, chain, hashes, checkpoint signatures) and
 * names the first bad seq. Reads one segment at a time; only when something is wrong are the segments
 * from the first suspect one on read again for the slow, explaining pass. Needs no lock (a line being
 * written at that very moment would show as 'torn').
 */
export async function verifyAuditStore(dir: string, publicKey: KeyObject): Promise<AuditVerifyReport> {
  const st = await stat(dir).catch(() => undefined);
  if (!st?.isDirectory()) throw new OversightError('usage', `no audit log at ${dir} (the folder does not exist)`);
  const segments = await listSegments(dir);
  const checkpointsText = await readFile(join(dir, CHECKPOINTS_FILE), 'utf8').catch((e: unknown) => {
    if ((e as NodeJS.ErrnoException).code === 'ENOENT') return '';
    throw ioError(`could not read ${join(dir, CHECKPOINTS_FILE)}`, e);
  });
  const cps = readCheckpoints(checkpointsText, publicKey);
  const wanted = new Set(cps.hashes.keys());
  const hasher = new LineHasher();
  const scans: SegmentScan[] = [];
  for (const seg of segments) scans.push(scanSegment(await readSegment(seg), wanted, hasher));
  const reload = async (from: number) => {
    const out = [];
    for (const seg of segments.slice(from)) out.push({ name: seg.name, data: await readSegment(seg) });
    return out;
  };
  return finishVerify({ names: segments.map((s) => s.name), scans, checkpoints: cps, reload, hasher });
}

async function readSegment(seg: SegmentFile): Promise<Buffer> {
  try {
    return await readFile(seg.path);
  } catch (e) {
    throw ioError(`could not read ${seg.path}`, e);
  }
}
