/**
 * One resilient MCP client connection per server process: the coordinator's only way to reach the
 * Compliance Server and the Installer (and, since nothing here knows them, any stdio MCP server).
 *
 * A call goes through cockatiel policies, outermost first:
 *   bulkhead (maxConcurrent running, maxQueue waiting; beyond: QUEUE_FULL; a waiting call gives up
 *     after its timeout with SERVER_TIMEOUT)
 *   -> retry (SERVER_UNAVAILABLE / SERVER_TIMEOUT only; exponential backoff with decorrelated jitter)
 *   -> circuit breaker (consecutive SERVER_UNAVAILABLE / SERVER_TIMEOUT / SERVER_PROTOCOL; open: CIRCUIT_OPEN)
 *   -> per-attempt timeout (cooperative: its signal cancels the MCP request, `notifications/cancelled`)
 *   -> attempt: wait for the connection to be up (within the same timeout), then `tools/call`.
 * A tool's own refusal (its code in `_meta["mcp-oversight/error"]`, e.g. STALE_PROPOSAL) is the server
 * working correctly: thrown as that OversightError, never retried, never held against the breaker.
 *
 * While the process is down or restarting, calls wait for it within their attempt timeout (so a
 * restart that takes a moment is invisible to callers); each attempt that ends without a server counts
 * against the breaker, so once it is open, calls fail fast with CIRCUIT_OPEN until the half-open trial.
 *
 * RETRY SAFETY: an attempt that timed out may still have run on the server, so a retry can deliver a
 * call twice. That is safe for our two servers because every tool is read-only, idempotent or guarded:
 * the Installer's `apply_remediation` and `rollback` are exactly-once per grant id (a replay returns
 * the first result with `alreadyApplied` / `alreadyRolledBack`). A caller using ManagedServer for a
 * server whose tools are not like that must pass `retry: { maxAttempts: 1, … }`.
 *
 * Crash handling: when the process exits (or stops answering `pingFailuresBeforeKill` pings in a row,
 * and is then killed), the server is marked `down`, then restarted with exponential backoff (capped)
 * (half jitter) and reconnected; the backoff resets once a connection has stayed up for `restart.maxDelayMs`.
 * Nothing keeps the coordinator's process alive: timers are unref'd or cleared, the child and its
 * pipes are unref'd, and an exit hook kills the process groups still running.
 */
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { getDefaultEnvironment } from '@modelcontextprotocol/sdk/client/stdio.js';
import { CallToolResultSchema } from '@modelcontextprotocol/sdk/types.js';
import { ExponentialBackoff, halfJitterGenerator, type IBackoff, type IBackoffFactory } from 'cockatiel';
import { OversightError } from '../../core/errors';
import { redactSecrets } from '../../core/secrets/detect-secrets';
import { ChildProcessTransport, type ServerTransport } from './child-transport';
import { FINAL, interpretToolResult, isBreakerFailure, mapPolicyError, mapRequestError, unavailable } from './error-mapping';
import type { ManagedServerOptions, ServerHealth, ServerName, ServerState } from './managed-server-options';
import { createPolicies, resolveOptions, type Policies, type ResolvedOptions } from './policies';

export type { ManagedServerOptions, ServerHealth, ServerName, ServerState } from './managed-server-options';

interface Waiter {
  resolve: (client: Client) => void;
  reject: (e: unknown) => void;
}

/** A call abandoned by its caller's signal: passes through the policies unhandled (not retried, not a breaker failure). */
class CallerCancelled extends Error {}

export class ManagedServer {
  readonly name: ServerName;
  private readonly o: ResolvedOptions;
  private readonly policies: Policies;
  private state: ServerState = 'stopped';
  private since = new Date().toISOString();
  private transport: ServerTransport | undefined;
  private client: Client | undefined;
  private generation = 0;
  private readonly waiters = new Set<Waiter>();
  private readonly listeners = new Set<(h: ServerHealth) => void>();
  private restartTimer: NodeJS.Timeout | undefined;
  private pingTimer: NodeJS.Timeout | undefined;
  private stableTimer: NodeJS.Timeout | undefined;
  private readonly restartFactory: IBackoffFactory<unknown>;
  private restartBackoff: IBackoff<unknown> | undefined;
  private restarts = 0;
  private pingFailures = 0;
  private pinging = false;
  private lastError: ServerHealth['lastError'];
  private lastPingAt: string | undefined;
  private lastPingMs: number | undefined;
  private startPromise: Promise<void> | undefined;
  private stopPromise: Promise<void> | undefined;
  private stopped = false;
  private lastStderr: string | undefined;

  constructor(private readonly opts: ManagedServerOptions) {
    this.name = opts.name;
    this.o = resolveOptions(opts);
    this.policies = createPolicies(this.o, () => this.emit());
    // Half jitter: each delay lies between half and all of the nominal one (initial * 2^n, capped), so a
    // crash loop never restarts faster than half the configured pace.
    this.restartFactory = new ExponentialBackoff({ generator: halfJitterGenerator, initialDelay: this.o.restart.initialDelayMs, maxDelay: this.o.restart.maxDelayMs });
  }

  /** Resolves when connected; rejects with SERVER_UNAVAILABLE if the first attempt fails (restarts go on in the background). */
  start(): Promise<void> {
    if (this.startPromise) return this.startPromise;
    this.stopped = false;
    this.stopPromise = undefined;
    this.setState('starting');
    this.startPromise = this.connect().then((failure) => {
      if (failure) throw failure;
    });
    return this.startPromise;
  }

  /**
   * Calls a tool and returns its structuredContent; see the file comment for the error codes.
   * `timeoutMs` (default `callTimeoutMs`) bounds each attempt, the wait for a restart included, and the
   * wait for a free slot; with retries a call can take up to maxAttempts × (timeoutMs + backoff).
   * `signal` abandons the call at any point: it then rejects with `signal.reason` (the request is cancelled
   * on the server; not retried, not held against the breaker).
   */
  async callTool(name: string, args: Record<string, unknown>, opts: { timeoutMs?: number; signal?: AbortSignal } = {}): Promise<Record<string, unknown>> {
    const timeoutMs = opts.timeoutMs ?? this.o.callTimeoutMs;
    const caller = opts.signal;
    caller?.throwIfAborted();
    if (this.stopped || this.startPromise === undefined) throw unavailable(this.name, 'it is stopped', undefined, { [FINAL]: true });
    try {
      return await this.queued(caller, timeoutMs, name, () =>
        this.policies.retry.execute(
          () => this.policies.breaker.execute(() => this.policies.attemptTimeout(timeoutMs).execute(({ signal }) => this.attempt(name, args, signal, timeoutMs, caller), caller), caller),
          caller,
        ),
      );
    } catch (e) {
      if (caller?.aborted) throw caller.reason;
      throw mapPolicyError(this.name, e, {
        retryAfterMs: this.policies.retryAfterMs(),
        ...(this.lastError !== undefined ? { lastError: `${this.lastError.code}: ${this.lastError.message}` } : {}),
        maxConcurrent: this.o.maxConcurrent,
        maxQueue: this.o.maxQueue,
      });
    }
  }

  health(): ServerHealth {
    // Only a process that is connected: a dead one's pid may be reused, a starting one is not serving yet.
    const pid = this.state === 'up' ? this.transport?.pid : undefined;
    return {
      server: this.name,
      state: this.state,
      breaker: this.policies.breakerState(),
      ...(pid !== undefined ? { pid } : {}),
      restarts: this.restarts,
      ...(this.lastError !== undefined ? { lastError: { ...this.lastError } } : {}),
      ...(this.lastPingAt !== undefined ? { lastPingAt: this.lastPingAt } : {}),
      ...(this.lastPingMs !== undefined ? { lastPingMs: this.lastPingMs } : {}),
      inFlight: this.policies.inFlight(),
      queued: this.policies.queued(),
      since: this.since,
    };
  }

  onHealth(listener: (h: ServerHealth) => void): { dispose(): void } {
    this.listeners.add(listener);
    return { dispose: () => void this.listeners.delete(listener) };
  }

  /** Kills the process group (SIGTERM, grace, SIGKILL); no restart. Waiting calls fail with SERVER_UNAVAILABLE. */
  stop(): Promise<void> {
    if (this.stopPromise) return this.stopPromise;
    this.stopped = true;
    this.startPromise = undefined;
    this.generation++;
    for (const t of [this.restartTimer, this.pingTimer, this.stableTimer]) if (t !== undefined) clearTimeout(t);
    this.restartTimer = this.pingTimer = this.stableTimer = undefined;
    this.policies.dispose();
    const stoppedError = unavailable(this.name, 'it was stopped', undefined, { [FINAL]: true });
    for (const w of this.waiters) w.reject(stoppedError);
    this.waiters.clear();
    const transport = this.transport;
    this.client = undefined;
    this.stopPromise = (async () => {
      if (transport) await transport.close().catch(() => undefined);
      this.setState('stopped');
    })();
    return this.stopPromise;
  }

  // ---- one attempt ----

  private async attempt(tool: string, args: Record<string, unknown>, signal: AbortSignal, timeoutMs: number, caller: AbortSignal | undefined): Promise<Record<string, unknown>> {
    const deadline = Date.now() + timeoutMs;
    let result;
    let transport: ServerTransport | undefined;
    try {
      const client = await this.whenUp(signal, timeoutMs);
      transport = this.transport;
      result = await client.request({ method: 'tools/call', params: { name: tool, arguments: args } }, CallToolResultSchema, { signal, timeout: Math.max(1, deadline - Date.now()) });
    } catch (e) {
      if (caller?.aborted) throw new CallerCancelled();
      let err = mapRequestError(this.name, tool, e, signal.aborted, timeoutMs);
      const exit = transport?.exitReason;
      // "connection closed" says less than why: the process was killed, exited with a code, …
      if (err.code === 'SERVER_UNAVAILABLE' && exit !== undefined) {
        err = unavailable(this.name, `the process ${redactSecrets(exit)} during ${tool}`, err.cause, { tool, ...err.details });
      }
      throw this.noted(err);
    }
    try {
      return interpretToolResult(this.name, tool, result);
    } catch (e) {
      throw this.noted(e);
    }
  }

  /** The connected client, waiting for a (re)start until `signal` aborts. */
  private whenUp(signal: AbortSignal, timeoutMs: number): Promise<Client> {
    if (this.stopped) return Promise.reject(unavailable(this.name, 'it was stopped', undefined, { [FINAL]: true }));
    if (this.state === 'up' && this.client) return Promise.resolve(this.client);
    return new Promise<Client>((resolve, reject) => {
      const onAbort = () => {
        this.waiters.delete(waiter);
        reject(unavailable(this.name, `it was not up within ${timeoutMs} ms (${this.state})`, undefined, { state: this.state }));
      };
      const waiter: Waiter = {
        resolve: (c) => {
          signal.removeEventListener('abort', onAbort);
          resolve(c);
        },
        reject: (e) => {
          signal.removeEventListener('abort', onAbort);
          reject(e);
        },
      };
      if (signal.aborted) return onAbort();
      signal.addEventListener('abort', onAbort, { once: true });
      this.waiters.add(waiter);
    });
  }

  /** The bulkhead, with the wait for a free slot bounded by the call's timeout. */
  private queued<T>(caller: AbortSignal | undefined, waitMs: number, tool: string, fn: () => Promise<T>): Promise<T> {
    const queueAbort = new AbortController();
    let started = false;
    /** Set while the call waits for a slot; cleared the moment it starts (from then on its own timeout rules). */
    let leaveQueue: (() => void) | undefined;
    const run = this.policies.bulkhead.execute(() => {
      started = true;
      leaveQueue?.();
      return fn();
    }, queueAbort.signal);
    if (started) return run;
    this.emit();
    return new Promise<T>((resolve, reject) => {
      let gaveUp = false;
      const give = (e: unknown) => {
        if (started) return; // already running: the queue can no longer give up on it
        gaveUp = true;
        queueAbort.abort();
        reject(e);
      };
      const timer = setTimeout(() => give(new OversightError('SERVER_TIMEOUT', `The ${this.name} server did not get to ${tool} within ${waitMs} ms: too many calls ahead of it.`, { details: { server: this.name, tool, queued: true } })), waitMs);
      const onAbort = () => give(caller?.reason);
      caller?.addEventListener('abort', onAbort, { once: true });
      leaveQueue = () => {
        clearTimeout(timer);
        caller?.removeEventListener('abort', onAbort);
      };
      run.then(
        (v) => {
          leaveQueue?.();
          if (!gaveUp) resolve(v);
        },
        (e: unknown) => {
          leaveQueue?.();
          if (!gaveUp) reject(e);
        },
      );
    });
  }

  // ---- connection life cycle ----

  /** Spawns and initializes; on failure schedules a restart and returns why. */
  private async connect(): Promise<OversightError | undefined> {
    const gen = ++this.generation;
    const transport = this.o.transportFactory ? this.o.transportFactory() : this.spawnTransport();
    const client = new Client({ name: 'mcp-oversight-coordinator', version: '0.1.0' }, { capabilities: {} });
    let closed = false;
    client.onerror = (e) => this.log(`connection error: ${redactSecrets(e.message)}`);
    client.onclose = () => {
      closed = true;
      this.onClosed(gen, client, transport);
    };
    this.transport = transport;
    this.lastStderr = undefined;
    try {
      await client.connect(transport, { timeout: this.o.connectTimeoutMs });
      if (closed) throw new Error(transport.exitReason ?? 'the connection closed');
    } catch (e) {
      // Why, before our own kill below sets an exit reason of its own.
      const why = this.exitText(transport) ?? `initialize failed: ${e instanceof Error ? e.message : String(e)}`;
      await transport.close().catch(() => undefined);
      if (gen !== this.generation) return unavailable(this.name, 'it was stopped', undefined, { [FINAL]: true });
      const failure = unavailable(this.name, `it did not start (${redactSecrets(why)})`, e);
      this.noted(failure);
      this.log(`start failed: ${redactSecrets(why)}`);
      this.scheduleRestart();
      return failure;
    }
    if (gen !== this.generation) {
      void transport.close();
      return unavailable(this.name, 'it was stopped', undefined, { [FINAL]: true });
    }
    this.client = client;
    this.pingFailures = 0;
    this.log(`up (pid ${transport.pid ?? '?'})`);
    this.setState('up');
    for (const w of this.waiters) w.resolve(client);
    this.waiters.clear();
    if (this.o.pingIntervalMs > 0) this.pingTimer = setInterval(() => void this.ping(gen, client), this.o.pingIntervalMs).unref();
    this.stableTimer = setTimeout(() => {
      this.stableTimer = undefined;
      this.restartBackoff = undefined;
    }, Math.max(1000, this.o.restart.maxDelayMs)).unref();
    return undefined;
  }

  /** "the process exited with code 3: <its last stderr line>", or undefined while it runs. */
  private exitText(transport: ServerTransport): string | undefined {
    if (transport.exitReason === undefined) return undefined;
    return `the process ${transport.exitReason}${this.lastStderr !== undefined ? `: ${this.lastStderr.slice(0, 300)}` : ''}`;
  }

  private spawnTransport(): ServerTransport {
    const base = this.o.inheritEnv ? (process.env as Record<string, string>) : getDefaultEnvironment();
    return new ChildProcessTransport({
      command: this.opts.command,
      args: this.opts.args,
      env: { ...base, ...this.opts.env },
      ...(this.opts.cwd !== undefined ? { cwd: this.opts.cwd } : {}),
      killGraceMs: this.o.killGraceMs,
      onStderrLine: (line) => {
        this.lastStderr = redactSecrets(line);
        this.log(this.lastStderr);
      },
      onBadStdout: (what) => this.log(`stdout: skipped ${what}`),
    });
  }

  private onClosed(gen: number, client: Client, transport: ServerTransport): void {
    if (gen !== this.generation || this.client !== client || this.stopped) return;
    this.client = undefined;
    for (const t of [this.pingTimer, this.stableTimer]) if (t !== undefined) clearTimeout(t);
    this.pingTimer = this.stableTimer = undefined;
    const why = this.exitText(transport) ?? 'the connection closed';
    this.noted(unavailable(this.name, redactSecrets(why)));
    this.log(`down: ${redactSecrets(why)}`);
    this.scheduleRestart();
  }

  private scheduleRestart(): void {
    if (this.stopped || this.restartTimer !== undefined) return;
    this.restartBackoff = this.restartBackoff ? this.restartBackoff.next(undefined) : this.restartFactory.next(undefined);
    const delay = Math.round(this.restartBackoff.duration);
    this.setState('down');
    this.log(`restarting in ${delay} ms`);
    this.restartTimer = setTimeout(() => {
      this.restartTimer = undefined;
      if (this.stopped) return;
      this.restarts++;
      this.setState('restarting');
      void this.connect();
    }, delay).unref();
  }

  private async ping(gen: number, client: Client): Promise<void> {
    if (this.pinging || gen !== this.generation || this.client !== client) return;
    this.pinging = true;
    const t0 = performance.now();
    try {
      await client.ping({ timeout: this.o.pingTimeoutMs });
      if (gen !== this.generation) return;
      this.pingFailures = 0;
      this.lastPingAt = new Date().toISOString();
      this.lastPingMs = Math.round((performance.now() - t0) * 10) / 10;
      this.emit();
    } catch (e) {
      if (gen !== this.generation || this.client !== client) return;
      this.pingFailures++;
      this.noted(new OversightError('SERVER_TIMEOUT', `The ${this.name} server did not answer ping ${this.pingFailures}/${this.o.pingFailuresBeforeKill} (${e instanceof Error ? e.message : String(e)}).`));
      this.emit();
      if (this.pingFailures >= this.o.pingFailuresBeforeKill) {
        this.log(`no answer to ${this.pingFailures} pings: killing pid ${this.transport?.pid ?? '?'}`);
        this.transport?.kill();
      }
    } finally {
      this.pinging = false;
    }
  }

  // ---- state and events ----

  /** Records a server-health error (not a tool's own refusal) as lastError; returns it for throwing. */
  private noted(e: unknown): unknown {
    if (isBreakerFailure(e) || (e instanceof OversightError && e.code === 'SERVER_TIMEOUT')) {
      const err = e as OversightError;
      this.lastError = { code: err.code, message: err.message, at: new Date().toISOString() };
    }
    return e;
  }

  private setState(state: ServerState): void {
    if (this.state === state) return;
    this.state = state;
    this.since = new Date().toISOString();
    this.emit();
  }

  private emit(): void {
    if (this.listeners.size === 0) return;
    const h = this.health();
    for (const l of this.listeners) {
      try {
        l(h);
      } catch (e) {
        this.log(`health listener failed: ${e instanceof Error ? e.message : String(e)}`);
      }
    }
  }

  private log(line: string): void {
    try {
      this.o.log?.(`[${this.name}] ${line}`);
    } catch {
      // A failing logger must not affect the connection.
    }
  }
}
