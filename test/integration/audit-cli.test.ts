/**
 * `node dist/cli.js audit verify|show|export` against a real store written by `AuditLog` (keys where
 * the coordinator keeps them): exit codes, output, the audit of reading the audit, a planted secret
 * that never shows, CSV formula injection, tampering and a torn tail. Build first: `npm run build`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { appendFileSync, mkdirSync, readdirSync, readFileSync, rmSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import type { AuditEntry } from '../../src/core/audit/audit-entry';
import { generateGrantKeyPair, privateKeyPem, publicKeyPem } from '../../src/core/grants/grant-crypto';
import { AuditLog } from '../../src/coordinator/audit/audit-log';
import { storeLayout } from '../../src/coordinator/store-layout';
import { ALICE, BOB, input, tempDir } from '../unit/audit/helpers';

const CLI = join(resolve(__dirname, '..', '..'), 'dist', 'cli.js');
const TOKEN = 'ghp_' + 'Zq8rT2vW9xY4bN6mK1pL3sD5fG7hJ0aQ2wE4';
const KEYS = generateGrantKeyPair();

function cli(args: string[], env: NodeJS.ProcessEnv = {}): { code: number | null; stdout: string; stderr: string } {
  const { MCP_OVERSIGHT_STORE: _s, ...rest } = process.env;
  const r = spawnSync(process.execPath, [CLI, 'audit', ...args], { encoding: 'utf8', env: { ...rest, ...env }, timeout: 30_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A store as the coordinator leaves it: keys, and a closed log of `n` entries (one with a planted secret, one with a formula). */
async function makeStore(root: string, n = 30): Promise<string> {
  const store = join(root, `store-${Math.random().toString(36).slice(2)}`);
  const layout = storeLayout(store);
  mkdirSync(layout.keys, { recursive: true });
  writeFileSync(layout.signingKey, privateKeyPem(KEYS.privateKey), { mode: 0o600 });
  writeFileSync(layout.publicKey, publicKeyPem(KEYS.publicKey));
  writeFileSync(layout.auditHmacKey, '22'.repeat(32) + '\n', { mode: 0o600 });
  const log = await AuditLog.open({ dir: layout.audit, signingKey: KEYS.privateKey, hmacKey: Buffer.from('22'.repeat(32), 'hex'), segmentMaxEntries: 8 });
  for (let i = 0; i < n; i++) await log.append(input(i));
  await log.append({ actor: ALICE, kind: 'execution.started', subject: { type: 'execution', id: '=HYPERLINK("http://evil.example","x")', server: 'github' }, payload: { env: { GITHUB_TOKEN: TOKEN }, note: `token ${TOKEN}` } });
  await log.close();
  return store;
}

describe('mcp-oversight audit (the built CLI)', () => {
  let root: string;
  before(() => {
    root = tempDir({ after: (fn) => process.on('exit', fn) });
  });

  it('verify: exit 0 and a summary on an intact log; --json; MCP_OVERSIGHT_STORE as the default store', async () => {
    const store = await makeStore(root);
    const ok = cli(['verify', '--store', store]);
    assert.equal(ok.code, 0, ok.stderr);
    assert.match(ok.stdout, /audit log OK: 31 entries in 4 segment\(s\)/);
    assert.match(ok.stdout, /pass --public-key/);
    const json = cli(['verify', '--json'], { MCP_OVERSIGHT_STORE: store });
    assert.equal(json.code, 0);
    const report = JSON.parse(json.stdout) as { ok: boolean; entries: number; head: { seq: number } };
    assert.equal(report.ok, true);
    assert.equal(report.head.seq, 31);
  });

  it('verify: exit 1 naming the first bad seq and why; --public-key anchors it to a key kept elsewhere', async () => {
    const store = await makeStore(root);
    const audit = storeLayout(store).audit;
    const seg = join(audit, 'segment-000000000009.jsonl');
    const lines = readFileSync(seg, 'utf8').split('\n');
    lines.splice(2, 1); // seq 11 deleted
    writeFileSync(seg, lines.join('\n'));
    const r = cli(['verify', '--store', store]);
    assert.equal(r.code, 1);
    assert.match(r.stdout, /audit log BROKEN at seq 11 \(deleted\): entry 11 is missing/);
    assert.match(r.stdout, /segment-000000000009\.jsonl:3/);

    const other = await makeStore(root);
    const otherKey = join(root, 'other.pub.pem');
    writeFileSync(otherKey, publicKeyPem(generateGrantKeyPair().publicKey));
    const wrongKey = cli(['verify', '--store', other, '--public-key', otherKey]);
    assert.equal(wrongKey.code, 1);
    assert.match(wrongKey.stdout, /forged-checkpoint/);
    const anchored = cli(['verify', '--store', other, '--public-key', storeLayout(other).publicKey]);
    assert.equal(anchored.code, 0);
    assert.doesNotMatch(anchored.stdout, /pass --public-key/);
  });

  it('show: newest first with filters; each read is itself audited as audit.accessed', async () => {
    const store = await makeStore(root);
    const r = cli(['show', '--store', store, '--limit', '5']);
    assert.equal(r.code, 0, r.stderr);
    const seqs = r.stdout
      .trim()
      .split('\n')
      .map((l) => Number(l.trim().split(/\s+/)[0]));
    assert.deepEqual(seqs, [31, 30, 29, 28, 27]);
    const access = cli(['show', '--store', store, '--kind', 'audit.accessed', '--json']);
    const entries = JSON.parse(access.stdout) as AuditEntry[];
    assert.equal(entries.length, 1, 'the first show was recorded (the second is recorded after it reads)');
    assert.equal(entries[0]?.payload['command'], 'show');
    assert.equal(entries[0]?.actor.provider, 'os-user');
    const byActor = JSON.parse(cli(['show', '--store', store, '--actor', BOB.id, '--server', 'github', '--json', '-n', '100']).stdout) as AuditEntry[];
    assert.ok(byActor.length > 0 && byActor.every((e) => e.actor.id === BOB.id && e.subject.server === 'github'));
    const since = JSON.parse(cli(['show', '--store', store, '--since', '2000-01-01', '--until', '2000-01-02', '--json']).stdout) as AuditEntry[];
    assert.equal(since.length, 0);
    assert.equal(cli(['verify', '--store', store]).code, 0, 'reads keep the log verifiable');
  });

  it('export json|csv|markdown: files written atomically, secrets never shown, CSV formulas neutralised', async () => {
    const store = await makeStore(root);
    const out = join(root, 'export.csv');
    const csv = cli(['export', '--store', store, '--format', 'csv', '-o', out]);
    assert.equal(csv.code, 0, csv.stderr);
    const csvText = readFileSync(out, 'utf8');
    assert.match(csvText, /"'=HYPERLINK\(""http:\/\/evil\.example"",""x""\)"/);
    assert.equal(csvText.trim().split('\r\n').length, 32);
    const json = cli(['export', '--store', store, '--format', 'json']);
    const doc = JSON.parse(json.stdout) as { count: number; verify: { ok: boolean }; entries: AuditEntry[] };
    assert.equal(doc.count, 32, 'the first export was recorded before the second read');
    assert.equal(doc.verify.ok, true);
    assert.deepEqual(
      doc.entries.map((e) => e.seq),
      Array.from({ length: 32 }, (_, i) => i + 1),
    );
    const md = cli(['export', '--store', store, '--format', 'markdown', '--kind', 'execution.started,approval.decided']);
    assert.match(md.stdout, /^# MCP Oversight audit report/);
    assert.match(md.stdout, /\*\*Verified\.\*\*/);
    assert.match(md.stdout, /## Approval decisions/);
    const shown = cli(['show', '--store', store, '--limit', '100']);
    for (const text of [csvText, json.stdout, md.stdout, shown.stdout, shown.stderr, csv.stderr]) assert.ok(!text.includes(TOKEN), 'the planted token never shows');
    for (const f of readdirSync(storeLayout(store).audit)) assert.ok(!readFileSync(join(storeLayout(store).audit, f), 'latin1').includes(TOKEN), f);
  });

  it('usage errors exit 2 and say what to do', () => {
    const none = cli(['show']);
    assert.equal(none.code, 2);
    assert.match(none.stderr, /--store DIR or MCP_OVERSIGHT_STORE/);
    assert.match(cli(['export', '--store', root]).stderr, /needs --format json, csv or markdown/);
    assert.match(cli(['show', '--store', root, '--kind', 'nope']).stderr, /unknown --kind nope\. Kinds: /);
    assert.match(cli(['show', '--store', root, '--since', 'last tuesday']).stderr, /is not a time/);
    assert.match(cli(['verify', '--store', root, '--limit', '3']).stderr, /does not take --limit/);
    assert.match(cli(['frobnicate', '--store', root]).stderr, /Unknown audit action "frobnicate"/);
    const missing = cli(['verify', '--store', join(root, 'nothing-here')]);
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /cannot read the public key/);
  });

  it('read-only without the signing key, and not recorded while a coordinator holds the log: said on stderr', async () => {
    const store = await makeStore(root);
    const layout = storeLayout(store);
    const log = await AuditLog.open({ dir: layout.audit, signingKey: KEYS.privateKey, hmacKey: Buffer.alloc(32) });
    const held = cli(['show', '--store', store, '--limit', '1']);
    assert.equal(held.code, 0);
    assert.match(held.stderr, /not recorded in the audit log: .*open for writing in another process/);
    await log.close();
    unlinkSync(layout.signingKey);
    const ro = cli(['show', '--store', store, '--limit', '1']);
    assert.equal(ro.code, 0);
    assert.match(ro.stderr, /read-only access/);
    const entries = JSON.parse(cli(['show', '--store', store, '--kind', 'audit.accessed', '--json']).stdout) as unknown[];
    assert.equal(entries.length, 0);
  });

  it('a torn tail: verify says torn (exit 1); the next recorded read recovers it and the log verifies again', async () => {
    const store = await makeStore(root);
    const audit = storeLayout(store).audit;
    const last = readdirSync(audit)
      .filter((f) => f.startsWith('segment-'))
      .sort()
      .pop() as string;
    appendFileSync(join(audit, last), '{"actor":{"id":"half a line');
    const torn = cli(['verify', '--store', store]);
    assert.equal(torn.code, 1);
    assert.match(torn.stdout, /BROKEN at seq 32 \(torn\)/);
    assert.equal(cli(['show', '--store', store, '--limit', '1']).code, 0);
    assert.equal(cli(['verify', '--store', store]).code, 0);
    const kinds = (JSON.parse(cli(['show', '--store', store, '--json', '--limit', '3']).stdout) as AuditEntry[]).map((e) => e.kind);
    assert.deepEqual(kinds, ['audit.accessed', 'audit.torn-line', 'execution.started']);
    assert.ok(readdirSync(audit).some((f) => f.startsWith('torn-')));
  });

  it('show on a broken line exits 1 naming file:line', async () => {
    const store = await makeStore(root);
    const seg = join(storeLayout(store).audit, 'segment-000000000025.jsonl');
    const lines = readFileSync(seg, 'utf8').split('\n');
    lines[6] = 'garbage';
    writeFileSync(seg, lines.join('\n'));
    rmSync(storeLayout(store).signingKey);
    const r = cli(['show', '--store', store]);
    assert.equal(r.code, 1);
    assert.match(r.stderr, /segment-000000000025\.jsonl:7: not a JSON audit entry/);
  });
});
