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
    const { line } = encodeAuditLine({ ...safe, kind: parsed.data.kind, seq, ts, prevHash });
    return Buffer.byteLength(line) > AUDIT_MAX_LINE_BYTES ? { error: 'value' } : { line };
  } catch {
    return { error: 'value' };
  }
}

function encoded(enc: AuditEntryEncoder, input: unknown, seq: number, ts: string, prevHash: string): { line: string } | { error: string } {
  try {
    const r = enc.encode(input as AuditInput, seq, ts, prevHash);
    assert.equal(r.bytes, Buffer.byteLength(r.line));
    // What append resolves with is what a reader parses back from the line.
    assert.deepEqual(parseAuditLine(r.line, 'test'), AuditEntrySchema.parse(JSON.parse(JSON.stringify(r.entry))));
    return { line: r.line };
  } catch (e) {
    assert.ok(isOversightError(e) && e.code === 'usage', `a usage error, not ${String(e)}`);
    assert.match(e.message, /^audit entry rejected: /);
    return { error: /^audit entry rejected: (actor|kind|subject|payload)\b/.test(e.message) ? 'schema' : 'value' };
  }
}

const secretish = fc.constantFrom('ghp_' + 'a1B2'.repeat(9), 'sk-proj-' + 'x9'.repeat(20), 'Bearer abc', 'hunter2');
const text = fc.oneof(fc.string({ maxLength: 12 }), secretish, fc.constantFrom('', 'GET', '/api/v1/status/assessment', 'a'.repeat(300)));
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
});
