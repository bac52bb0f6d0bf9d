import { mkdir, readdir, readFile, rename, unlink } from 'node:fs/promises';
import { join } from 'node:path';
import type { z } from 'zod';
import { OversightError } from '../core/errors';
import { fsyncDir, writeDurably } from './durable-write';

const ID = /^[A-Za-z0-9][A-Za-z0-9._-]{0,127}$/;

/**
 * A folder of JSON records, one file per id, each validated with its zod schema on the way in and out.
 * Writes are durable (see writeDurably). A file that does not parse or validate is never deleted: it is
 * renamed `<id>.json.invalid` and reported through `onInvalid`, so one bad record loses nothing else.
 */
export class RecordStore<S extends z.ZodType> {
  constructor(
    readonly dir: string,
    private readonly schema: S,
    private readonly onInvalid: (file: string, why: string) => void = () => undefined,
  ) {}

  private file(id: string): string {
    if (!ID.test(id)) throw new OversightError('INVALID_ARGUMENT', `id: "${id.slice(0, 40)}" is not a record id (letters, digits, . _ -).`, { details: { field: 'id' } });
    return join(this.dir, `${id}.json`);
  }

  async init(): Promise<void> {
    await mkdir(this.dir, { recursive: true, mode: 0o700 });
  }

  async put(id: string, value: z.infer<S>): Promise<void> {
    const checked = this.schema.parse(value);
    await writeDurably(this.file(id), JSON.stringify(checked, null, 2) + '\n');
  }

  async get(id: string): Promise<z.infer<S> | undefined> {
    const file = this.file(id);
    let text: string;
    try {
      text = await readFile(file, 'utf8');
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return undefined;
      throw e;
    }
    return this.parse(file, text);
  }

  async list(): Promise<z.infer<S>[]> {
    let names: string[];
    try {
      names = await readdir(this.dir);
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return [];
      throw e;
    }
    const out: z.infer<S>[] = [];
    for (const name of names.filter((n) => n.endsWith('.json') && !n.startsWith('.')).sort()) {
      const file = join(this.dir, name);
      const text = await readFile(file, 'utf8').catch(() => undefined);
      if (text === undefined) continue;
      const v = await this.parse(file, text);
      if (v !== undefined) out.push(v);
    }
    return out;
  }

  async remove(id: string): Promise<boolean> {
    try {
      await unlink(this.file(id));
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT') return false;
      throw e;
    }
    await fsyncDir(this.dir);
    return true;
  }

  private async parse(file: string, text: string): Promise<z.infer<S> | undefined> {
    let why: string;
    try {
      const r = this.schema.safeParse(JSON.parse(text));
      if (r.success) return r.data;
      why = r.error.issues.slice(0, 3).map((i) => `${i.path.join('.') || '(root)'}: ${i.message}`).join('; ');
    } catch (e) {
      why = e instanceof Error ? e.message : String(e);
    }
    await rename(file, `${file}.invalid`).catch(() => undefined);
    this.onInvalid(file, `${why} (kept as ${file}.invalid)`);
    return undefined;
  }
}
