import { posix, win32 } from 'node:path';
import { pathToFileURL } from 'node:url';

/**
 * Paths are judged by their own shape rather than by the platform we run on: a report of a
 * Windows workspace rendered on Linux (or a test of one) must come out the same as on Windows.
 */
function isWindowsPath(p: string): boolean {
  return /^[A-Za-z]:[\\/]/.test(p) || p.startsWith('\\\\');
}

function isAbsolutePath(p: string): boolean {
  return isWindowsPath(p) || p.startsWith('/');
}

/** `a\b/c` -> `a/b/c`; only for Windows-shaped paths, where a backslash is a separator. */
function toSlashes(p: string, windows: boolean): string {
  return windows ? p.replace(/\\/g, '/') : p;
}

/**
 * `file` relative to `baseDir` with forward slashes when it lies inside it, otherwise undefined.
 * A relative `file` is taken as already relative to the base (the caller decides which paths are
 * relative), unless it climbs out of it.
 */
export function relativeUnder(file: string, baseDir: string | undefined): string | undefined {
  if (!isAbsolutePath(file)) {
    const rel = toSlashes(file, file.includes('\\') && !file.includes('/')).replace(/^\.\//, '');
    return rel === '' || rel === '..' || rel.startsWith('../') ? undefined : rel;
  }
  if (baseDir === undefined || baseDir === '') return undefined;
  const windows = isWindowsPath(file);
  if (windows !== isWindowsPath(baseDir)) return undefined;
  const flavour = windows ? win32 : posix;
  const rel = flavour.relative(baseDir, file);
  // '' is the base itself, not a file in it; win32.relative returns an absolute path across drives.
  if (rel === '' || rel === '..' || rel.startsWith('..' + flavour.sep) || flavour.isAbsolute(rel)) return undefined;
  return toSlashes(rel, windows);
}

/** Replaces lone surrogates, which `encodeURI` rejects, with U+FFFD. */
function wellFormed(s: string): string {
  return s.replace(/[\ud800-\udbff](?![\udc00-\udfff])|(?<![\ud800-\udbff])[\udc00-\udfff]/g, '\ufffd');
}

/**
 * A forward-slash relative path as a URI reference. `:` is escaped too so that a first segment such
 * as `c:foo` cannot be read as a URI scheme.
 */
export function relativeUri(relPath: string): string {
  return relPath
    .split('/')
    .map((seg) => encodeURI(wellFormed(seg)).replace(/[#?:]/g, (c) => '%' + c.charCodeAt(0).toString(16).toUpperCase()))
    .join('/');
}

/** `file://` URI of an absolute path; undefined for a relative one (it has no file URI of its own). */
export function fileUri(absPath: string): string | undefined {
  if (!isAbsolutePath(absPath)) return undefined;
  return pathToFileURL(wellFormed(absPath), { windows: isWindowsPath(absPath) }).href;
}

/** `file://` URI of a directory, with the trailing slash that makes it a base for relative URIs. */
export function directoryUri(absDir: string): string | undefined {
  const uri = fileUri(absDir);
  if (uri === undefined) return undefined;
  return uri.endsWith('/') ? uri : uri + '/';
}
