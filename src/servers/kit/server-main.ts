import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { describeError, isOversightError } from '../../core/errors';
import { runHttp, runStdio, type RunningServer } from './run-server';
import { parseServerArgs, usage, type ServerOptions } from './server-options';

export interface ServerMainSpec {
  bin: string;
  version: string;
  /** Builds one McpServer (called once on stdio, once per session on HTTP). */
  create: (options: ServerOptions) => McpServer;
}

/**
 * The shared `main` of both servers: parse argv, serve stdio or HTTP, shut down on signals or when
 * stdin closes, and never die from one bad request (errors are logged to stderr, not thrown).
 */
export async function serverMain(spec: ServerMainSpec): Promise<void> {
  const log = (line: string): void => {
    process.stderr.write(`[${spec.bin}] ${line}\n`);
  };
  process.on('unhandledRejection', (e) => log(`unhandled rejection: ${describeError(e)}`));
  let running: RunningServer;
  try {
    const parsed = parseServerArgs(process.argv.slice(2), process.env, process.cwd());
    if (parsed.kind === 'help') {
      process.stdout.write(`${usage(spec.bin)}\n`);
      return;
    }
    if (parsed.kind === 'version') {
      process.stdout.write(`${spec.version}\n`);
      return;
    }
    const options = parsed.options;
    const create = () => spec.create(options);
    if (options.httpPort !== undefined) {
      running = await runHttp(create, { ...options, httpPort: options.httpPort }, log);
      log(`listening on ${running.url ?? ''}${options.token !== undefined ? ' (bearer token required)' : ''}`);
    } else {
      running = await runStdio(create);
      process.stdin.on('end', () => void shutdown('stdin closed'));
    }
    log(`workspace ${options.workspace}; approvals by ${options.grantPublicKey !== undefined ? 'signed grants' : 'MCP elicitation'}`);
  } catch (e) {
    log(isOversightError(e) ? e.message : `failed to start: ${describeError(e)}`);
    process.exitCode = 2;
    return;
  }
  let closing = false;
  const shutdown = async (why: string): Promise<void> => {
    if (closing) return;
    closing = true;
    log(`shutting down (${why})`);
    await running.close().catch(() => undefined);
    process.exit(0);
  };
  process.on('SIGINT', () => void shutdown('SIGINT'));
  process.on('SIGTERM', () => void shutdown('SIGTERM'));
}
