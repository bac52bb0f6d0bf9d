/**
 * The only way core reads files: the CLI and extension pass `nodeFileSystem`, tests an in-memory
 * one. Paths are absolute.
 */
export interface FileSystemPort {
  /** `undefined` when nothing is there; throws only for real I/O errors (permissions, …). */
  stat(path: string): Promise<{ isFile: boolean; size: number } | undefined>;
  readFile(path: string): Promise<string>;
}
