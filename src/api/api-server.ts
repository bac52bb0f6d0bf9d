import { randomUUID } from 'node:crypto';
import { createServer, type Server } from 'node:https';
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { SYSTEM_ACTOR, type AuditInput } from '../core/audit/audit-entry';
import { toErrorResponse } from '../core/coordination/error-response';
import { isOversightError, OversightError } from '../core/errors';
import type { AppendOptions } from '../coordinator/ports';
import { accessEntry, ANONYMOUS, principalActor, RateLimitRecorder } from './audit-access';
import { ENDPOINTS, route, type Endpoint } from './endpoints';
import { createHandlers, type ApiCoordinator } from './handlers';
import { challenge, hostName, isThenable, parse, parseTarget, queryObject, readJsonBody, Refusal, send, UNPARSED, type Reply, type Target } from './http-exchange';
import { HTTP_STATUS } from './http-status';
import { buildOpenApi } from './openapi';
import { can, type Principal } from './permissions';
import { RateLimiter, type RateLimitOptions } from './rate-limit';
import { scanHeaders, type RequestHeaders } from './request-headers';
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
    this.server = createServer({ cert: o.tls.cert, key: o.tls.key, minVersion: 'TLSv1.2', handshakeTimeout: 10_000, connectionsCheckingInterval: 1_000 }, (req, res) => this.onRequest(req, res));
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
   * A request Node's parser refused before our handler saw it is an access too. It is charged to the
   * address bucket (no credential was read), so a client sending garbage in a loop adds one counted
   * `api.rate-limited` entry a minute, not one entry a request.
   */
  private recordUnparsed(ip: string, requestId: string, status: number, code: string): void {
    const nowMs = this.nowMs();
    if (!this.ipLimiter.take(`ip:${ip}`, nowMs).ok) return this.rateLimited.refused(`ip:${ip}`, 'ip', ip, UNPARSED, nowMs);
    void this.record(accessEntry({ requestId, method: UNPARSED, path: UNPARSED, status, ip, ms: 0, code }));
  }

  /**
   * One request through the steps (see the class comment). Each step answers synchronously when it can
   * (a credential this connection already presented, a handler with nothing to wait for): the common
   * request makes no promise of its own until its audit entry, and waits for nothing but that entry.
   */
  private onRequest(req: IncomingMessage, res: ServerResponse): void {
    this.inflight++;
    let x: Exchange;
    let reply: Reply | Promise<Reply>;
    try {
      (req.socket as InHandler)[IN_HANDLER] = true;
      const headers = scanHeaders(req.rawHeaders);
      const headerId = headers.requestId;
      x = new Exchange(req, res, headerId !== undefined && REQUEST_ID.test(headerId) ? headerId : randomUUID(), this.nowMs());
      reply = this.answer(x, headers);
    } catch (e) {
      return this.lastResort(req, res, e);
    }
    if (isThenable(reply)) reply.then((r) => this.finish(x, r), (e: unknown) => this.lastResort(req, res, e));
    else this.finish(x, reply);
  }

  /** The reply to `x`: never throws, and a promise of one rejects only if mapping a failure failed. */
  private answer(x: Exchange, headers: RequestHeaders): Reply | Promise<Reply> {
    try {
      const r = this.steps(x, headers);
      return isThenable(r) ? r.then(undefined, (e: unknown) => this.failed(x, e)) : r;
    } catch (e) {
      return this.failed(x, e);
    }
  }

  /** `failure`, and should mapping the failure fail too, a plain 500: still recorded, still answered once. */
  private failed(x: Exchange, e: unknown): Reply {
    try {
      return this.failure(x, e);
    } catch {
      x.code = 'internal';
      return this.internalError(x.requestId);
    }
  }

  /** Target, host, route, then (unless public) the credential: cheaper checks first. */
  private steps(x: Exchange, headers: RequestHeaders): Reply | Promise<Reply> {
    const url = parseTarget(x.req.url);
    x.path = url.pathname;
    // Node keeps the first of repeated Host headers; RFC 9112 (3.2) says more than one is a 400.
    if (headers.count.host > 1) throw new Refusal('INVALID_ARGUMENT', 'The request has more than one Host header.', { details: { field: 'host' } });
    if (this.loopbackOnly && !LOOPBACK_HOSTS.has(hostName(headers.host))) {
      throw new Refusal('INVALID_ARGUMENT', 'This API answers only requests addressed to localhost or 127.0.0.1 (Host header).', { details: { field: 'host' } });
    }
    const hit = route(x.method, x.path);
    if ('notFound' in hit) throw new Refusal('NOT_FOUND', `No endpoint ${x.path.slice(0, 200)}. The API is described at /api/v1/openapi.json.`);
    if ('allowed' in hit) throw new Refusal('METHOD_NOT_ALLOWED', `${x.path} takes ${hit.allowed.join(', ')}.`, { details: { allow: hit.allowed.join(', ') } });
    const endpoint = hit.endpoint;
    if (endpoint.access === 'public') return this.addressLimited(x) ?? this.run(x, endpoint, url);
    // Every access must reach the trail: while the audit log refuses entries, nothing is served but health.
    if (this.auditFailing) throw new OversightError('SERVER_UNAVAILABLE', 'The audit log cannot record requests right now, so none are served; the server log says why.');
    // Node keeps the first of repeated Authorization headers (and joins X-API-Key ones): one credential would be picked silently.
    if (headers.count.authorization > 1 || headers.count.apiKey > 1) throw new Refusal('UNAUTHENTICATED', 'Send one credential, once: Authorization or X-API-Key appears more than once.', { details: { reason: 'ambiguous' } });
    const credentials: { authorization?: string; apiKey?: string } = {};
    if (headers.authorization !== undefined) credentials.authorization = headers.authorization;
    if (headers.apiKey !== undefined) credentials.apiKey = headers.apiKey;
    const authenticated = this.o.authenticate(credentials, x.req.socket);
    // Any thenable is adopted (not only this realm's Promise): a pending answer must never pass for a principal.
    return isThenable(authenticated) ? Promise.resolve(authenticated).then((p) => this.authorized(x, endpoint, url, p)) : this.authorized(x, endpoint, url, authenticated);
  }

  /** After authentication: the principal's rate, its permission, then the body. */
  private authorized(x: Exchange, endpoint: Endpoint, url: Target, principal: Principal): Reply | Promise<Reply> {
    x.principal = principal;
    const take = this.principalLimiter.take(principal.id, x.nowMs);
    if (!take.ok) {
      this.rateLimited.refused(`principal:${principal.id}`, 'principal', x.ip, x.path, x.nowMs, principal);
      return this.refusal(x.requestId, new Refusal('RATE_LIMITED', `Too many requests for this credential; try again in ${take.retryAfterSeconds} s.`), { 'retry-after': String(take.retryAfterSeconds) });
    }
    const needs = endpoint.access;
    if (needs !== 'authenticated' && needs !== 'public' && !can(principal.role, needs)) {
      throw new Refusal('FORBIDDEN', `The ${principal.role} role may not ${endpoint.method} ${endpoint.path} (it needs ${endpoint.access}).`, { details: { permission: endpoint.access, role: principal.role } });
    }
    const schema = endpoint.body;
    return schema ? readJsonBody(x.req, this.limits.bodyBytes).then((json) => this.run(x, endpoint, url, parse(schema, json, 'body'))) : this.run(x, endpoint, url);
  }

  /** The query, then the handler: a pending one is given `handlerTimeoutMs` (504 past it; its work carries on). */
  private run(x: Exchange, endpoint: Endpoint, url: Target, body?: unknown): Reply | Promise<Reply> {
    const query = endpoint.query ? parse(endpoint.query, url.searchParams ? queryObject(url.searchParams) : {}, 'query') : undefined;
    const p = x.principal;
    const answer = this.handlers[endpoint.handler]({ principal: p ?? PUBLIC, actor: p ? principalActor(p) : ANONYMOUS, body, query, requestId: x.requestId });
    return isThenable(answer) ? this.withTimeout(answer, endpoint) : answer;
  }

  /** A step's failure as a reply: a refusal says why, our own failure says where to look (the log has the details). */
  private failure(x: Exchange, e: unknown): Reply {
    const err = isOversightError(e) ? e : undefined;
    if (x.principal === undefined && err !== undefined && HTTP_STATUS[err.code] < 500) {
      const limited = this.addressLimited(x);
      if (limited !== undefined) return limited;
    }
    x.code = err?.code ?? 'internal';
    if (typeof err?.details['reason'] === 'string') x.reason = err.details['reason'];
    if (err === undefined || HTTP_STATUS[err.code] >= 500) this.o.log(`api: ${x.method} ${x.path} (${x.requestId}) failed: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    if (err === undefined) return this.internalError(x.requestId);
    const headers: Record<string, string> = {};
    if (err.code === 'UNAUTHENTICATED') headers['www-authenticate'] = challenge(x.reason);
    if (err.code === 'METHOD_NOT_ALLOWED') headers['allow'] = String(err.details['allow']);
    return this.refusal(x.requestId, err, headers);
  }

  /**
   * Records the access, then sends `reply`. The access is in the audit file before the answer leaves (and
   * on disk too with syncAccess): the trail never lacks a request its caller saw answered, even if this
   * process dies, and the log cannot fall behind the traffic (group commit: one write for every request
   * in flight, fdatasync pipelined behind it). Rate-limited requests are counted, not recorded one by
   * one. An access that could not be recorded is not answered (fail closed): 503, whatever the handler said.
   */
  private finish(x: Exchange, reply: Reply): void {
    let entry: AuditInput;
    try {
      (x.req.socket as InHandler)[IN_HANDLER] = false;
      if (reply.status === 429) return this.deliver(x, reply);
      entry = accessEntry({ requestId: x.requestId, method: x.method, path: x.path, status: reply.status, ip: x.ip, ms: performance.now() - x.started, principal: x.principal, code: x.code, reason: x.reason });
    } catch (e) {
      return this.lastResort(x.req, x.res, e);
    }
    this.recordWithin(entry, (recorded) => this.deliver(x, recorded ? reply : undefined));
  }

  /**
   * Sends `reply`, or (undefined) the 503 of an access that could not be recorded: fail closed, whatever
   * the handler said. A 500 instead if it cannot be sent (a body JSON cannot hold). Never throws; settles
   * the request, once.
   */
  private deliver(x: Exchange, reply: Reply | undefined): void {
    try {
      const r = reply ?? this.refusal(x.requestId, new OversightError('SERVER_UNAVAILABLE', 'The audit log could not record this request, so it is not answered; the server log says why.'));
      send(x.res, r.status, r.body, r.headers, x.requestId);
    } catch (e) {
      try {
        this.o.log(`api: could not send the answer to ${x.method} ${x.path} (${x.requestId}): ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
      } catch {
        // The log failing too must not leave the request unanswered.
      }
      try {
        if (!x.res.headersSent) send(x.res, 500, this.internalError(x.requestId).body, {}, x.requestId);
        else x.res.destroy();
      } catch {
        x.res.destroy();
      }
    } finally {
      this.settled();
    }
  }

  /** A failure of our own request code (a bug): logged, answered 500 when nothing was sent yet, never left hanging. */
  private lastResort(req: IncomingMessage, res: ServerResponse, e: unknown): void {
    (req.socket as InHandler)[IN_HANDLER] = false;
    this.settled();
    try {
      this.o.log(`api: unexpected failure answering a request: ${e instanceof Error ? (e.stack ?? e.message) : String(e)}`);
    } catch {
      // Answered below all the same.
    }
    try {
      if (!res.headersSent) send(res, 500, toErrorResponse(new OversightError('internal', 'Internal error; the server log has the details.'), 'unknown', this.now()), {}, 'unknown');
      else res.destroy();
    } catch {
      res.destroy();
    }
  }

  /**
   * `record` with a callback, given at most `limits.auditWaitMs`: an audit log that stopped answering must
   * not hold every request (and connection) for ever. Past it, `done(false)` and the API refuses requests
   * until an entry is recorded again. `done` runs once.
   */
  private recordWithin(e: AuditInput, done: (recorded: boolean) => void): void {
    // One watched deadline (no timer) a request.
    const watch = this.watchdog.watch(this.limits.auditWaitMs, () => {
      if (!this.auditFailing) this.o.log(`api: the audit log did not record a request within ${this.limits.auditWaitMs / 1000} s; requests are refused until it records again`);
      this.auditFailing = true;
      done(false);
    });
    let recording: Promise<unknown>;
    try {
      recording = this.o.coordinator.recordApiEvent(e, this.limits.syncAccess ? DURABLE : WRITTEN);
    } catch (err) {
      recording = Promise.reject(err);
    }
    // Adopted, not called: a recorder that returned anything but a promise is a refusal, not a crash.
    Promise.resolve(recording).then(
      () => {
        const recorded = this.recorded();
        if (watch.done()) done(recorded);
      },
      (err: unknown) => {
        const recorded = this.refused(e, err);
        if (watch.done()) done(recorded);
      },
    );
  }
  /**
   * The 429 for an address over its rate, or undefined (a token taken). The per-address bucket is charged
   * only for what no credential answers for: public endpoints and requests refused before or at
   * authentication. On loopback every client shares one address, so charging authenticated calls too
   * would let any local process lock every caller out.
   */
  private addressLimited(x: Exchange): Reply | undefined {
    const t = this.ipLimiter.take(`ip:${x.ip}`, x.nowMs);
    if (t.ok) return undefined;
    this.rateLimited.refused(`ip:${x.ip}`, 'ip', x.ip, x.path, x.nowMs);
    return this.refusal(x.requestId, new Refusal('RATE_LIMITED', `Too many requests from this address; try again in ${t.retryAfterSeconds} s.`), { 'retry-after': String(t.retryAfterSeconds) });
  }

  /** Our own failure, said without details (the log has them). */
  private internalError(requestId: string): Reply {
    return { status: 500, body: toErrorResponse(new OversightError('internal', `Internal error; the server's log has the details (request ${requestId}).`), requestId, this.now()) };
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

  private withTimeout<T>(p: PromiseLike<T>, e: Endpoint): Promise<T> {
    // One promise and one watched deadline (not a race of two plus finally).
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

/** One request on its way through the steps, and what its access entry records. */
class Exchange {
  readonly started = performance.now();
  readonly ip: string;
  readonly method: string;
  path = '(unparsable)';
  principal: Principal | undefined;
  /** The error code of a refused or failed request. */
  code: string | undefined;
  /** Why a credential was refused (never the credential). */
  reason: string | undefined;

  constructor(
    readonly req: IncomingMessage,
    readonly res: ServerResponse,
    readonly requestId: string,
    /** When it arrived, epoch ms: the rate limits' clock. */
    readonly nowMs: number,
  ) {
    this.ip = req.socket.remoteAddress ?? 'unknown';
    this.method = req.method ?? 'GET';
  }
}

/** Marks a socket with a request in our handler (a parser error on it is that request's, recorded there). */
const IN_HANDLER = Symbol('mcp-oversight.inHandler');
type InHandler = { [IN_HANDLER]?: boolean };

const DURABLE: AppendOptions = Object.freeze({ until: 'durable' });
const WRITTEN: AppendOptions = Object.freeze({ until: 'written' });

const PUBLIC: Principal = Object.freeze({ id: 'anonymous', label: 'anonymous', role: 'installer', via: 'api-key' });

export { ENDPOINTS };
