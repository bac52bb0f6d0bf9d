import { Agent, request } from 'node:https';
import { connect } from 'node:tls';
import type { ApprovalRequest } from '../../../../src/core/coordination/messages';
import { FakeCoordinator, testTls } from './api-harness';

/**
 * Tools for fuzzing the HTTP API: a fake coordinator that records every call that would write
 * something, an HTTPS sender that takes any header list (repeats included), and a raw TLS sender for
 * bytes no HTTP client would produce, with a small response parser for what comes back.
 */

/** Approval requests the recording coordinator knows, so a valid decision can reach `decide`. */
export const KNOWN_REQUESTS = { assessment: 'live-known-1', remediation: 'rem-known-1' } as const;
const HASH = { assessment: 'b'.repeat(64), remediation: 'c'.repeat(64) } as const;
export const KNOWN_HASH = HASH;

const someone = { id: 'api-key:someone', label: 'someone (admin)', provider: 'api', verified: true };

function fakeRequest(kind: 'assessment' | 'remediation', id: string, state: ApprovalRequest['state'] = 'pending'): ApprovalRequest {
  const base = { id, workspace: '/work/space', title: `fake ${kind}`, requestedBy: someone, requestedAt: '2026-11-24T10:00:00.000Z', expiresAt: '2026-11-25T10:00:00.000Z', state, history: [] };
  if (kind === 'assessment') {
    return { ...base, subject: { kind, subjectHash: HASH.assessment, description: 'fake live assessment', plan: { workspace: '/work/space', includeGlobal: false, servers: [{ name: 'weather' }], files: [], timeoutMs: 30_000, concurrency: 4 } } } as unknown as ApprovalRequest;
  }
  const file = { file: '/work/space/.kilocode/mcp.json', displayPath: '.kilocode/mcp.json', baseHash: 'd'.repeat(64), newText: '{}\n', newHash: 'e'.repeat(64), diff: '--- a\n+++ b\n' };
  const proposal = {
    proposalId: 'p-fake',
    assessmentId: 'a-fake',
    actions: [{ actionId: 'x1', kind: 'remediate-finding', description: 'fake', file: file.file, edits: [{ jsonPath: ['mcpServers'], value: {} }], risk: 'low' }],
    riskAssessment: { level: 'low', summary: 'fake', factors: [] },
    estimatedTime: 'PT1M',
    requiresApproval: true,
    timestamp: '2026-11-24T10:00:00.000Z',
    files: [file],
  };
  return { ...base, subject: { kind, subjectHash: HASH.remediation, proposal } } as ApprovalRequest;
}

export type WriteOp = 'requestLiveAssessment' | 'proposeRemediation' | 'decide';

/**
 * The harness's fake, plus a record of every call that would change something (a live assessment
 * request, a remediation proposal, a decision), each answered with a plausible result so the fuzz also
 * sees 2xx answers. The base class types these as throwing (`Promise<never>`); the results are cast.
 */
export class RecordingCoordinator extends FakeCoordinator {
  readonly writes: { op: WriteOp; input: unknown }[] = [];

  override async requestLiveAssessment(input?: unknown): Promise<never> {
    this.writes.push({ op: 'requestLiveAssessment', input });
    return fakeRequest('assessment', `live-${this.writes.length}`) as never;
  }
  override async proposeRemediation(input?: unknown): Promise<never> {
    this.writes.push({ op: 'proposeRemediation', input });
    return fakeRequest('remediation', `rem-${this.writes.length}`) as never;
  }
  override async decide(r: unknown): Promise<never> {
    this.writes.push({ op: 'decide', input: r });
    this.decided.push(r);
    const d = r as { requestId: string; decision: 'approved' | 'rejected' };
    const kind = d.requestId === KNOWN_REQUESTS.assessment ? 'assessment' : 'remediation';
    // A rejection is answered with the request's status; an approval as one still running elsewhere.
    return { ...fakeRequest(kind, d.requestId, d.decision === 'rejected' ? 'rejected' : 'approved') } as never;
  }
  override approval(id: string): never {
    if (id === KNOWN_REQUESTS.assessment) return fakeRequest('assessment', id) as never;
    if (id === KNOWN_REQUESTS.remediation) return fakeRequest('remediation', id) as never;
    return super.approval(id);
  }
}

export interface ParsedResponse {
  status: number;
  headers: Record<string, string | string[]>;
  body: Buffer;
}

export interface Outcome {
  via: 'https' | 'raw';
  responses: ParsedResponse[];
  /** A client-side error (the connection reset or closed without an answer). */
  error?: string;
  /** Raw only: bytes after the last complete response (a response cut short). */
  trailing?: number;
}

export interface FuzzRequest {
  method: string;
  path: string;
  /** In order; names may repeat. Nothing is added: no Host unless listed. */
  headers: [string, string][];
  body?: Buffer;
}

const agent = new Agent({ keepAlive: true, maxSockets: 4 });

/**
 * Sends one request with Node's HTTPS client; 'refused' when the client itself will not produce it
 * (a method that is not a token, a path or header with characters it rejects).
 */
export async function sendHttps(port: number, r: FuzzRequest, timeoutMs = 20_000): Promise<Outcome | 'refused'> {
  const first = await sendHttpsOnce(port, r, timeoutMs);
  // A kept-alive socket the server closed just as it was reused (Node's documented race): once more, on a new one.
  if (first !== 'refused' && first.responses.length === 0 && first.reused === true && /ECONNRESET|socket hang up/.test(first.error ?? '')) return sendHttpsOnce(port, r, timeoutMs);
  return first;
}

function sendHttpsOnce(port: number, r: FuzzRequest, timeoutMs: number): Promise<(Outcome & { reused?: boolean }) | 'refused'> {
  return new Promise((resolve) => {
    let req: ReturnType<typeof request>;
    try {
      req = request({ host: '127.0.0.1', port, method: r.method, path: r.path, headers: r.headers.flat(), setHost: false, ca: testTls().certPem, servername: 'localhost', agent, timeout: timeoutMs });
    } catch (e) {
      const code = (e as { code?: string }).code ?? '';
      if (/^ERR_(INVALID|UNESCAPED|HTTP_INVALID)/.test(code)) return resolve('refused');
      throw e;
    }
    const responses: ParsedResponse[] = [];
    let settled = false;
    const done = (error?: string) => {
      if (settled) return;
      settled = true;
      resolve({ via: 'https', responses, reused: req.reusedSocket, ...(error !== undefined ? { error } : {}) });
    };
    req.on('response', (res) => {
      const chunks: Buffer[] = [];
      res.on('data', (c: Buffer) => chunks.push(c));
      res.on('end', () => {
        responses.push({ status: res.statusCode ?? 0, headers: res.headers as Record<string, string | string[]>, body: Buffer.concat(chunks) });
        done();
      });
      res.on('error', (e) => done(`response: ${e.message}`));
      res.on('close', () => done('the response closed before its end'));
    });
    req.on('timeout', () => req.destroy(new Error(`no answer within ${timeoutMs} ms`)));
    req.on('error', (e) => done(`${(e as { code?: string }).code ?? ''} ${e.message}`.trim()));
    try {
      req.end(r.body);
    } catch (e) {
      done(`write: ${(e as Error).message}`);
    }
  });
}

/** The request as bytes: request line, the headers as given, the body (a Content-Length added if none was given). */
export function rawBytes(r: FuzzRequest, extra: [string, string][] = [['connection', 'close']]): Buffer {
  const headers = [...r.headers];
  if (r.body !== undefined && !headers.some(([n]) => /^(content-length|transfer-encoding)$/i.test(n))) headers.push(['content-length', String(r.body.length)]);
  headers.push(...extra);
  const head = `${r.method} ${r.path} HTTP/1.1\r\n${headers.map(([n, v]) => `${n}: ${v}\r\n`).join('')}\r\n`;
  return Buffer.concat([Buffer.from(head, 'utf8'), r.body ?? Buffer.alloc(0)]);
}

/**
 * Writes `data` on a fresh TLS connection and collects everything until the server closes it. When the
 * server goes quiet for `idleMs` the client half-closes (a request cut short then ends, as it would when
 * a client dies); after `maxMs` the socket is destroyed.
 */
export function sendRaw(port: number, data: Buffer | Buffer[], o: { headOnly?: boolean; idleMs?: number; maxMs?: number } = {}): Promise<Outcome> {
  const idleMs = o.idleMs ?? 250;
  const maxMs = o.maxMs ?? 8_000;
  return new Promise((resolve) => {
    const chunks: Buffer[] = [];
    let last = Date.now();
    const started = last;
    let ended = false;
    let error: string | undefined;
    const s = connect({ host: '127.0.0.1', port, ca: testTls().certPem, servername: 'localhost' }, () => {
      for (const d of Array.isArray(data) ? data : [data]) s.write(d);
      last = Date.now();
    });
    s.on('data', (d: Buffer) => {
      chunks.push(d);
      last = Date.now();
    });
    s.on('error', (e) => (error ??= `${(e as { code?: string }).code ?? ''} ${e.message}`.trim()));
    const timer = setInterval(() => {
      const now = Date.now();
      if (now - started > maxMs) s.destroy();
      else if (!ended && now - last > idleMs && s.writable) {
        ended = true;
        s.end();
      }
    }, 25);
    s.on('close', () => {
      clearInterval(timer);
      const { responses, rest } = parseResponses(Buffer.concat(chunks), o.headOnly === true);
      resolve({ via: 'raw', responses, ...(error !== undefined ? { error } : {}), ...(rest > 0 ? { trailing: rest } : {}) });
    });
  });
}

/** HTTP/1.1 responses one after another (Content-Length, chunked, or to the end). */
export function parseResponses(buf: Buffer, headOnly = false): { responses: ParsedResponse[]; rest: number } {
  const responses: ParsedResponse[] = [];
  let at = 0;
  while (at < buf.length) {
    const end = buf.indexOf('\r\n\r\n', at);
    if (end < 0) break;
    const [statusLine, ...lines] = buf.subarray(at, end).toString('latin1').split('\r\n');
    const m = /^HTTP\/1\.[01] (\d{3})/.exec(statusLine ?? '');
    if (!m) break;
    const status = Number(m[1]);
    const headers: Record<string, string | string[]> = {};
    for (const line of lines) {
      const i = line.indexOf(':');
      const name = line.slice(0, i).trim().toLowerCase();
      const value = line.slice(i + 1).trim();
      const prev = headers[name];
      headers[name] = prev === undefined ? value : Array.isArray(prev) ? [...prev, value] : [prev, value];
    }
    let next = end + 4;
    let body: Buffer = Buffer.alloc(0);
    if (status >= 200 && status !== 204 && status !== 304 && !headOnly) {
      const length = headers['content-length'];
      if (typeof length === 'string') {
        const n = Number(length);
        if (next + n > buf.length) break;
        body = buf.subarray(next, next + n);
        next += n;
      } else if (String(headers['transfer-encoding'] ?? '').toLowerCase() === 'chunked') {
        const parts: Buffer[] = [];
        for (;;) {
          const eol = buf.indexOf('\r\n', next);
          if (eol < 0) return { responses, rest: buf.length - at };
          const size = parseInt(buf.subarray(next, eol).toString('latin1'), 16);
          next = eol + 2;
          if (size === 0) {
            const fin = buf.indexOf('\r\n', next);
            next = fin < 0 ? buf.length : fin + 2;
            break;
          }
          parts.push(buf.subarray(next, next + size));
          next += size + 2;
        }
        body = Buffer.concat(parts);
      } else {
        body = buf.subarray(next);
        next = buf.length;
      }
    }
    responses.push({ status, headers, body });
    at = next;
  }
  return { responses, rest: buf.length - at };
}

/** `p`, or a rejection naming `what` after `ms` (a hang becomes a failure with its request, not a stuck run). */
export function within<T>(ms: number, what: string, p: Promise<T>): Promise<T> {
  let timer: NodeJS.Timeout | undefined;
  const limit = new Promise<never>((_, reject) => (timer = setTimeout(() => reject(new Error(`no outcome within ${ms} ms: ${what}`)), ms)));
  return Promise.race([p, limit]).finally(() => clearTimeout(timer));
}

/** A string with every byte outside printable ASCII escaped, for failure messages. */
export function shown(b: Buffer | string, max = 300): string {
  const s = typeof b === 'string' ? b : b.toString('latin1');
  const out = s.slice(0, max).replace(/[^\x20-\x7e]/g, (c) => `\\x${c.charCodeAt(0).toString(16).padStart(2, '0')}`);
  return s.length > max ? `${out}… (${s.length} chars)` : out;
}
