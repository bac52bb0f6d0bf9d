import { setMaxListeners } from 'node:events';
import { Client } from '@modelcontextprotocol/sdk/client/index.js';
import { SseError } from '@modelcontextprotocol/sdk/client/sse.js';
import { StreamableHTTPClientTransport, StreamableHTTPError } from '@modelcontextprotocol/sdk/client/streamableHttp.js';
import type { RequestOptions } from '@modelcontextprotocol/sdk/shared/protocol.js';
import type { Transport } from '@modelcontextprotocol/sdk/shared/transport.js';
import type { ProbeReason, ServerProbe, UnreachableCode } from '../core/model/live';
import type { McpServer } from '../core/model/server';
import { maskSecret, redactSecrets } from '../core/secrets/detect-secrets';
import { listServerContents, ProbeFailure, type ServerContents } from './list-server-contents';
import { boundedFetch, connectRemote, ResponseTooLarge } from './remote-transport';
import { resolveLaunch } from './resolve-launch';
import { DEFAULT_MAX_MESSAGE_BYTES, StdioProcessTransport } from './stdio-process-transport';

export interface ProbeOptions {
  /** The environment the client would pass on (the parent's): references are resolved from it. */
  env: Readonly<Record<string, string | undefined>>;
  /** Where relative `cwd`s and `${workspaceFolder}` point; the default cwd. */
  workspaceFolder: string;
  /** For the whole probe of one server, spawn to last list (default 30 s: a cold `npx` downloads first). */
  timeoutMs?: number;
  signal?: AbortSignal;
  /** More tools (or prompts, or resources) than this is `too-large` (default 1000). */
  maxTools?: number;
  /** Pages followed per list before giving up as `too-large` (default 50). */
  maxPages?: number;
  /** Longest stdio message or HTTP response accepted (default 4 MiB). */
  maxMessageBytes?: number;
  /** SIGTERM-to-SIGKILL grace for the process group (default 1000 ms). */
  killGraceMs?: number;
  clientInfo?: { name: string; version: string };
  /** Told the pid of each process started (it leads its own process group): for logs and tests. */
  onSpawn?: (serverId: string, pid: number) => void;
}

export const DEFAULT_PROBE_TIMEOUT_MS = 30_000;
export const DEFAULT_MAX_TOOLS = 1000;

/**
 * Connects to one configured server as its client would, `initialize`s and lists what it offers.
 * Never throws and never leaves a process behind: every failure, timeout and cancellation becomes
 * an `unreachable` probe with a reason, and the process group is killed before this resolves.
 */
export async function probeServer(server: McpServer, opts: ProbeOptions): Promise<ServerProbe> {
  const startedAt = new Date().toISOString();
  const t0 = performance.now();
  const timeoutMs = opts.timeoutMs ?? DEFAULT_PROBE_TIMEOUT_MS;
  const timings: ServerProbe['timings'] = { totalMs: 0 };
  let hidden: string[] = [];
  let stdio: StdioProcessTransport | undefined;
  let contents: Partial<ServerContents> = {};
  let usedTransport: ServerProbe['usedTransport'];
  let reason: ProbeReason | undefined;

  const build = (): ServerProbe => {
    const hide = (text: string): string => redactSecrets(hidden.reduce((t, v) => t.split(v).join(maskSecret(v)), text));
    const probe: ServerProbe = {
      serverId: server.id,
      serverName: server.name,
      file: server.file,
      transport: server.transport,
      status: reason ? 'unreachable' : 'ok',
      tools: [],
      prompts: [],
      resources: [],
      ...contents,
      timings: { ...timings, totalMs: Math.round(performance.now() - t0) },
      stderrTail: hide(stdio?.stderrTail() ?? ''),
      startedAt,
    };
    if (reason) probe.reason = { code: reason.code, message: hide(reason.message).slice(0, 2000) };
    if (usedTransport) probe.usedTransport = usedTransport;
    return probe;
  };

  if (!server.enabled) {
    reason = { code: 'disabled', message: 'the server is disabled in its config, so it was not started' };
    return build();
  }
  if (opts.signal?.aborted) {
    reason = { code: 'cancelled', message: 'the probe was cancelled before it started' };
    return build();
  }
  const resolved = resolveLaunch(server, opts);
  if ('reason' in resolved) {
    reason = resolved.reason;
    return build();
  }
  const { launch } = resolved;
  hidden = resolved.substituted;

  // One signal for everything that ends this probe early: timeout, cancellation, a transport failure.
  const ac = new AbortController();
  // Every request of the SDK listens on it (and pages of long lists add up): not a leak.
  setMaxListeners(1000, ac.signal);
  const abortWith = (code: UnreachableCode, message: string) => {
    if (!ac.signal.aborted) ac.abort(new ProbeFailure({ code, message }));
  };
  const timer = setTimeout(() => abortWith('timeout', `no complete answer within ${timeoutMs} ms`), timeoutMs);
  const onCancel = () => abortWith('cancelled', 'the probe was cancelled');
  opts.signal?.addEventListener('abort', onCancel, { once: true });
  const request: RequestOptions = { signal: ac.signal, timeout: timeoutMs + 1000 };
  const newClient = () => new Client(opts.clientInfo ?? { name: 'mcp-oversight', version: '0.1.0' }, { capabilities: {} });
  const limits = { maxItems: opts.maxTools ?? DEFAULT_MAX_TOOLS, maxPages: opts.maxPages ?? 50 };
  const maxBytes = opts.maxMessageBytes ?? DEFAULT_MAX_MESSAGE_BYTES;
  let current: Transport | undefined;
  let protocolVersion: string | undefined;
  // The Client tells the transport the negotiated version; recording it there works for all three.
  const watch = (t: Transport) => {
    current = t;
    const set = t.setProtocolVersion?.bind(t);
    t.setProtocolVersion = (v: string) => {
      protocolVersion = v;
      set?.(v);
    };
  };

  const session = (async (): Promise<ServerContents> => {
    const tInit = performance.now();
    let client: Client;
    if (launch.kind === 'stdio') {
      stdio = new StdioProcessTransport({ ...launch, maxMessageBytes: maxBytes, ...(opts.killGraceMs === undefined ? {} : { killGraceMs: opts.killGraceMs }) });
      stdio.onfailure = (f) => abortWith(f.code, f.message);
      const onSpawn = opts.onSpawn;
      if (onSpawn) stdio.onspawn = (pid) => onSpawn(server.id, pid);
      watch(stdio);
      client = newClient();
      await client.connect(stdio, request);
      usedTransport = 'stdio';
    } else {
      const fetchFn = boundedFetch(ac.signal, maxBytes, (e) => abortWith('too-large', e.message));
      const configured = server.transport === 'sse' ? 'sse' : 'streamable-http';
      const conn = await connectRemote(newClient, launch.url, launch.headers, configured, fetchFn, request, watch);
      client = conn.client;
      usedTransport = conn.used;
    }
    timings.initializeMs = Math.round(performance.now() - tInit);
    return listServerContents(client, protocolVersion, request, limits, (ms) => (timings.toolsListMs = ms), (partial) => (contents = partial));
  })();
  session.catch(() => {}); // Its failure is reported through the race below.

  try {
    contents = await raceAbort(session, ac.signal);
  } catch (e) {
    const failure = ac.signal.aborted ? undefined : await stdio?.failureSoon(250);
    reason = failure ?? (ac.signal.reason instanceof ProbeFailure ? ac.signal.reason.reason : classify(e, launch.kind === 'remote'));
  } finally {
    clearTimeout(timer);
    opts.signal?.removeEventListener('abort', onCancel);
    await closeTransport(current);
  }
  return build();
}

function raceAbort<T>(p: Promise<T>, signal: AbortSignal): Promise<T> {
  if (signal.aborted) return Promise.reject(signal.reason as Error);
  return new Promise<T>((resolve, reject) => {
    const onAbort = () => reject(signal.reason as Error);
    signal.addEventListener('abort', onAbort, { once: true });
    p.then(resolve, reject).finally(() => signal.removeEventListener('abort', onAbort));
  });
}

async function closeTransport(t: Transport | undefined): Promise<void> {
  if (!t) return;
  // A Streamable HTTP session is ended politely (DELETE), but never waited on for long.
  if (t instanceof StreamableHTTPClientTransport && t.sessionId !== undefined) {
    await Promise.race([t.terminateSession().catch(() => {}), new Promise((r) => setTimeout(r, 500).unref())]);
  }
  await t.close().catch(() => {});
}

function classify(e: unknown, remote: boolean): ProbeReason {
  if (e instanceof ProbeFailure) return e.reason;
  const message = e instanceof Error ? e.message : String(e);
  const cause = e instanceof Error && e.cause instanceof Error ? e.cause : undefined;
  if (e instanceof ResponseTooLarge || cause instanceof ResponseTooLarge) return { code: 'too-large', message };
  // fetch() rejects with a TypeError whose cause says why (ECONNREFUSED, ENOTFOUND, a bad certificate).
  const http = (x: unknown) => x instanceof StreamableHTTPError || x instanceof SseError || (remote && x instanceof TypeError);
  if (http(e) || http(cause)) return { code: 'http-error', message: withStatus(e, cause && !message.includes(cause.message) ? `${message}: ${cause.message}` : message) };
  return { code: 'protocol-error', message };
}

/** The SDK's HTTP errors keep the status apart from their text (`Error POSTing to endpoint: <body>`). */
function withStatus(e: unknown, message: string): string {
  const code = e instanceof StreamableHTTPError || e instanceof SseError ? e.code : undefined;
  return typeof code === 'number' && code > 0 ? `HTTP ${code}: ${message}` : message;
}
