import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { AuditEntryEncoder } from '../../../src/core/audit/audit-encoder';
import { AUDIT_KINDS, AuditEntrySchema, AuditInputSchema, GENESIS_HASH, type AuditInput } from '../../../src/core/audit/audit-entry';
import { AUDIT_MAX_LINE_BYTES, encodeAuditLine, parseAuditLine } from '../../../src/core/audit/audit-line';
import { redactForAudit } from '../../../src/core/audit/audit-redact';
import { isOversightError } from '../../../src/core/errors';
import { HMAC_KEY } from './helpers';

/** What the log did before the encoder (and what the encoder must still do): parse, redact, encode. */
function reference(input: unknown, seq: number, ts: string, prevHash: string): { line: string } | { error: string } {
  const parsed = AuditInputSchema.safeParse(input);
  if (!parsed.success) return { error: 'schema' };
  try {
    // The payload as given (the schema only checks it is a record; its copy would drop a `__proto__` key).
    const safe = redactForAudit({ actor: parsed.data.actor, subject: parsed.data.subject, payload: (input as AuditInput).payload }, HMAC_KEY);
    // Redaction can lengthen a field past what a reader accepts: cut back after it.
    const a = safe.actor;
    const actor = { id: a.id.slice(0, 256), label: a.label.slice(0, 256), provider: a.provider.slice(0, 64), verified: a.verified };
    const subject = { ...safe.subject, id: safe.subject.id.slice(0, 256), ...(safe.subject.server === undefined ? {} : { server: safe.subject.server.slice(0, 256) }) };
    const { line } = encodeAuditLine({ actor, subject, payload: safe.payload, kind: parsed.data.kind, seq, ts, prevHash });
    return Buffer.byteLength(line) > AUDIT_MAX_LINE_BYTES ? { error: 'value' } : { line };
  } catch {
    return { error: 'value' };
  }
}

function encoded(enc: AuditEntryEncoder, input: unknown, seq: number, ts: string, prevHash: string): { line: string } | { error: string } {
  try {
    const r = enc.encode(input as AuditInput, seq, ts, prevHash);
    const text = r.bytes.toString('utf8');
    assert.ok(text.endsWith('\n') && !text.slice(0, -1).includes('\n'), 'one line, ended by its newline');
    const line = text.slice(0, -1);
    assert.equal(r.bytes.length, Buffer.byteLength(line) + 1, 'the bytes are the line as UTF-8');
    // What append resolves with is what a reader parses back from the line.
    assert.deepEqual(parseAuditLine(line, 'test'), AuditEntrySchema.parse(JSON.parse(JSON.stringify(r.entry))));
    return { line };
  } catch (e) {
    assert.ok(isOversightError(e) && e.code === 'usage', `a usage error, not ${String(e)}`);
    assert.match(e.message, /^audit entry rejected: /);
    return { error: /^audit entry rejected: (actor|kind|subject|payload)\b/.test(e.message) ? 'schema' : 'value' };
  }
}

const secretish = fc.constantFrom('ghp_' + 'a1B2'.repeat(9), 'sk-proj-' + 'x9'.repeat(20), 'Bearer abc', 'hunter2');
// 'xoxb-…' x 16 is 256 characters that redaction lengthens to 352.
const text = fc.oneof(fc.string({ maxLength: 12 }), secretish, fc.constantFrom('', 'GET', '/api/v1/status/assessment', 'a'.repeat(300), '/xoxb-1234567890'.repeat(16), 'ghp_' + 'a1B2'.repeat(9) + 'x'.repeat(200)));
const actor = fc.oneof(
  fc.record({ id: text, label: text, provider: fc.constantFrom('github', 'api', 'os-user', ''), verified: fc.boolean() }),
  // Not an actor: wrong types, a missing field, extra keys (stripped, as the schema does).
  fc.record({ id: fc.oneof(text, fc.integer()), label: text, provider: text, verified: fc.oneof(fc.boolean(), fc.constant('yes')) }, { requiredKeys: ['id', 'label'] }),
  fc.record({ id: text, label: text, provider: fc.constant('github'), verified: fc.boolean(), extra: text }),
);
const subject = fc.oneof(
  fc.record({ type: fc.constantFrom('api', 'approval', 'server'), id: text, server: text }, { requiredKeys: ['type', 'id'] }),
  fc.record({ type: fc.constantFrom('api', 'nope'), id: text, extra: text }),
);
const payloadKey = fc.oneof(fc.string({ maxLength: 6 }), fc.constantFrom('env', 'headers', 'token', 'authorization', 'args', 'apiKey', '10', '2', '__proto__'));
const payload = fc.oneof(
  fc.dictionary(payloadKey, fc.oneof(fc.jsonValue({ maxDepth: 3 }), text, fc.array(text, { maxLength: 4 })), { maxKeys: 6 }),
  fc.constantFrom([], 'text', null, new Date(0), { when: new Date(0) }, { n: Number.NaN }, { big: 'x'.repeat(300 * 1024) }),
);
const input = fc.record({ actor, kind: fc.oneof(fc.constantFrom(...AUDIT_KINDS), fc.constant('nope')), subject, payload });

describe('AuditEntryEncoder', () => {
  it('writes exactly the bytes of schema parse + redaction + encodeAuditLine, and refuses what they refuse', () => {
    // One encoder across all runs, and inputs drawn from few values: its caches are hit, missed and cleared.
    const enc = new AuditEntryEncoder(HMAC_KEY, 8);
    let seq = 0;
    fc.assert(
      fc.property(fc.array(input, { minLength: 1, maxLength: 6 }), (inputs) => {
        for (const i of inputs) {
          seq++;
          const ts = new Date(1_767_225_600_000 + seq).toISOString();
          assert.deepEqual(encoded(enc, i, seq, ts, GENESIS_HASH), reference(i, seq, ts, GENESIS_HASH));
        }
      }),
      { seed: 42, numRuns: 400 },
    );
  });

  it('a flat payload whose values repeat (kept clean per key) writes the same bytes, and never a secret, whatever came before', () => {
    // Few keys and values, one encoder: each key's last clean value is hit, missed, and followed by a token.
    const TOKEN = 'ghp_' + 'Zq8rT2vW9xY4bN6mK1pL3sD5fG7hJ0aQ2wE4';
    const enc = new AuditEntryEncoder(HMAC_KEY);
    const actor = { id: 'a', label: 'A', provider: 'api', verified: false };
    const flat = fc.record({ ip: fc.constantFrom('127.0.0.1', TOKEN, `x ${TOKEN}`, 'GET'), method: fc.constantFrom('GET', TOKEN), n: fc.integer({ min: -2, max: 2 }) });
    let seq = 0;
    fc.assert(
      fc.property(fc.array(flat, { minLength: 1, maxLength: 8 }), (payloads) => {
        for (const payload of payloads) {
          seq++;
          const i = { actor, kind: 'api.access', subject: { type: 'api', id: '/x' }, payload };
          const ts = new Date(1_767_225_600_000 + seq).toISOString();
          const got = encoded(enc, i, seq, ts, GENESIS_HASH);
          assert.deepEqual(got, reference(i, seq, ts, GENESIS_HASH));
          assert.ok('line' in got && !got.line.includes(TOKEN), 'a token reached the line');
        }
      }),
      { seed: 7, numRuns: 300 },
    );
  });

  it('a flat payload written straight into its buffer matches the reference for any width of character and any size, before and after the buffer grows', () => {
    // The direct path takes ASCII that fits its buffer; anything else falls back to the string path.
    const enc = new AuditEntryEncoder(HMAC_KEY);
    const actor = { id: 'a', label: 'A', provider: 'api', verified: false };
    const values = ['plain', 'caf\u00e9', '\u{1F600} smile', 'lone \ud800 surrogate', 'quote " and \\ and \n', 'x'.repeat(10_000), 'y'.repeat(20_000), `${'z'.repeat(15_000)}\u00e9`, 'ok again'];
    let seq = 0;
    fc.assert(
      fc.property(fc.array(fc.constantFrom(...values), { minLength: 1, maxLength: 4 }), fc.integer({ min: -5, max: 1e9 }), (texts, n) => {
        seq++;
        const payload = { a: texts[0], b: n, c: texts[texts.length - 1], d: true };
        const i = { actor, kind: 'api.access', subject: { type: 'api', id: '/x' }, payload };
        const ts = new Date(1_767_225_600_000 + seq).toISOString();
        assert.deepEqual(encoded(enc, i, seq, ts, GENESIS_HASH), reference(i, seq, ts, GENESIS_HASH));
      }),
      { seed: 11, numRuns: 200 },
    );
  });

  it('never records one actor or subject in place of another that serialises alike', () => {
    const enc = new AuditEntryEncoder(HMAC_KEY);
    const at = '2026-01-01T00:00:00.000Z';
    const a = enc.encode({ actor: { id: 'a"b', label: 'x', provider: 'api', verified: true }, kind: 'api.access', subject: { type: 'api', id: '/p' }, payload: {} }, 1, at, GENESIS_HASH);
    const b = enc.encode({ actor: { id: 'a', label: 'b"x', provider: 'api', verified: true }, kind: 'api.access', subject: { type: 'api', id: '/p', server: 's' }, payload: {} }, 2, at, GENESIS_HASH);
    assert.deepEqual([a.entry.actor.id, b.entry.actor.id], ['a"b', 'a']);
    assert.deepEqual([a.entry.subject.server, b.entry.subject.server], [undefined, 's']);
    // A cached subject is not reused for one with an extra key: the strict schema refuses that one.
    assert.throws(() => enc.encode({ actor: a.entry.actor, kind: 'api.access', subject: { type: 'api', id: '/p', x: 1 } as never, payload: {} }, 3, at, GENESIS_HASH), /audit entry rejected: subject/);
  });

  it('a warm cache refuses what the schema refuses, and a getter cannot record one actor under another', () => {
    const enc = new AuditEntryEncoder(HMAC_KEY);
    const at = '2026-01-01T00:00:00.000Z';
    const alice = { id: 'alice', label: 'Alice', provider: 'github', verified: true };
    const subject = { type: 'api' as const, id: '/p' };
    enc.encode({ actor: alice, kind: 'api.access', subject, payload: {} }, 1, at, GENESIS_HASH);
    const refused = (input: unknown, field: RegExp) => assert.throws(() => enc.encode(input as AuditInput, 2, at, GENESIS_HASH), (e: unknown) => isOversightError(e) && e.code === 'usage' && field.test(e.message));
    refused({ actor: { ...alice, id: new String('alice') }, kind: 'api.access', subject, payload: {} }, /rejected: actor\.id/);
    refused({ actor: { ...alice, id: 10n }, kind: 'api.access', subject, payload: {} }, /rejected: actor\.id/);
    refused({ actor: alice, kind: 'api.access', subject: { ...subject, server: null }, payload: {} }, /rejected: subject\.server/);
    refused({ actor: alice, kind: 'api.access', subject: Object.assign(['x'], { type: 'api', id: '/p' }), payload: {} }, /rejected: subject/);
    refused({ actor: alice, kind: 'api.access', subject, payload: { [Symbol('s')]: 1 } }, /rejected: payload/);
    // An id getter answering 'alice' then 'mallory': whatever is cached is cached under what was validated.
    let reads = 0;
    const shifty = Object.defineProperty({ label: 'Alice', provider: 'github', verified: true }, 'id', { enumerable: true, get: () => (reads++ === 0 ? 'alice2' : 'mallory') });
    enc.encode({ actor: shifty as never, kind: 'api.access', subject, payload: {} }, 2, at, GENESIS_HASH);
    const honest = enc.encode({ actor: { ...alice, id: 'alice2' }, kind: 'api.access', subject, payload: {} }, 3, at, GENESIS_HASH);
    assert.equal(honest.entry.actor.id, 'alice2');
  });

  it('a subject that redaction lengthens is cut back to what readers accept, after redaction (no part of a secret kept)', () => {
    const enc = new AuditEntryEncoder(HMAC_KEY);
    const path = '/xoxb-1234567890'.repeat(16);
    const r = enc.encode({ actor: { id: 'anonymous', label: 'x', provider: 'api', verified: false }, kind: 'api.access', subject: { type: 'api', id: path }, payload: {} }, 1, '2026-01-01T00:00:00.000Z', GENESIS_HASH);
    assert.equal(r.entry.subject.id.length, 256);
    assert.doesNotMatch(r.entry.subject.id, /xoxb-1/);
    assert.equal(parseAuditLine(r.bytes.toString('utf8').slice(0, -1), 'test').subject.id, r.entry.subject.id, 'a reader accepts the line');
  });

  it('knows a frozen actor or subject by identity only when it is plain: a field from another prototype is read again', () => {
    const enc = new AuditEntryEncoder(HMAC_KEY);
    let provider = 'github';
    const base = Object.freeze({
      get provider() {
        return provider;
      },
    });
    const actor = Object.freeze(Object.assign(Object.create(base) as object, { id: 'u1', label: 'User 1', verified: false }));
    const payload = { n: 1 };
    const first = enc.encode({ actor, kind: 'server.health', subject: { type: 'server', id: 's' }, payload } as unknown as AuditInput, 1, '2026-01-01T00:00:00.000Z', GENESIS_HASH);
    provider = 'changed';
    const second = enc.encode({ actor, kind: 'server.health', subject: { type: 'server', id: 's' }, payload } as unknown as AuditInput, 2, '2026-01-01T00:00:00.000Z', first.entry.hash);
    assert.equal(first.entry.actor.provider, 'github');
    assert.equal(second.entry.actor.provider, 'changed');
    // A frozen plain actor is its own key: found again, the same frozen copy.
    const plain = Object.freeze({ id: 'u2', label: 'User 2', provider: 'local', verified: true });
    const a = enc.encode({ actor: plain, kind: 'server.health', subject: { type: 'server', id: 's' }, payload }, 3, '2026-01-01T00:00:00.000Z', GENESIS_HASH);
    const b = enc.encode({ actor: plain, kind: 'server.health', subject: { type: 'server', id: 's' }, payload }, 4, '2026-01-01T00:00:00.000Z', GENESIS_HASH);
    assert.equal(a.entry.actor, b.entry.actor);
  });

  it('shares one frozen copy of a repeated actor, so no caller can change an entry written before', () => {
    const enc = new AuditEntryEncoder(HMAC_KEY);
    const actor = { id: 'key_1', label: 'ci', provider: 'api', verified: false };
    const one = enc.encode({ actor, kind: 'api.access', subject: { type: 'api', id: '/p' }, payload: { n: 1 } }, 1, '2026-01-01T00:00:00.000Z', GENESIS_HASH);
    actor.label = 'changed by the caller';
    const two = enc.encode({ actor: { ...actor, label: 'ci' }, kind: 'api.access', subject: { type: 'api', id: '/p' }, payload: { n: 2 } }, 2, '2026-01-01T00:00:00.000Z', one.entry.hash);
    assert.equal(one.entry.actor, two.entry.actor);
    assert.ok(Object.isFrozen(one.entry.actor) && Object.isFrozen(one.entry.subject));
    assert.equal(one.entry.actor.label, 'ci');
  });

  it('takes a line of exactly the size limit and refuses one byte more, whatever the width of its characters in UTF-8', () => {
    const enc = new AuditEntryEncoder(HMAC_KEY);
    const actor = { id: 'ci', label: 'ci', provider: 'local', verified: false };
    const at = (filler: string) => ({ actor, kind: 'api.access', subject: { type: 'api', id: '/x' }, payload: { note: filler } });
    const ts = '2026-01-01T00:00:00.000Z';
    const base = Buffer.byteLength((reference(at(''), 1, ts, GENESIS_HASH) as { line: string }).line);
    for (const ch of ['x', 'é', '€', '😀']) {
      const width = Buffer.byteLength(ch);
      const fits = Math.floor((AUDIT_MAX_LINE_BYTES - base) / width);
      for (const n of [fits - 1, fits, fits + 1]) {
        const filler = 'x'.repeat(AUDIT_MAX_LINE_BYTES - base - fits * width) + ch.repeat(n);
        const want = reference(at(filler), 1, ts, GENESIS_HASH);
        assert.deepEqual(encoded(enc, at(filler), 1, ts, GENESIS_HASH), want, `${n} × ${ch}`);
        assert.equal('line' in want, n <= fits, `${n} × ${ch}: ${'line' in want ? 'taken' : 'refused'}`);
      }
    }
  });

  it('chains on any prevHash it is given, not only the hash it made last', () => {
    const enc = new AuditEntryEncoder(HMAC_KEY);
    const input = { actor: { id: 'ci', label: 'ci', provider: 'local', verified: false }, kind: 'api.access', subject: { type: 'api', id: '/x' }, payload: { n: 1 } };
    const ts = '2026-01-01T00:00:00.000Z';
    const first = enc.encode(input as AuditInput, 1, ts, GENESIS_HASH);
    for (const [seq, prev] of [[2, first.entry.hash], [3, GENESIS_HASH], [4, first.entry.hash], [5, 'f'.repeat(64)], [6, first.entry.hash]] as const) {
      assert.deepEqual(encoded(enc, input, seq, ts, prev), reference(input, seq, ts, prev), `seq ${seq}`);
    }
    // Values a reader would refuse still get their own JSON (the encoder's caches never pair a value with another's).
    const raw = (t: string, prev: string) => enc.encode(input as AuditInput, 9, t, prev).bytes.toString('utf8');
    for (const [t, prev] of [[ts, 'needs "escaping" \\ \u2028'], ['a "quoted" ts', first.entry.hash], [ts, first.entry.hash], ['a "quoted" ts', 'x"']] as const) {
      assert.equal(raw(t, prev), `${(reference(input, 9, t, prev) as { line: string }).line}\n`, `${t} / ${prev}`);
    }
  });
});
