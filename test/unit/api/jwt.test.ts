import assert from 'node:assert/strict';
import { createHmac, generateKeyPairSync, sign } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { SignJWT, type JWTPayload } from 'jose';
import {
  API_AUDIENCE,
  createJwtVerifier,
  localIssuer,
  MAX_TOKEN_LENGTH,
  MAX_TTL_SECONDS,
  mintApiToken,
  parseTtl,
  type JwtVerifier,
  type MintApiTokenOptions,
} from '../../../src/api/auth/jwt';
import { AuthError, isAuthError } from '../../../src/api/auth/jwt-errors';
import { apiSigningKeyFromPem, newApiSigningKeyPem, type ApiSigningKey } from '../../../src/api/auth/jwt-keys';
import { OversightError } from '../../../src/core/errors';
import { assertRefused, b64url, compact } from './jwt-support';

const NOW = new Date('2026-06-01T12:00:00Z');
const NOW_S = NOW.getTime() / 1000;
const KEY = apiSigningKeyFromPem(newApiSigningKeyPem());
const OTHER_KEY = apiSigningKeyFromPem(newApiSigningKeyPem());
const ISSUER = localIssuer(KEY.kid);
const PUBLIC_PEM = KEY.publicKey.export({ type: 'spki', format: 'pem' }).toString();

const verifier = (over: { clockToleranceSeconds?: number; maxTokenAgeSeconds?: number; at?: Date } = {}): JwtVerifier =>
  createJwtVerifier({ local: { publicKey: KEY.publicKey, issuer: ISSUER }, now: () => over.at ?? NOW, ...over });

const mint = (over: Partial<MintApiTokenOptions> = {}): Promise<string> =>
  mintApiToken({ key: KEY, issuer: ISSUER, role: 'human_oversight', subject: 'alice', name: 'Alice', ttlSeconds: 3600, now: NOW, ...over });

/** Claims as mintApiToken writes them, for tokens built by hand with our own key. */
const claims = (over: JWTPayload = {}): JWTPayload => ({ iss: ISSUER, aud: API_AUDIENCE, sub: 'alice', role: 'installer', iat: NOW_S, nbf: NOW_S, exp: NOW_S + 3600, jti: 'j1', ...over });

/** Signs arbitrary claims with `key` (ours unless told), header `{alg: EdDSA, typ: JWT, kid}` unless overridden. */
function signWith(payload: JWTPayload, key: ApiSigningKey = KEY, header: Record<string, unknown> = {}): Promise<string> {
  return new SignJWT(payload).setProtectedHeader({ alg: 'EdDSA', typ: 'JWT', kid: key.kid, ...header }).sign(key.privateKey);
}

/** Signs with our key by hand: for headers jose would refuse to produce. */
function signRaw(header: unknown, payload: unknown): string {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${sign(null, Buffer.from(input), KEY.privateKey).toString('base64url')}`;
}

const hs256 = (header: unknown, payload: unknown, secret: string | Buffer): string => {
  const input = `${b64url(header)}.${b64url(payload)}`;
  return `${input}.${createHmac('sha256', secret).update(input).digest('base64url')}`;
};

describe('local API tokens: mint -> verify', () => {
  it('round-trips to the Principal', async () => {
    const token = await mint();
    assert.deepEqual(await verifier().verify(token), { id: 'jwt:alice', label: 'Alice', role: 'human_oversight', via: 'jwt', issuer: ISSUER, owner: { id: 'jwt:alice', label: 'Alice', verified: false } });
  });

  it('carries the signed owner: the person the token acts for, and whether its issuer verified them', async () => {
    const token = await mint({ owner: { id: 'github:42', label: 'Alice A.', verified: true } });
    assert.deepEqual((await verifier().verify(token)).owner, { id: 'github:42', label: 'Alice A.', verified: true });
  });

  it('writes the header and claims the design names', async () => {
    const [h, p] = (await mint({ name: undefined })).split('.') as [string, string];
    assert.deepEqual(JSON.parse(Buffer.from(h, 'base64url').toString()), { alg: 'EdDSA', typ: 'JWT', kid: KEY.kid });
    const payload = JSON.parse(Buffer.from(p, 'base64url').toString()) as Record<string, unknown>;
    assert.deepEqual(Object.keys(payload).sort(), ['aud', 'exp', 'iat', 'iss', 'jti', 'nbf', 'role', 'sub']);
    assert.equal(payload['exp'], NOW_S + 3600);
    assert.equal(payload['nbf'], NOW_S);
    assert.equal(payload['aud'], API_AUDIENCE);
    assert.match(String(payload['jti']), /^[A-Za-z0-9_-]{22}$/);
  });

  it('gives every token its own jti', async () => {
    const jti = async () => (JSON.parse(Buffer.from((await mint()).split('.')[1] as string, 'base64url').toString()) as { jti: string }).jti;
    assert.notEqual(await jti(), await jti());
  });

  it('labels with the subject when there is no name, and cleans a name people will read', async () => {
    const v = verifier();
    assert.equal((await v.verify(await mint({ name: undefined }))).label, 'alice');
    assert.equal((await v.verify(await signWith(claims({ name: '\u202eAl\u200bice\u0007 ' })))).label, 'Alice');
    assert.equal((await v.verify(await signWith(claims({ name: 'x'.repeat(1000) })))).label.length, 256);
    assert.equal((await v.verify(await signWith(claims({ name: '\u0001\u0002' })))).label, 'alice');
  });

  it('accepts every role and a token at the end of its life within the clock tolerance', async () => {
    for (const role of ['installer', 'compliance', 'human_oversight', 'admin'] as const) {
      assert.equal((await verifier().verify(await mint({ role }))).role, role);
    }
    const expiredTenSecondsAgo = await mint({ now: new Date(NOW.getTime() - 3610_000) });
    assert.equal((await verifier().verify(expiredTenSecondsAgo)).role, 'human_oversight');
  });
});

describe('local API tokens: attacks and bad tokens', () => {
  it('refuses alg none (hand-crafted, empty signature) and its case variants', async () => {
    for (const alg of ['none', 'None', 'NONE']) {
      await assertRefused(verifier(), compact({ alg, typ: 'JWT' }, claims({ role: 'admin' })), 'algorithm');
    }
    await assertRefused(verifier(), compact({ alg: 'none' }, claims({ role: 'admin' }), 'AAAA'), 'algorithm');
    // No iss at all: nothing to route by.
    await assertRefused(verifier(), compact({ alg: 'none' }, { sub: 'alice', role: 'admin' }), 'wrong-issuer');
  });

  it('refuses HS256 signed with the Ed25519 public key as the HMAC secret (algorithm confusion)', async () => {
    const payload = claims({ role: 'admin' });
    const header = { alg: 'HS256', typ: 'JWT', kid: KEY.kid };
    await assertRefused(verifier(), hs256(header, payload, PUBLIC_PEM), 'algorithm');
    await assertRefused(verifier(), hs256(header, payload, KEY.publicKey.export({ type: 'spki', format: 'der' })), 'algorithm');
    await assertRefused(verifier(), hs256(header, payload, 'any secret at all'), 'algorithm');
    await assertRefused(verifier(), hs256({ ...header, alg: 'HS512' }, payload, PUBLIC_PEM), 'algorithm');
  });

  it('refuses RS256 and ES256 tokens from other keys, even with our kid', async () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    await assertRefused(verifier(), await new SignJWT(claims({ role: 'admin' })).setProtectedHeader({ alg: 'RS256', typ: 'JWT', kid: KEY.kid }).sign(rsa.privateKey), 'algorithm');
    await assertRefused(verifier(), await new SignJWT(claims({ role: 'admin' })).setProtectedHeader({ alg: 'ES256', typ: 'JWT', kid: KEY.kid }).sign(ec.privateKey), 'algorithm');
  });

  it('refuses a token that embeds its own key (jwk header) or points at one (jku)', async () => {
    const attacker = apiSigningKeyFromPem(newApiSigningKeyPem());
    const jwk = attacker.publicKey.export({ format: 'jwk' });
    await assertRefused(verifier(), await signWith(claims({ role: 'admin' }), attacker, { kid: KEY.kid, jwk }), 'bad-signature');
    await assertRefused(verifier(), await signWith(claims({ role: 'admin' }), attacker, { kid: KEY.kid, jku: 'https://attacker.example/jwks' }), 'bad-signature');
  });

  it('refuses an expired token, and one not valid yet beyond the tolerance (within it: accepted)', async () => {
    await assertRefused(verifier(), await mint({ now: new Date(NOW.getTime() - 3631_000) }), 'expired');
    await assertRefused(verifier(), await mint({ now: new Date(NOW.getTime() - 7200_000) }), 'expired');
    await assertRefused(verifier({ clockToleranceSeconds: 0 }), await mint({ now: new Date(NOW.getTime() - 3600_000) }), 'expired');
    await assertRefused(verifier(), await signWith(claims({ nbf: NOW_S + 31 })), 'not-yet-valid');
    await assertRefused(verifier(), await signWith(claims({ nbf: NOW_S + 3600 })), 'not-yet-valid');
    assert.equal((await verifier().verify(await signWith(claims({ nbf: NOW_S + 25, iat: NOW_S + 25 })))).id, 'jwt:alice');
    // A clock 20 s ahead at the minting end is normal; one that says "issued in an hour" is not.
    await assertRefused(verifier(), await signWith(claims({ iat: NOW_S + 3600, nbf: NOW_S })), 'not-yet-valid');
  });

  it('refuses tokens older than maxTokenAgeSeconds, and any local token whose iat is more than 90 days back', async () => {
    const dayOld = await mint({ now: new Date(NOW.getTime() - 86_400_000), ttlSeconds: 7 * 86_400 });
    assert.equal((await verifier().verify(dayOld)).id, 'jwt:alice');
    await assertRefused(verifier({ maxTokenAgeSeconds: 3600 }), dayOld, 'expired');
    const ancient = await signWith(claims({ iat: NOW_S - MAX_TTL_SECONDS - 3600, nbf: NOW_S - MAX_TTL_SECONDS - 3600, exp: NOW_S + 3600 }));
    await assertRefused(verifier(), ancient, 'expired');
  });

  it('refuses the wrong audience and the wrong issuer', async () => {
    await assertRefused(verifier(), await signWith(claims({ aud: 'some-other-api' })), 'wrong-audience');
    await assertRefused(verifier(), await signWith(claims({ aud: undefined })), 'wrong-audience');
    await assertRefused(verifier(), await signWith(claims({ iss: 'urn:mcp-oversight:elsewhere' })), 'wrong-issuer');
    await assertRefused(verifier(), await mint({ issuer: 'https://evil.example' }), 'wrong-issuer');
    assert.equal((await verifier().verify(await signWith(claims({ aud: ['x', API_AUDIENCE] })))).id, 'jwt:alice');
  });

  it('refuses a token without exp, iat, nbf, sub or jti', async () => {
    for (const claim of ['exp', 'iat', 'nbf', 'sub', 'jti']) {
      await assertRefused(verifier(), await signWith(claims({ [claim]: undefined })), 'missing-claim');
    }
  });

  it('refuses claims of the wrong type and a subject that could not be an id', async () => {
    await assertRefused(verifier(), await signWith(claims({ exp: String(NOW_S + 3600) as unknown as number })), 'malformed');
    await assertRefused(verifier(), await signWith(claims({ sub: '' })), 'malformed');
    await assertRefused(verifier(), await signWith(claims({ sub: 'alice\nadmin' })), 'malformed');
    await assertRefused(verifier(), await signWith(claims({ sub: 'a'.repeat(257) })), 'malformed');
    await assertRefused(verifier(), await signWith(claims(), KEY, { typ: 'at+jwt' }), 'malformed');
    await assertRefused(verifier(), signRaw({ alg: 'EdDSA', typ: 'JWT', kid: KEY.kid, crit: ['x-unknown'], 'x-unknown': 1 }, claims()), 'malformed');
    await assertRefused(verifier(), signRaw({ alg: 'EdDSA', typ: 'JWT', kid: KEY.kid, crit: ['b64'], b64: false }, claims()), 'malformed');
  });

  it('refuses a tampered payload (role flipped to admin, signature kept)', async () => {
    const [h, , s] = (await mint({ role: 'installer' })).split('.') as [string, string, string];
    const forged = `${h}.${b64url(claims({ role: 'admin' }))}.${s}`;
    await assertRefused(verifier(), forged, 'bad-signature');
    const [, p] = (await mint()).split('.') as [string, string];
    await assertRefused(verifier(), `${h}.${p}.${s.slice(0, -2)}${s.endsWith('AA') ? 'AB' : 'AA'}`, 'bad-signature');
  });

  it("refuses a token signed with another workspace's key", async () => {
    // Its own issuer: refused before any signature is checked.
    await assertRefused(verifier(), await mintApiToken({ key: OTHER_KEY, issuer: localIssuer(OTHER_KEY.kid), role: 'admin', subject: 'alice', ttlSeconds: 3600, now: NOW }), 'wrong-issuer');
    // Our issuer, its kid.
    await assertRefused(verifier(), await mintApiToken({ key: OTHER_KEY, issuer: ISSUER, role: 'admin', subject: 'alice', ttlSeconds: 3600, now: NOW }), 'unknown-key');
    // Our issuer and our kid, its signature.
    await assertRefused(verifier(), await signWith(claims({ role: 'admin' }), OTHER_KEY, { kid: KEY.kid }), 'bad-signature');
    await assertRefused(verifier(), await signWith(claims({ role: 'admin' }), KEY, { kid: undefined }), 'unknown-key');
  });

  it('refuses a role that is not ours, or none', async () => {
    for (const role of ['root', 'Admin', '', ['admin'], 1, null, undefined, '__proto__']) {
      await assertRefused(verifier(), await signWith(claims({ role })), 'no-role');
    }
  });

  it('refuses an oversize token without parsing it, and garbage shapes', async () => {
    const big = await signWith(claims({ name: 'x'.repeat(MAX_TOKEN_LENGTH) }));
    await assertRefused(verifier(), big, 'malformed');
    await assertRefused(verifier(), `${'a'.repeat(MAX_TOKEN_LENGTH)}.b.c`, 'malformed');
    for (const t of ['', 'abc', 'a.b', 'a.b.c.d', 'a..c', '.b.c', 'Bearer x.y.z', 'a.b.c ', '!!.b.c', compact('x', claims()), `${b64url('{')}.${b64url(claims())}.`]) {
      await assertRefused(verifier(), t, 'malformed');
    }
    await assertRefused(verifier(), compact({ typ: 'JWT' }, claims()), 'malformed');
    await assertRefused(verifier(), compact({ alg: 'EdDSA' }, 'not an object'), 'malformed');
    // Not a string at all (a caller's bug, or a JSON body): still an AuthError, never a TypeError.
    await assertRefused(verifier(), 42 as unknown as string, 'malformed');
  });

  it('fast-check: random strings and random signed-looking tokens never verify and throw only AuthError', async () => {
    const v = verifier();
    const onlyAuthErrors = async (token: string) => {
      try {
        await v.verify(token);
        return false;
      } catch (e) {
        return isAuthError(e);
      }
    };
    await fc.assert(fc.asyncProperty(fc.string({ maxLength: 300 }), onlyAuthErrors), { numRuns: 300 });
    const b64 = fc.stringMatching(/^[A-Za-z0-9_-]{0,80}$/);
    await fc.assert(fc.asyncProperty(b64, b64, b64, async (a, b, c) => onlyAuthErrors(`${a}.${b}.${c}`)), { numRuns: 300 });
    const json = fc.jsonValue({ maxDepth: 2 });
    await fc.assert(
      fc.asyncProperty(json, json, b64, async (header, extra, sig) => {
        const h = typeof header === 'object' && header !== null && !Array.isArray(header) ? { alg: 'EdDSA', kid: KEY.kid, typ: 'JWT', ...header } : header;
        const p = typeof extra === 'object' && extra !== null && !Array.isArray(extra) ? { ...claims({ role: 'admin' }), ...extra } : extra;
        return onlyAuthErrors(compact(h, p, sig));
      }),
      { numRuns: 300 },
    );
  });
});

describe('minting rules', () => {
  const usage = async (over: Partial<MintApiTokenOptions>, re: RegExp) => {
    await assert.rejects(mint(over), (e: unknown) => e instanceof OversightError && e.code === 'usage' && re.test(e.message));
  };

  it('bounds the lifetime to 60 s .. 90 days', async () => {
    await usage({ ttlSeconds: 59 }, /between 60 seconds and 90 days/);
    await usage({ ttlSeconds: MAX_TTL_SECONDS + 1 }, /between 60 seconds and 90 days/);
    await usage({ ttlSeconds: 3600.5 }, /lifetime/);
    await usage({ ttlSeconds: Number.NaN }, /no number/);
    assert.ok(await mint({ ttlSeconds: 60 }));
    assert.ok(await mint({ ttlSeconds: MAX_TTL_SECONDS }));
  });

  it('refuses an unknown role, an empty or control-character subject, and a non-Ed25519 key', async () => {
    await usage({ role: 'root' as never }, /not a role/);
    await usage({ subject: '' }, /subject/);
    await usage({ subject: 'a\u0000b' }, /subject/);
    await usage({ name: 'x\ny' }, /name/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    await usage({ key: { ...KEY, privateKey: rsa.privateKey } }, /Ed25519/);
  });
});

describe('parseTtl and localIssuer', () => {
  it('parses seconds and s/m/h/d/w', () => {
    assert.equal(parseTtl('3600'), 3600);
    assert.equal(parseTtl('90s'), 90);
    assert.equal(parseTtl('15m'), 900);
    assert.equal(parseTtl('12h'), 43_200);
    assert.equal(parseTtl(' 7d '), 604_800);
    assert.equal(parseTtl('2W'), 1_209_600);
    assert.equal(parseTtl('90d'), MAX_TTL_SECONDS);
  });

  it('explains what it wants, and enforces the bounds', () => {
    for (const bad of ['', 'h', '1.5h', '-5m', '1y', '10 m', '1e3', 'PT1H', '12hours']) {
      assert.throws(() => parseTtl(bad), (e: unknown) => e instanceof OversightError && e.code === 'usage' && /not a duration.*15m/.test(e.message), bad);
    }
    assert.throws(() => parseTtl('59'), /between 60 seconds and 90 days/);
    assert.throws(() => parseTtl('91d'), /between 60 seconds and 90 days/);
    assert.throws(() => parseTtl('9'.repeat(40)), (e: unknown) => e instanceof OversightError && e.message.length < 200);
  });

  it('builds a URN from a plain id and refuses anything else', () => {
    assert.equal(localIssuer(KEY.kid), `urn:mcp-oversight:${KEY.kid}`);
    for (const bad of ['', 'a b', 'a/b', 'x'.repeat(129), 'ä']) assert.throws(() => localIssuer(bad), OversightError);
  });
});

describe('verifier configuration', () => {
  it('needs at least one issuer and a sane clock tolerance', () => {
    assert.throws(() => createJwtVerifier({}), /local key, an OAuth issuer/);
    assert.throws(() => createJwtVerifier({ local: { publicKey: KEY.publicKey, issuer: ISSUER }, clockToleranceSeconds: 3600 }), /clockToleranceSeconds/);
    assert.throws(() => createJwtVerifier({ local: { publicKey: KEY.publicKey, issuer: ISSUER }, clockToleranceSeconds: -1 }), /clockToleranceSeconds/);
    assert.throws(() => createJwtVerifier({ local: { publicKey: KEY.privateKey, issuer: ISSUER } }), /public key/);
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    assert.throws(() => createJwtVerifier({ local: { publicKey: rsa.publicKey, issuer: ISSUER } }), /Ed25519/);
  });

  it('AuthError messages are fixed per reason', () => {
    const e = new AuthError('expired');
    assert.equal(e.message, 'The token has expired.');
    assert.ok(isAuthError(e));
    assert.ok(!isAuthError(new Error('expired')));
  });
});
