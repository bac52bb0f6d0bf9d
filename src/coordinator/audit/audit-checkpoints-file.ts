import { join } from 'node:path';
import { parseCheckpointLine } from '../../core/audit/audit-checkpoint';
import { CHECKPOINTS_FILE } from './audit-files';
import { readLinesBackward } from './audit-reader';

/** The seq of the newest checkpoint line that reads as one (0 when none): where the writer counts from. */
export async function readLastCheckpointSeq(dir: string): Promise<number> {
  let seq = 0;
  await readLinesBackward(join(dir, CHECKPOINTS_FILE), (line) => {
    const p = parseCheckpointLine(line);
    if (p.ok) seq = p.checkpoint.seq;
    return !p.ok;
  });
  return seq;
}
