import assert from 'node:assert/strict';
import { createHmac } from 'node:crypto';
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { after, before, describe, it } from 'node:test';
import { exportJWK, generateKeyPair, SignJWT, type CryptoKey, type JWK, type JWTPayload } from 'jose';
import { createJwtVerifier, localIssuer, mintApiToken, type JwtVerifier, type OAuthIssuerOptions } from '../../../src/api/auth/jwt';
import { isAuthError } from '../../../src/api/auth/jwt-errors';
import { apiSigningKeyFromPem, newApiSigningKeyPem } from '../../../src/api/auth/jwt-keys';
import { checkJwksUrl, DEFAULT_OAUTH_ROLE_MAP, mapOAuthRoles } from '../../../src/api/auth/jwt-oauth';
import { OversightError } from '../../../src/core/errors';
import { assertRefused, b64url } from './jwt-support';

const IDP = 'https://idp.example.test/realms/dev';
const AUD = 'mcp-oversight';
const ROLE_MAP = { 'oversight-approvers': 'human_oversight', 'oversight-installers': 'installer', 'oversight-admins': 'admin' } as const;

interface SigningKey {
  privateKey: CryptoKey;
  alg: string;
  kid: string;
  jwk: JWK;
}

async function signingKey(alg: 'RS256' | 'ES256' | 'PS256', kid: string): Promise<SigningKey> {
  const { privateKey, publicKey } = await generateKeyPair(alg);
  return { privateKey, alg, kid, jwk: { ...(await exportJWK(publicKey)), kid, alg, use: 'sig' } };
}

/** A JWKS endpoint on 127.0.0.1 that counts its fetches and can be told to misbehave. */
class JwksServer {
  fetches = 0;
  mode: 'ok' | 'error' | 'hang' | 'not-json' = 'ok';
  private server: Server | undefined;
  constructor(private readonly keys: () => JWK[]) {}

  async start(): Promise<string> {
    this.server = createServer((_req, res) => {
      this.fetches++;
      if (this.mode === 'hang') return; // never answers
      if (this.mode === 'error') return void res.writeHead(500).end('boom');
      res.writeHead(200, { 'content-type': 'application/json' }).end(this.mode === 'not-json' ? '<html>' : JSON.stringify({ keys: this.keys() }));
    });
    await new Promise<void>((resolve) => this.server?.listen(0, '127.0.0.1', resolve));
    return `http://127.0.0.1:${(this.server.address() as AddressInfo).port}/protocol/openid-connect/certs`;
  }

  async stop(): Promise<void> {
    this.server?.closeAllConnections();
    await new Promise<void>((resolve) => this.server?.close(() => resolve()));
  }
}

describe('OAuth access tokens through a JWKS', () => {
  let rsa: SigningKey;
  let ec: SigningKey;
  let rogue: SigningKey;
  let jwks: JwksServer;
  let jwksUrl: string;

  before(async () => {
    [rsa, ec, rogue] = await Promise.all([signingKey('RS256', 'rsa-1'), signingKey('ES256', 'ec-1'), signingKey('RS256', 'rsa-1')]);
    jwks = new JwksServer(() => [rsa.jwk, ec.jwk]);
    jwksUrl = await jwks.start();
  });
  after(() => jwks.stop());

  const oauth = (over: Partial<OAuthIssuerOptions> = {}): OAuthIssuerOptions => ({ issuer: IDP, jwksUrl, audience: AUD, roleMap: { ...ROLE_MAP }, allowHttpJwks: true, ...over });
  const verifier = (over: Partial<OAuthIssuerOptions> = {}): JwtVerifier => createJwtVerifier({ oauth: oauth(over) });

  /** An access token as the provider would issue it; `claims` override (undefined removes a claim). */
  function token(claims: JWTPayload = {}, key: SigningKey = rsa, header: Record<string, unknown> = {}, expiresIn = 300): Promise<string> {
    const now = Math.floor(Date.now() / 1000);
    const payload = { iss: IDP, aud: AUD, sub: 'user-42', iat: now, exp: now + expiresIn, roles: ['oversight-approvers'], name: 'Bob Approver', ...claims };
    return new SignJWT(payload).setProtectedHeader({ alg: key.alg, kid: key.kid, typ: 'at+jwt', ...header }).sign(key.privateKey);
  }

  it('accepts RS256 and ES256 tokens and maps the role', async () => {
    const v = verifier();
    assert.deepEqual(await v.verify(await token()), { id: `oauth:${IDP}#user-42`, label: 'Bob Approver', role: 'human_oversight', via: 'oauth', issuer: IDP, owner: { id: `oauth:${IDP}#user-42`, label: 'Bob Approver', verified: true } });
    assert.equal((await v.verify(await token({ roles: ['oversight-installers'] }, ec))).role, 'installer');
  });

  it('fetches the JWKS once and serves later tokens from its cache', async () => {
    const v = verifier();
    const before = jwks.fetches;
    for (let i = 0; i < 5; i++) await v.verify(await token());
    assert.equal(jwks.fetches - before, 1);
  });

  it('maps roles from the role claim, scope and scp; unmapped values are ignored', async () => {
    const v = verifier({ roleMap: { ...ROLE_MAP, 'oversight.install': 'installer' } });
    const role = async (claims: JWTPayload) => (await v.verify(await token({ roles: undefined, ...claims }))).role;
    assert.equal(await role({ roles: ['everyone', 'oversight-admins'] }), 'admin');
    assert.equal(await role({ scope: 'openid profile oversight.install' }), 'installer');
    assert.equal(await role({ scp: ['oversight.install', 'email'] }), 'installer');
    assert.equal(await role({ scp: 'oversight.install' }), 'installer');
    // The same role from two places is one role.
    assert.equal(await role({ roles: ['oversight-installers'], scope: 'oversight.install' }), 'installer');
    const nested = verifier({ roleClaim: 'realm_access.roles' });
    assert.equal((await nested.verify(await token({ roles: undefined, realm_access: { roles: ['oversight-approvers'] } }))).role, 'human_oversight');
    const namespaced = verifier({ roleClaim: 'https://oversight.example/roles' });
    assert.equal((await namespaced.verify(await token({ roles: undefined, 'https://oversight.example/roles': ['oversight-admins'] }))).role, 'admin');
  });

  it('refuses a token that maps to no role, or to several', async () => {
    const v = verifier();
    await assertRefused(v, await token({ roles: ['everyone'] }), 'no-role');
    await assertRefused(v, await token({ roles: undefined }), 'no-role');
    await assertRefused(v, await token({ roles: 'oversight-approvers-not' }), 'no-role');
    await assertRefused(v, await token({ roles: [{ name: 'oversight-admins' }] }), 'no-role');
    await assertRefused(v, await token({ roles: ['human_oversight', 'admin'] }), 'no-role'); // our own names mean nothing unless mapped
    await assertRefused(v, await token({ roles: ['oversight-installers', 'oversight-approvers'] }), 'ambiguous-role');
    await assertRefused(v, await token({ roles: ['oversight-installers'], scope: 'oversight-admins' }), 'ambiguous-role');
  });

  it('without a roleMap maps only mcp-oversight:<role>, and never prototype keys', async () => {
    const v = verifier({ roleMap: undefined });
    assert.equal((await v.verify(await token({ roles: undefined, scope: 'openid mcp-oversight:compliance' }))).role, 'compliance');
    await assertRefused(v, await token({ roles: ['admin', 'installer'] }), 'no-role');
    await assertRefused(v, await token({ roles: ['__proto__', 'constructor', 'toString', 'hasOwnProperty'] }), 'no-role');
    assert.deepEqual(mapOAuthRoles({ roles: ['constructor'], scope: '__proto__' }, 'roles', DEFAULT_OAUTH_ROLE_MAP), []);
    assert.deepEqual(mapOAuthRoles({ a: { b: ['mcp-oversight:admin'] } }, 'a.b', DEFAULT_OAUTH_ROLE_MAP), ['admin']);
    assert.deepEqual(mapOAuthRoles({ a: { b: ['mcp-oversight:admin'] } }, 'a.__proto__.b', DEFAULT_OAUTH_ROLE_MAP), []);
  });

  it('refuses a kid the JWKS does not hold, and a token signed by another key under a known kid', async () => {
    const v = verifier();
    await assertRefused(v, await token({}, { ...rsa, kid: 'rsa-2' }), 'unknown-key');
    await assertRefused(v, await token({}, rogue), 'bad-signature');
    // No kid: the JWKS has exactly one RSA key for RS256, so jose picks it.
    assert.equal((await v.verify(await token({}, rsa, { kid: undefined }))).id, `oauth:${IDP}#user-42`);
  });

  it('refuses HS256 carrying the kid of the RSA key (signed with its public key as the secret), and alg none', async () => {
    const v = verifier();
    const header = { alg: 'HS256', typ: 'JWT', kid: rsa.kid };
    const payload = { iss: IDP, aud: AUD, sub: 'user-42', roles: ['oversight-admins'], exp: Math.floor(Date.now() / 1000) + 300 };
    const input = `${b64url(header)}.${b64url(payload)}`;
    for (const secret of [JSON.stringify(rsa.jwk), String(rsa.jwk.n), 'secret']) {
      await assertRefused(v, `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`, 'algorithm');
    }
    await assertRefused(v, `${b64url({ alg: 'none' })}.${b64url(payload)}.`, 'algorithm');
  });

  it("refuses the provider's token for another audience, an expired one, one issued in the future, one without exp", async () => {
    const v = verifier();
    await assertRefused(v, await token({ aud: 'another-api' }), 'wrong-audience');
    await assertRefused(v, await token({ aud: undefined }), 'wrong-audience');
    await assertRefused(v, await token({}, rsa, {}, -60), 'expired');
    await assertRefused(v, await token({ iat: Math.floor(Date.now() / 1000) + 3600 }), 'not-yet-valid');
    await assertRefused(v, await token({ exp: undefined }), 'missing-claim');
    assert.equal((await v.verify(await token({ iat: undefined }))).role, 'human_oversight', 'iat is optional for OAuth unless maxTokenAgeSeconds');
    await assertRefused(v, await token({ sub: undefined }), 'missing-claim');
    await assertRefused(createJwtVerifier({ oauth: oauth(), maxTokenAgeSeconds: 60 }), await token({ iat: Math.floor(Date.now() / 1000) - 600 }), 'expired');
  });

  it('reports jwks-unavailable when the JWKS server is down, failing, too slow or not JSON', async () => {
    const down = new JwksServer(() => [rsa.jwk]);
    const downUrl = await down.start();
    await down.stop();
    const t = await token();
    await assertRefused(verifier({ jwksUrl: downUrl }), t, 'jwks-unavailable');
    const flaky = new JwksServer(() => [rsa.jwk]);
    const flakyUrl = await flaky.start();
    try {
      for (const mode of ['error', 'not-json', 'hang'] as const) {
        flaky.mode = mode;
        const e = await assertRefused(verifier({ jwksUrl: flakyUrl, jwks: { timeoutMs: 300 } }), t, 'jwks-unavailable');
        assert.ok(e.cause !== undefined, 'keeps the fetch error for the operator');
      }
      // Back up: a fresh verifier works again.
      flaky.mode = 'ok';
      assert.equal((await verifier({ jwksUrl: flakyUrl }).verify(t)).role, 'human_oversight');
    } finally {
      await flaky.stop();
    }
  });

  it('routes by issuer: local tokens and OAuth tokens side by side, and neither key signs for the other', async () => {
    const key = apiSigningKeyFromPem(newApiSigningKeyPem());
    const issuer = localIssuer(key.kid);
    const v = createJwtVerifier({ local: { publicKey: key.publicKey, issuer }, oauth: oauth() });
    assert.equal((await v.verify(await mintApiToken({ key, issuer, role: 'compliance', subject: 'ci', ttlSeconds: 600 }))).id, 'jwt:ci');
    assert.equal((await v.verify(await token())).via, 'oauth');
    // Our own key, the provider's issuer: the JWKS has no such key.
    await assertRefused(v, await mintApiToken({ key, issuer: IDP, role: 'admin', subject: 'x', ttlSeconds: 600 }), 'unknown-key');
    // The provider's key, our issuer: EdDSA only.
    await assertRefused(v, await token({ iss: issuer, aud: 'mcp-oversight-api', role: 'admin' }), 'algorithm');
    await assertRefused(v, await token({ iss: 'https://other-idp.example' }), 'wrong-issuer');
  });

  it('fails at start-up on an unsafe or unusable configuration', () => {
    assert.throws(() => verifier({ allowHttpJwks: false }), /must use https/);
    assert.throws(() => verifier({ jwksUrl: 'http://idp.example.test/certs' }), /must use https/);
    assert.throws(() => verifier({ jwksUrl: 'file:///etc/passwd' }), /must use https/);
    assert.throws(() => verifier({ jwksUrl: 'not a url' }), /not a URL/);
    assert.throws(() => verifier({ jwksUrl: 'https://user:pw@idp.example.test/certs' }), /credentials/);
    assert.throws(() => verifier({ roleMap: { x: 'root' as never } }), /not a role/);
    assert.throws(() => verifier({ roleMap: {} }), /empty/);
    assert.throws(() => verifier({ audience: '' }), /must not be empty/);
    const key = apiSigningKeyFromPem(newApiSigningKeyPem());
    assert.throws(() => createJwtVerifier({ local: { publicKey: key.publicKey, issuer: IDP }, oauth: oauth() }), /must differ/);
    assert.equal(checkJwksUrl('https://idp.example.test/certs', false).host, 'idp.example.test');
    assert.equal(checkJwksUrl('http://localhost:8080/certs', true).port, '8080');
    assert.equal(checkJwksUrl('http://[::1]:8080/certs', true).hostname, '[::1]');
    assert.throws(() => checkJwksUrl('http://127.0.0.1.nip.io/certs', true), OversightError);
  });

  it('a JWKS key too weak to use (RSA under 2048 bits) is unknown-key, with the reason kept for the operator', async () => {
    const junk = new JwksServer(() => [{ kty: 'RSA', kid: 'rsa-1', alg: 'RS256', n: 'AAAA', e: 'AQAB' }]);
    const junkUrl = await junk.start();
    try {
      const e = await verifier({ jwksUrl: junkUrl })
        .verify(await token())
        .catch((err: unknown) => err);
      assert.ok(isAuthError(e), String(e));
      assert.equal(e.reason, 'unknown-key', `${e.reason} ${String(e.cause)}`);
      assert.match(String(e.cause), /2048 bits/);
    } finally {
      await junk.stop();
    }
  });
});
