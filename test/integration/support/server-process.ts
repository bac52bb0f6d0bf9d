/**
 * Starts one of our MCP server bundles as a real child process and connects the SDK's client to it,
 * over stdio or over Streamable HTTP (`--http 0`, the URL read from its stderr).
 */
import { spawn } from 'node:child_process';
import { join, resolve } from 'node:path';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { StdioClientTransport } from '@modelcontextprotocol/sdk/client/stdio.js';
import { StreamableHTTPClientTransport } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { ClientCapabilities } from '@modelcontextprotocol/sdk/types.js';

export const ROOT = resolve(__dirname, '..', '..', '..');
export const FIXTURE_SERVER = join(ROOT, 'test', 'fixtures', 'servers', 'hostile-server.mjs');

export interface Connected {
  client: Client;
  stderr: () => string;
  close: () => Promise<void>;
}

export async function connectStdio(bundle: string, args: readonly string[], opts: { env?: NodeJS.ProcessEnv; capabilities?: ClientCapabilities; cwd?: string } = {}): Promise<Connected> {
  const transport = new StdioClientTransport({
    command: process.execPath,
    args: [join(ROOT, 'dist', bundle), ...args],
    env: { ...(process.env as Record<string, string>), ...(opts.env as Record<string, string> | undefined) },
    stderr: 'pipe',
    ...(opts.cwd !== undefined ? { cwd: opts.cwd } : {}),
  });
  let err = '';
  transport.stderr?.on('data', (d: Buffer) => (err += d.toString()));
  const client = new Client({ name: 'oversight-test', version: '1.0.0' }, { capabilities: opts.capabilities ?? {} });
  await client.connect(transport);
  return { client, stderr: () => err, close: () => client.close() };
}

export interface HttpServerProcess {
  url: string;
  port: number;
  stderr: () => string;
  kill: () => Promise<void>;
}

/** `node dist/<bundle> --http 0 …`; resolves once it prints its URL. */
export async function startHttp(bundle: string, args: readonly string[]): Promise<HttpServerProcess> {
  const child = spawn(process.execPath, [join(ROOT, 'dist', bundle), '--http', '0', ...args], { stdio: ['ignore', 'ignore', 'pipe'] });
  let err = '';
  const url = await new Promise<string>((ok, fail) => {
    const timer = setTimeout(() => fail(new Error(`no URL after 15 s:\n${err}`)), 15_000);
    child.stderr.on('data', (d: Buffer) => {
      err += d.toString();
      const m = /listening on (http:\/\/127\.0\.0\.1:(\d+)\/mcp)/.exec(err);
      if (m) {
        clearTimeout(timer);
        ok(m[1]!);
      }
    });
    child.once('exit', (code) => {
      clearTimeout(timer);
      fail(new Error(`exited ${String(code)}:\n${err}`));
    });
  });
  return {
    url,
    port: Number(new URL(url).port),
    stderr: () => err,
    kill: () =>
      new Promise<void>((r) => {
        if (child.exitCode !== null) return r();
        child.once('exit', () => r());
        child.kill('SIGTERM');
      }),
  };
}

export async function connectHttp(url: string, token: string | undefined, capabilities: ClientCapabilities = {}): Promise<Client> {
  const transport = new StreamableHTTPClientTransport(new URL(url), token === undefined ? {} : { requestInit: { headers: { Authorization: `Bearer ${token}` } } });
  const client = new Client({ name: 'oversight-test', version: '1.0.0' }, { capabilities });
  await client.connect(transport);
  return client;
}

/** The text of a tool result's first content item. */
export function textOf(result: unknown): string {
  const content = (result as { content?: { type: string; text?: string }[] }).content ?? [];
  return content.map((c) => c.text ?? '').join('\n');
}
