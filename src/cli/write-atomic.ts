import { randomBytes } from 'node:crypto';
import { rename, unlink, writeFile } from 'node:fs/promises';
import { basename, dirname, join } from 'node:path';
import { OversightError } from '../core/errors';

/** Write to a temporary file beside the target, then rename: readers never see half a report. */
export async function writeFileAtomic(file: string, content: string): Promise<void> {
  const tmp = join(dirname(file), `.${basename(file)}.${randomBytes(6).toString('hex')}.tmp`);
  try {
    await writeFile(tmp, content, { encoding: 'utf8', flag: 'wx' });
    await rename(tmp, file);
  } catch (e) {
    await unlink(tmp).catch(() => undefined);
    const why = (e as NodeJS.ErrnoException).code === 'ENOENT' ? `the folder ${dirname(file)} does not exist` : e instanceof Error ? e.message : String(e);
    throw new OversightError('io', `could not write ${file}: ${why}`, { cause: e });
  }
}
