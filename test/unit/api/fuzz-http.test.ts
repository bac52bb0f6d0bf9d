import assert from 'node:assert/strict';
import { connect as netConnect } from 'node:net';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ENDPOINTS, route, type Endpoint } from '../../../src/api/endpoints';
import { HTTP_STATUS } from '../../../src/api/http-status';
import { can, ROLES, type Permission, type Role } from '../../../src/api/permissions';
import { AuditInputSchema, type AuditInput } from '../../../src/core/audit/audit-entry';
import { ErrorResponseSchema } from '../../../src/core/coordination/error-response';
import { startHarness, type Harness } from './support/api-harness';
import { KNOWN_HASH, KNOWN_REQUESTS, RecordingCoordinator, rawBytes, sendHttps, sendRaw, shown, within, type FuzzRequest, type Outcome, type ParsedResponse, type WriteOp } from './support/fuzz-support';

/**
 * Thousands of malformed requests against one server: random methods, targets, headers (Host,
 * credentials, Content-Type, huge and repeated ones), bodies (random bytes, broken and deeply nested
 * JSON, huge numbers, `__proto__`, NUL and bidi characters, every schema field with the wrong type,
 * bodies at and over 1 MiB), with valid credentials of every role and without; and, over raw TLS, bytes
 * no HTTP client would send (invalid header characters, broken chunked framing, request smuggling
 * shapes). Properties, for every one:
 * - never a 5xx, and the server still answers afterwards;
 * - an answer from our handler (it carries X-Request-ID) is JSON: an ErrorResponse whose code maps to
 *   the status, or a 2xx body of the endpoint's documented schema; anything else is Node's own parser
 *   refusing the bytes (400, 417 for an unknown Expect, 100 Continue) with no body;
 * - every answer from our handler has its `api.access` audit entry, with the same status, that the real
 *   audit log would accept;
 * - without exactly one valid credential nothing past authentication answers (no 2xx, 403, 413, 415);
 *   with a missing, repeated or foreign Host nothing but 400;
 * - nothing is written: the coordinator's writing calls (live assessment request, remediation proposal,
 *   decision) are reached only by a request that is valid in every respect (one credential whose role
 *   may, JSON content type, a body the endpoint's schema accepts);
 * - nothing on Object.prototype changed, and no credential is in the trail.
 * The seed is printed; FUZZ_SEED=<n> replays a run.
 */

const SEED = process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) : Math.floor(Math.random() * 2 ** 31);
/** Generated requests per part (plus the hand-written cases of each part). */
const RUNS = { surface: 1000, bodies: 1500, queries: 400, raw: 500 } as const;
const LIMIT = 1024 * 1024;

const BODY_ENDPOINTS = ENDPOINTS.filter((e) => e.body !== undefined);
const WRITES_OF: Record<string, readonly WriteOp[]> = {
  '/api/v1/assessment/request': ['requestLiveAssessment'],
  '/api/v1/remediation/propose': ['proposeRemediation'],
  '/api/v1/assessment/approve': ['decide'],
  '/api/v1/remediation/approve': ['decide'],
};
const LOOPBACK_HOSTS = ['localhost', 'LOCALHOST', '127.0.0.1', '[::1]'];
const FOREIGN_HOSTS = ['evil.example', 'evil.example:443', '127.0.0.1.evil.example', '127.0.0.2', '0.0.0.0', '[::2]', 'localhost.', 'localhost.evil.example', 'xn--localhost', '[::ffff:127.0.0.1]', '2130706433'];
/** Headers that frame the message or carry a credential: the HTTPS part sets them deliberately, never at random. */
const RESERVED = new Set(['host', 'content-length', 'transfer-encoding', 'connection', 'keep-alive', 'te', 'trailer', 'upgrade', 'authorization', 'x-api-key', 'content-type', 'expect', 'proxy-connection']);

const header = (res: ParsedResponse, name: string): string | undefined => {
  const v = res.headers[name];
  return Array.isArray(v) ? v[0] : v;
};

describe('HTTP API fuzz', () => {
  let h: Harness;
  let coordinator: RecordingCoordinator;
  /** "header-name:value" of each valid credential -> its role. */
  const credentials = new Map<string, Role>();
  const protoBefore = Object.getOwnPropertyNames(Object.prototype).sort();
  const stats = { requests: 0, https: 0, raw: 0, fallback: 0, unanswered: 0, validWrites: 0, status: new Map<number, number>() };

  before(async () => {
    coordinator = new RecordingCoordinator();
    h = await startHarness({ coordinator });
    for (const role of ROLES) {
      credentials.set(`authorization:Bearer ${h.token[role]}`, role);
      credentials.set(`authorization:Bearer ${h.apiKey[role]}`, role);
      credentials.set(`x-api-key:${h.apiKey[role]}`, role);
    }
    console.log(`HTTP API fuzz: seed ${SEED} (FUZZ_SEED=${SEED} replays it)`);
  });
  after(async () => {
    const byStatus = [...stats.status.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`).join(' ');
    console.log(`HTTP API fuzz: ${stats.requests} requests (${stats.https} over Node's HTTPS client, ${stats.raw} as raw bytes over TLS, ${stats.fallback} of them because the client refused to send them); answers by status ${byStatus}; ${stats.unanswered} closed without an answer; ${stats.validWrites} valid requests reached a writing call`);
    await h.close();
  });

  // ---- what a request is, as the server should see it ----

  const hosts = (r: FuzzRequest) => r.headers.filter(([n]) => n.toLowerCase() === 'host').map(([, v]) => v.trim());
  const hostName = (v: string) => (v.startsWith('[') ? v.slice(0, v.indexOf(']') + 1) : v.split(':')[0]!).toLowerCase();
  /** 'ok': one loopback Host; 'bad': none, several, or a foreign one; 'unknown': one of the random values. */
  function hostClass(r: FuzzRequest): 'ok' | 'bad' | 'unknown' {
    const all = hosts(r);
    if (all.length !== 1) return 'bad';
    const name = hostName(all[0]!);
    if (LOOPBACK_HOSTS.map((x) => x.toLowerCase()).includes(name)) return 'ok';
    return FOREIGN_HOSTS.includes(all[0]!) ? 'bad' : 'unknown';
  }
  /** The role of the one valid credential the request carries; undefined for none, several, or an invalid one. */
  function credentialRole(r: FuzzRequest): Role | undefined {
    const creds = r.headers.filter(([n]) => /^(authorization|x-api-key)$/i.test(n));
    if (creds.length !== 1) return undefined;
    const [name, value] = creds[0]!;
    return credentials.get(`${name.toLowerCase()}:${value.trim()}`);
  }
  function pathname(target: string): string | undefined {
    if (!target.startsWith('/') || target.startsWith('//') || target.length > 8192) return undefined;
    try {
      return new URL(target, 'https://localhost').pathname;
    } catch {
      return undefined;
    }
  }
  const endpointOf = (r: FuzzRequest): Endpoint | undefined => {
    const p = pathname(r.path);
    if (p === undefined) return undefined;
    const hit = route(r.method, p);
    return 'endpoint' in hit ? hit.endpoint : undefined;
  };
  /** May this request reach a writing call? Only when everything about it is valid. */
  function mayWrite(r: FuzzRequest, op: WriteOp): boolean {
    const e = endpointOf(r);
    if (r.method !== 'POST' || e?.body === undefined || !WRITES_OF[e.path]?.includes(op)) return false;
    const role = credentialRole(r);
    if (role === undefined || !can(role, e.access as Permission) || hostClass(r) === 'bad') return false;
    const type = r.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '';
    if (type.split(';')[0]!.trim().toLowerCase() !== 'application/json' || r.body === undefined || r.body.length > LIMIT) return false;
    try {
      return e.body.safeParse(JSON.parse(r.body.toString('utf8'))).success;
    } catch {
      return false;
    }
  }

  /** The newest api.access entry of a request id (a caller may send the same X-Request-ID twice). */
  async function accessEntry(id: string): Promise<AuditInput | undefined> {
    for (let i = 0; i < 50; i++) {
      for (let j = coordinator.recorded.length - 1; j >= 0; j--) {
        const e = coordinator.recorded[j]!;
        if (e.kind === 'api.access' && e.payload['requestId'] === id) return e;
      }
      await new Promise((res) => setTimeout(res, 10));
    }
    return undefined;
  }

  interface Expect {
    /** Nothing may answer: the connection may just close (CONNECT, a body refused while it was still being sent). */
    mayGoUnanswered?: boolean;
    /** The endpoint the request is for, to check a 2xx body against its schema. */
    endpoint?: Endpoint | undefined;
    head?: boolean;
    /** The request has no single valid credential for an endpoint that needs one. */
    unauthenticated?: boolean;
    badHost?: boolean;
  }

  /** The properties every answer must have. */
  async function checkOutcome(out: Outcome, what: string, x: Expect): Promise<void> {
    stats.requests++;
    stats[out.via]++;
    if (out.responses.length === 0) {
      stats.unanswered++;
      assert.ok(x.mayGoUnanswered, `${what}: closed without an answer (${out.error ?? 'no error'})`);
    }
    for (const res of out.responses) {
      stats.status.set(res.status, (stats.status.get(res.status) ?? 0) + 1);
      const body = res.body.toString('utf8');
      assert.ok(res.status < 500, `${what}: ${res.status} ${shown(body)}`);
      const id = header(res, 'x-request-id');
      if (id === undefined) {
        // Node's own answers, before any handler: the parser refusing (our clientError handler: an
        // ErrorResponse), an Expect it does not know, 100 Continue (no body).
        assert.ok([100, 400, 408, 417].includes(res.status), `${what}: ${res.status} without X-Request-ID: not ours, not Node's parser`);
        if ((res.status === 400 || res.status === 408) && res.body.length > 0) ErrorResponseSchema.parse(JSON.parse(body));
        else assert.equal(res.body.length, 0, `${what}: Node's ${res.status} has a body`);
        continue;
      }
      assert.match(String(header(res, 'content-type')), /^application\/json/, what);
      assert.equal(header(res, 'x-content-type-options'), 'nosniff', what);
      assert.equal(header(res, 'cache-control'), 'no-store', what);
      if (res.body.length > 0) {
        let json: unknown;
        assert.doesNotThrow(() => (json = JSON.parse(body)), `${what}: the body is not JSON: ${shown(body)}`);
        if (res.status >= 200 && res.status < 300) {
          // Checked against the endpoint's documented answers when the request had one target (not a raw pipeline).
          const schema = x.endpoint?.responses[res.status]?.schema;
          if (x.endpoint !== undefined && out.responses.length === 1) assert.ok(schema !== undefined, `${what}: ${res.status} is not a documented answer of ${x.endpoint.method} ${x.endpoint.path}`);
          if (schema && out.responses.length === 1) {
            const r = schema.safeParse(json);
            assert.ok(r.success, `${what}: the ${res.status} body does not match its schema: ${r.error?.message ?? ''}`);
          }
        } else {
          const r = ErrorResponseSchema.safeParse(json);
          assert.ok(r.success, `${what}: ${res.status} is not an ErrorResponse: ${shown(body)}`);
          assert.equal(r.data.requestId, id, `${what}: requestId`);
          assert.equal(HTTP_STATUS[r.data.code], res.status, `${what}: ${r.data.code} is not answered ${res.status}`);
          if (res.status === 401) assert.match(String(header(res, 'www-authenticate')), /^Bearer /, `${what}: 401 without a challenge`);
        }
      } else assert.ok(x.head || res.status === 204, `${what}: ${res.status} without a body`);
      const entry = await accessEntry(id);
      assert.ok(entry, `${what}: no api.access entry for ${id}`);
      assert.equal(entry.payload['status'], res.status, `${what}: the trail says ${String(entry.payload['status'])}, the caller got ${res.status}`);
      const valid = AuditInputSchema.safeParse(entry);
      assert.ok(valid.success, `${what}: the audit log would refuse the entry: ${valid.error?.message ?? ''}`);
    }
    for (const res of out.responses) {
      if (res.status === 100) continue;
      if (x.unauthenticated) assert.ok(!(res.status >= 200 && res.status < 300) && ![403, 413, 415].includes(res.status), `${what}: answered ${res.status} without one valid credential`);
      if (x.badHost) assert.ok([400, 417].includes(res.status), `${what}: no single loopback Host, yet answered ${res.status}, not 400`);
    }
  }

  /** Sends one request (Node's client, or raw bytes when the client will not produce it) and checks everything. */
  async function exchange(request: FuzzRequest, what = describeRequest(request)): Promise<Outcome> {
    const writes = coordinator.writes.length;
    let r = request;
    // CONNECT goes raw: Node's client never settles a CONNECT that is answered with an error status.
    let out = r.method === 'CONNECT' ? ('refused' as const) : await within(30_000, what, sendHttps(h.port, r));
    if (out === 'refused') {
      stats.fallback++;
      out = await within(30_000, what, sendRaw(h.port, rawBytes(r), { headOnly: r.method === 'HEAD' }));
    } else r = { ...r, method: r.method.toUpperCase() }; // what Node's client put on the wire
    const e = endpointOf(r);
    const oversize = (r.body?.length ?? 0) > LIMIT;
    await checkOutcome(out, what, {
      endpoint: e,
      head: r.method === 'HEAD',
      mayGoUnanswered: r.method.toUpperCase() === 'CONNECT' || oversize,
      unauthenticated: e !== undefined && e.access !== 'public' && credentialRole(r) === undefined,
      badHost: hostClass(r) === 'bad',
    });
    for (const w of coordinator.writes.slice(writes)) {
      assert.ok(mayWrite(r, w.op), `${what}: reached ${w.op} (${shown(JSON.stringify(w.input), 200)})`);
      stats.validWrites++;
    }
    return out;
  }

  function describeRequest(r: FuzzRequest): string {
    return `${shown(r.method, 40)} ${shown(r.path, 120)} [${r.headers.map(([n, v]) => `${shown(n, 40)}: ${shown(v, 60)}`).join('; ')}]${r.body ? ` body(${r.body.length}): ${shown(r.body, 160)}` : ''}`;
  }

  // ---- generators ----

  const weird = fc.oneof(
    fc.string({ maxLength: 40 }),
    fc.string({ unit: 'binary', maxLength: 40 }),
    fc.string({ unit: fc.constantFrom('\u0000', '\u202e', '\u2066', '\u200b', '\ufeff', '\ud800', '\udfff', '\n', '"', '\\', 'a', '1', ' '), maxLength: 20 }),
  );
  const token = fc.stringMatching(/^[!#$%&'*+.^_`|~0-9A-Za-z-]{1,24}$/);
  const arbMethod = fc.oneof(
    { weight: 8, arbitrary: fc.constantFrom('GET', 'POST') },
    { weight: 3, arbitrary: fc.constantFrom('HEAD', 'PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'PROPFIND', 'M-SEARCH', 'PURGE', 'QUERY', 'SEARCH', 'LINK', 'get', 'post', 'Post', 'CONNECT') },
    { weight: 2, arbitrary: token },
    { weight: 1, arbitrary: fc.oneof(fc.string({ unit: 'binary', minLength: 1, maxLength: 12 }), fc.constantFrom('G ET', 'GET\u0000', 'GET\r\nX: y', 'P\u00d6ST')) },
  );
  const knownPath = fc.constantFrom(...new Set(ENDPOINTS.map((e) => e.path)));
  const arbPath = fc.oneof(
    { weight: 6, arbitrary: knownPath },
    {
      weight: 3,
      arbitrary: fc
        .tuple(knownPath, fc.constantFrom('/', '//', '/..', '/../health', '%00', '\u0000', '%2e%2e', '?', '#frag', ';x', '/.', '%2F', '\\', ' ', '\t', '?a=1&a=2', '?__proto__[x]=1', '%', '%zz', '\u202e', '\u00e9', '\ud800'))
        .map(([p, s]) => p + s),
    },
    {
      weight: 2,
      arbitrary: fc.constantFrom(
        '*',
        'http://x/',
        `https://127.0.0.1/api/v1/health`,
        '//api/v1/health',
        'api/v1/health',
        '/API/V1/HEALTH',
        '/api/v1/./health',
        '/api/v1/%68ealth',
        '/api/v1/health%00',
        '/api//v1/health',
        '/api/v1/assessment/request/..',
        '/api/v1/status/../health',
        '/api/v1/%2e%2e/v1/health',
        '/..%2f..%2fetc/passwd',
        '/',
        '/api',
        '/api/v2/health',
        '127.0.0.1:443',
      ),
    },
    { weight: 1, arbitrary: weird.map((s) => `/${s}`) },
    { weight: 1, arbitrary: weird },
    { weight: 1, arbitrary: fc.constantFrom(8150, 8193, 9000, 17_000, 70_000).map((n) => `/api/v1/health?${'a'.repeat(n)}`) },
  );
  const garbageCredential = fc.oneof(
    weird,
    fc.stringMatching(/^Bearer [A-Za-z0-9_-]{0,40}\.[A-Za-z0-9_-]{0,200}\.[A-Za-z0-9_-]{0,90}$/),
    fc.stringMatching(/^Bearer mcpo_[a-z2-7]{12}_[A-Za-z0-9_-]{43}$/),
    fc.constantFrom('Basic dXNlcjpwYXNz', 'Bearer', 'Bearer ', 'Bearer  ', 'bearer', 'Token abc', 'Digest x', `Bearer ${'a'.repeat(9000)}`, 'Bearer a b', 'Bearer mcpo_', 'Bearer \u0000'),
  );
  const validCredential = () =>
    fc
      .tuple(fc.constantFrom(...ROLES), fc.constantFrom('token', 'key-bearer', 'key-header'))
      .map(([role, via]): [string, string] => (via === 'token' ? ['authorization', `Bearer ${h.token[role]}`] : via === 'key-bearer' ? ['Authorization', `Bearer ${h.apiKey[role]}`] : ['X-API-Key', h.apiKey[role]]));
  const arbCredentials = () =>
    fc.oneof(
      { weight: 8, arbitrary: validCredential().map((c) => [c]) },
      { weight: 1, arbitrary: fc.constant([] as [string, string][]) },
      { weight: 1, arbitrary: garbageCredential.map((v): [string, string][] => [['authorization', v]]) },
      { weight: 1, arbitrary: garbageCredential.map((v): [string, string][] => [['x-api-key', v.replace(/^Bearer /, '')]]) },
      // Repeated: a valid one with garbage (either order), two valid ones, Authorization and X-API-Key.
      { weight: 1, arbitrary: fc.tuple(validCredential(), garbageCredential, fc.boolean()).map(([c, g, first]): [string, string][] => (first ? [c, [c[0], g]] : [[c[0], g], c])) },
      { weight: 1, arbitrary: fc.tuple(validCredential(), validCredential()).map(([a, b]) => [a, b]) },
    );
  const arbHost = () =>
    fc.oneof(
      { weight: 10, arbitrary: fc.constant([['host', `127.0.0.1:${h.port}`]] as [string, string][]) },
      { weight: 2, arbitrary: fc.constantFrom(...LOOPBACK_HOSTS, `localhost:${h.port}`, `[::1]:${h.port}`).map((v): [string, string][] => [['Host', v]]) },
      { weight: 1, arbitrary: fc.constant([] as [string, string][]) },
      { weight: 1, arbitrary: fc.oneof(fc.constantFrom(...FOREIGN_HOSTS), weird).map((v): [string, string][] => [['host', v]]) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...LOOPBACK_HOSTS), fc.constantFrom(...FOREIGN_HOSTS), fc.boolean()).map(([ok, evil, first]): [string, string][] => (first ? [['host', ok], ['host', evil]] : [['host', evil], ['host', ok]])) },
    );
  const arbContentType = fc.oneof(
    { weight: 6, arbitrary: fc.constant([['content-type', 'application/json']] as [string, string][]) },
    {
      weight: 3,
      arbitrary: fc
        .oneof(
          fc.constantFrom('application/json; charset=utf-8', 'Application/JSON', 'application/json;', 'application/jsonx', 'text/json', 'text/plain', 'application/x-www-form-urlencoded', 'multipart/form-data; boundary=x', '', ' application/json ', 'application/json, text/plain', 'application/json; charset=utf-16', '*/*'),
          weird,
        )
        .map((v): [string, string][] => [['content-type', v]]),
    },
    { weight: 1, arbitrary: fc.constant([] as [string, string][]) },
    { weight: 1, arbitrary: fc.constant([['content-type', 'text/plain'], ['content-type', 'application/json']] as [string, string][]) },
  );
  const arbExtraHeader = fc.tuple(
    fc.oneof(
      { weight: 3, arbitrary: fc.constantFrom('accept', 'user-agent', 'cookie', 'origin', 'referer', 'x-forwarded-for', 'x-forwarded-host', 'forwarded', 'x-real-ip', 'x-http-method-override', 'x-original-url', 'content-encoding', 'accept-encoding', 'range', 'x-request-id', 'x-request-id', 'proxy-authorization') },
      { weight: 1, arbitrary: token.filter((n) => !RESERVED.has(n.toLowerCase())) },
      { weight: 1, arbitrary: fc.string({ minLength: 1, maxLength: 10 }).filter((n) => !RESERVED.has(n.toLowerCase().trim()) && !/[\r\n]/.test(n)) },
    ),
    fc.oneof(
      { weight: 4, arbitrary: fc.string({ maxLength: 60 }) },
      { weight: 2, arbitrary: fc.stringMatching(/^[A-Za-z0-9._:-]{1,128}$/) },
      { weight: 1, arbitrary: weird.filter((v) => !/[\r\n]/.test(v)) },
      { weight: 1, arbitrary: fc.constantFrom(1000, 8000, 17_000, 70_000).map((n) => 'v'.repeat(n)) },
      { weight: 1, arbitrary: fc.constantFrom('gzip', 'bytes=0-1', '../../etc/passwd', 'DELETE', '127.0.0.1', 'x'.repeat(129), '\u202etxt', 'a\u0000b') },
    ),
  );

  /** A request with the usual Host, one valid credential and a JSON content type, except where the arbitraries say otherwise. */
  const arbSurface = () =>
    fc
      .record({
        method: arbMethod,
        path: arbPath,
        host: arbHost(),
        creds: arbCredentials(),
        type: fc.oneof({ weight: 3, arbitrary: fc.constant([] as [string, string][]) }, { weight: 1, arbitrary: arbContentType }),
        extra: fc.array(arbExtraHeader, { maxLength: 3 }),
        body: fc.option(fc.oneof(fc.constant('{}'), fc.jsonValue({ maxDepth: 2 }).map((v) => JSON.stringify(v) ?? 'null'), weird), { freq: 3 }),
        hostLast: fc.boolean(),
      })
      .map(
        ({ method, path, host, creds, type, extra, body, hostLast }): FuzzRequest => ({
          method,
          path,
          headers: hostLast ? [...creds, ...type, ...extra, ...host] : [...host, ...creds, ...type, ...extra],
          ...(body !== null ? { body: Buffer.from(body, 'utf8') } : {}),
        }),
      );

  // Bodies: valid ones (so that writes do happen, and the check above is not vacuous), each field
  // with the wrong type, random JSON, random bytes, JSON-ish text with NUL and bidi characters, cut-off
  // JSON, and hand-written nasties.
  const hex64 = fc.stringMatching(/^[0-9a-f]{64}$/);
  const validApproval = fc.record(
    {
      requestId: fc.oneof({ weight: 4, arbitrary: fc.constantFrom(KNOWN_REQUESTS.assessment, KNOWN_REQUESTS.remediation) }, { weight: 1, arbitrary: weird.filter((s) => s.length > 0 && s.length <= 128) }),
      decision: fc.constantFrom('approved', 'rejected'),
      subjectHash: fc.oneof(fc.constantFrom(KNOWN_HASH.assessment, KNOWN_HASH.remediation), hex64),
      reason: fc.oneof(weird, fc.constant('r'.repeat(2001))),
      approver: fc.jsonValue({ maxDepth: 2 }),
      decidedAt: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: ['requestId', 'decision', 'subjectHash'] },
  );
  const validAssessment = fc.record(
    {
      requestId: weird,
      kind: fc.constantFrom('static', 'live'),
      workspace: fc.constantFrom('/work/space', '/work/space/', '/work/other', '/work/space/../space', 'relative', ''),
      includeGlobal: fc.boolean(),
      servers: fc.array(weird, { minLength: 1, maxLength: 3 }),
      fingerprints: fc.array(fc.stringMatching(/^[0-9a-f]{8,64}$/), { minLength: 1, maxLength: 3 }),
      requestedBy: fc.jsonValue({ maxDepth: 2 }),
      requestedAt: fc.jsonValue({ maxDepth: 1 }),
    },
    { requiredKeys: [] },
  );
  const validFor = (e: Endpoint) => (e.path.endsWith('/approve') ? validApproval : validAssessment) as fc.Arbitrary<Record<string, unknown>>;
  const FIELDS = ['requestId', 'kind', 'workspace', 'includeGlobal', 'servers', 'fingerprints', 'decision', 'subjectHash', 'reason', 'approver', 'requestedBy', '__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'KIND', 'kind ', ''];
  const wrongType = (e: Endpoint) =>
    fc.tuple(validFor(e), fc.constantFrom(...FIELDS), fc.oneof(fc.jsonValue({ maxDepth: 3 }), fc.constantFrom(1e308, -0, 2 ** 64, Number.MAX_SAFE_INTEGER + 2, '', [], {}, null)), fc.boolean()).map(([o, key, value, remove]) => {
      const copy: Record<string, unknown> = { ...o };
      if (remove) delete copy[key];
      else Object.defineProperty(copy, key, { value, enumerable: true, writable: true, configurable: true });
      return JSON.stringify(copy);
    });
  let nasties: string[] | undefined;
  /** Hand-written bodies, built once (some are large). */
  function nastyBodies(): string[] {
    const deepArray = (n: number) => '['.repeat(n) + ']'.repeat(n);
    const deepObject = (n: number) => '{"a":'.repeat(n) + '1' + '}'.repeat(n);
    const approval = `"requestId":"${KNOWN_REQUESTS.remediation}","decision":"approved","subjectHash":"${KNOWN_HASH.remediation}"`;
    return (nasties ??= [
      '{"__proto__": {"kind": "live"}}',
      '{"constructor": {"prototype": {"polluted": true}}}',
      '{"kind":"static","__proto__":{"polluted":true}}',
      `{${approval},"__proto__":{"isAdmin":true}}`,
      `{${approval},"constructor":{"prototype":{"polluted":true}}}`,
      '{"requestedBy":{"__proto__":{"polluted":true}},"kind":"static"}',
      '{"kind": 1e309}',
      '{"includeGlobal": 1e999}',
      '{"requestId": 123456789012345678901234567890}',
      '{"requestId": -0}',
      '{"servers": [1e400]}',
      `{"includeGlobal": ${'9'.repeat(100_000)}}`,
      `{"requestId": 0.${'0'.repeat(50_000)}1}`,
      '{"kind":"static","includeGlobal":true,"includeGlobal":false}',
      `{${approval},"decision":"rejected"}`,
      `{"requestId":"${'a'.repeat(200_000)}"}`,
      `{"servers":[${Array.from({ length: 600 }, (_, i) => `"s${i}"`).join(',')}],"kind":"live"}`,
      `{"fingerprints":[${Array.from({ length: 1001 }, () => '"f"').join(',')}]}`,
      'null',
      'true',
      '0',
      '""',
      '[]',
      '{}',
      '[{}]',
      '"{}"',
      ' ',
      '',
      '\ufeff{}',
      '{"kind":"static"}\u0000',
      '{"kind":"static"} {"kind":"live"}',
      '{"kind":"st\u0000atic"}',
      '{"kind":"\u202estatic"}',
      '{"kind":"static" /* comment */}',
      "{'kind':'static'}",
      '{"kind":"static",}',
      '{"requestId":"\ud800"}',
      '{"requestId":"\\ud800\\udfff\\u0000"}',
      deepArray(10_000),
      deepObject(10_000),
      `{"requestedBy":${deepArray(10_000)}}`,
      `{"requestedBy":${deepObject(10_000)},"kind":"static"}`,
      `{"requestId":${deepArray(10_000)}}`,
      `{"servers":${deepArray(10_000)},"kind":"live"}`,
      `{${approval},"approver":${deepObject(10_000)}}`,
      `{${approval},"reason":${deepArray(10_000)}}`,
      deepArray(100_000),
    ]);
  }
  const arbBody = (e: Endpoint): fc.Arbitrary<string | Buffer> =>
    fc.oneof(
      { weight: 4, arbitrary: validFor(e).map((o) => JSON.stringify(o)) },
      { weight: 5, arbitrary: wrongType(e) },
      { weight: 2, arbitrary: fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v) ?? 'null') },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b)) },
      { weight: 1, arbitrary: fc.string({ unit: fc.constantFrom('\u0000', '\u202e', '\u2066', '\ufeff', '\ud800', '"', '{', '}', '[', ']', ':', ',', '\\', 'a', '1', 'e', '-', ' ', 'true', 'null'), maxLength: 60 }) },
      { weight: 1, arbitrary: fc.tuple(validFor(e), fc.nat()).map(([o, n]) => JSON.stringify(o).slice(0, n % Math.max(1, JSON.stringify(o).length))) },
      { weight: 1, arbitrary: fc.nat().map((i) => nastyBodies()[i % nastyBodies().length]!) },
    );
  const arbBodyRequest = () =>
    fc.constantFrom(...BODY_ENDPOINTS).chain((e) =>
      fc
        .record({
          body: arbBody(e),
          creds: fc.oneof({ weight: 6, arbitrary: validCredential().map((c) => [c]) }, { weight: 1, arbitrary: arbCredentials() }),
          type: arbContentType,
          host: fc.oneof({ weight: 8, arbitrary: fc.constant([['host', `localhost:${h.port}`]] as [string, string][]) }, { weight: 1, arbitrary: arbHost() }),
          extra: fc.array(arbExtraHeader, { maxLength: 2 }),
          method: fc.oneof({ weight: 12, arbitrary: fc.constant('POST') }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'PATCH', 'GET', 'HEAD', 'post') }),
        })
        .map(({ body, creds, type, host, extra, method }): FuzzRequest => ({ method, path: e.path, headers: [...host, ...creds, ...type, ...extra], body: typeof body === 'string' ? Buffer.from(body, 'utf8') : body })),
    );

  // Query strings of the endpoints that take one (and of those that take none).
  const arbQueryValue = fc.oneof(
    fc.constantFrom('1', '0', '-1', '1000', '1001', '1e309', '1e3', '0x10', ' 5', '5 ', '', 'NaN', 'Infinity', '-0', '9007199254740993', '1.5', 'true', '2026-11-24T10:00:00Z', '2026-13-45T99:99:99Z', 'api.access', 'approval.decided', 'approval.decided,assessment.completed', 'x,,y', '%', '%zz', '%00', '\u202e'),
    weird,
    fc.integer().map(String),
  );
  const arbQueryRequest = () =>
    fc
      .record({
        endpoint: fc.constantFrom(...ENDPOINTS.filter((e) => e.method === 'GET')),
        params: fc.array(fc.tuple(fc.oneof(fc.constantFrom('limit', 'beforeSeq', 'since', 'until', 'kind', 'kind', 'actor', 'server', '__proto__', 'constructor', 'prototype', 'toString', 'LIMIT', 'limit[]', 'access_token'), fc.string({ maxLength: 10 })), arbQueryValue), { maxLength: 5 }),
        encode: fc.boolean(),
        creds: fc.oneof({ weight: 6, arbitrary: validCredential().map((c) => [c]) }, { weight: 1, arbitrary: arbCredentials() }),
      })
      .map(({ endpoint, params, encode, creds }): FuzzRequest => {
        const q = encode ? new URLSearchParams(params).toString() : params.map(([k, v]) => `${k}=${v}`).join('&');
        return { method: 'GET', path: `${endpoint.path}?${q}`, headers: [['host', `127.0.0.1:${h.port}`], ...creds] };
      });

  /** Counterexamples print as a request, shortened, not as a 70 kB object. */
  const printable = (r: FuzzRequest): FuzzRequest => Object.assign(r, { [fc.toStringMethod]: () => describeRequest(r) });
  const property = (arb: fc.Arbitrary<FuzzRequest>, runs: number, offset: number) =>
    fc.assert(
      fc.asyncProperty(arb.map(printable), async (r) => {
        await exchange(r);
      }),
      { numRuns: runs, seed: SEED + offset, endOnFailure: true, includeErrorInReport: true },
    );

  // ---- the parts ----

  it(`${RUNS.surface} random methods, targets and headers (credentials, Host, huge and repeated headers)`, async () => {
    await property(arbSurface(), RUNS.surface, 1);
  });

  it(`${RUNS.bodies} random bodies for the four POST endpoints, with valid credentials of every role and without`, async () => {
    await property(arbBodyRequest(), RUNS.bodies, 2);
  });

  it(`${RUNS.queries} random query strings`, async () => {
    await property(arbQueryRequest(), RUNS.queries, 3);
  });

  it('bodies at and over the 1 MiB limit: 413 before the handler, exactly 1 MiB still accepted', async () => {
    const padded = (json: string, size: number) => Buffer.from(json + ' '.repeat(size - Buffer.byteLength(json)), 'utf8');
    const base = (body: Buffer, creds: [string, string][] = [['x-api-key', h.apiKey.compliance]]): FuzzRequest => ({ method: 'POST', path: '/api/v1/remediation/propose', headers: [['host', `127.0.0.1:${h.port}`], ...creds, ['content-type', 'application/json']], body });
    const writes = coordinator.writes.length;
    const exact = await exchange(base(padded('{}', LIMIT)));
    assert.equal(exact.responses[0]?.status, 201, 'a valid body of exactly 1 MiB is accepted');
    assert.equal(coordinator.writes.length, writes + 1);
    for (const body of [padded('{}', LIMIT + 1), padded('{"requestedBy":"x"}', LIMIT + 1000), Buffer.alloc(2 * LIMIT, 0x7b)]) {
      const out = await exchange(base(body));
      assert.ok(out.responses.every((r) => r.status === 413), `over the limit: ${out.responses.map((r) => r.status).join(',')} ${out.error ?? ''}`);
    }
    // A refusal that needs no body comes first: no credential is 401 however large the body.
    const unauth = await exchange(base(padded('{}', LIMIT + 1), []));
    assert.ok(unauth.responses.every((r) => r.status === 401), `no credential: ${unauth.responses.map((r) => r.status).join(',')}`);
    // Chunked, so no Content-Length announces it: refused while it streams in.
    const head = `POST /api/v1/remediation/propose HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\nX-API-Key: ${h.apiKey.compliance}\r\nContent-Type: application/json\r\nTransfer-Encoding: chunked\r\n\r\n`;
    const chunk = Buffer.concat([Buffer.from(`${(64 * 1024).toString(16)}\r\n`), Buffer.alloc(64 * 1024, 0x20), Buffer.from('\r\n')]);
    const streamed = await sendRaw(h.port, [Buffer.from(head), Buffer.from('2\r\n{}\r\n'), ...Array.from({ length: 17 }, () => chunk), Buffer.from('0\r\n\r\n')]);
    await checkOutcome(streamed, 'chunked 1 MiB + 64 KiB', { mayGoUnanswered: true });
    assert.ok(streamed.responses.every((r) => r.status === 413) && streamed.responses.length > 0, `chunked over the limit: ${streamed.responses.map((r) => r.status).join(',')} ${streamed.error ?? ''}`);
    // Announced as 10 MiB, nothing sent: refused on the header alone, at once.
    const announced = await sendRaw(h.port, Buffer.from(head.replace('Transfer-Encoding: chunked', `Content-Length: ${10 * LIMIT}`)), { idleMs: 2000 });
    await checkOutcome(announced, 'Content-Length 10 MiB, no body', {});
    assert.deepEqual(announced.responses.map((r) => r.status), [413]);
    assert.equal(coordinator.writes.length, writes + 1, 'nothing over the limit was written');
  });

  it('hand-written nasty bodies, each to each POST endpoint with an admin credential', async () => {
    for (const e of BODY_ENDPOINTS) {
      for (const body of nastyBodies()) {
        await exchange({ method: 'POST', path: e.path, headers: [['host', `127.0.0.1:${h.port}`], ['authorization', `Bearer ${h.token.admin}`], ['content-type', 'application/json']], body: Buffer.from(body, 'utf8') });
      }
    }
  });

  // ---- raw bytes over TLS ----

  /** A request that, sent as is, is valid and writes (a remediation proposal). */
  const validWrite = () => {
    const body = '{}';
    return { head: [`POST /api/v1/remediation/propose HTTP/1.1`, `Host: 127.0.0.1:${h.port}`, `X-API-Key: ${h.apiKey.compliance}`, 'Content-Type: application/json'], body };
  };
  const join = (lines: string[], body: string, eol = '\r\n') => Buffer.from(lines.join(eol) + eol + eol + body, 'latin1');
  /**
   * Framing and syntax errors Node's parser refuses (checked: it answers 400 and the handler never
   * sees a body). Each is applied to the valid, writing request above, so a parser that let one
   * through would show as a write.
   */
  const DEFECTS: Record<string, (head: string[], body: string) => Buffer> = {
    'Content-Length and Transfer-Encoding (CL.TE)': (hd, b) => join([...hd, `Content-Length: ${b.length}`, 'Transfer-Encoding: chunked'], `${b.length.toString(16)}\r\n${b}\r\n0\r\n\r\n`),
    'Transfer-Encoding and Content-Length (TE.CL)': (hd, b) => join([...hd, 'Transfer-Encoding: chunked', 'Content-Length: 3'], `${b.length.toString(16)}\r\n${b}\r\n0\r\n\r\n`),
    'CL.TE smuggling a second request': (hd, b) => {
      const hidden = join([...hd, `Content-Length: ${b.length}`], b).toString('latin1');
      return join([...hd, `Content-Length: ${5 + hidden.length}`, 'Transfer-Encoding: chunked'], `0\r\n\r\n${hidden}`);
    },
    'TE.CL smuggling a second request': (hd, b) => {
      const hidden = join([...hd, `Content-Length: ${b.length}`], b).toString('latin1');
      return join([...hd, 'Content-Length: 4', 'Transfer-Encoding: chunked'], `${hidden.length.toString(16)}\r\n${hidden}\r\n0\r\n\r\n`);
    },
    'Transfer-Encoding twice': (hd, b) => join([...hd, 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'], `${b.length.toString(16)}\r\n${b}\r\n0\r\n\r\n`),
    'Transfer-Encoding: chunked, identity': (hd, b) => join([...hd, 'Transfer-Encoding: chunked, identity'], `${b.length.toString(16)}\r\n${b}\r\n0\r\n\r\n`),
    'Transfer-Encoding: xchunked': (hd, b) => join([...hd, 'Transfer-Encoding: xchunked'], `${b.length.toString(16)}\r\n${b}\r\n0\r\n\r\n`),
    'Transfer-Encoding: gzip': (hd, b) => join([...hd, 'Transfer-Encoding: gzip'], b),
    'Transfer-Encoding: identity': (hd, b) => join([...hd, 'Transfer-Encoding: identity'], b),
    'Content-Length twice, same value': (hd, b) => join([...hd, `Content-Length: ${b.length}`, `Content-Length: ${b.length}`], b),
    'Content-Length twice, different values': (hd, b) => join([...hd, `Content-Length: ${b.length}`, `Content-Length: ${b.length + 1}`], `${b} `),
    'Content-Length: n, n': (hd, b) => join([...hd, `Content-Length: ${b.length}, ${b.length}`], b),
    'Content-Length: +n': (hd, b) => join([...hd, `Content-Length: +${b.length}`], b),
    'Content-Length: -n': (hd, b) => join([...hd, `Content-Length: -${b.length}`], b),
    'Content-Length in hex': (hd, b) => join([...hd, `Content-Length: 0x${b.length.toString(16)}`], b),
    'Content-Length: na': (hd, b) => join([...hd, `Content-Length: ${b.length}a`], b),
    'Content-Length empty': (hd, b) => join([...hd, 'Content-Length: '], b),
    'Content-Length overflowing 64 bits': (hd, b) => join([...hd, 'Content-Length: 99999999999999999999999'], b),
    'Content-Length: n.0': (hd, b) => join([...hd, `Content-Length: ${b.length}.0`], b),
    'chunk size not hex': (hd, b) => join([...hd, 'Transfer-Encoding: chunked'], `zz\r\n${b}\r\n0\r\n\r\n`),
    'chunk size overflowing': (hd, b) => join([...hd, 'Transfer-Encoding: chunked'], `fffffffffffffffffffffff\r\n${b}\r\n0\r\n\r\n`),
    'chunk size negative': (hd, b) => join([...hd, 'Transfer-Encoding: chunked'], `-${b.length}\r\n${b}\r\n0\r\n\r\n`),
    'chunk size 0x': (hd, b) => join([...hd, 'Transfer-Encoding: chunked'], `0x${b.length}\r\n${b}\r\n0\r\n\r\n`),
    'chunk size with a trailing space': (hd, b) => join([...hd, 'Transfer-Encoding: chunked'], `${b.length.toString(16)} \r\n${b}\r\n0\r\n\r\n`),
    'chunk data without its CRLF': (hd, b) => join([...hd, 'Transfer-Encoding: chunked'], `${b.length.toString(16)}\r\n${b}0\r\n\r\n`),
    'chunk data longer than its size': (hd, b) => join([...hd, 'Transfer-Encoding: chunked'], `${(b.length - 1).toString(16)}\r\n${b}\r\n0\r\n\r\n`),
    'chunks with bare LF': (hd, b) => join([...hd, 'Transfer-Encoding: chunked'], `${b.length.toString(16)}\n${b}\n0\n\n`),
    'no last chunk (client then closes)': (hd, b) => join([...hd, 'Transfer-Encoding: chunked'], `${b.length.toString(16)}\r\n${b}\r\n`),
    'body shorter than Content-Length (client then closes)': (hd, b) => join([...hd, `Content-Length: ${b.length + 10}`], b),
    'header name with a space': (hd, b) => join([...hd, 'X Bad: v', `Content-Length: ${b.length}`], b),
    'space before the colon': (hd, b) => join([...hd.filter((l) => !l.startsWith('Content-Type')), 'Content-Type : application/json', `Content-Length: ${b.length}`], b),
    'header name with "("': (hd, b) => join([...hd, 'X(Bad): v', `Content-Length: ${b.length}`], b),
    'header name with NUL': (hd, b) => join([...hd, '\u0000X: v', `Content-Length: ${b.length}`], b),
    'header name with a non-ASCII byte': (hd, b) => join([...hd, '\u00dcber: v', `Content-Length: ${b.length}`], b),
    'header value with NUL': (hd, b) => join([...hd, 'X-A: a\u0000b', `Content-Length: ${b.length}`], b),
    'header value with a bare CR': (hd, b) => join([...hd, 'X-A: a\rb', `Content-Length: ${b.length}`], b),
    'header value with DEL': (hd, b) => join([...hd, 'X-A: a\u007fb', `Content-Length: ${b.length}`], b),
    'header value with \\x01': (hd, b) => join([...hd, 'X-A: a\u0001b', `Content-Length: ${b.length}`], b),
    'credential with NUL': (hd, b) => join([...hd.map((l) => (l.startsWith('X-API-Key') ? `${l}\u0000` : l)), `Content-Length: ${b.length}`], b),
    'obs-fold continuation line': (hd, b) => join([...hd, 'X-A: a', ' b', `Content-Length: ${b.length}`], b),
    'whitespace before the first header': (hd, b) => join([hd[0]!, ...hd.slice(1).map((l, i) => (i === 0 ? ` ${l}` : l)), `Content-Length: ${b.length}`], b),
    'bare LF line endings': (hd, b) => join([...hd, `Content-Length: ${b.length}`], b, '\n'),
    'bare CR line endings': (hd, b) => join([...hd, `Content-Length: ${b.length}`], b, '\r'),
    'request line with trailing garbage': (hd, b) => join([`${hd[0]} extra`, ...hd.slice(1), `Content-Length: ${b.length}`], b),
    'HTTP/1.2': (hd, b) => join([hd[0]!.replace('HTTP/1.1', 'HTTP/1.2'), ...hd.slice(1), `Content-Length: ${b.length}`], b),
    'lower-case http/1.1': (hd, b) => join([hd[0]!.replace('HTTP/1.1', 'http/1.1'), ...hd.slice(1), `Content-Length: ${b.length}`], b),
    'tab in the request line': (hd, b) => join([hd[0]!.replace(' ', '\t'), ...hd.slice(1), `Content-Length: ${b.length}`], b),
    'NUL in the target': (hd, b) => join([hd[0]!.replace('propose', 'propose\u0000'), ...hd.slice(1), `Content-Length: ${b.length}`], b),
    'lower-case method': (hd, b) => join([hd[0]!.replace('POST', 'post'), ...hd.slice(1), `Content-Length: ${b.length}`], b),
    'headers over 16 KiB': (hd, b) => join([...hd, `X-Big: ${'a'.repeat(17 * 1024)}`, `Content-Length: ${b.length}`], b),
    'headers cut off (client then closes)': (hd) => Buffer.from(`${hd.join('\r\n')}\r\n`, 'latin1'),
  };

  it(`raw TLS: ${Object.keys(DEFECTS).length} framing and syntax errors, each on a request that would otherwise write: refused, nothing written`, async () => {
    const { head, body } = validWrite();
    // Control: the same request without a defect is accepted and writes.
    const writes = coordinator.writes.length;
    const control = await sendRaw(h.port, join([...head, `Content-Length: ${body.length}`, 'Connection: close'], body));
    await checkOutcome(control, 'raw control', { endpoint: ENDPOINTS.find((e) => e.path === '/api/v1/remediation/propose') });
    assert.deepEqual(control.responses.map((r) => r.status), [201]);
    assert.equal(coordinator.writes.length, writes + 1);
    for (const [name, make] of Object.entries(DEFECTS)) {
      const before = coordinator.writes.length;
      const out = await sendRaw(h.port, make(head, body));
      await checkOutcome(out, `raw: ${name}`, { mayGoUnanswered: true });
      assert.ok(out.responses.every((r) => r.status === 400 || r.status === 413 || r.status === 431), `raw: ${name}: answered ${out.responses.map((r) => r.status).join(',')}`);
      assert.equal(coordinator.writes.length, before, `raw: ${name}: the coordinator was asked to write`);
    }
  });

  /** Random damage to valid requests, pipelines, and plain garbage. */
  const arbRaw = () => {
    const { head, body } = validWrite();
    const valid = join([...head, `Content-Length: ${body.length}`], body);
    const health = Buffer.from(`GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\n\r\n`);
    const byte = fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0x00, 0x0d, 0x0a, 0x20, 0x09, 0x3a, 0x7f, 0xff, 0x2c, 0x3b));
    const mutate = (base: Buffer) =>
      fc.tuple(fc.array(fc.tuple(fc.nat(), fc.constantFrom('insert', 'replace', 'delete', 'duplicate'), fc.array(byte, { minLength: 1, maxLength: 4 })), { minLength: 1, maxLength: 4 })).map(([edits]) => {
        let b = Buffer.from(base);
        for (const [at, op, bytes] of edits) {
          const i = at % (b.length + 1);
          if (op === 'insert') b = Buffer.concat([b.subarray(0, i), Buffer.from(bytes), b.subarray(i)]);
          else if (op === 'replace') b = Buffer.concat([b.subarray(0, i), Buffer.from(bytes), b.subarray(i + bytes.length)]);
          else if (op === 'delete') b = Buffer.concat([b.subarray(0, i), b.subarray(i + bytes.length)]);
          else b = Buffer.concat([b.subarray(0, i), b.subarray(i, i + 8 * bytes.length), b.subarray(i)]);
        }
        return b;
      });
    return fc.oneof(
      { weight: 4, arbitrary: mutate(valid) },
      { weight: 2, arbitrary: mutate(health) },
      { weight: 1, arbitrary: fc.tuple(mutate(valid), fc.nat()).map(([b, n]) => b.subarray(0, n % (b.length + 1))) },
      { weight: 1, arbitrary: fc.uint8Array({ maxLength: 600 }).map((a) => Buffer.from(a)) },
      { weight: 1, arbitrary: fc.array(fc.constantFrom(health, valid, Buffer.from('\r\n'), Buffer.from('GARBAGE\r\n\r\n')), { minLength: 2, maxLength: 4 }).map((parts) => Buffer.concat(parts)) },
      { weight: 1, arbitrary: fc.tuple(fc.string({ maxLength: 200 }), fc.string({ unit: 'binary', maxLength: 200 })).map(([a, b]) => Buffer.from(`${a}\r\n${b}\r\n\r\n`, 'utf8')) },
    );
  };

  it(`raw TLS: ${RUNS.raw} random byte-level requests (damaged requests, pipelines, garbage)`, async () => {
    await fc.assert(
      fc.asyncProperty(arbRaw().map((b) => Object.assign(b, { [fc.toStringMethod]: () => `raw bytes: ${shown(b, 400)}` })), async (bytes) => {
        const out = await within(30_000, `raw bytes: ${shown(bytes, 400)}`, sendRaw(h.port, bytes, { idleMs: 150 }));
        await checkOutcome(out, `raw: ${shown(bytes, 400)}`, { mayGoUnanswered: true });
      }),
      { numRuns: RUNS.raw, seed: SEED + 4, endOnFailure: true, includeErrorInReport: true },
    );
  });

  it('not TLS at all on the TLS port: plain HTTP, SSLv2, garbage handshakes are dropped, the server carries on', async () => {
    const plain = [
      Buffer.from(`GET /api/v1/health HTTP/1.1\r\nHost: 127.0.0.1:${h.port}\r\n\r\n`),
      Buffer.from('8001030100000000', 'hex'),
      Buffer.from('16030100050100000100', 'hex'),
      Buffer.from('1603010200' + 'ff'.repeat(512), 'hex'),
      Buffer.alloc(70_000, 0x16),
      Buffer.from('PRI * HTTP/2.0\r\n\r\nSM\r\n\r\n'),
    ];
    for (const bytes of plain) {
      await new Promise<void>((resolve) => {
        const s = netConnect(h.port, '127.0.0.1', () => s.end(bytes));
        s.on('error', () => undefined);
        s.on('data', () => undefined);
        s.setTimeout(3000, () => s.destroy());
        s.on('close', () => resolve());
      });
      stats.requests++;
    }
  });

  it('afterwards: the server still answers, nothing was written by an invalid request, no prototype changed, no credential in the trail', async () => {
    const health = await exchange({ method: 'GET', path: '/api/v1/health', headers: [['host', `127.0.0.1:${h.port}`]] });
    assert.equal(health.responses[0]?.status, 200);
    const status = await exchange({ method: 'GET', path: '/api/v1/status/assessment', headers: [['host', `127.0.0.1:${h.port}`], ['authorization', `Bearer ${h.token.installer}`]] });
    assert.equal(status.responses[0]?.status, 200);
    assert.ok(stats.validWrites > 0, 'some valid requests did write: the check above is not vacuous');
    assert.deepEqual(Object.getOwnPropertyNames(Object.prototype).sort(), protoBefore, 'Object.prototype changed');
    assert.equal(({} as Record<string, unknown>)['polluted'], undefined);
    assert.equal(({} as Record<string, unknown>)['isAdmin'], undefined);
    assert.ok(coordinator.recorded.every((e) => e.kind.startsWith('api.')), 'only api.* entries');
    const trail = JSON.stringify(coordinator.recorded);
    for (const secret of [...Object.values(h.apiKey), ...Object.values(h.token)]) {
      for (const part of [secret, ...secret.split(/[._]/).filter((p) => p.length >= 16)]) assert.ok(!trail.includes(part), `a credential is in the trail: ${part.slice(0, 10)}…`);
    }
    assert.ok(stats.requests >= 3000, `only ${stats.requests} requests`);
  });
});
