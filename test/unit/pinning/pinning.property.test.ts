/** Properties of pinning over arbitrary tool definitions: order-independent hashes, a lock text that round-trips byte for byte. */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { compareWithLock, lockFileText, parseLockFile, pinHits, pinTools, toolDefinitionHash } from '../../../src/core/pinning';

/** The same JSON value with every object's keys in another (seeded) order. */
function shuffled(value: unknown, seed: number): unknown {
  if (Array.isArray(value)) return value.map((v, i) => shuffled(v, seed + i));
  if (value === null || typeof value !== 'object') return value;
  const entries = Object.entries(value);
  entries.sort((a, b) => ((hash(a[0]) ^ seed) % 97) - ((hash(b[0]) ^ seed) % 97));
  const out: Record<string, unknown> = {};
  for (const [k, v] of entries) Object.defineProperty(out, k, { value: shuffled(v, seed * 31 + 7), enumerable: true, writable: true, configurable: true });
  return out;
}
function hash(s: string): number {
  let h = 7;
  for (let i = 0; i < s.length; i++) h = (h * 31 + s.charCodeAt(i)) >>> 0;
  return h;
}

const schema = fc.dictionary(fc.string({ maxLength: 6 }), fc.jsonValue({ maxDepth: 3 }), { maxKeys: 5 });
const tool = fc.record({ name: fc.string({ minLength: 1, maxLength: 10 }), description: fc.option(fc.string({ unit: 'binary', maxLength: 30 }), { nil: undefined }), inputSchema: schema, annotations: fc.option(schema, { nil: undefined }) });

describe('pinning: properties', () => {
  it('the hash does not depend on key order', () => {
    fc.assert(
      fc.property(tool, fc.integer({ min: 1, max: 1_000 }), (t, seed) => {
        const other = { ...t, inputSchema: shuffled(t.inputSchema, seed) as Record<string, unknown>, annotations: t.annotations === undefined ? undefined : (shuffled(t.annotations, seed + 1) as Record<string, unknown>) };
        assert.equal(toolDefinitionHash(other), toolDefinitionHash(t));
      }),
      { seed: 11, numRuns: 300 },
    );
  });

  it('pin, write, read, write: the same bytes, and nothing reported against the tools pinned', () => {
    fc.assert(
      fc.property(fc.array(tool, { maxLength: 6 }), (tools) => {
        const probe = { serverId: 'f#s', serverName: 's', tools };
        const text = lockFileText(pinTools(undefined, [probe], new Date('2026-01-01T00:00:00Z')));
        const parsed = parseLockFile(text, 'lock.json');
        assert.ok(parsed.ok, JSON.stringify(parsed));
        if (!parsed.ok) return;
        assert.equal(lockFileText(parsed.lock), text);
        assert.deepEqual(pinHits(compareWithLock(parsed.lock, [probe])), []);
      }),
      { seed: 12, numRuns: 300 },
    );
  });

  it('any text: parseLockFile answers, never throws', () => {
    fc.assert(
      fc.property(fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.jsonValue({ maxDepth: 4 }).map((v) => JSON.stringify(v))), (text) => {
        const r = parseLockFile(text, 'lock.json');
        if (!r.ok) for (const e of r.errors) assert.ok(e.file === 'lock.json' && e.message !== '' && e.fix !== '');
      }),
      { seed: 13, numRuns: 500 },
    );
  });
});
