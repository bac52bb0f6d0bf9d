import assert from 'node:assert/strict';
import { createHash } from 'node:crypto';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { parseAuditCommand, parseTime } from '../../../src/cli/audit-options';
import { signCheckpoint, encodeCheckpointLine } from '../../../src/core/audit/audit-checkpoint';
import { GENESIS_HASH, type AuditEntry, type AuditEntryBody } from '../../../src/core/audit/audit-entry';
import { csvCell, renderAuditCsv, renderAuditJson } from '../../../src/core/audit/audit-export';
import { auditLineTimestamp, encodeAuditLine, parseAuditLine } from '../../../src/core/audit/audit-line';
import { redactForAudit } from '../../../src/core/audit/audit-redact';
import { renderAuditMarkdown } from '../../../src/core/audit/audit-report-md';
import { LineHasher, scanSegment, type LineFields } from '../../../src/core/audit/audit-scan';
import { verifyAuditSegments } from '../../../src/core/audit/audit-verify';
import { canonicalJson } from '../../../src/core/crypto/canonical-json';
import { generateGrantKeyPair } from '../../../src/core/grants/grant-crypto';
import { isOversightError } from '../../../src/core/errors';
import { ALICE, HMAC_KEY, KEYS } from './helpers';

const TOKEN = 'ghp_' + 'Zq8rT2vW9xY4bN6mK1pL3sD5fG7hJ0aQ2wE4';

function body(seq: number, payload: Record<string, unknown>, prevHash = GENESIS_HASH): AuditEntryBody {
  return { actor: ALICE, kind: 'approval.decided', subject: { type: 'approval', id: `ap-${seq}`, server: 'github' }, payload, seq, prevHash, ts: '2026-03-01T10:00:00.000Z' };
}

function chain(payloads: Record<string, unknown>[]): { lines: string[]; entries: AuditEntry[] } {
  let prev = GENESIS_HASH;
  const lines: string[] = [];
  const entries: AuditEntry[] = [];
  payloads.forEach((p, i) => {
    const b = body(i + 1, p, prev);
    const { line, hash } = encodeAuditLine(b);
    lines.push(line);
    entries.push({ ...b, hash });
    prev = hash;
  });
  return { lines, entries };
}

describe('audit line format', () => {
  it('hash = SHA-256(tag NUL canonical JSON without hash); the line parses back to the entry', () => {
    const b = body(1, { decision: 'approved', n: 1 });
    const { line, hash } = encodeAuditLine(b);
    assert.equal(hash, createHash('sha256').update(`mcp-oversight/audit-entry/v1\0${canonicalJson(b)}`).digest('hex'));
    assert.deepEqual(parseAuditLine(line, 'x:1'), { ...b, hash });
    assert.equal(auditLineTimestamp(line), b.ts);
  });

  it('the positional reader agrees with JSON.parse for any payload, even one with prevHash/seq/subject keys and quotes (property)', () => {
    const hasher = new LineHasher();
    fc.assert(
      fc.property(fc.dictionary(fc.oneof(fc.constantFrom('prevHash', 'seq', 'subject', 'hash', 'ts'), fc.string()), fc.jsonValue()), fc.integer({ min: 1, max: 2 ** 40 }), (payload, seq) => {
        const b = body(seq, JSON.parse(JSON.stringify(payload)) as Record<string, unknown>, 'ab'.repeat(32));
        const { line, hash } = encodeAuditLine(b);
        const buf = Buffer.from(line);
        const f: LineFields = { seq: 0, prevHash: '', hash: '', problem: undefined };
        hasher.read(buf, 0, buf.length, f);
        assert.equal(f.problem, undefined);
        assert.equal(f.seq, seq);
        assert.equal(f.prevHash, 'ab'.repeat(32));
        assert.equal(f.hash, hash);
      }),
      { numRuns: 300 },
    );
  });

  it('a broken line is AUDIT_BROKEN naming where', () => {
    assert.throws(() => parseAuditLine('{"x":1}', 'seg.jsonl:4'), (e: unknown) => isOversightError(e) && e.code === 'AUDIT_BROKEN' && e.message.startsWith('seg.jsonl:4: not a valid audit entry'));
    assert.throws(() => parseAuditLine('nope', 'seg.jsonl:5'), /seg\.jsonl:5: not a JSON audit entry/);
  });
});

describe('audit verify (pure)', () => {
  const checkpoints = (e: AuditEntry, key = KEYS.privateKey) => encodeCheckpointLine(signCheckpoint({ seq: e.seq, hash: e.hash, ts: e.ts }, key)) + '\n';

  it('an empty log verifies; a chained log with a checkpoint verifies with nothing unanchored', async () => {
    assert.equal((await verifyAuditSegments([], '', KEYS.publicKey)).ok, true);
    const { lines, entries } = chain([{ a: 1 }, { a: 2 }, { a: 3 }]);
    const r = await verifyAuditSegments([{ name: 's1', data: Buffer.from(lines.join('\n') + '\n') }], checkpoints(entries[2] as AuditEntry), KEYS.publicKey);
    assert.equal(r.ok, true);
    assert.equal(r.unanchored, 0);
    assert.equal(r.head?.seq, 3);
  });

  it('a forged entry chained after the last checkpoint is reported as unanchored, not as signed', async () => {
    const { lines, entries } = chain([{ a: 1 }, { a: 2 }, { forged: true }]);
    const r = await verifyAuditSegments([{ name: 's1', data: Buffer.from(lines.join('\n') + '\n') }], checkpoints(entries[1] as AuditEntry), KEYS.publicKey);
    assert.equal(r.ok, true);
    assert.equal(r.unanchored, 1);
    assert.match(r.notes.join(' '), /1 entries after the last checkpoint/);
  });

  it('a chained line of junk after the last checkpoint is malformed', async () => {
    const { lines, entries } = chain([{ a: 1 }]);
    const junkBody = `{"actor":1,"kind":"x","payload":{},"prevHash":"${entries[0]?.hash}","seq":2,"subject":{},"ts":"2026-03-01T10:00:00.000Z"}`;
    const junkHash = createHash('sha256').update(`mcp-oversight/audit-entry/v1\0${junkBody}`).digest('hex');
    const junk = `${junkBody.slice(0, -1)},"hash":"${junkHash}"}`;
    const r = await verifyAuditSegments([{ name: 's1', data: Buffer.from([...lines, junk].join('\n') + '\n') }], checkpoints(entries[0] as AuditEntry), KEYS.publicKey);
    assert.equal(r.firstBad?.reason, 'malformed');
    assert.equal(r.firstBad?.seq, 2);
  });

  it('a checkpoint signed by another key, or re-encoded, is forged', async () => {
    const { lines, entries } = chain([{ a: 1 }, { a: 2 }]);
    const data = [{ name: 's1', data: Buffer.from(lines.join('\n') + '\n') }];
    const other = generateGrantKeyPair().privateKey;
    const r = await verifyAuditSegments(data, checkpoints(entries[1] as AuditEntry, other), KEYS.publicKey);
    assert.deepEqual([r.firstBad?.seq, r.firstBad?.reason], [2, 'forged-checkpoint']);
    const spaced = checkpoints(entries[1] as AuditEntry).replace('{"hash"', '{ "hash"');
    assert.equal((await verifyAuditSegments(data, spaced, KEYS.publicKey)).firstBad?.reason, 'forged-checkpoint');
  });

  it('scanSegment stops at the first problem and reports a torn tail', () => {
    const { lines } = chain([{ a: 1 }, { a: 2 }]);
    const s = scanSegment(Buffer.from(lines.join('\n') + '\n{"partial'));
    assert.equal(s.ok, false);
    assert.equal(s.lines, 2);
    assert.equal(s.tornBytes, Buffer.byteLength(`{"partial`));
  });
});

describe('audit redaction', () => {
  it('env and headers values, secret-like keys, flag values and token shapes become keyed hashes; the rest stays', () => {
    const out = redactForAudit({ env: { DEBUG: 'true', NESTED: { deep: 'x' } }, headers: { Accept: 'json' }, password: 'hunter2', tokenCount: 3, args: ['--api-key=abc123', '--port', '8080', '--client-secret', 's3cr3t'], text: `see ${TOKEN}`, plain: 'hello', n: 4 }, HMAC_KEY);
    const mark = /^hmac:[0-9a-f]{16}$/;
    assert.match(out.env.DEBUG, mark);
    assert.match((out.env as { NESTED: { deep: string } }).NESTED.deep, mark);
    assert.match((out.headers as Record<string, string>)['Accept'] as string, mark);
    assert.match(out.password as unknown as string, mark);
    assert.deepEqual((out.args as string[]).slice(1, 3), ['--port', '8080']);
    assert.match((out.args as string[])[0] as string, /^--api-key=hmac:[0-9a-f]{16}$/);
    assert.match((out.args as string[])[4] as string, mark);
    assert.match(out.text, /^see hmac:[0-9a-f]{16}$/);
    assert.equal(out.plain, 'hello');
    assert.equal(out.n, 4);
    assert.ok(!JSON.stringify(out).includes(TOKEN));
  });

  it('the same secret gives the same mark; another key gives another; marks are not redacted twice', () => {
    const a = redactForAudit({ env: { T: TOKEN } }, HMAC_KEY);
    const b = redactForAudit({ headers: { X: TOKEN } }, HMAC_KEY);
    const c = redactForAudit({ env: { T: TOKEN } }, Buffer.alloc(32, 9));
    assert.equal(a.env.T, b.headers.X);
    assert.notEqual(a.env.T, c.env.T);
    assert.deepEqual(redactForAudit(a, HMAC_KEY), a);
  });

  it('refuses values that are not plain JSON instead of logging them as {}', () => {
    assert.throws(() => redactForAudit({ when: new Date() }, HMAC_KEY), TypeError);
    assert.throws(() => redactForAudit({ m: new Map() }, HMAC_KEY), TypeError);
  });
});

describe('audit exporters', () => {
  const { entries } = chain([{ decision: 'approved' }, { decision: 'rejected', note: 'a|b\n# heading <script>' }]);
  const withFormula = entries.map((e, i) => (i === 1 ? { ...e, subject: { ...e.subject, id: '=1+1' }, actor: { ...e.actor, label: '@SUM(A1)' } } : e));

  it('CSV quotes every cell and defuses formulas', () => {
    assert.equal(csvCell('=HYPERLINK("x")'), '"\'=HYPERLINK(""x"")"');
    for (const lead of ['=', '+', '-', '@', '\t', '\r']) assert.ok(csvCell(`${lead}x`).startsWith(`"'${lead}`));
    assert.equal(csvCell('plain'), '"plain"');
    const csv = renderAuditCsv(withFormula);
    assert.equal(csv.split('\r\n').length, 4);
    assert.ok(csv.includes(`"'=1+1"`) && csv.includes(`"'@SUM(A1)"`));
  });

  it('JSON carries the entries as stored and the verdict', () => {
    const doc = JSON.parse(renderAuditJson(entries, { generatedAt: 'now', query: {} })) as { count: number; entries: AuditEntry[] };
    assert.equal(doc.count, 2);
    assert.deepEqual(doc.entries, entries);
  });

  it('Markdown escapes what the log holds: no table break-out, headings or HTML', () => {
    const md = renderAuditMarkdown(withFormula, { generatedAt: 'now', query: { kinds: ['approval.decided'] }, verify: { ok: true, entries: 2, checkpoints: 1, segments: 1, bytes: 1, unanchored: 0, notes: [] } });
    assert.match(md, /\*\*Verified\.\*\*/);
    assert.match(md, /\| approved \| Alice \| github \| yes \| 1 \|/);
    assert.ok(!md.includes('<script>') && md.includes('&lt;script'));
    for (const row of md.split('\n').filter((l) => l.startsWith('| 2 |'))) assert.equal(row.split(/(?<!\\)\|/).length, 8, row);
  });
});

describe('audit CLI options', () => {
  const now = new Date('2026-03-10T12:00:00.000Z');
  it('store from --store or MCP_OVERSIGHT_STORE; filters parsed', () => {
    const o = parseAuditCommand(['show', '--kind', 'approval.decided,auth.failed', '--since', '24h', '--until', '2026-03-10', '-n', '5'], { MCP_OVERSIGHT_STORE: '/s' }, now);
    assert.equal(o.store, '/s');
    assert.deepEqual(o.kinds, ['approval.decided', 'auth.failed']);
    assert.equal(o.since, '2026-03-09T12:00:00.000Z');
    assert.equal(o.until, '2026-03-10T00:00:00Z');
    assert.equal(o.limit, 5);
  });
  it('times: ISO with or without offset, dates, ages; anything else is a usage error', () => {
    assert.equal(parseTime('2026-03-01T08:00:00', '--since', now), '2026-03-01T08:00:00Z');
    assert.equal(parseTime('2026-03-01T08:00:00+02:00', '--since', now), '2026-03-01T08:00:00+02:00');
    assert.equal(parseTime('30m', '--since', now), '2026-03-10T11:30:00.000Z');
    assert.throws(() => parseTime('tomorrow', '--since', now), /is not a time/);
  });
  it('says what is missing or misplaced', () => {
    assert.throws(() => parseAuditCommand(['verify'], {}, now), /--store DIR or MCP_OVERSIGHT_STORE/);
    assert.throws(() => parseAuditCommand(['export', '--store', 's', '--format', 'xml'], {}, now), /--format must be json, csv or markdown/);
    assert.throws(() => parseAuditCommand(['show', '--store', 's', '--public-key', 'k'], {}, now), /does not take --public-key/);
    assert.throws(() => parseAuditCommand(['show', '--store', 's', '--limit', '0'], {}, now), /--limit must be a positive whole number/);
  });
});
