import type { IncomingMessage, ServerResponse } from 'node:http';
import type { z } from 'zod';
import { OversightError } from '../core/errors';

/**
 * The HTTP side of one API exchange, apart from the server's steps (api-server.ts): reading the request
 * target, host and query, validating input against its schema, and writing the answer with the API's
 * fixed headers.
 */

/** A refusal on the way in, before a handler ran. */
export class Refusal extends OversightError {}

/** Any thenable, not only this realm's Promise: a pending answer must never pass for a value. */
export function isThenable<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** A plain path: no query, dot, percent or backslash, so the URL parser would return it unchanged. */
const PLAIN_PATH = /^\/[A-Za-z0-9_/-]*$/;

/**
 * The RFC 6750 (3.1) challenge of a 401: no error code when no credential of ours was sent (none, or
 * another scheme), `invalid_request` for more than one, `invalid_token` for one that was refused.
 */
export function challenge(reason: string | undefined): string {
  const realm = 'Bearer realm="mcp-oversight"';
  if (reason === 'missing' || reason === 'unsupported-scheme') return realm;
  return `${realm}, error="${reason === 'ambiguous' ? 'invalid_request' : 'invalid_token'}"`;
}

/** What a request is answered with, sent once its access entry is recorded. */
export interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string> | undefined;
}

/** Method and path of a request the parser refused (neither could be read). */
export const UNPARSED = '(unparsed)';

/** The path, and the query when there is one (searchParams undefined: none). */
export interface Target {
  pathname: string;
  searchParams?: URLSearchParams;
}

export function parseTarget(raw: string | undefined): Target {
  // Origin-form only ("/path?query"): absolute or authority forms are not for this server.
  if (raw === undefined || !raw.startsWith('/') || raw.startsWith('//') || raw.length > 8192) throw new Refusal('INVALID_ARGUMENT', 'The request target must be a path such as /api/v1/health.', { details: { field: 'path' } });
  if (PLAIN_PATH.test(raw)) return { pathname: raw };
  try {
    return new URL(raw, 'https://localhost');
  } catch {
    throw new Refusal('INVALID_ARGUMENT', 'The request target is not a valid path.', { details: { field: 'path' } });
  }
}

export function hostName(host: string | undefined): string {
  if (host === undefined) return '';
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/** Query parameters as an object; a repeated parameter (`kind`) becomes an array, as does `kind` given once. */
export function queryObject(params: URLSearchParams): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = key === 'kind' ? all.flatMap((v) => v.split(',')) : all.length === 1 ? all[0] : all;
  }
  return out;
}

export function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.infer<S> {
  const r = schema.safeParse(value);
  if (r.success) return r.data;
  const issues = r.error.issues.slice(0, 5).map((i) => `${i.path.length ? i.path.join('.') : where}: ${i.message}`);
  const first = r.error.issues[0];
  throw new Refusal('INVALID_ARGUMENT', `The request ${where} is not valid: ${issues.join('; ')}.`, { details: { field: first?.path.length ? `${where}.${first.path.join('.')}` : where } });
}

/**
 * Sent with every answer. A flat [name, value, …] list: Node writes it as given, where a header object
 * costs about 5 µs a request more (measured with the API bench; a quarter of a bare server's whole cost).
 */
const RESPONSE_HEADERS: readonly string[] = [
  'cache-control',
  'no-store',
  'x-content-type-options',
  'nosniff',
  'content-security-policy',
  "default-src 'none'; frame-ancestors 'none'",
  'referrer-policy',
  'no-referrer',
  'content-type',
  'application/json; charset=utf-8',
];

export function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> | undefined, requestId: string): void {
  if (res.headersSent) return;
  const text = JSON.stringify(body);
  const all = [...RESPONSE_HEADERS, 'content-length', String(Buffer.byteLength(text)), 'x-request-id', requestId];
  // Extra headers (retry-after, www-authenticate, allow, connection, link…) are added; one named like a
  // default replaces it (an array is sent as given: a second value would be appended).
  if (headers !== undefined) {
    for (const k of Object.keys(headers)) {
      const name = k.toLowerCase();
      if (name === 'x-request-id' || name === 'content-length') continue; // ours, always
      let at = -1;
      for (let i = 0; i < all.length; i += 2) if (all[i] === name) at = i;
      if (at >= 0) all[at + 1] = headers[k]!;
      else all.push(name, headers[k]!);
    }
  }
  res.writeHead(status, all);
  res.end(text);
}

/** The request body as JSON: only `application/json`, at most `limit` bytes (413 above), settled if the client goes away mid-body. */
export function readJsonBody(req: IncomingMessage, limit: number): Promise<unknown> {
  const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
  if (type !== 'application/json') return Promise.reject(new Refusal('UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON (Content-Type: application/json).'));
  const declared = Number(req.headers['content-length'] ?? '0');
  if (declared > limit) return Promise.reject(new Refusal('PAYLOAD_TOO_LARGE', `The body is larger than ${limit} bytes.`));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    req.on('data', (c: Buffer) => {
      size += c.length;
      if (size > limit) {
        req.removeAllListeners('data');
        req.pause();
        reject(new Refusal('PAYLOAD_TOO_LARGE', `The body is larger than ${limit} bytes.`));
        return;
      }
      chunks.push(c);
    });
    req.once('end', () => {
      if (size > limit) return;
      const text = Buffer.concat(chunks).toString('utf8');
      try {
        resolve(JSON.parse(text));
      } catch (e) {
        reject(new Refusal('INVALID_ARGUMENT', `The body is not valid JSON (${e instanceof Error ? e.message.slice(0, 200) : 'unparsable'}).`, { details: { field: 'body' } }));
      }
    });
    // A client that goes away mid-body: settle, so the request does not hang until shutdown.
    const cutOff = () => reject(new Refusal('INVALID_ARGUMENT', 'The request body was cut off.', { details: { field: 'body' } }));
    req.once('error', cutOff);
    req.once('close', () => {
      if (!req.complete) cutOff();
    });
  });
}
