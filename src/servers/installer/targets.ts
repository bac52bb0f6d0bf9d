import { lstat } from 'node:fs/promises';
import { LOCK_FILE_PATH } from '../../core/pinning/lock-schema';
import { isAbsolute, join, normalize, relative, sep } from 'node:path';
import { discoverCandidates, type Candidate } from '../../core/config/discovery';
import { OversightError } from '../../core/errors';
import type { FormatId } from '../../core/model/server';
import type { FileSystemPort } from '../../core/ports/file-system';
import { symlinkRefusal } from './file-ops';

/** The tool lock file, relative to the workspace (one definition: core/pinning). */
export const LOCK_FILE = join(...LOCK_FILE_PATH.split('/'));

export interface Where {
  workspace: string;
  home: string;
  platform: NodeJS.Platform;
  env: { XDG_CONFIG_HOME?: string | undefined; APPDATA?: string | undefined };
}

/** A file the Installer may write, and the folder under which no path component may be a link. */
export interface AllowedTarget {
  file: string;
  displayPath: string;
  scope: 'project' | 'global';
  /** Undefined for the tool lock file. */
  format: FormatId | undefined;
  root: string;
  candidate: Candidate | undefined;
}

/**
 * Least privilege: the only files a proposal may touch are the MCP config files that discovery knows
 * for this workspace (project and global) and the workspace's tool lock file. Anything else (a shell
 * profile, a key file, a config of another workspace) is refused whatever the grant says.
 */
export async function allowedTargets(fs: FileSystemPort, where: Where): Promise<AllowedTarget[]> {
  const candidates = await discoverCandidates(fs, { workspace: where.workspace, home: where.home, includeGlobal: true, platform: where.platform, env: where.env });
  const out: AllowedTarget[] = candidates.map((c) => ({
    file: c.file,
    displayPath: c.displayPath,
    scope: c.scope,
    format: c.format,
    root: c.scope === 'project' ? where.workspace : where.home,
    candidate: c,
  }));
  out.push({ file: join(where.workspace, LOCK_FILE), displayPath: LOCK_FILE.split(sep).join('/'), scope: 'project', format: undefined, root: where.workspace, candidate: undefined });
  return out;
}

export async function checkTarget(file: string, allowed: readonly AllowedTarget[], field: string): Promise<AllowedTarget> {
  if (!isAbsolute(file) || normalize(file) !== file) {
    throw new OversightError('PROPOSAL_INVALID', `${field}: ${file} is not an absolute, normalised path. Request a fresh proposal.`, { details: { field, file } });
  }
  const target = allowed.find((t) => t.file === file);
  if (target === undefined) {
    throw new OversightError('TARGET_UNWRITABLE', `${field}: ${file} is not an MCP config file of this workspace (nor its tool lock file); the Installer writes nothing else. Nothing was changed.`, {
      details: { field, file },
    });
  }
  await refuseLinks(target);
  return target;
}

/**
 * Refuses a target that is, or sits in a folder that is, a symbolic link below its root (the
 * workspace or the home folder): a linked `.kilocode` would let a proposal write wherever it points.
 */
async function refuseLinks(target: AllowedTarget): Promise<void> {
  const rel = relative(target.root, target.file);
  if (rel.startsWith('..') || isAbsolute(rel)) return; // global files outside home (APPDATA elsewhere): only the file itself is checked
  let at = target.root;
  for (const part of rel.split(sep)) {
    at = join(at, part);
    try {
      if ((await lstat(at)).isSymbolicLink()) throw symlinkRefusal(at);
    } catch (e) {
      if (e instanceof OversightError) throw e;
      return; // missing from here down: will be created
    }
  }
}
