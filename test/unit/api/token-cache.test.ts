import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { createJwtVerifier, localIssuer, mintApiToken } from '../../../src/api/auth/jwt';
import { apiSigningKeyFromPem, newApiSigningKeyPem } from '../../../src/api/auth/jwt-keys';
import { createAuthenticator, type TokenVerifier } from '../../../src/api/authenticator';
import type { Principal } from '../../../src/api/permissions';
import { isOversightError } from '../../../src/core/errors';

/**
 * The authenticator remembers verified tokens (an Ed25519 verification is ~100 µs of CPU a request):
 * never past `exp`, never longer than its maximum age, never a refusal, bounded, and a clock set back
 * verifies again.
 */
const T0 = Date.parse('2026-06-01T12:00:00Z');
const b64 = (v: unknown) => Buffer.from(JSON.stringify(v)).toString('base64url');
const token = (sub: string, exp: number | undefined) => `${b64({ alg: 'EdDSA' })}.${b64({ sub, ...(exp === undefined ? {} : { exp }) })}.c2ln`;

/** A verifier that accepts whatever `accept` says and counts its calls. */
function counting(accept: (t: string) => boolean = () => true) {
  const calls: string[] = [];
  const v: TokenVerifier = {
    async verify(t) {
      calls.push(t);
      if (!accept(t)) throw Object.assign(new Error('no'), { reason: 'bad-signature' });
      return { id: `jwt:${JSON.parse(Buffer.from(t.split('.')[1]!, 'base64url').toString()).sub as string}`, label: 'x', role: 'installer', via: 'jwt' } satisfies Principal;
    },
  };
  return { v, calls };
}

const bearer = (t: string) => ({ authorization: `Bearer ${t}` });

async function reason(p: unknown): Promise<string> {
  try {
    await p;
  } catch (e) {
    assert.ok(isOversightError(e) && e.code === 'UNAUTHENTICATED');
    return String(e.details['reason']);
  }
  assert.fail('accepted');
}

describe('authenticator: verified-token cache', () => {
  it('a token verified once is not verified again within the maximum age; the principal is the same, frozen', async () => {
    let now = T0;
    const { v, calls } = counting();
    const auth = createAuthenticator({ tokens: v, now: () => now });
    const t = token('alice', T0 / 1000 + 3600);
    const a = await auth(bearer(t));
    now += 29_000;
    const b = await auth(bearer(t));
    assert.equal(calls.length, 1);
    assert.equal(a, b);
    assert.ok(Object.isFrozen(a));
    now += 1_000; // 30 s: the default maximum age
    await auth(bearer(t));
    assert.equal(calls.length, 2);
  });

  it('never past exp: a token expiring sooner than the maximum age is verified again at its exp', async () => {
    let now = T0;
    const { v, calls } = counting(() => now < T0 + 10_000);
    const auth = createAuthenticator({ tokens: v, now: () => now });
    const t = token('bob', T0 / 1000 + 10);
    await auth(bearer(t));
    now = T0 + 9_999;
    await auth(bearer(t));
    assert.equal(calls.length, 1);
    now = T0 + 10_000;
    assert.equal(await reason(auth(bearer(t))), 'bad-signature');
    assert.equal(calls.length, 2);
  });

  it('refusals are never remembered; a token without a readable exp is never remembered', async () => {
    let ok = false;
    const { v, calls } = counting(() => ok);
    const auth = createAuthenticator({ tokens: v, now: () => T0 });
    const t = token('carol', T0 / 1000 + 3600);
    await reason(auth(bearer(t)));
    ok = true;
    await auth(bearer(t));
    assert.equal(calls.length, 2);
    const noExp = token('dave', undefined);
    await auth(bearer(noExp));
    await auth(bearer(noExp));
    assert.equal(calls.length, 4);
  });

  it('a clock set back before the verification verifies again', async () => {
    let now = T0;
    const { v, calls } = counting();
    const auth = createAuthenticator({ tokens: v, now: () => now });
    const t = token('erin', T0 / 1000 + 3600);
    await auth(bearer(t));
    now = T0 - 1;
    await auth(bearer(t));
    assert.equal(calls.length, 2);
  });

  it('is bounded: the least recently used token goes first; size 0 turns it off', async () => {
    const { v, calls } = counting();
    const auth = createAuthenticator({ tokens: v, now: () => T0, tokenCacheSize: 2 });
    const [a, b, c] = ['a', 'b', 'c'].map((s) => token(s, T0 / 1000 + 3600)) as [string, string, string];
    await auth(bearer(a));
    await auth(bearer(b));
    await auth(bearer(a)); // a is now the most recently used
    await auth(bearer(c)); // evicts b
    assert.equal(calls.length, 3);
    await auth(bearer(a));
    await auth(bearer(c));
    assert.equal(calls.length, 3);
    await auth(bearer(b));
    assert.equal(calls.length, 4);

    const off = counting();
    const uncached = createAuthenticator({ tokens: off.v, now: () => T0, tokenCacheSize: 0 });
    await uncached(bearer(a));
    await uncached(bearer(a));
    assert.equal(off.calls.length, 2);
  });

  it('with the real verifier: a cached token still stops working at its exp (verified again: expired)', async () => {
    let now = T0;
    const key = apiSigningKeyFromPem(newApiSigningKeyPem());
    const issuer = localIssuer(key.kid);
    const tokens = createJwtVerifier({ local: { publicKey: key.publicKey, issuer }, clockToleranceSeconds: 0, now: () => new Date(now) });
    const auth = createAuthenticator({ tokens, now: () => now, tokenCacheMs: 300_000 });
    const t = await mintApiToken({ key, issuer, role: 'installer', subject: 'frank', ttlSeconds: 60, now: new Date(T0) });
    assert.equal((await auth(bearer(t))).id, 'jwt:frank');
    now = T0 + 59_000;
    assert.equal((await auth(bearer(t))).id, 'jwt:frank');
    now = T0 + 60_000;
    assert.equal(await reason(auth(bearer(t))), 'expired');
  });
});
