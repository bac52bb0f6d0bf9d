import { isAbsolute, join, relative, resolve } from 'node:path';
import { LOCK_FILE_PATH } from '../../core/pinning/lock-schema';
import { assessTarget, type WorkspaceAssessment } from '../../core/assess/assess-workspace';
import { OversightError } from '../../core/errors';
import type { ComplianceContext } from './compliance-context';

/** The tool lock file, relative to the workspace (one definition: core/pinning). */
export const LOCK_FILE = join(...LOCK_FILE_PATH.split('/'));

/** A path argument must stay inside the workspace: a tool call is not a way to read the whole disk. */
export function insideWorkspace(ctx: ComplianceContext, path: string | undefined, field: string): string {
  if (path === undefined) return ctx.workspace;
  const abs = isAbsolute(path) ? path : resolve(ctx.workspace, path);
  const rel = relative(ctx.workspace, abs);
  if (rel.startsWith('..') || isAbsolute(rel)) {
    throw new OversightError('INVALID_ARGUMENT', `${field}: ${path} is outside the workspace ${ctx.workspace}. Start the server with --workspace for another folder.`, { details: { field } });
  }
  return abs;
}

/** Static assessment of the workspace (and global configs when asked), as the CLI does it. */
export async function assessWorkspace(ctx: ComplianceContext, opts: { path?: string; includeGlobal: boolean; policyFile?: string }): Promise<WorkspaceAssessment> {
  const path = insideWorkspace(ctx, opts.path, 'path');
  const policyFile = opts.policyFile === undefined ? undefined : insideWorkspace(ctx, opts.policyFile, 'policyFile');
  return assessTarget(ctx.fs, {
    path,
    includeGlobal: opts.includeGlobal,
    home: ctx.home,
    platform: ctx.platform,
    env: { XDG_CONFIG_HOME: ctx.env['XDG_CONFIG_HOME'], APPDATA: ctx.env['APPDATA'] },
    now: ctx.now(),
    toolVersion: ctx.version,
    ...(policyFile !== undefined ? { policyFile } : {}),
  });
}
