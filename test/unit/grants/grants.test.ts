import assert from 'node:assert/strict';
import { generateKeyPairSync } from 'node:crypto';
import { describe, it } from 'node:test';
import { hashCanonical, HASH_TAGS } from '../../../src/core/crypto/hash';
import { OversightError, type ErrorCode } from '../../../src/core/errors';
import {
  generateGrantKeyPair,
  grantSignatureValid,
  parseGrantPrivateKey,
  parseGrantPublicKey,
  privateKeyPem,
  publicKeyPem,
  signGrant,
} from '../../../src/core/grants/grant-crypto';
import { GrantSchema, SignedGrantSchema, type Grant, type SignedGrant } from '../../../src/core/grants/grant-schema';
import { verifyGrant, type GrantExpectation } from '../../../src/core/grants/verify-grant';

const NOW = new Date('2026-06-01T12:00:00Z');
const KEYS = generateGrantKeyPair();
const OTHER = generateGrantKeyPair();
const SUBJECT = hashCanonical(HASH_TAGS.proposal, { proposalId: 'p1', files: [] });
const OTHER_SUBJECT = hashCanonical(HASH_TAGS.proposal, { proposalId: 'p2', files: [] });

function grant(over: Partial<Grant> = {}): Grant {
  return {
    grantId: 'g-1',
    kind: 'remediation',
    subjectHash: SUBJECT,
    targetFile: '/ws/.kilocode/mcp.json',
    baseHash: 'a'.repeat(64),
    approver: { id: 'alice', label: 'Alice', provider: 'github', verified: true },
    decidedAt: '2026-06-01T11:59:00Z',
    expiresAt: '2026-06-01T12:15:00Z',
    ...over,
  };
}

const expectation = (over: Partial<GrantExpectation> = {}): GrantExpectation => ({ publicKey: KEYS.publicKey, kind: 'remediation', subjectHash: SUBJECT, now: NOW, ...over });

/** Asserts that `fn` throws an OversightError with `code` (and a message matching `re`). */
function throwsCode(fn: () => unknown, code: ErrorCode, re?: RegExp): OversightError {
  let caught: unknown;
  try {
    fn();
  } catch (e) {
    caught = e;
  }
  assert.ok(caught instanceof OversightError, `an OversightError; got ${String(caught)}`);
  assert.equal(caught.code, code, caught.message);
  if (re) assert.match(caught.message, re);
  return caught;
}

function flipByte(b64: string, index: number): string {
  const bytes = Buffer.from(b64, 'base64');
  bytes[index] = bytes[index]! ^ 0x01;
  return bytes.toString('base64');
}

describe('grant signatures', () => {
  it('sign then verify round-trips and returns the grant', () => {
    const signed = signGrant(grant(), KEYS.privateKey);
    assert.ok(SignedGrantSchema.safeParse(signed).success, 'a signed grant satisfies its schema');
    assert.equal(grantSignatureValid(signed, KEYS.publicKey), true);
    assert.deepEqual(verifyGrant(signed, expectation()), grant());
  });

  it('survives a JSON round trip with keys in another order (canonical JSON is signed)', () => {
    const signed = signGrant(grant(), KEYS.privateKey);
    const g = signed.grant;
    const reordered = { signature: signed.signature, grant: { expiresAt: g.expiresAt, approver: { verified: true, provider: 'github', label: 'Alice', id: 'alice' }, decidedAt: g.decidedAt, baseHash: g.baseHash, targetFile: g.targetFile, subjectHash: g.subjectHash, kind: g.kind, grantId: g.grantId } };
    assert.deepEqual(verifyGrant(JSON.parse(JSON.stringify(reordered)), expectation()), grant());
  });

  it('Ed25519 signatures are deterministic', () => {
    assert.equal(signGrant(grant(), KEYS.privateKey).signature, signGrant(grant(), KEYS.privateKey).signature);
  });

  it('refuses a forged signature (any flipped byte)', () => {
    const signed = signGrant(grant(), KEYS.privateKey);
    for (const i of [0, 1, 31, 32, 62, 63]) {
      const forged: SignedGrant = { ...signed, signature: flipByte(signed.signature, i) };
      assert.equal(grantSignatureValid(forged, KEYS.publicKey), false, `byte ${i}`);
      throwsCode(() => verifyGrant(forged, expectation()), 'GRANT_INVALID', /signature does not verify/);
    }
  });

  it('refuses a grant whose fields were altered after signing (each field)', () => {
    const signed = signGrant(grant(), KEYS.privateKey);
    const alterations: Record<string, Partial<Grant>> = {
      grantId: { grantId: 'g-2' },
      kind: { kind: 'assessment' },
      subjectHash: { subjectHash: OTHER_SUBJECT },
      targetFile: { targetFile: '/ws/.vscode/mcp.json' },
      baseHash: { baseHash: 'b'.repeat(64) },
      'baseHash null': { baseHash: null },
      'baseHash absent': { baseHash: 'absent' },
      'approver.id': { approver: { ...grant().approver, id: 'mallory' } },
      'approver.label': { approver: { ...grant().approver, label: 'Mallory' } },
      'approver.provider': { approver: { ...grant().approver, provider: 'os-user' } },
      'approver.verified': { approver: { ...grant().approver, verified: false } },
      decidedAt: { decidedAt: '2026-06-01T11:58:00Z' },
      expiresAt: { expiresAt: '2026-06-01T13:00:00Z' },
    };
    for (const [field, change] of Object.entries(alterations)) {
      const altered: SignedGrant = { grant: { ...signed.grant, ...change }, signature: signed.signature };
      assert.equal(grantSignatureValid(altered, KEYS.publicKey), false, field);
      // The signature is checked before kind and subject: every alteration is GRANT_INVALID.
      throwsCode(() => verifyGrant(altered, expectation()), 'GRANT_INVALID', /signature/);
    }
    assert.equal(Object.keys(GrantSchema.shape).every((k) => Object.keys(alterations).some((a) => a.startsWith(k))), true, 'every field of the grant is altered once');
  });

  it('ignores (strips) unknown extra fields: they are not part of what was signed', () => {
    const signed = signGrant(grant(), KEYS.privateKey);
    const padded = { ...signed, extra: 1, grant: { ...signed.grant, scope: 'everything' } };
    const verified = verifyGrant(padded, expectation());
    assert.equal('scope' in verified, false);
  });

  it('refuses a grant signed by another key', () => {
    const signed = signGrant(grant(), OTHER.privateKey);
    assert.equal(grantSignatureValid(signed, KEYS.publicKey), false);
    throwsCode(() => verifyGrant(signed, expectation()), 'GRANT_INVALID', /another coordinator/);
  });

  it('grantSignatureValid is false (does not throw) for a signature of the wrong length', () => {
    const signed = signGrant(grant(), KEYS.privateKey);
    assert.equal(grantSignatureValid({ ...signed, signature: 'AAAA' }, KEYS.publicKey), false);
    assert.equal(grantSignatureValid({ ...signed, signature: '' }, KEYS.publicKey), false);
  });
});

describe('grant keys', () => {
  it('PEM round trip of an Ed25519 pair', () => {
    const pub = parseGrantPublicKey(publicKeyPem(KEYS.publicKey), 'key.pem');
    const priv = parseGrantPrivateKey(privateKeyPem(KEYS.privateKey), 'key.pem');
    const signed = signGrant(grant(), priv);
    assert.deepEqual(verifyGrant(signed, expectation({ publicKey: pub })), grant());
  });

  it('parseGrantPublicKey refuses RSA, EC and X25519 keys (no algorithm confusion)', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    const ec = generateKeyPairSync('ec', { namedCurve: 'P-256' });
    const x = generateKeyPairSync('x25519');
    for (const [type, pair] of [['rsa', rsa], ['ec', ec], ['x25519', x]] as const) {
      const pem = pair.publicKey.export({ type: 'spki', format: 'pem' }).toString();
      const e = throwsCode(() => parseGrantPublicKey(pem, '--grant-key k.pem'), 'usage', /Ed25519 only/);
      assert.match(e.message, new RegExp(`^--grant-key k\\.pem: a ${type} key`));
    }
  });

  it('parseGrantPrivateKey refuses a non-Ed25519 key', () => {
    const rsa = generateKeyPairSync('rsa', { modulusLength: 2048 });
    throwsCode(() => parseGrantPrivateKey(rsa.privateKey.export({ type: 'pkcs8', format: 'pem' }).toString(), 'x'), 'usage', /Ed25519 only/);
  });

  it('refuses text that is not a PEM key, naming where it came from', () => {
    throwsCode(() => parseGrantPublicKey('not a key', 'MCP_OVERSIGHT_GRANT_PUBLIC_KEY'), 'usage', /^MCP_OVERSIGHT_GRANT_PUBLIC_KEY: not a PEM public key/);
    throwsCode(() => parseGrantPrivateKey('', 'k'), 'usage', /not a PEM private key/);
  });
});

describe('verifyGrant', () => {
  const signed = (over: Partial<Grant> = {}) => signGrant(grant(over), KEYS.privateKey);

  it('names the malformed field', () => {
    const s = signed();
    const cases: [unknown, string][] = [
      [undefined, 'grant'],
      ['a string', 'grant'],
      [{ grant: s.grant }, 'grant.signature'],
      [{ ...s, signature: 'short' }, 'grant.signature'],
      [{ ...s, grant: { ...s.grant, subjectHash: 'ABC' } }, 'grant.grant.subjectHash'],
      [{ ...s, grant: { ...s.grant, subjectHash: 'A'.repeat(64) } }, 'grant.grant.subjectHash'],
      [{ ...s, grant: { ...s.grant, kind: 'install' } }, 'grant.grant.kind'],
      [{ ...s, grant: { ...s.grant, baseHash: 'nope' } }, 'grant.grant.baseHash'],
      [{ ...s, grant: { ...s.grant, expiresAt: 'tomorrow' } }, 'grant.grant.expiresAt'],
      [{ ...s, grant: { ...s.grant, decidedAt: undefined } }, 'grant.grant.decidedAt'],
      [{ ...s, grant: { ...s.grant, approver: { ...s.grant.approver, id: '' } } }, 'grant.grant.approver.id'],
      [{ ...s, grant: { ...s.grant, approver: { ...s.grant.approver, verified: 'yes' } } }, 'grant.grant.approver.verified'],
    ];
    for (const [input, field] of cases) {
      const e = throwsCode(() => verifyGrant(input, expectation()), 'GRANT_INVALID', /malformed/);
      assert.equal(e.details['field'], field, `${JSON.stringify(input)?.slice(0, 80)}: ${e.message}`);
      assert.ok(e.message.includes(` at ${field}:`), e.message);
    }
  });

  it('a grant of the other kind is GRANT_MISMATCH', () => {
    throwsCode(() => verifyGrant(signed({ kind: 'assessment' }), expectation()), 'GRANT_MISMATCH', /assessment grant; this action needs a remediation grant/);
    throwsCode(() => verifyGrant(signed(), expectation({ kind: 'assessment' })), 'GRANT_MISMATCH');
  });

  it('a grant for another subject is GRANT_MISMATCH, with both hashes in the details', () => {
    const e = throwsCode(() => verifyGrant(signed(), expectation({ subjectHash: OTHER_SUBJECT })), 'GRANT_MISMATCH', /subject hash differs/);
    assert.deepEqual(e.details, { expected: OTHER_SUBJECT, granted: SUBJECT });
  });

  it('an expired grant is GRANT_EXPIRED (expiry instant included)', () => {
    const e = throwsCode(() => verifyGrant(signed({ expiresAt: '2026-06-01T11:59:59Z' }), expectation()), 'GRANT_EXPIRED', /expired at 2026-06-01T11:59:59Z/);
    assert.deepEqual(e.details, { expiresAt: '2026-06-01T11:59:59Z' });
    throwsCode(() => verifyGrant(signed({ expiresAt: NOW.toISOString() }), expectation()), 'GRANT_EXPIRED');
    assert.ok(verifyGrant(signed({ expiresAt: new Date(NOW.getTime() + 1).toISOString() }), expectation()));
  });

  it('understands offsets in the timestamps', () => {
    // 13:30+02:00 is 11:30Z: expired at NOW (12:00Z).
    throwsCode(() => verifyGrant(signed({ expiresAt: '2026-06-01T13:30:00+02:00' }), expectation()), 'GRANT_EXPIRED');
    assert.ok(verifyGrant(signed({ expiresAt: '2026-06-01T08:30:00-04:00' }), expectation()));
  });

  it('decidedAt in the future beyond the skew is GRANT_INVALID; within the skew it is accepted', () => {
    const at = (ms: number) => new Date(NOW.getTime() + ms).toISOString();
    throwsCode(() => verifyGrant(signed({ decidedAt: at(61_000) }), expectation()), 'GRANT_INVALID', /decided in the future/);
    assert.ok(verifyGrant(signed({ decidedAt: at(59_000) }), expectation()));
    assert.ok(verifyGrant(signed({ decidedAt: at(60_000) }), expectation()), 'exactly the skew is tolerated');
    throwsCode(() => verifyGrant(signed({ decidedAt: at(2_000) }), expectation({ skewMs: 1_000 })), 'GRANT_INVALID');
    assert.ok(verifyGrant(signed({ decidedAt: at(2_000) }), expectation({ skewMs: 5_000 })));
    throwsCode(() => verifyGrant(signed({ decidedAt: at(1) }), expectation({ skewMs: 0 })), 'GRANT_INVALID');
  });

  it('checks cheapest first: a forged grant of the wrong kind is GRANT_INVALID, not GRANT_MISMATCH', () => {
    const s = signed({ kind: 'assessment', expiresAt: '2020-01-01T00:00:00Z' });
    throwsCode(() => verifyGrant({ ...s, signature: flipByte(s.signature, 5) }, expectation()), 'GRANT_INVALID');
    // Valid signature, wrong subject and expired: the mismatch is reported first.
    throwsCode(() => verifyGrant(signed({ subjectHash: OTHER_SUBJECT, expiresAt: '2020-01-01T00:00:00Z' }), expectation()), 'GRANT_MISMATCH');
  });

  it('an assessment grant with no base hash verifies', () => {
    const s = signed({ kind: 'assessment', baseHash: null, targetFile: '/ws' });
    assert.equal(verifyGrant(s, expectation({ kind: 'assessment' })).baseHash, null);
  });
});
