import { basename, isAbsolute, resolve, sep } from 'node:path';
import { findReferences } from '../core/config/references';
import type { ProbeReason } from '../core/model/live';
import type { McpServer } from '../core/model/server';

/** What to start or where to connect, with every reference substituted as the client would. */
export type Launch =
  | { kind: 'stdio'; command: string; args: string[]; env: Record<string, string>; cwd: string }
  | { kind: 'remote'; url: string; headers: Record<string, string> };

export interface ResolvedLaunch {
  launch: Launch;
  /** Values that came from the environment (tokens, typically): masked wherever they reappear. */
  substituted: string[];
}

export interface LaunchContext {
  /** The environment the client would have (the parent's), passed in rather than read here. */
  env: Readonly<Record<string, string | undefined>>;
  workspaceFolder: string;
}

class Unresolved extends Error {}

/**
 * Substitutes `${env:X}` (VS Code, legacy KiloCode) and `{env:X}` (Kilo) from the given environment
 * (an unset variable becomes "", as the clients do) and VS Code's predefined `${workspaceFolder}`,
 * `${workspaceFolderBasename}`, `${userHome}`, `${pathSeparator}`. `${input:…}` (asked of the user
 * at launch), `{file:…}` and anything else cannot be known here: the server is not started rather
 * than started with a literal reference in its arguments or environment. A bare `$VAR` is left as
 * written, as clients pass it to the process without a shell.
 */
export function resolveValue(value: string, ctx: LaunchContext, substituted: string[]): string {
  const refs = findReferences(value).filter((r) => r.kind !== 'shell');
  if (refs.length === 0) return value;
  let out = '';
  let at = 0;
  for (const r of refs) {
    out += value.slice(at, r.start);
    at = r.end;
    const text = value.slice(r.start, r.end);
    if (r.kind === 'env') {
      const v = ctx.env[r.name] ?? '';
      if (v.length >= 8) substituted.push(v);
      out += v;
    } else if (r.kind === 'workspace') {
      out += predefined(r.name, ctx, text);
    } else {
      throw new Unresolved(`${text} cannot be resolved outside the client (${r.kind === 'input' ? 'the client asks the user for it at launch' : `a ${r.kind} reference`})`);
    }
  }
  return out + value.slice(at);
}

function predefined(name: string, ctx: LaunchContext, text: string): string {
  switch (name) {
    case 'workspaceFolder':
      return ctx.workspaceFolder;
    case 'workspaceFolderBasename':
      return basename(ctx.workspaceFolder);
    case 'pathSeparator':
    case '/':
      return sep;
    case 'userHome': {
      const home = ctx.env.HOME ?? ctx.env.USERPROFILE;
      if (home !== undefined) return home;
      break;
    }
  }
  throw new Unresolved(`${text} cannot be resolved here`);
}

function resolveRecord(rec: Readonly<Record<string, string>>, ctx: LaunchContext, substituted: string[]): Record<string, string> {
  const out: Record<string, string> = {};
  for (const [k, v] of Object.entries(rec)) out[k] = resolveValue(v, ctx, substituted);
  return out;
}

/** The launch of `server` in `ctx`, or why it cannot be made. */
export function resolveLaunch(server: McpServer, ctx: LaunchContext): ResolvedLaunch | { reason: ProbeReason } {
  const substituted: string[] = [];
  try {
    if (server.transport === 'stdio') {
      if (server.command === undefined || server.command.trim() === '') return { reason: { code: 'spawn-failed', message: 'the entry has no command' } };
      const env: Record<string, string> = {};
      for (const [k, v] of Object.entries(ctx.env)) if (v !== undefined) env[k] = v;
      Object.assign(env, resolveRecord(server.env, ctx, substituted));
      const cwd = server.cwd === undefined ? ctx.workspaceFolder : resolveValue(server.cwd, ctx, substituted);
      return {
        launch: {
          kind: 'stdio',
          command: resolveValue(server.command, ctx, substituted),
          args: server.args.map((a) => resolveValue(a, ctx, substituted)),
          env,
          cwd: isAbsolute(cwd) ? cwd : resolve(ctx.workspaceFolder, cwd),
        },
        substituted,
      };
    }
    if (server.url === undefined || server.url.trim() === '') return { reason: { code: 'http-error', message: 'the entry has no url' } };
    return { launch: { kind: 'remote', url: resolveValue(server.url, ctx, substituted), headers: resolveRecord(server.headers, ctx, substituted) }, substituted };
  } catch (e) {
    if (e instanceof Unresolved) return { reason: { code: 'unresolved-reference', message: e.message } };
    throw e;
  }
}
