import { readFileSync } from 'node:fs';
import { resolve } from 'node:path';
import type { KeyObject } from 'node:crypto';
import { z } from 'zod';
import { OversightError } from '../../core/errors';
import { parseGrantPublicKey } from '../../core/grants/grant-crypto';

/** What both servers accept on their command line. */
export interface ServerOptions {
  workspace: string;
  /** Streamable HTTP on 127.0.0.1 instead of stdio; 0 picks a free port (printed on stderr). */
  httpPort?: number;
  /** Bearer token required on every HTTP request (read from a file so it never shows in `ps`). */
  token?: string;
  /** The coordinator's Ed25519 key: when set, approvals come only as grants it signed. */
  grantPublicKey?: KeyObject;
  allowedOrigins: string[];
  /** Where the Installer keeps its journal of executions (default: `<workspace>/.kilocode/.mcp-oversight/installer`). */
  stateDir?: string;
}

export type ParsedArgs = { kind: 'run'; options: ServerOptions } | { kind: 'help' } | { kind: 'version' };

const PortSchema = z.string().regex(/^\d+$/).transform(Number).pipe(z.number().int().min(0).max(65535));

export function usage(bin: string): string {
  return [
    `Usage: ${bin} [--workspace DIR] [--http PORT] [--token-file FILE] [--grant-key FILE] [--allow-origin ORIGIN]...${bin.includes('installer') ? ' [--state-dir DIR]' : ''}`,
    '',
    '  --workspace DIR      workspace folder whose MCP configs are read (default: the current folder)',
    '  --http PORT          serve Streamable HTTP at http://127.0.0.1:PORT/mcp instead of stdio (0: any free port)',
    '  --token-file FILE    require "Authorization: Bearer <token>" on HTTP, token read from FILE',
    '  --grant-key FILE     the coordinator\'s Ed25519 public key (PEM); then approvals must be signed grants.',
    '                       Also read from MCP_OVERSIGHT_GRANT_PUBLIC_KEY (PEM text). Without a key, the server',
    '                       asks its client\'s user through MCP elicitation.',
    '  --allow-origin O     an extra browser Origin allowed on HTTP (default: only the server\'s own)',
    ...(bin.includes('installer') ? ['  --state-dir DIR      where executions and rollback copies are kept'] : []),
  ].join('\n');
}

function value(argv: readonly string[], i: number, flag: string): string {
  const v = argv[i + 1];
  if (v === undefined || v.startsWith('--')) throw new OversightError('usage', `${flag} needs a value.`);
  return v;
}

/** Parses argv (without node and script). Throws `usage` errors that name the flag. */
export function parseServerArgs(argv: readonly string[], env: NodeJS.ProcessEnv, cwd: string): ParsedArgs {
  let workspace = cwd;
  let httpPort: number | undefined;
  let tokenFile: string | undefined;
  let keyFile: string | undefined;
  let stateDir: string | undefined;
  const allowedOrigins: string[] = [];
  for (let i = 0; i < argv.length; i++) {
    const a = argv[i]!;
    switch (a) {
      case '--help':
      case '-h':
        return { kind: 'help' };
      case '--version':
        return { kind: 'version' };
      case '--workspace':
        workspace = resolve(cwd, value(argv, i++, a));
        break;
      case '--http': {
        const p = PortSchema.safeParse(value(argv, i++, a));
        if (!p.success) throw new OversightError('usage', '--http needs a port number between 0 and 65535.');
        httpPort = p.data;
        break;
      }
      case '--token-file':
        tokenFile = resolve(cwd, value(argv, i++, a));
        break;
      case '--grant-key':
        keyFile = resolve(cwd, value(argv, i++, a));
        break;
      case '--allow-origin':
        allowedOrigins.push(value(argv, i++, a));
        break;
      case '--state-dir':
        stateDir = resolve(cwd, value(argv, i++, a));
        break;
      default:
        throw new OversightError('usage', `Unknown argument "${a}". Run with --help.`);
    }
  }
  if (tokenFile !== undefined && httpPort === undefined) throw new OversightError('usage', '--token-file only applies with --http.');
  const options: ServerOptions = { workspace, allowedOrigins };
  if (httpPort !== undefined) options.httpPort = httpPort;
  if (tokenFile !== undefined) options.token = readToken(tokenFile);
  const pem = keyFile !== undefined ? readText(keyFile, '--grant-key') : env['MCP_OVERSIGHT_GRANT_PUBLIC_KEY'];
  if (pem !== undefined && pem.trim() !== '') options.grantPublicKey = parseGrantPublicKey(pem, keyFile ?? 'MCP_OVERSIGHT_GRANT_PUBLIC_KEY');
  if (stateDir !== undefined) options.stateDir = stateDir;
  return { kind: 'run', options };
}

function readText(file: string, flag: string): string {
  try {
    return readFileSync(file, 'utf8');
  } catch (cause) {
    throw new OversightError('usage', `${flag} ${file}: cannot read it (${(cause as NodeJS.ErrnoException).code ?? 'error'}).`, { cause });
  }
}

function readToken(file: string): string {
  const token = readText(file, '--token-file').trim();
  if (token.length < 16) throw new OversightError('usage', `--token-file ${file}: the token must be at least 16 characters (use e.g. \`openssl rand -hex 32\`).`);
  if (/\s/.test(token)) throw new OversightError('usage', `--token-file ${file}: the token must be one line without spaces.`);
  return token;
}
