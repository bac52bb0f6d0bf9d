import { createHash, timingSafeEqual } from 'node:crypto';
import type { IncomingHttpHeaders } from 'node:http';

/** Why a request was refused before it reached MCP, and the HTTP status to answer with. */
export interface Refusal {
  status: 401 | 403 | 404 | 405;
  message: string;
}

export interface GuardOptions {
  port: number;
  token?: string;
  allowedOrigins: readonly string[];
}

function sameToken(given: string, expected: string): boolean {
  // Compare digests so that the comparison is constant-time whatever the lengths.
  const a = createHash('sha256').update(given).digest();
  const b = createHash('sha256').update(expected).digest();
  return timingSafeEqual(a, b);
}

/**
 * DNS-rebinding protection and authentication for a server bound to 127.0.0.1: the Host header must
 * name the loopback address and our port (a rebound attacker's page sends its own host name), a
 * browser Origin must be our own or explicitly allowed, and with a token the bearer must match.
 */
export function guardRequest(method: string | undefined, path: string, headers: IncomingHttpHeaders, opts: GuardOptions): Refusal | undefined {
  const loopback = [`127.0.0.1:${opts.port}`, `localhost:${opts.port}`, `[::1]:${opts.port}`];
  const host = headers.host?.toLowerCase();
  if (host === undefined || !loopback.includes(host)) return { status: 403, message: 'Host header is not this loopback server (DNS rebinding protection).' };
  const origin = headers.origin;
  if (origin !== undefined) {
    const own = loopback.map((h) => `http://${h}`);
    if (!own.includes(origin.toLowerCase()) && !opts.allowedOrigins.includes(origin)) return { status: 403, message: `Origin ${origin} is not allowed.` };
  }
  if (path !== '/mcp') return { status: 404, message: 'Not found: the MCP endpoint is /mcp.' };
  if (method !== 'POST' && method !== 'GET' && method !== 'DELETE') return { status: 405, message: 'Method not allowed.' };
  if (opts.token !== undefined) {
    const auth = headers.authorization;
    const m = auth === undefined ? null : /^Bearer ([^\s]+)$/.exec(auth);
    if (m === null || !sameToken(m[1]!, opts.token)) return { status: 401, message: 'Missing or wrong bearer token.' };
  }
  return undefined;
}
