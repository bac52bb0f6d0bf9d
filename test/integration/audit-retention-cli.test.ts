/**
 * `node dist/cli.js audit prune` and `audit verify` on a real store whose entries are old: the closed
 * old segments go, the anchor and the audit.pruned entry say so, verify passes and names the cut; a
 * coordinator holding the log makes prune refuse; a log changed after the prune is still caught.
 * Build first: `npm run build`.
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { mkdirSync, readdirSync, readFileSync, unlinkSync, writeFileSync } from 'node:fs';
import { join, resolve } from 'node:path';
import { before, describe, it } from 'node:test';
import type { AuditEntry } from '../../src/core/audit/audit-entry';
import { generateGrantKeyPair, privateKeyPem, publicKeyPem } from '../../src/core/grants/grant-crypto';
import { AuditLog } from '../../src/coordinator/audit/audit-log';
import { storeLayout } from '../../src/coordinator/store-layout';
import { input, tempDir } from '../unit/audit/helpers';

const CLI = join(resolve(__dirname, '..', '..'), 'dist', 'cli.js');
const KEYS = generateGrantKeyPair();
const HMAC = Buffer.from('33'.repeat(32), 'hex');

function cli(args: string[]): { code: number | null; stdout: string; stderr: string } {
  const { MCP_OVERSIGHT_STORE: _s, ...env } = process.env;
  const r = spawnSync(process.execPath, [CLI, 'audit', ...args], { encoding: 'utf8', env, timeout: 30_000 });
  if (r.error) throw r.error;
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

/** A store with 30 entries written a year ago (segments of 8: 1, 9, 17, 25) and closed. */
async function oldStore(root: string): Promise<string> {
  const store = join(root, `store-${Math.random().toString(36).slice(2)}`);
  const layout = storeLayout(store);
  mkdirSync(layout.keys, { recursive: true });
  writeFileSync(layout.signingKey, privateKeyPem(KEYS.privateKey), { mode: 0o600 });
  writeFileSync(layout.publicKey, publicKeyPem(KEYS.publicKey));
  writeFileSync(layout.auditHmacKey, HMAC.toString('hex') + '\n', { mode: 0o600 });
  let t = Date.now() - 365 * 86_400_000;
  const log = await AuditLog.open({ dir: layout.audit, signingKey: KEYS.privateKey, hmacKey: HMAC, segmentMaxEntries: 8, now: () => new Date((t += 1000)) });
  for (let i = 0; i < 30; i++) await log.append(input(i));
  await log.close();
  return store;
}

describe('mcp-oversight audit prune (the built CLI)', () => {
  let root: string;
  before(() => {
    root = tempDir({ after: (fn) => process.on('exit', fn) });
  });

  it('prunes closed segments older than the cutoff, records it, and verify passes naming the first seq kept', async () => {
    const store = await oldStore(root);
    const audit = storeLayout(store).audit;
    const nothing = cli(['prune', '--store', store, '--older-than', '400d']);
    assert.equal(nothing.code, 0, nothing.stderr);
    assert.match(nothing.stdout, /^nothing pruned: no sealed segment has only entries older than/);

    const r = cli(['prune', '--store', store, '--older-than', '90d']);
    assert.equal(r.code, 0, r.stderr);
    assert.match(r.stdout, /^pruned 24 audit entries in 3 segment\(s\): segment-000000000001\.jsonl, segment-000000000009\.jsonl, segment-000000000017\.jsonl\./);
    assert.match(r.stdout, /the log now starts at seq 25; signed retention anchor at /);
    assert.deepEqual(readdirSync(audit).filter((f) => f.startsWith('segment-')), ['segment-000000000025.jsonl']);

    const v = cli(['verify', '--store', store]);
    assert.equal(v.code, 0, v.stdout);
    assert.match(v.stdout, /audit log OK: 7 entries in 1 segment\(s\)/);
    assert.match(v.stdout, new RegExp(`entries before seq 25 were pruned by retention on ${new Date().toISOString().slice(0, 10)} \\(older than `));
    const json = JSON.parse(cli(['verify', '--store', store, '--json']).stdout) as { ok: boolean; pruned: { beforeSeq: number; anchors: number } };
    assert.deepEqual([json.ok, json.pruned.beforeSeq, json.pruned.anchors], [true, 25, 1]);

    const pruned = JSON.parse(cli(['show', '--store', store, '--kind', 'audit.pruned', '--json']).stdout) as AuditEntry[];
    assert.equal(pruned.length, 1);
    assert.equal(pruned[0]?.actor.provider, 'os-user', 'who pruned by hand is recorded');
    assert.deepEqual(pruned[0]?.payload['files'], ['segment-000000000001.jsonl', 'segment-000000000009.jsonl', 'segment-000000000017.jsonl']);

    // Changed after the prune: still caught.
    const seg = join(audit, 'segment-000000000025.jsonl');
    writeFileSync(seg, readFileSync(seg, 'utf8').replace('"n":', '"n":1'));
    const broken = cli(['verify', '--store', store]);
    assert.equal(broken.code, 1);
    assert.match(broken.stdout, /audit log BROKEN at seq 25 \(edited\)/);
  });

  it('refuses while a coordinator has the log open, when an old segment does not verify, and without the signing key; says what --older-than takes', async () => {
    const store = await oldStore(root);
    const layout = storeLayout(store);
    const open = await AuditLog.open({ dir: layout.audit, signingKey: KEYS.privateKey, hmacKey: HMAC });
    try {
      const r = cli(['prune', '--store', store, '--older-than', '90d']);
      assert.equal(r.code, 2);
      assert.match(r.stderr, /open for writing/);
    } finally {
      await open.close();
    }
    const usage = cli(['prune', '--store', store]);
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /needs --older-than/);
    assert.match(cli(['prune', '--store', store, '--older-than', 'soon']).stderr, /--older-than "soon" is not a time/);
    // An old segment changed: prune refuses (exit 1) rather than delete the evidence under a signature.
    const seg = join(layout.audit, 'segment-000000000009.jsonl');
    writeFileSync(seg, readFileSync(seg, 'utf8').replace('"n":', '"n":1'));
    const refused = cli(['prune', '--store', store, '--older-than', '90d']);
    assert.equal(refused.code, 1, refused.stderr);
    assert.match(refused.stderr, /audit retention deleted nothing: segment-000000000009\.jsonl does not verify/);
    unlinkSync(layout.signingKey);
    assert.match(cli(['prune', '--store', store, '--older-than', '90d']).stderr, /needs the store's signing and audit keys/);
    assert.equal(readdirSync(layout.audit).filter((f) => f.startsWith('segment-')).length, 4, 'nothing was deleted');
    assert.equal(readdirSync(layout.audit).includes('retention.jsonl'), false, 'and no anchor written');
  });
});
