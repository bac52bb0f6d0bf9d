import { randomUUID } from 'node:crypto';
import { homedir } from 'node:os';
import { join } from 'node:path';
import type { FileSystemPort } from '../../core/ports/file-system';
import { nodeFileSystem } from '../../core/ports/node-file-system';
import { ApprovalGate } from '../kit/approval-gate';
import type { ServerOptions } from '../kit/server-options';
import { InstallerEngine } from './apply-engine';
import type { FileOps } from './file-ops';
import type { Where } from './targets';

/** Everything the Installer's tools need, built once per process (every HTTP session shares it). */
export interface InstallerContext {
  workspace: string;
  version: string;
  where: Where;
  fs: FileSystemPort;
  gate: ApprovalGate;
  engine: InstallerEngine;
  now: () => Date;
  newId: () => string;
}

/** `<workspace>/.kilocode/.mcp-oversight/installer`, unless `--state-dir` says otherwise. */
export function defaultStateDir(workspace: string): string {
  return join(workspace, '.kilocode', '.mcp-oversight', 'installer');
}

export interface ContextOverrides {
  home?: string;
  env?: NodeJS.ProcessEnv;
  now?: () => Date;
  newId?: () => string;
  ops?: FileOps;
  log?: (line: string) => void;
}

export function createInstallerContext(options: ServerOptions, version: string, o: ContextOverrides = {}): InstallerContext {
  const env = o.env ?? process.env;
  const now = o.now ?? (() => new Date());
  const newId = o.newId ?? (() => randomUUID());
  const where: Where = {
    workspace: options.workspace,
    home: o.home ?? homedir(),
    platform: process.platform,
    env: { XDG_CONFIG_HOME: env['XDG_CONFIG_HOME'], APPDATA: env['APPDATA'] },
  };
  const engine = new InstallerEngine({
    where,
    fs: nodeFileSystem,
    stateDir: options.stateDir ?? defaultStateDir(options.workspace),
    now,
    newId,
    ...(o.ops !== undefined ? { ops: o.ops } : {}),
    ...(o.log !== undefined ? { log: o.log } : {}),
  });
  return { workspace: options.workspace, version, where, fs: nodeFileSystem, gate: new ApprovalGate(options.grantPublicKey, now), engine, now, newId };
}
