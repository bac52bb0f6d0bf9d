import type { FileSystemPort } from './file-system';

/** An in-memory FileSystemPort for tests: a map of absolute path -> content (or an Error to throw on read). */
export class MemoryFileSystem implements FileSystemPort {
  private readonly files = new Map<string, string | Error>();

  constructor(files: Record<string, string | Error> = {}) {
    for (const [p, c] of Object.entries(files)) this.files.set(p, c);
  }

  set(path: string, content: string | Error): this {
    this.files.set(path, content);
    return this;
  }

  async stat(path: string): Promise<{ isFile: boolean; size: number } | undefined> {
    const c = this.files.get(path);
    if (c !== undefined) return { isFile: true, size: typeof c === 'string' ? Buffer.byteLength(c) : 0 };
    const dir = path.endsWith('/') ? path : path + '/';
    for (const k of this.files.keys()) if (k.startsWith(dir)) return { isFile: false, size: 0 };
    return undefined;
  }

  async readFile(path: string): Promise<string> {
    const c = this.files.get(path);
    if (c === undefined) throw Object.assign(new Error(`ENOENT: no such file, open '${path}'`), { code: 'ENOENT' });
    if (c instanceof Error) throw c;
    return c;
  }
}
