import { readFile, stat } from 'node:fs/promises';
import type { FileSystemPort } from './file-system';

export const nodeFileSystem: FileSystemPort = {
  async stat(path) {
    try {
      const s = await stat(path);
      return { isFile: s.isFile(), size: s.size };
    } catch (e) {
      if ((e as NodeJS.ErrnoException).code === 'ENOENT' || (e as NodeJS.ErrnoException).code === 'ENOTDIR') return undefined;
      throw e;
    }
  },
  readFile: (path) => readFile(path, 'utf8'),
};
