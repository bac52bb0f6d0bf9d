import { basename, dirname, isAbsolute, relative, sep } from 'node:path';

/** A file-system watcher's pattern: a folder and a glob relative to it. */
export interface WatchPattern {
  base: string;
  glob: string;
}

/** Characters that mean something in a glob: a path holding one is left unwatched rather than mis-matched. */
const GLOB_SPECIAL = /[*?[\]{},!]/;

function glob(paths: readonly string[]): string {
  return paths.length === 1 ? paths[0]! : `{${paths.join(',')}}`;
}

/**
 * What to watch for re-assessment: every file discovery lists (existing or not, so a new
 * `.vscode/mcp.json` is noticed) and the policy file. Files in a workspace folder make one glob per
 * folder; files elsewhere (global configs) one glob per folder they sit in.
 */
export function watchPatterns(folders: readonly string[], files: readonly string[]): WatchPattern[] {
  const inFolder = new Map<string, string[]>(folders.map((f) => [f, []]));
  const outside = new Map<string, string[]>();
  const add = (m: Map<string, string[]>, k: string, v: string) => {
    const list = m.get(k) ?? [];
    if (!list.includes(v)) list.push(v);
    m.set(k, list);
  };
  for (const file of files) {
    const folder = folders.find((f) => {
      const rel = relative(f, file);
      return rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    });
    const rel = folder === undefined ? basename(file) : relative(folder, file).split(sep).join('/');
    if (GLOB_SPECIAL.test(rel)) continue;
    if (folder !== undefined) add(inFolder, folder, rel);
    else add(outside, dirname(file), rel);
  }
  const out: WatchPattern[] = [];
  for (const [base, rels] of inFolder) if (rels.length > 0) out.push({ base, glob: glob(rels) });
  for (const [base, rels] of outside) out.push({ base, glob: glob(rels) });
  return out;
}
