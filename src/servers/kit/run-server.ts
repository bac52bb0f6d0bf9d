import { randomUUID } from 'node:crypto';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { McpServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { StdioServerTransport } from '@modelcontextprotocol/sdk/server/stdio.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { isInitializeRequest } from '@modelcontextprotocol/sdk/types.js';
import { guardRequest } from './http-guard';
import type { ServerOptions } from './server-options';

const MAX_BODY_BYTES = 4 * 1024 * 1024;
const MAX_SESSIONS = 64;

export interface RunningServer {
  /** `http://127.0.0.1:PORT/mcp` over HTTP; undefined on stdio. */
  url?: string;
  close(): Promise<void>;
}

/** Logs go to stderr: stdout belongs to the MCP stdio transport. */
export type Log = (line: string) => void;

export async function runStdio(create: () => McpServer): Promise<RunningServer> {
  const server = create();
  await server.connect(new StdioServerTransport());
  return { close: () => server.close() };
}

function refuse(res: ServerResponse, status: number, message: string, extra: Record<string, string> = {}): void {
  res.writeHead(status, { 'content-type': 'application/json', ...extra });
  res.end(JSON.stringify({ jsonrpc: '2.0', error: { code: -32000, message }, id: null }));
}

async function readBody(req: IncomingMessage): Promise<{ ok: true; body: unknown } | { ok: false; status: number; message: string }> {
  const chunks: Buffer[] = [];
  let size = 0;
  for await (const chunk of req as AsyncIterable<Buffer>) {
    size += chunk.length;
    if (size > MAX_BODY_BYTES) return { ok: false, status: 413, message: `Request body larger than ${MAX_BODY_BYTES} bytes.` };
    chunks.push(chunk);
  }
  if (size === 0) return { ok: true, body: undefined };
  try {
    return { ok: true, body: JSON.parse(Buffer.concat(chunks).toString('utf8')) as unknown };
  } catch {
    return { ok: false, status: 400, message: 'Parse error: the body is not JSON.' };
  }
}

/**
 * Streamable HTTP on 127.0.0.1 only, one McpServer per session (the SDK binds a server to one
 * transport). Requests are guarded (Host, Origin, bearer token) before MCP sees them.
 */
export async function runHttp(create: () => McpServer, options: ServerOptions & { httpPort: number }, log: Log): Promise<RunningServer> {
  const sessions = new Map<string, { transport: StreamableHTTPServerTransport; server: McpServer }>();
  let port = options.httpPort;

  const handle = async (req: IncomingMessage, res: ServerResponse): Promise<void> => {
    const path = (req.url ?? '/').split('?')[0] ?? '/';
    const refusal = guardRequest(req.method, path, req.headers, { port, allowedOrigins: options.allowedOrigins, ...(options.token !== undefined ? { token: options.token } : {}) });
    if (refusal !== undefined) {
      refuse(res, refusal.status, refusal.message, refusal.status === 401 ? { 'www-authenticate': 'Bearer' } : {});
      return;
    }
    const sessionHeader = req.headers['mcp-session-id'];
    const sessionId = typeof sessionHeader === 'string' ? sessionHeader : undefined;
    let body: unknown;
    if (req.method === 'POST') {
      const read = await readBody(req);
      if (!read.ok) {
        refuse(res, read.status, read.message);
        return;
      }
      body = read.body;
    }
    if (sessionId !== undefined) {
      const s = sessions.get(sessionId);
      if (s === undefined) {
        refuse(res, 404, 'Unknown or expired session: initialize again.');
        return;
      }
      await s.transport.handleRequest(req, res, body);
      return;
    }
    if (req.method !== 'POST' || !isInitializeRequest(body)) {
      refuse(res, 400, 'No session: the first request must be initialize.');
      return;
    }
    if (sessions.size >= MAX_SESSIONS) {
      refuse(res, 503, 'Too many open sessions.');
      return;
    }
    const server = create();
    const transport: StreamableHTTPServerTransport = new StreamableHTTPServerTransport({
      sessionIdGenerator: () => randomUUID(),
      onsessioninitialized: (id) => {
        sessions.set(id, { transport, server });
      },
    });
    transport.onclose = () => {
      if (transport.sessionId !== undefined) sessions.delete(transport.sessionId);
    };
    await server.connect(transport);
    await transport.handleRequest(req, res, body);
  };

  const http: Server = createServer((req, res) => {
    handle(req, res).catch((e: unknown) => {
      log(`HTTP request failed: ${e instanceof Error ? e.message : String(e)}`);
      if (!res.headersSent) refuse(res, 500, 'Internal error.');
      else res.end();
    });
  });
  http.requestTimeout = 10 * 60_000;
  await new Promise<void>((resolveListen, reject) => {
    http.once('error', reject);
    http.listen(options.httpPort, '127.0.0.1', () => resolveListen());
  });
  port = (http.address() as AddressInfo).port;
  const url = `http://127.0.0.1:${port}/mcp`;
  return {
    url,
    close: async () => {
      await Promise.all([...sessions.values()].map((s) => s.server.close().catch(() => undefined)));
      sessions.clear();
      http.closeAllConnections();
      await new Promise<void>((r) => http.close(() => r()));
    },
  };
}
