/**
 * The HTTP API fuzz against the real thing: the Integration Coordinator (its two MCP servers as
 * processes from dist/, its real audit log and stores) behind the real ApiServer, on a copy of
 * examples/demo-workspace. A few hundred malformed requests — none of them one the API should act on —
 * and then: no 5xx, not one workspace byte changed, no approval request or dead letter appeared, the
 * audit log verifies and holds only what a front door may write (api.*, and the coordinator's own
 * start/stop, health and audit-read entries), and the server's log has no failure in it.
 */
import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { cpSync, existsSync, mkdtempSync, readdirSync, readFileSync, rmSync, statSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, relative } from 'node:path';
import { after, before, describe, it } from 'node:test';
import fc from 'fast-check';
import { ApiServer } from '../../src/api/api-server';
import { ApiKeyStore, type ApiKeyPersistence } from '../../src/api/auth/api-keys';
import { createJwtVerifier, localIssuer, mintApiToken } from '../../src/api/auth/jwt';
import { apiSigningKeyFromPem, newApiSigningKeyPem } from '../../src/api/auth/jwt-keys';
import { createAuthenticator } from '../../src/api/authenticator';
import { ENDPOINTS, type Endpoint } from '../../src/api/endpoints';
import { can, ROLES, type Permission, type Role } from '../../src/api/permissions';
import { ErrorResponseSchema } from '../../src/core/coordination/error-response';
import { parseGrantPublicKey } from '../../src/core/grants/grant-crypto';
import { SEGMENT_PATTERN } from '../../src/coordinator/audit/audit-files';
import { verifyAuditStore } from '../../src/coordinator/audit/verify-store';
import type { Coordinator } from '../../src/coordinator/coordinator';
import { createCoordinator } from '../../src/coordinator/create-coordinator';
import { storeLayout } from '../../src/coordinator/store-layout';
import { testTls } from '../unit/api/support/api-harness';
import { rawBytes, sendHttps, sendRaw, shown, within, type FuzzRequest, type Outcome } from '../unit/api/support/fuzz-support';
import { ROOT } from './support/server-process';

const SEED = process.env['FUZZ_SEED'] !== undefined ? Number(process.env['FUZZ_SEED']) : Math.floor(Math.random() * 2 ** 31);
const RUNS = { https: 300, raw: 80 } as const;
const ALLOWED_KINDS = /^(api\.|coordinator\.|audit\.|server\.health$)/;

function memoryPersistence(): ApiKeyPersistence {
  let text: string | undefined;
  return { location: 'memory', load: async () => text, save: async (t) => void (text = t) };
}

/** Every file under `dir` (relative path -> SHA-256); {} when it does not exist. */
function snapshot(dir: string): Record<string, string> {
  const out: Record<string, string> = {};
  const walk = (d: string) => {
    for (const name of readdirSync(d)) {
      const p = join(d, name);
      if (statSync(p).isDirectory()) walk(p);
      else out[relative(dir, p)] = createHash('sha256').update(readFileSync(p)).digest('hex');
    }
  };
  if (existsSync(dir)) walk(dir);
  return out;
}

describe('HTTP API fuzz against the real coordinator', () => {
  let tmp = '';
  let workspace = '';
  let store = '';
  let coordinator: Coordinator | undefined;
  let server: ApiServer | undefined;
  let port = 0;
  const apiKey = {} as Record<Role, string>;
  const token = {} as Record<Role, string>;
  const credentials = new Map<string, Role>();
  const logs: string[] = [];
  let baseline: { workspace: Record<string, string>; approvals: Record<string, string>; deadLetters: Record<string, string> };
  const stats = { requests: 0, answeredByHandler: 0, status: new Map<number, number>() };

  before(async () => {
    for (const bundle of ['compliance-server.js', 'installer-server.js']) {
      assert.ok(existsSync(join(ROOT, 'dist', bundle)), `dist/${bundle} is missing: run "npm run build" first`);
    }
    tmp = mkdtempSync(join(tmpdir(), 'oversight-api-fuzz-'));
    workspace = join(tmp, 'workspace');
    cpSync(join(ROOT, 'examples', 'demo-workspace'), workspace, { recursive: true });
    store = join(tmp, 'store');
    coordinator = await createCoordinator({ workspace, store, distDir: join(ROOT, 'dist'), toolVersion: 'test', log: (l) => logs.push(`coordinator: ${l}`) });
    await coordinator.start();
    const keys = await ApiKeyStore.open(memoryPersistence());
    const signing = apiSigningKeyFromPem(newApiSigningKeyPem());
    const issuer = localIssuer(signing.kid);
    server = new ApiServer({
      coordinator,
      authenticate: createAuthenticator({ apiKeys: keys, tokens: createJwtVerifier({ local: { publicKey: signing.publicKey, issuer } }) }),
      tls: { cert: testTls().certPem, key: testTls().keyPem },
      // Rate limits out of the way: the fuzz is about what gets past them.
      limits: { principalRate: { burst: 100_000, perSecond: 100_000 }, ipRate: { burst: 100_000, perSecond: 100_000 } },
      log: (l) => logs.push(l),
    });
    ({ port } = await server.listen());
    for (const role of ROLES) {
      apiKey[role] = (await keys.create({ name: `${role} bot`, role })).key;
      token[role] = await mintApiToken({ key: signing, issuer, role, subject: `${role}-user`, ttlSeconds: 3600 });
      credentials.set(`authorization:Bearer ${token[role]}`, role);
      credentials.set(`authorization:Bearer ${apiKey[role]}`, role);
      credentials.set(`x-api-key:${apiKey[role]}`, role);
    }
    const layout = storeLayout(store);
    baseline = { workspace: snapshot(workspace), approvals: snapshot(layout.approvals), deadLetters: snapshot(layout.deadLetter) };
    console.log(`HTTP API fuzz (real coordinator): seed ${SEED} (FUZZ_SEED=${SEED} replays it)`);
  });

  after(async () => {
    await server?.close(1000);
    await coordinator?.stop();
    if (tmp) rmSync(tmp, { recursive: true, force: true });
  });

  const pathOf = (target: string) => {
    try {
      return target.startsWith('/') && !target.startsWith('//') ? new URL(target, 'https://localhost').pathname : undefined;
    } catch {
      return undefined;
    }
  };
  /**
   * Would the API act on this request (a POST it should carry out)? Those are left out: this run is
   * about malformed requests, and everything it sends must leave the workspace and the stores alone.
   */
  function wouldAct(r: FuzzRequest): boolean {
    const e = ENDPOINTS.find((x) => x.method === r.method.toUpperCase() && x.path === pathOf(r.path));
    if (e?.body === undefined) return false;
    const creds = r.headers.filter(([n]) => /^(authorization|x-api-key)$/i.test(n));
    const role = creds.length === 1 ? credentials.get(`${creds[0]![0].toLowerCase()}:${creds[0]![1].trim()}`) : undefined;
    if (role === undefined || !can(role, e.access as Permission)) return false;
    const type = r.headers.find(([n]) => n.toLowerCase() === 'content-type')?.[1] ?? '';
    if (type.split(';')[0]!.trim().toLowerCase() !== 'application/json') return false;
    try {
      return e.body.safeParse(JSON.parse(r.body?.toString('utf8') ?? '')).success;
    } catch {
      return false;
    }
  }

  function check(out: Outcome, what: string, method: string): void {
    stats.requests++;
    for (const res of out.responses) {
      stats.status.set(res.status, (stats.status.get(res.status) ?? 0) + 1);
      const body = res.body.toString('utf8');
      assert.ok(res.status < 500, `${what}: ${res.status} ${shown(body)}`);
      const id = res.headers['x-request-id'];
      if (id === undefined) {
        assert.ok([100, 400, 408, 417].includes(res.status) && (res.body.length === 0 || /"code":"(INVALID_ARGUMENT|REQUEST_TIMEOUT)"/.test(body)), `${what}: ${res.status} neither ours nor Node's parser`);
        continue;
      }
      stats.answeredByHandler++;
      if (res.status >= 200 && res.status < 300) {
        assert.ok(['GET', 'HEAD'].includes(method.toUpperCase()), `${what}: a ${method} was carried out (${res.status})`);
        continue;
      }
      if (res.body.length === 0) continue; // HEAD
      const r = ErrorResponseSchema.safeParse(JSON.parse(body));
      assert.ok(r.success, `${what}: ${res.status} is not an ErrorResponse: ${shown(body)}`);
      assert.equal(r.data.requestId, id);
    }
  }

  // ---- generators (a compact version of test/unit/api/fuzz-http.test.ts's) ----
  const weird = fc.oneof(fc.string({ maxLength: 30 }), fc.string({ unit: 'binary', maxLength: 30 }), fc.string({ unit: fc.constantFrom('\u0000', '\u202e', '\ufeff', '\ud800', '"', '\\', 'a', ' '), maxLength: 12 }));
  const arbCreds = () =>
    fc.oneof(
      { weight: 5, arbitrary: fc.tuple(fc.constantFrom(...ROLES), fc.boolean()).map(([role, key]): [string, string][] => [key ? ['x-api-key', apiKey[role]] : ['authorization', `Bearer ${token[role]}`]]) },
      { weight: 1, arbitrary: fc.constant([] as [string, string][]) },
      { weight: 1, arbitrary: weird.map((v): [string, string][] => [['authorization', `Bearer ${v}`]]) },
      { weight: 1, arbitrary: fc.tuple(fc.constantFrom(...ROLES), weird).map(([role, g]): [string, string][] => [['authorization', `Bearer ${token[role]}`], ['authorization', g]]) },
      { weight: 1, arbitrary: fc.constantFrom(...ROLES).map((role): [string, string][] => [['authorization', `Bearer ${token[role]}`], ['x-api-key', apiKey[role]]]) },
    );
  const arbBody = (e: Endpoint | undefined) =>
    fc.oneof(
      fc.jsonValue({ maxDepth: 3 }).map((v) => JSON.stringify(v) ?? 'null'),
      fc.uint8Array({ maxLength: 200 }).map((b) => Buffer.from(b).toString('latin1')),
      fc.constantFrom('{"__proto__":{"kind":"live"}}', '{"kind":1e309}', '{"requestId":"\u0000\u202e","decision":"approved","subjectHash":"x"}', '['.repeat(10_000) + ']'.repeat(10_000), `{"requestedBy":${'['.repeat(10_000)}${']'.repeat(10_000)},"kind":"nope"}`, '{"kind":"static",}', ''),
      // The endpoint's own fields, each with a wrong value.
      fc.tuple(fc.constantFrom('requestId', 'kind', 'workspace', 'includeGlobal', 'servers', 'fingerprints', 'decision', 'subjectHash', 'reason', 'constructor'), fc.jsonValue({ maxDepth: 2 })).map(([k, v]) => JSON.stringify(e?.path.endsWith('/approve') ? { requestId: 'x', decision: 'approved', subjectHash: 'a'.repeat(64), [k]: v } : { kind: 'static', [k]: v })),
      // Valid bodies: sent only with a credential, role, content type or Host that must be refused (wouldAct filters).
      fc.constantFrom('{}', '{"kind":"static"}', '{"kind":"live"}', `{"requestId":"x","decision":"approved","subjectHash":"${'a'.repeat(64)}"}`),
    );
  const arbRequest = () =>
    fc
      .record({
        endpoint: fc.option(fc.constantFrom(...ENDPOINTS), { freq: 8 }),
        method: fc.oneof({ weight: 6, arbitrary: fc.constant(undefined) }, { weight: 1, arbitrary: fc.constantFrom('PUT', 'DELETE', 'PATCH', 'OPTIONS', 'TRACE', 'HEAD', 'get', 'PROPFIND') }, { weight: 1, arbitrary: weird.filter((m) => m.length > 0) }),
        path: fc.oneof(fc.constantFrom('/api/v1/../v1/health', '/api/v1/health%00', '*', 'http://x/', '//api/v1/health', `/${'a'.repeat(9000)}`, '/api/v1/assessment/logs?limit=-1&kind=x', '/api/v1/remediation/logs?__proto__=1&__proto__=2', '/api/v1/assessment/logs?since=not-a-date'), weird.map((s) => `/${s}`)),
        creds: arbCreds(),
        type: fc.oneof({ weight: 4, arbitrary: fc.constant('application/json') }, { weight: 1, arbitrary: fc.oneof(fc.constantFrom('text/plain', 'application/jsonx', ''), weird) }),
        host: fc.oneof({ weight: 8, arbitrary: fc.constant([['host', `127.0.0.1:${port}`]] as [string, string][]) }, { weight: 1, arbitrary: fc.constantFrom<[string, string][]>([['host', 'evil.example']], [], [['host', 'localhost'], ['host', 'evil.example']]) }),
        suffix: fc.constantFrom('', '', '', '?limit=5', '?kind=api.access', '?limit=1e309&beforeSeq=-3', '/', '?access_token=x'),
      })
      .chain((x) => arbBody(x.endpoint ?? undefined).map((body) => ({ ...x, body })))
      .map(({ endpoint, method, path, creds, type, host, suffix, body }): FuzzRequest => ({
        method: method ?? endpoint?.method ?? 'GET',
        path: endpoint ? endpoint.path + suffix : path,
        headers: [...host, ...creds, ['content-type', type]],
        ...(endpoint?.method === 'POST' || method !== undefined ? { body: Buffer.from(body, 'utf8') } : {}),
      }))
      .filter((r) => !wouldAct(r));

  it(`${RUNS.https} malformed requests over HTTPS (raw TLS where Node's client refuses them): no 5xx, nothing carried out`, async () => {
    await fc.assert(
      fc.asyncProperty(
        arbRequest().map((r) => Object.assign(r, { [fc.toStringMethod]: () => `${shown(r.method, 30)} ${shown(r.path, 100)} [${r.headers.map(([n, v]) => `${n}: ${shown(v, 40)}`).join('; ')}] ${shown(r.body ?? '', 120)}` })),
        async (r) => {
          const what = `${shown(r.method, 30)} ${shown(r.path, 100)}`;
          let out = await within(30_000, what, sendHttps(port, r));
          let method = r.method;
          if (out === 'refused') out = await within(30_000, what, sendRaw(port, rawBytes(r), { headOnly: r.method === 'HEAD' }));
          else method = r.method.toUpperCase();
          check(out, what, method);
        },
      ),
      { numRuns: RUNS.https, seed: SEED, endOnFailure: true, includeErrorInReport: true },
    );
  });

  it('requests valid but for one flaw (a repeated credential or Host, both credentials, the wrong role or type, a token in the query): refused, nothing done', async () => {
    const bodies: Record<string, { body: string; role: Role }> = {
      '/api/v1/assessment/request': { body: '{"kind":"live"}', role: 'installer' },
      '/api/v1/remediation/propose': { body: '{}', role: 'compliance' },
      '/api/v1/assessment/approve': { body: `{"requestId":"x","decision":"approved","subjectHash":"${'a'.repeat(64)}"}`, role: 'human_oversight' },
      '/api/v1/remediation/approve': { body: `{"requestId":"x","decision":"approved","subjectHash":"${'a'.repeat(64)}"}`, role: 'human_oversight' },
    };
    const host: [string, string] = ['host', `127.0.0.1:${port}`];
    const json: [string, string] = ['content-type', 'application/json'];
    for (const e of ENDPOINTS.filter((x) => x.body !== undefined)) {
      const { body, role } = bodies[e.path]!;
      const other = ROLES.find((r) => !can(r, e.access as Permission))!;
      const flaws: [string, FuzzRequest][] = [
        ['Authorization twice, the valid one first', { method: 'POST', path: e.path, headers: [host, ['authorization', `Bearer ${token[role]}`], ['authorization', 'Bearer garbage'], json] }],
        ['Authorization twice, both valid', { method: 'POST', path: e.path, headers: [host, ['authorization', `Bearer ${token[role]}`], ['authorization', `Bearer ${apiKey[role]}`], json] }],
        ['X-API-Key twice', { method: 'POST', path: e.path, headers: [host, ['x-api-key', apiKey[role]], ['x-api-key', apiKey[role]], json] }],
        ['Authorization and X-API-Key', { method: 'POST', path: e.path, headers: [host, ['authorization', `Bearer ${token[role]}`], ['x-api-key', apiKey[role]], json] }],
        ['Host twice, loopback first', { method: 'POST', path: e.path, headers: [host, ['host', 'evil.example'], ['authorization', `Bearer ${token[role]}`], json] }],
        ['a foreign Host', { method: 'POST', path: e.path, headers: [['host', 'evil.example'], ['authorization', `Bearer ${token[role]}`], json] }],
        ['a role without the permission', { method: 'POST', path: e.path, headers: [host, ['authorization', `Bearer ${token[other]}`], json] }],
        ['text/plain', { method: 'POST', path: e.path, headers: [host, ['authorization', `Bearer ${token[role]}`], ['content-type', 'text/plain']] }],
        ['the token in the query', { method: 'POST', path: `${e.path}?access_token=${token[role]}`, headers: [host, json] }],
      ];
      for (const [flaw, r] of flaws) {
        r.body = Buffer.from(body);
        const out = await within(30_000, flaw, sendHttps(port, r));
        assert.ok(out !== 'refused', flaw);
        check(out, `${flaw} -> ${e.path}`, 'POST');
        assert.equal(out.responses.length, 1, `${flaw} -> ${e.path}: ${out.error ?? ''}`);
        assert.ok([400, 401, 403, 415].includes(out.responses[0]!.status), `${flaw} -> ${e.path}: ${out.responses[0]!.status}`);
      }
    }
  });

  it(`${RUNS.raw} raw TLS requests: smuggling shapes and damaged bytes around a remediation proposal that would be valid`, async () => {
    const head = ['POST /api/v1/remediation/propose HTTP/1.1', `Host: 127.0.0.1:${port}`, `X-API-Key: ${apiKey.compliance}`, 'Content-Type: application/json'];
    const body = '{}';
    const join2 = (lines: string[], b: string) => Buffer.from(`${lines.join('\r\n')}\r\n\r\n${b}`, 'latin1');
    const chunked = `${body.length.toString(16)}\r\n${body}\r\n0\r\n\r\n`;
    const framing = [
      join2([...head, `Content-Length: ${body.length}`, 'Transfer-Encoding: chunked'], chunked),
      join2([...head, 'Transfer-Encoding: chunked', 'Content-Length: 3'], chunked),
      join2([...head, 'Transfer-Encoding: chunked', 'Transfer-Encoding: chunked'], chunked),
      join2([...head, 'Transfer-Encoding: xchunked'], chunked),
      join2([...head, `Content-Length: ${body.length}`, `Content-Length: ${body.length + 1}`], `${body} `),
      join2([...head, 'Content-Length: -2'], body),
      join2([...head, 'Transfer-Encoding: chunked'], `zz\r\n${body}\r\n0\r\n\r\n`),
      join2([...head, 'X-A: a\u0000b', `Content-Length: ${body.length}`], body),
      join2([...head, 'X Bad: v', `Content-Length: ${body.length}`], body),
      join2([...head, 'X-A: a', ' folded', `Content-Length: ${body.length}`], body),
      join2([...head, `Content-Length: ${body.length + 20}`], body),
    ];
    for (const bytes of framing) {
      const out = await within(30_000, shown(bytes), sendRaw(port, bytes));
      check(out, `raw framing: ${shown(bytes, 300)}`, 'POST');
      assert.ok(out.responses.every((r) => r.status === 400), `raw framing: ${shown(bytes, 300)}: ${out.responses.map((r) => r.status).join(',')}`);
    }
    // Random damage, to a proposal whose body the schema refuses (so no change of a byte in its Host or
    // an unused header can make it one the API carries out), and plain garbage.
    const refused = '{"x":1}';
    const base = join2([...head, `Content-Length: ${refused.length}`], refused);
    const damaged = fc.tuple(fc.nat(), fc.array(fc.oneof(fc.integer({ min: 0, max: 255 }), fc.constantFrom(0, 10, 13, 32, 58, 127)), { minLength: 1, maxLength: 4 })).map(([at, bytes]) => {
      const i = at % base.length;
      return Buffer.concat([base.subarray(0, i), Buffer.from(bytes), base.subarray(i + bytes.length)]);
    });
    const garbage = fc.uint8Array({ maxLength: 400 }).map((b) => Buffer.from(b));
    await fc.assert(
      fc.asyncProperty(fc.oneof(damaged, garbage), async (bytes) => {
        const out = await within(30_000, shown(bytes), sendRaw(port, bytes, { idleMs: 150 }));
        check(out, `raw: ${shown(bytes, 300)}`, 'POST');
      }),
      { numRuns: RUNS.raw - framing.length, seed: SEED + 1, endOnFailure: true, includeErrorInReport: true },
    );
  });

  it('afterwards: health answers; workspace, approvals and dead letters untouched; the audit log verifies and holds only front-door entries; nothing failed', async () => {
    const health = await sendHttps(port, { method: 'GET', path: '/api/v1/health', headers: [['host', `localhost:${port}`]] });
    assert.ok(health !== 'refused' && health.responses[0]?.status === 200, 'the API still answers');
    assert.deepEqual(coordinator!.approvals().map((r) => r.title), [], 'no approval request was made');
    const layout = storeLayout(store);
    await server!.close(1000);
    await coordinator!.stop();
    assert.deepEqual(snapshot(workspace), baseline.workspace, 'the workspace changed');
    assert.deepEqual(snapshot(layout.approvals), baseline.approvals, 'approvals/ changed');
    assert.deepEqual(snapshot(layout.deadLetter), baseline.deadLetters, 'dead-letter/ changed');
    const report = await verifyAuditStore(layout.audit, parseGrantPublicKey(readFileSync(layout.publicKey, 'utf8'), layout.publicKey));
    assert.equal(report.ok, true, JSON.stringify(report.firstBad));
    const kinds = new Map<string, number>();
    for (const name of readdirSync(layout.audit).filter((n) => SEGMENT_PATTERN.test(n))) {
      for (const line of readFileSync(join(layout.audit, name), 'utf8').split('\n')) {
        if (line.trim() === '') continue;
        const kind = (JSON.parse(line) as { kind: string }).kind;
        kinds.set(kind, (kinds.get(kind) ?? 0) + 1);
      }
    }
    const unexpected = [...kinds.keys()].filter((k) => !ALLOWED_KINDS.test(k));
    assert.deepEqual(unexpected, [], `audit kinds: ${JSON.stringify(Object.fromEntries(kinds))}`);
    assert.ok((kinds.get('api.access') ?? 0) >= stats.answeredByHandler, `${kinds.get('api.access') ?? 0} api.access entries for ${stats.answeredByHandler} answers from the handler`);
    const failures = logs.filter((l) => /^api: /.test(l));
    assert.deepEqual(failures, [], 'the API logged failures');
    const byStatus = [...stats.status.entries()].sort(([a], [b]) => a - b).map(([s, n]) => `${s}:${n}`).join(' ');
    console.log(`HTTP API fuzz (real coordinator): ${stats.requests} requests (${stats.answeredByHandler} answered by the handler), answers by status ${byStatus}; audit: ${report.entries} entries, ${JSON.stringify(Object.fromEntries(kinds))}`);
  });
});
