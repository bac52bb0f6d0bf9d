import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { z } from 'zod';
import { SYSTEM_ACTOR, type AuditInput } from '../core/audit/audit-entry';
import { toErrorResponse } from '../core/coordination/error-response';
import { isOversightError, OversightError } from '../core/errors';
import type { AppendOptions } from '../coordinator/ports';
import { accessEntry, ANONYMOUS, principalActor, RateLimitRecorder } from './audit-access';
import { ENDPOINTS, route, type Endpoint } from './endpoints';
import { createHandlers, type ApiCoordinator } from './handlers';
import { HTTP_STATUS } from './http-status';
import { buildOpenApi } from './openapi';
import { can, type Principal } from './permissions';
import { RateLimiter, type RateLimitOptions } from './rate-limit';
import { scanHeaders } from './request-headers';
import { Watchdog } from './watchdog';

/**
 * Checks a request's credential: a principal, or a rejection with OversightError('UNAUTHENTICATED') and
 * `details.reason`. Given the request's connection (its socket), it may answer synchronously for a
 * credential it already accepted on that connection (src/api/authenticator.ts).
 */
export type Authenticate = (headers: { authorization?: string; apiKey?: string }, connection?: object) => Principal | Promise<Principal>;

export interface ApiServerOptions {
  coordinator: ApiCoordinator & { recordApiEvent(record: AuditInput, options?: AppendOptions): Promise<unknown> };
  authenticate: Authenticate;
  tls: { cert: string; key: string };
  /** Default 127.0.0.1. Anything else is reachable from other machines: the caller must mean it. */
  host?: string;
  /** Default 0 (any free port). */
  port?: number;
  limits?: Partial<ApiLimits>;
  /** Refuse approvals whose principal has no verified person behind it. */
  requireVerifiedApprover?: boolean;
  log: (line: string) => void;
  now?: () => Date;
}

export interface ApiLimits {
  /** Largest request body (default 1 MiB): 413 above it. */
  bodyBytes: number;
  /** Whole request, headers and body, must arrive within this (default 30 s). */
  requestTimeoutMs: number;
  /** How long an approval waits for its execution before answering 202 (default 30 s). */
  decisionWaitMs: number;
  /** Any other handler longer than this answers 504; its work carries on (default 120 s). */
  handlerTimeoutMs: number;
  /** Per principal, after authentication. Default burst 100, then 10 per second. */
  principalRate: RateLimitOptions;
  /** Per client address, before authentication (guessing credentials costs tokens too). */
  ipRate: RateLimitOptions;
  /** How long an answer waits for its access entry; past it the API refuses requests (503) until the audit log records again (default 10 s). */
  auditWaitMs: number;
  /**
   * What an answer waits for: its access entry written to the audit file (default false: the operating
   * system has it, so a crash of the server loses nothing, and the next fdatasync puts it on disk: while
   * no request waits for the disk, one starts at most every 10 ms, see AuditLog's lazySyncMs), or (true) synced to disk itself, which also survives a power loss in that
   * window but holds every request for a disk sync (README, "HTTP API" benchmark, for what it costs).
   */
  syncAccess: boolean;
}

export const DEFAULT_LIMITS: ApiLimits = {
  bodyBytes: 1024 * 1024,
  requestTimeoutMs: 30_000,
  decisionWaitMs: 30_000,
  handlerTimeoutMs: 120_000,
  principalRate: { burst: 100, perSecond: 10 },
  ipRate: { burst: 100, perSecond: 10 },
  auditWaitMs: 10_000,
  syncAccess: false,
};

const REQUEST_ID = /^[A-Za-z0-9._:-]{1,128}$/;
const LOOPBACK_HOSTS = new Set(['localhost', '127.0.0.1', '[::1]']);

/** A refusal on the way in, before a handler ran. */
class Refusal extends OversightError {}

/**
 * The local HTTPS API (/api/v1): one request at a time through the same steps, in this order, so a
 * cheaper check always runs before a dearer one: address rate limit, route, credential, principal rate
 * limit, permission, body (type, size, JSON, schema), handler. Every request, allowed or refused, is
 * recorded as `api.access` (never its credential or query string).
 */
export class ApiServer {
  private readonly server: Server;
  private readonly limits: ApiLimits;
  private readonly ipLimiter: RateLimiter;
  private readonly principalLimiter: RateLimiter;
  private readonly rateLimited: RateLimitRecorder;
  private readonly handlers: ReturnType<typeof createHandlers>;
  /**
   * Requests in our handler, counted (close waits for them). Counters, not a Set of promises or a WeakSet
   * of sockets: a hash table taking and dropping an entry per request keeps reallocating, and the tables
   * it leaves in the old generation keep requests alive until a full GC (see Watchdog).
   */
  private inflight = 0;
  private drained: (() => void) | undefined;
  /** The handler and audit waits of every request (one timer, not two a request). */
  private readonly watchdog: Watchdog;
  private readonly now: () => Date;
  private loopbackOnly = true;
  /** Set when the audit log refused an entry, cleared when it takes one: fail closed, not open. */
  private auditFailing = false;
  private closing: Promise<void> | undefined;
  private openapiDoc: unknown;

  constructor(private readonly o: ApiServerOptions) {
    this.limits = { ...DEFAULT_LIMITS, ...o.limits };
    this.now = o.now ?? (() => new Date());
    this.ipLimiter = new RateLimiter(this.limits.ipRate);
    this.principalLimiter = new RateLimiter(this.limits.principalRate);
    this.rateLimited = new RateLimitRecorder((e) => this.record(e));
    // Deadlines fire at most a quarter of the shorter wait late (at most 1 s).
    this.watchdog = new Watchdog(Math.min(1000, Math.max(5, Math.min(this.limits.auditWaitMs, this.limits.handlerTimeoutMs) / 4)));
    this.handlers = createHandlers({ coordinator: o.coordinator, decisionWaitMs: this.limits.decisionWaitMs, requireVerifiedApprover: o.requireVerifiedApprover === true, openapi: () => (this.openapiDoc ??= buildOpenApi()), now: this.now });
    // A connection that never completes its handshake or request is cut off; connections are capped, as they
    // share file descriptors with everything else in the process (in VS Code, every other extension).
    this.server = createServer({ cert: o.tls.cert, key: o.tls.key, minVersion: 'TLSv1.2', handshakeTimeout: 10_000, connectionsCheckingInterval: 1_000 }, (req, res) => {
      this.inflight++;
      this.handle(req, res).then(
        () => this.settled(),
        (e: unknown) => {
          this.settled();
          o.log(`api: unexpected failure answering a request: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
          if (!res.headersSent) send(res, 500, toErrorResponse(new OversightError('internal', 'Internal error; the server log has the details.'), 'unknown', this.now()), {}, 'unknown');
          else res.destroy();
        },
      );
    });
    this.server.requestTimeout = this.limits.requestTimeoutMs;
    this.server.headersTimeout = Math.min(10_000, this.limits.requestTimeoutMs);
    this.server.keepAliveTimeout = 5_000;
    this.server.maxHeadersCount = 100;
    this.server.maxConnections = 256;
    this.server.on('tlsClientError', () => undefined); // a failed handshake is the client's problem; nothing to answer
    // Requests Node refuses before we see them (malformed, or too slow): still an ErrorResponse.
    this.server.on('clientError', (e: NodeJS.ErrnoException, socket) => {
      if (!socket.writable) return void socket.destroy();
      const timeout = e.code === 'ERR_HTTP_REQUEST_TIMEOUT';
      const err = timeout ? new OversightError('REQUEST_TIMEOUT', `The request did not arrive within ${this.limits.requestTimeoutMs / 1000} s.`) : new OversightError('INVALID_ARGUMENT', 'The request is not valid HTTP/1.1.');
      const requestId = randomUUID();
      const body = JSON.stringify(toErrorResponse(err, requestId, this.now()));
      // A request our handler is reading (a body that stalled) is recorded by the handler, once.
      if ((socket as InHandler)[IN_HANDLER] !== true) this.recordUnparsed((socket as { remoteAddress?: string }).remoteAddress ?? 'unknown', requestId, timeout ? 408 : 400, err.code);
      socket.end(`HTTP/1.1 ${timeout ? '408 Request Timeout' : '400 Bad Request'}\r\nConnection: close\r\nContent-Type: application/json; charset=utf-8\r\nContent-Length: ${Buffer.byteLength(body)}\r\n\r\n${body}`);
    });
  }

  async listen(): Promise<{ host: string; port: number; url: string }> {
    const host = this.o.host ?? '127.0.0.1';
    this.loopbackOnly = host === '127.0.0.1' || host === '::1' || host === 'localhost';
    await new Promise<void>((resolve, reject) => {
      this.server.once('error', reject);
      this.server.listen(this.o.port ?? 0, host, () => {
        this.server.off('error', reject);
        resolve();
      });
    });
    const a = this.server.address() as AddressInfo;
    const shown = a.family === 'IPv6' ? `[${a.address}]` : a.address;
    void this.record({ actor: SYSTEM_ACTOR, kind: 'api.started', subject: { type: 'api', id: 'server' }, payload: { host: a.address, port: a.port } });
    return { host: a.address, port: a.port, url: `https://${shown}:${a.port}/api/v1` };
  }

  /**
   * Graceful: stops taking connections, lets requests in progress finish for up to `graceMs`, then
   * closes what is left; records what rate limiting refused since its last entry. Idempotent.
   */
  close(graceMs = 10_000): Promise<void> {
    this.closing ??= (async () => {
      const closed = new Promise<void>((r) => this.server.close(() => r()));
      this.server.closeIdleConnections();
      await Promise.race([new Promise<void>((r) => (this.inflight === 0 ? r() : (this.drained = r))), new Promise((r) => setTimeout(r, graceMs).unref())]);
      this.server.closeAllConnections();
      await closed;
      this.rateLimited.flush();
      await this.o.coordinator.recordApiEvent({ actor: SYSTEM_ACTOR, kind: 'api.stopped', subject: { type: 'api', id: 'server' }, payload: {} }).catch(() => undefined);
    })();
    return this.closing;
  }

  private settled(): void {
    if (--this.inflight === 0) this.drained?.();
  }

  /**
   * Appends `e`; resolves once it is recorded (written or durable: `limits.syncAccess`) or refused
   * (never rejects: a refusal closes the API, see auditFailing).
   */
  private record(e: AuditInput, options: AppendOptions = DURABLE): Promise<boolean> {
    return this.o.coordinator.recordApiEvent(e, options).then(
      () => this.recorded(),
      (err: unknown) => this.refused(e, err),
    );
  }

  private recorded(): boolean {
    this.auditFailing = false;
    return true;
  }

  private refused(e: AuditInput, err: unknown): boolean {
    if (!this.auditFailing) this.o.log(`api: the audit log refused an ${e.kind} entry; requests are refused until it takes entries again: ${err instanceof Error ? err.message : String(err)}`);
    this.auditFailing = true;
    return false;
  }

  /**
   * `record`, given at most `limits.auditWaitMs`: an audit log that stopped answering must not hold every
   * request (and connection) for ever. Past it, the API refuses requests until an entry is recorded again.
   */
  private recordWithin(e: AuditInput): Promise<boolean> {
    // One promise and one watched deadline (this runs for every request).
    return new Promise((resolve) => {
      const watch = this.watchdog.watch(this.limits.auditWaitMs, () => {
        if (!this.auditFailing) this.o.log(`api: the audit log did not record a request within ${this.limits.auditWaitMs / 1000} s; requests are refused until it records again`);
        this.auditFailing = true;
        resolve(false);
      });
      let recording: Promise<unknown>;
      try {
        recording = this.o.coordinator.recordApiEvent(e, this.limits.syncAccess ? DURABLE : WRITTEN);
      } catch (err) {
        recording = Promise.reject(err);
      }
      recording.then(
        () => {
          watch.done();
          resolve(this.recorded());
        },
        (err: unknown) => {
          watch.done();
          resolve(this.refused(e, err));
        },
      );
    });
  }

  /**
   * A request Node's parser refused before our handler saw it is an access too. It is charged to the
   * address bucket (no credential was read), so a client sending garbage in a loop adds one counted
   * `api.rate-limited` entry a minute, not one entry a request.
   */
  private recordUnparsed(ip: string, requestId: string, status: number, code: string): void {
    const nowMs = this.nowMs();
    if (!this.ipLimiter.take(`ip:${ip}`, nowMs).ok) return this.rateLimited.refused(`ip:${ip}`, 'ip', ip, UNPARSED, nowMs);
    void this.record(accessEntry({ requestId, method: UNPARSED, path: UNPARSED, status, ip, ms: 0, code }));
  }

  private async handle(req: IncomingMessage, res: ServerResponse): Promise<void> {
    const started = performance.now();
    (req.socket as InHandler)[IN_HANDLER] = true;
    const headers = scanHeaders(req.rawHeaders);
    const headerId = headers.requestId;
    const requestId = headerId !== undefined && REQUEST_ID.test(headerId) ? headerId : randomUUID();
    const ip = req.socket.remoteAddress ?? 'unknown';
    const method = req.method ?? 'GET';
    let path = '(unparsable)';
    let principal: Principal | undefined;
    let status = 500;
    let code: string | undefined;
    let reason: string | undefined;
    let reply: Reply | undefined;
    const nowMs = this.nowMs();
    try {
      const url = parseTarget(req.url);
      path = url.pathname;
      // Node keeps the first of repeated Host headers; RFC 9112 (3.2) says more than one is a 400.
      if (headers.count.host > 1) throw new Refusal('INVALID_ARGUMENT', 'The request has more than one Host header.', { details: { field: 'host' } });
      if (this.loopbackOnly && !LOOPBACK_HOSTS.has(hostName(headers.host))) {
        throw new Refusal('INVALID_ARGUMENT', 'This API answers only requests addressed to localhost or 127.0.0.1 (Host header).', { details: { field: 'host' } });
      }
      const hit = route(method, path);
      if ('notFound' in hit) throw new Refusal('NOT_FOUND', `No endpoint ${path.slice(0, 200)}. The API is described at /api/v1/openapi.json.`);
      if ('allowed' in hit) throw new Refusal('METHOD_NOT_ALLOWED', `${path} takes ${hit.allowed.join(', ')}.`, { details: { allow: hit.allowed.join(', ') } });
      const endpoint = hit.endpoint;
      if (endpoint.access === 'public') {
        reply = this.addressLimited(ip, path, nowMs, requestId);
        if (reply !== undefined) {
          status = reply.status;
          return;
        }
      } else {
        // Every access must reach the trail: while the audit log refuses entries, nothing is served but health.
        if (this.auditFailing) throw new OversightError('SERVER_UNAVAILABLE', 'The audit log cannot record requests right now, so none are served; the server log says why.');
        // Node keeps the first of repeated Authorization headers (and joins X-API-Key ones): one credential would be picked silently.
        if (headers.count.authorization > 1 || headers.count.apiKey > 1) throw new Refusal('UNAUTHENTICATED', 'Send one credential, once: Authorization or X-API-Key appears more than once.', { details: { reason: 'ambiguous' } });
        const credentials: { authorization?: string; apiKey?: string } = {};
        if (headers.authorization !== undefined) credentials.authorization = headers.authorization;
        if (headers.apiKey !== undefined) credentials.apiKey = headers.apiKey;
        const authenticated = this.o.authenticate(credentials, req.socket);
        // Any thenable is awaited (not only this realm's Promise): a pending answer must never pass for a principal.
        principal = isThenable(authenticated) ? await authenticated : authenticated;
        const take = this.principalLimiter.take(principal.id, nowMs);
        if (!take.ok) {
          this.rateLimited.refused(`principal:${principal.id}`, 'principal', ip, path, nowMs, principal);
          reply = this.refusal(requestId, new Refusal('RATE_LIMITED', `Too many requests for this credential; try again in ${take.retryAfterSeconds} s.`), { 'retry-after': String(take.retryAfterSeconds) });
          status = reply.status;
          return;
        }
        if (endpoint.access !== 'authenticated' && !can(principal.role, endpoint.access)) {
          throw new Refusal('FORBIDDEN', `The ${principal.role} role may not ${endpoint.method} ${endpoint.path} (it needs ${endpoint.access}).`, { details: { permission: endpoint.access, role: principal.role } });
        }
      }
      const body = endpoint.body ? parse(endpoint.body, await this.readJson(req), 'body') : undefined;
      const query = endpoint.query ? parse(endpoint.query, url.searchParams ? queryObject(url.searchParams) : {}, 'query') : undefined;
      const answer = this.handlers[endpoint.handler]({ principal: principal ?? PUBLIC, actor: principal ? principalActor(principal) : ANONYMOUS, body, query, requestId });
      // A handler that answered synchronously is done: only a pending one has a deadline to watch.
      const result = isThenable(answer) ? await this.withTimeout(answer, endpoint) : answer;
      status = result.status;
      reply = { status, body: result.body, headers: result.headers };
    } catch (e) {
      const err = isOversightError(e) ? e : undefined;
      if (principal === undefined && err !== undefined && HTTP_STATUS[err.code] < 500) {
        reply = this.addressLimited(ip, path, nowMs, requestId);
        if (reply !== undefined) {
          status = reply.status;
          return;
        }
      }
      code = err?.code ?? 'internal';
      if (typeof err?.details['reason'] === 'string') reason = err.details['reason'];
      if (err === undefined || HTTP_STATUS[err.code] >= 500) this.o.log(`api: ${method} ${path} (${requestId}) failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      // Our own failures say where to look, not what broke inside: the log has the details.
      const shown = err ?? new OversightError('internal', `Internal error; the server's log has the details (request ${requestId}).`);
      const headers: Record<string, string> = {};
      if (err?.code === 'UNAUTHENTICATED') headers['www-authenticate'] = challenge(reason);
      if (err?.code === 'METHOD_NOT_ALLOWED') headers['allow'] = String(err.details['allow']);
      reply = this.refusal(requestId, shown, headers);
      status = reply.status;
    } finally {
      (req.socket as InHandler)[IN_HANDLER] = false;
      // The access is in the audit file before the answer leaves (and on disk too with syncAccess): the
      // trail never lacks a request its caller saw answered, even if this process dies, and the log cannot
      // fall behind the traffic (group commit: one write for every request in flight, fdatasync pipelined
      // behind it). Rate-limited requests are counted, not recorded one by one. An access that could not
      // be recorded is not answered (fail closed): 503, whatever the handler said.
      if (status !== 429 && !(await this.recordWithin(accessEntry({ requestId, method, path, status, ip, ms: performance.now() - started, principal, code, reason })))) {
        reply = this.refusal(requestId, new OversightError('SERVER_UNAVAILABLE', 'The audit log could not record this request, so it is not answered; the server log says why.'));
      }
      if (reply !== undefined) send(res, reply.status, reply.body, reply.headers, requestId);
    }
  }

  /**
   * The 429 for an address over its rate, or undefined (a token taken). The per-address bucket is charged
   * only for what no credential answers for: public endpoints and requests refused before or at
   * authentication. On loopback every client shares one address, so charging authenticated calls too
   * would let any local process lock every caller out.
   */
  private addressLimited(ip: string, path: string, nowMs: number, requestId: string): Reply | undefined {
    const t = this.ipLimiter.take(`ip:${ip}`, nowMs);
    if (t.ok) return undefined;
    this.rateLimited.refused(`ip:${ip}`, 'ip', ip, path, nowMs);
    return this.refusal(requestId, new Refusal('RATE_LIMITED', `Too many requests from this address; try again in ${t.retryAfterSeconds} s.`), { 'retry-after': String(t.retryAfterSeconds) });
  }

  /** Epoch ms (no Date made a request unless a test clock is set). */
  private nowMs(): number {
    return this.o.now === undefined ? Date.now() : this.o.now().getTime();
  }

  private refusal(requestId: string, e: OversightError, headers: Record<string, string> = {}): Reply {
    // A body that was refused unread must not be parsed as the next request on this connection.
    const close: Record<string, string> = e.code === 'PAYLOAD_TOO_LARGE' || e.code === 'UNSUPPORTED_MEDIA_TYPE' ? { connection: 'close' } : {};
    return { status: HTTP_STATUS[e.code], body: toErrorResponse(e, requestId, this.now()), headers: { ...headers, ...close } };
  }

  private readJson(req: IncomingMessage): Promise<unknown> {
    const type = (req.headers['content-type'] ?? '').split(';')[0]!.trim().toLowerCase();
    if (type !== 'application/json') return Promise.reject(new Refusal('UNSUPPORTED_MEDIA_TYPE', 'Send the body as JSON (Content-Type: application/json).'));
    const declared = Number(req.headers['content-length'] ?? '0');
    const limit = this.limits.bodyBytes;
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

  private withTimeout<T>(p: PromiseLike<T>, e: Endpoint): Promise<T> {
    // One promise and one watched deadline a request (not a race of two plus finally): this runs for every request.
    return new Promise<T>((resolve, reject) => {
      const watch = this.watchdog.watch(this.limits.handlerTimeoutMs, () => reject(new OversightError('SERVER_TIMEOUT', `${e.method} ${e.path} took longer than ${this.limits.handlerTimeoutMs / 1000} s; it carries on, and the status endpoints show its outcome.`)));
      p.then(
        (v) => {
          watch.done();
          resolve(v);
        },
        (err: unknown) => {
          watch.done();
          reject(err);
        },
      );
    });
  }
}

/** Any thenable, not only this realm's Promise: a pending answer must never pass for a value. */
function isThenable<T>(v: T | PromiseLike<T>): v is PromiseLike<T> {
  return (typeof v === 'object' || typeof v === 'function') && v !== null && typeof (v as { then?: unknown }).then === 'function';
}

/** Marks a socket with a request in our handler (a parser error on it is that request's, recorded there). */
const IN_HANDLER = Symbol('mcp-oversight.inHandler');
type InHandler = { [IN_HANDLER]?: boolean };

const DURABLE: AppendOptions = Object.freeze({ until: 'durable' });
const WRITTEN: AppendOptions = Object.freeze({ until: 'written' });

const PUBLIC: Principal = Object.freeze({ id: 'anonymous', label: 'anonymous', role: 'installer', via: 'api-key' });

/** A plain path: no query, dot, percent or backslash, so the URL parser would return it unchanged. */
const PLAIN_PATH = /^\/[A-Za-z0-9_/-]*$/;

/** The path, and the query when there is one (searchParams undefined: none). */
/**
 * The RFC 6750 (3.1) challenge of a 401: no error code when no credential of ours was sent (none, or
 * another scheme), `invalid_request` for more than one, `invalid_token` for one that was refused.
 */
function challenge(reason: string | undefined): string {
  const realm = 'Bearer realm="mcp-oversight"';
  if (reason === 'missing' || reason === 'unsupported-scheme') return realm;
  return `${realm}, error="${reason === 'ambiguous' ? 'invalid_request' : 'invalid_token'}"`;
}

/** What a request is answered with, sent once its access entry is recorded. */
interface Reply {
  status: number;
  body: unknown;
  headers?: Record<string, string> | undefined;
}

/** Method and path of a request the parser refused (neither could be read). */
const UNPARSED = '(unparsed)';

function parseTarget(raw: string | undefined): { pathname: string; searchParams?: URLSearchParams } {
  // Origin-form only ("/path?query"): absolute or authority forms are not for this server.
  if (raw === undefined || !raw.startsWith('/') || raw.startsWith('//') || raw.length > 8192) throw new Refusal('INVALID_ARGUMENT', 'The request target must be a path such as /api/v1/health.', { details: { field: 'path' } });
  if (PLAIN_PATH.test(raw)) return { pathname: raw };
  try {
    return new URL(raw, 'https://localhost');
  } catch {
    throw new Refusal('INVALID_ARGUMENT', 'The request target is not a valid path.', { details: { field: 'path' } });
  }
}

function hostName(host: string | undefined): string {
  if (host === undefined) return '';
  const h = host.trim().toLowerCase();
  if (h.startsWith('[')) return h.slice(0, h.indexOf(']') + 1);
  const colon = h.indexOf(':');
  return colon < 0 ? h : h.slice(0, colon);
}

/** Query parameters as an object; a repeated parameter (`kind`) becomes an array, as does `kind` given once. */
function queryObject(params: URLSearchParams): Record<string, unknown> {
  const out = Object.create(null) as Record<string, unknown>;
  for (const key of new Set(params.keys())) {
    const all = params.getAll(key);
    out[key] = key === 'kind' ? all.flatMap((v) => v.split(',')) : all.length === 1 ? all[0] : all;
  }
  return out;
}

function parse<S extends z.ZodType>(schema: S, value: unknown, where: 'body' | 'query'): z.infer<S> {
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

function send(res: ServerResponse, status: number, body: unknown, headers: Record<string, string> | undefined, requestId: string): void {
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

export { ENDPOINTS };
