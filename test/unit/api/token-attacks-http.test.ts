import assert from 'node:assert/strict';
import { createHmac, sign } from 'node:crypto';
import { request } from 'node:https';
import { after, before, describe, it } from 'node:test';
import { SignJWT, type JWTPayload } from 'jose';
import { API_AUDIENCE, localIssuer, mintApiToken } from '../../../src/api/auth/jwt';
import { apiSigningKeyFromPem, newApiSigningKeyPem, type ApiSigningKey } from '../../../src/api/auth/jwt-keys';
import { ENDPOINTS, type Endpoint } from '../../../src/api/endpoints';
import type { Role } from '../../../src/api/permissions';
import { ErrorResponseSchema } from '../../../src/core/coordination/error-response';
import { bearer, call, startHarness, testTls, type Harness, type Reply } from './support/api-harness';

/**
 * The token attacks of jwt.test.ts, over HTTP against the running server: each forged, expired,
 * misdirected, tampered or revoked credential is a 401 on every endpoint that needs one, with the
 * design's ErrorResponse, a `WWW-Authenticate: Bearer` challenge and an `api.access` audit entry that
 * says why in a word, and the credential itself is neither in the response nor anywhere in the trail.
 * The handlers behind are never reached (the fake coordinator counts its calls).
 */

const b64url = (value: unknown): string => Buffer.from(typeof value === 'string' ? value : JSON.stringify(value)).toString('base64url');
const nowS = () => Math.floor(Date.now() / 1000);

/** Bodies the schemas accept: only the credential is wrong, so nothing but the credential check can refuse them. */
const VALID_BODY: Record<string, unknown> = {
  '/api/v1/assessment/request': { kind: 'static' },
  '/api/v1/remediation/propose': {},
  '/api/v1/assessment/approve': { requestId: 'req-1', decision: 'approved', subjectHash: 'a'.repeat(64) },
  '/api/v1/remediation/approve': { requestId: 'req-1', decision: 'approved', subjectHash: 'a'.repeat(64) },
};
const GUARDED = ENDPOINTS.filter((e) => e.access !== 'public');

describe('HTTP API token attacks', () => {
  let h: Harness;
  let publicPem: string;
  /** A key of another workspace (same software, its own signing key). */
  const other: ApiSigningKey = apiSigningKeyFromPem(newApiSigningKeyPem());
  let checked = 0;

  before(async () => {
    h = await startHarness();
    publicPem = h.signing.publicKey.export({ type: 'spki', format: 'pem' }).toString();
  });
  after(async () => {
    console.log(`token attacks: ${checked} refused requests checked`);
    await h.close();
  });

  /** Claims as mintApiToken writes them, valid now, for tokens built by hand. */
  const claims = (over: JWTPayload = {}): JWTPayload => ({ iss: h.issuer, aud: API_AUDIENCE, sub: 'mallory', role: 'admin', iat: nowS(), nbf: nowS(), exp: nowS() + 3600, jti: `j${Math.random()}`, ...over });
  const signWith = (payload: JWTPayload, key: ApiSigningKey = h.signing, header: Record<string, unknown> = {}) => new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: key.kid, ...header }).sign(key.privateKey);
  const hs256 = (header: unknown, payload: unknown, secret: string | Buffer) => {
    const input = `${b64url(header)}.${b64url(payload)}`;
    return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
  };

  const send = (e: Endpoint, headers: Record<string, string>, path = e.path) => call(h.port, e.method, path, e.method === 'POST' ? { headers, json: VALID_BODY[e.path] } : { headers });

  /** The audit entry of the request answered by `r` (matched by its X-Request-ID). */
  async function accessEntry(r: Reply) {
    const id = String(r.headers['x-request-id']);
    for (let i = 0; i < 100; i++) {
      const hit = h.coordinator.recorded.find((e) => e.kind === 'api.access' && e.payload['requestId'] === id);
      if (hit) return hit;
      await new Promise((res) => setTimeout(res, 10));
    }
    assert.fail(`no api.access entry for request ${id}`);
  }

  /** Everything the brief asks of a refused credential, for one reply. */
  async function assertRefused(r: Reply, reason: string | RegExp, secrets: string[], what: string) {
    assert.equal(r.status, 401, `${what}: ${r.status} ${r.text}`);
    const body = ErrorResponseSchema.parse(r.json());
    assert.equal(body.code, 'UNAUTHENTICATED', what);
    assert.equal(body.category, 'authentication', what);
    assert.equal(body.requestId, r.headers['x-request-id'], what);
    assert.match(String(r.headers['www-authenticate']), /^Bearer realm="mcp-oversight"/, what);
    const entry = await accessEntry(r);
    assert.equal(entry.payload['status'], 401, what);
    assert.equal(entry.payload['code'], 'UNAUTHENTICATED', what);
    assert.equal(entry.actor.id, 'anonymous', `${what}: a refused credential is nobody`);
    assert.equal(entry.payload['role'], undefined, what);
    if (typeof reason === 'string') assert.equal(entry.payload['reason'], reason, what);
    else assert.match(String(entry.payload['reason']), reason, what);
    assert.equal(body.details['reason'], entry.payload['reason'], `${what}: the caller is told the same word`);
    const trail = JSON.stringify(h.coordinator.recorded);
    for (const secret of secrets) {
      // The whole credential, and each part long enough to be identifying (a JWT's segments, a key's secret).
      for (const part of [secret, ...secret.split(/[._]/).filter((p) => p.length >= 16)]) {
        assert.ok(!r.text.includes(part), `${what}: the response shows the credential (${part.slice(0, 10)}…)`);
        assert.ok(!trail.includes(part), `${what}: the audit trail holds the credential (${part.slice(0, 10)}…)`);
        assert.ok(!JSON.stringify(r.headers).includes(part), `${what}: a response header shows the credential`);
      }
    }
    checked++;
  }

  /** Sends `credential` as a bearer to every endpoint that needs one; all refused with `reason`; no handler reached. */
  async function refusedEverywhere(what: string, credential: string, reason: string | RegExp, headers: Record<string, string> = bearer(credential)) {
    const calls = { assessed: h.coordinator.assessed, decided: h.coordinator.decided.length };
    for (const e of GUARDED) await assertRefused(await send(e, headers), reason, [credential], `${what} -> ${e.method} ${e.path}`);
    assert.deepEqual({ assessed: h.coordinator.assessed, decided: h.coordinator.decided.length }, calls, `${what}: a handler ran`);
  }

  it('control: the same hand-built token, honestly signed, is accepted (so the refusals below are about the attack)', async () => {
    const honest = await signWith(claims({ role: 'installer' }));
    const r = await call(h.port, 'POST', '/api/v1/assessment/request', { headers: bearer(honest), json: { kind: 'static' } });
    assert.equal(r.status, 200, r.text);
    const nearFuture = await signWith(claims({ role: 'installer', nbf: nowS() + 10, iat: nowS() + 10 }));
    assert.equal((await call(h.port, 'GET', '/api/v1/status/assessment', { headers: bearer(nearFuture) })).status, 200, 'nbf within the 30 s tolerance is fine');
  });

  it('alg none (empty signature, and its case variants) -> 401 algorithm', async () => {
    for (const alg of ['none', 'None', 'NONE']) {
      await refusedEverywhere(`alg ${alg}`, `${b64url({ alg, typ: 'JWT' })}.${b64url(claims())}.`, 'algorithm');
    }
    await refusedEverywhere('alg none with a signature', `${b64url({ alg: 'none', typ: 'JWT', kid: h.signing.kid })}.${b64url(claims())}.${b64url('sig')}`, 'algorithm');
  });

  it("HS256 signed with the server's Ed25519 public key PEM as the HMAC secret (algorithm confusion) -> 401 algorithm", async () => {
    const header = { alg: 'HS256', typ: 'JWT', kid: h.signing.kid };
    await refusedEverywhere('HS256 / public key PEM', hs256(header, claims(), publicPem), 'algorithm');
    await refusedEverywhere('HS256 / public key DER', hs256(header, claims(), h.signing.publicKey.export({ type: 'spki', format: 'der' })), 'algorithm');
    await refusedEverywhere('HS256 / PEM without its kid', hs256({ alg: 'HS256', typ: 'JWT' }, claims(), publicPem), 'algorithm');
  });

  it('an expired token -> 401 expired', async () => {
    const expired = await mintApiToken({ key: h.signing, issuer: h.issuer, role: 'admin', subject: 'mallory', ttlSeconds: 3600, now: new Date(Date.now() - 2 * 3600_000) });
    await refusedEverywhere('expired an hour ago', expired, 'expired');
    await refusedEverywhere('expired 2 minutes ago', await signWith(claims({ iat: nowS() - 600, nbf: nowS() - 600, exp: nowS() - 120 })), 'expired');
  });

  it('nbf in the future beyond the 30 s tolerance -> 401 not-yet-valid', async () => {
    await refusedEverywhere('nbf +120 s', await signWith(claims({ nbf: nowS() + 120 })), 'not-yet-valid');
    await refusedEverywhere('minted an hour ahead', await mintApiToken({ key: h.signing, issuer: h.issuer, role: 'admin', subject: 'mallory', ttlSeconds: 7200, now: new Date(Date.now() + 3600_000) }), 'not-yet-valid');
  });

  it('the wrong audience -> 401 wrong-audience', async () => {
    await refusedEverywhere('aud of another API', await signWith(claims({ aud: 'some-other-api' })), 'wrong-audience');
    await refusedEverywhere('no aud', await signWith(claims({ aud: undefined })), 'wrong-audience');
  });

  it("the wrong issuer, and another workspace's key -> 401", async () => {
    await refusedEverywhere('iss of another workspace', await signWith(claims({ iss: 'urn:mcp-oversight:elsewhere' })), 'wrong-issuer');
    await refusedEverywhere('no iss', await signWith(claims({ iss: undefined })), 'wrong-issuer');
    // Another workspace's own token: its issuer is not ours.
    const theirs = await mintApiToken({ key: other, issuer: localIssuer(other.kid), role: 'admin', subject: 'mallory', ttlSeconds: 3600 });
    await refusedEverywhere("another workspace's token", theirs, 'wrong-issuer');
    // Its key, claiming our issuer (with its kid, then with ours).
    await refusedEverywhere('their key, our issuer', await mintApiToken({ key: other, issuer: h.issuer, role: 'admin', subject: 'mallory', ttlSeconds: 3600 }), 'unknown-key');
    await refusedEverywhere('their key, our issuer and kid', await signWith(claims(), other, { kid: h.signing.kid }), 'bad-signature');
  });

  it('a tampered payload (role installer -> admin, signature kept) -> 401 bad-signature, not 403 and not 200', async () => {
    const [head, payload, signature] = h.token.installer.split('.') as [string, string, string];
    const original = JSON.parse(Buffer.from(payload, 'base64url').toString()) as JWTPayload;
    const forged = `${head}.${b64url({ ...original, role: 'admin' })}.${signature}`;
    await refusedEverywhere('role flipped to admin', forged, 'bad-signature');
    await refusedEverywhere('exp pushed a year out', `${head}.${b64url({ ...original, exp: nowS() + 365 * 86_400 })}.${signature}`, 'bad-signature');
    const flipped = signature.slice(0, 10) + (signature[10] === 'A' ? 'B' : 'A') + signature.slice(11);
    await refusedEverywhere('one signature character changed', `${head}.${payload}.${flipped}`, 'bad-signature');
    // Our own header, a raw Ed25519 signature over the forged input with another key.
    const input = `${head}.${b64url({ ...original, role: 'admin' })}`;
    await refusedEverywhere('re-signed with another key', `${input}.${sign(null, Buffer.from(input), other.privateKey).toString('base64url')}`, 'bad-signature');
  });

  it('a revoked API key: works, is revoked, then 401 invalid-api-key everywhere', async () => {
    const created = await h.keys.create({ name: 'soon revoked', role: 'admin' });
    const ok = await call(h.port, 'GET', '/api/v1/status/remediation', { headers: bearer(created.key) });
    assert.equal(ok.status, 200, ok.text);
    const viaHeader = await call(h.port, 'GET', '/api/v1/status/remediation', { headers: { 'x-api-key': created.key } });
    assert.equal(viaHeader.status, 200, viaHeader.text);
    await h.keys.revoke(created.record.id);
    await refusedEverywhere('revoked key (Bearer)', created.key, 'invalid-api-key');
    await refusedEverywhere('revoked key (X-API-Key)', created.key, 'invalid-api-key', { 'x-api-key': created.key });
  });

  it('an API key with one character changed -> 401 invalid-api-key', async () => {
    const key = h.apiKey.admin;
    const change = (i: number) => key.slice(0, i) + (key[i] === 'a' ? 'b' : 'a') + key.slice(i + 1);
    const idAt = 'mcpo_'.length + 2;
    await refusedEverywhere('secret changed (last character)', change(key.length - 1), 'invalid-api-key');
    await refusedEverywhere('secret changed (first character)', change(key.length - 43), 'invalid-api-key');
    await refusedEverywhere('id changed', change(idAt), 'invalid-api-key');
    await refusedEverywhere('one character short', key.slice(0, -1), 'invalid-api-key');
    await refusedEverywhere('one character more', `${key}A`, 'invalid-api-key', { 'x-api-key': `${key}A` });
  });

  it('both Authorization and X-API-Key (each valid on its own) -> 401 ambiguous', async () => {
    for (const role of ['installer', 'admin'] as Role[]) {
      const headers = { ...bearer(h.token[role]), 'x-api-key': h.apiKey[role] };
      const calls = h.coordinator.assessed;
      for (const e of GUARDED) await assertRefused(await send(e, headers), 'ambiguous', [h.token[role], h.apiKey[role]], `both credentials (${role}) -> ${e.method} ${e.path}`);
      assert.equal(h.coordinator.assessed, calls);
    }
  });

  it('a repeated Authorization or X-API-Key header (a valid credential first or last, or twice) -> 401 ambiguous', async () => {
    // Node keeps only the first Authorization header: without a check, the server would pick one silently.
    const cases: [string, [string, string][], string[]][] = [
      ['valid Authorization, then garbage', [['authorization', `Bearer ${h.token.admin}`], ['authorization', 'Bearer garbage.garbage.garbage']], [h.token.admin]],
      ['garbage, then valid Authorization', [['authorization', 'Bearer garbage'], ['authorization', `Bearer ${h.apiKey.admin}`]], [h.apiKey.admin]],
      ['the same valid token twice', [['authorization', `Bearer ${h.token.installer}`], ['authorization', `Bearer ${h.token.installer}`]], [h.token.installer]],
      ['two valid API keys of different roles', [['x-api-key', h.apiKey.installer], ['x-api-key', h.apiKey.admin]], [h.apiKey.installer, h.apiKey.admin]],
    ];
    for (const [what, headers, secrets] of cases) {
      const calls = h.coordinator.assessed;
      for (const e of GUARDED) {
        const r = await new Promise<Reply>((resolve, reject) => {
          const body = e.method === 'POST' ? JSON.stringify(VALID_BODY[e.path]) : undefined;
          const flat = [['host', `127.0.0.1:${h.port}`], ...headers, ...(body ? [['content-type', 'application/json']] : [])].flat();
          const req = request({ host: '127.0.0.1', port: h.port, method: e.method, path: e.path, headers: flat, setHost: false, ca: testTls().certPem, servername: 'localhost', agent: false }, (res) => {
            let text = '';
            res.on('data', (c: Buffer) => (text += c.toString('utf8')));
            res.on('end', () => resolve({ status: res.statusCode ?? 0, headers: res.headers, text, json: () => JSON.parse(text) as unknown }));
          });
          req.on('error', reject);
          req.end(body);
        });
        await assertRefused(r, 'ambiguous', secrets, `${what} -> ${e.method} ${e.path}`);
      }
      assert.equal(h.coordinator.assessed, calls, `${what}: a handler ran`);
    }
  });

  it('a credential in the query string is ignored -> 401 missing, and the query is in neither the trail nor the response', async () => {
    for (const e of GUARDED) {
      for (const [param, credential] of [
        ['access_token', h.token.admin],
        ['api_key', h.apiKey.admin],
        ['token', h.token.human_oversight],
        ['authorization', `Bearer ${h.apiKey.installer}`],
      ] as const) {
        const r = await send(e, {}, `${e.path}?${param}=${encodeURIComponent(credential)}`);
        await assertRefused(r, 'missing', [credential, encodeURIComponent(credential)], `?${param}= -> ${e.method} ${e.path}`);
        assert.equal((await accessEntry(r)).subject.id, e.path, 'the trail has the path only');
      }
    }
  });

  it('nothing of any credential the harness handed out is in the trail', () => {
    const trail = JSON.stringify(h.coordinator.recorded);
    for (const secret of [...Object.values(h.apiKey), ...Object.values(h.token)]) {
      for (const part of [secret, ...secret.split(/[._]/).filter((p) => p.length >= 16)]) assert.ok(!trail.includes(part), `a credential part is in the trail: ${part.slice(0, 10)}…`);
    }
  });
});
