import assert from 'node:assert/strict';
import { chmodSync, existsSync, mkdirSync, readdirSync, readFileSync, renameSync, statSync, symlinkSync, writeFileSync } from 'node:fs';
import { join } from 'node:path';
import { afterEach, describe, it } from 'node:test';
import { randomUUID } from 'node:crypto';
import { assessTarget } from '../../../src/core/assess/assess-workspace';
import { sha256Hex } from '../../../src/core/crypto/hash';
import { nodeFileSystem } from '../../../src/core/ports/node-file-system';
import { buildProposal } from '../../../src/core/remediation/build-proposal';
import { actionsFromFindings } from '../../../src/core/remediation/finding-actions';
import { ABSENT_FILE_HASH } from '../../../src/core/grants/grant-schema';
import { nodeFileOps, type FileOps } from '../../../src/servers/installer/file-ops';
import {
  addServer,
  elicitedYes,
  gateApprove,
  grantFor,
  grantForProposal,
  LEGACY_TEXT,
  makeContext,
  modeOf,
  otherKeys,
  propose,
  proposalHash,
  rejectsWith,
  removeAutoApprove,
  sandbox,
  snapshot,
  VSCODE_TEXT,
  type Sandbox,
} from './helpers';

let sb: Sandbox;
afterEach(() => sb?.cleanup());

describe('Installer engine: apply', () => {
  it('applies an approved proposal, keeping comments, key order, indentation and the file mode', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    const r = await sb.ctx.engine.apply(p, grantForProposal(p), gateApprove(sb.ctx));
    assert.equal(r.status, 'applied');
    assert.equal(r.alreadyApplied, false);
    assert.equal(r.approvedBy.id, 'alice@example.com');
    const after = readFileSync(sb.legacy, 'utf8');
    assert.equal(after, p.files[0]!.newText, 'exactly the reviewed bytes');
    assert.match(after, /\/\/ project servers: reviewed by the platform team/);
    assert.ok(after.indexOf('"zeta"') < after.indexOf('"alpha"'), 'key order kept');
    assert.doesNotMatch(after, /alwaysAllow/);
    assert.match(after, /\n {4}"zeta": \{ "command": "node", "args": \["zeta.js"\] \},/, 'untouched lines byte-identical');
    assert.equal(modeOf(sb.legacy), 0o640, 'mode kept');
    assert.deepEqual(readdirSync(join(sb.ws, '.kilocode')).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left');
  });

  it('applies a proposal built from real findings, as the Compliance Server builds it', async () => {
    sb = sandbox();
    const ws = await assessTarget(nodeFileSystem, { path: sb.ws, includeGlobal: false, platform: process.platform, env: {}, toolVersion: 'test' });
    const actions = actionsFromFindings(ws.result.findings);
    assert.ok(actions.length > 0);
    const p = buildProposal({ assessmentId: 'a', actions, read: (f) => ws.texts.get(f), workspace: sb.ws, now: new Date(), newId: () => randomUUID() });
    const r = await sb.ctx.engine.apply(p, grantForProposal(p), gateApprove(sb.ctx));
    assert.equal(r.status, 'applied');
    for (const f of p.files) assert.equal(readFileSync(f.file, 'utf8'), f.newText);
  });

  it('journals the execution with the previous text, in a private folder that git ignores', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    const grant = grantForProposal(p);
    const r = await sb.ctx.engine.apply(p, grant, gateApprove(sb.ctx));
    const rec = await sb.ctx.engine.journal.get(r.executionId);
    assert.ok(rec);
    assert.equal(rec.status, 'applied');
    assert.equal(rec.approval.grantId, grant.grant.grantId);
    assert.equal(rec.approval.subjectHash, proposalHash(p));
    assert.equal(rec.proposalId, p.proposalId);
    assert.equal(rec.files[0]!.previousText, LEGACY_TEXT);
    assert.equal(rec.files[0]!.baseHash, sha256Hex(LEGACY_TEXT));
    assert.equal(modeOf(sb.stateDir), 0o700);
    assert.equal(modeOf(join(sb.stateDir, 'executions')), 0o700);
    assert.equal(modeOf(join(sb.stateDir, 'executions', `${r.executionId}.json`)), 0o600);
    assert.match(readFileSync(join(sb.stateDir, '.gitignore'), 'utf8'), /^\*$/m);
  });

  it('applies a multi-file proposal and creates a missing file (and its folder)', async () => {
    sb = sandbox();
    const roo = join(sb.ws, '.roo', 'mcp.json');
    const p = propose([removeAutoApprove(sb.legacy), addServer(sb.vscode, 'servers', 'extra'), addServer(roo, 'mcpServers', 'fresh')], sb.ws);
    assert.equal(p.files.length, 3);
    const r = await sb.ctx.engine.apply(p, grantForProposal(p), gateApprove(sb.ctx));
    assert.deepEqual(r.files.map((f) => f.created), [false, false, true]);
    for (const f of p.files) assert.equal(readFileSync(f.file, 'utf8'), f.newText);
    assert.match(readFileSync(sb.vscode, 'utf8'), /^\t\t"extra": \{$/m, 'tabs kept');
  });

  it('may write the workspace\'s tool lock file and global MCP configs (they are discovered targets)', async () => {
    sb = sandbox();
    const lock = join(sb.ws, '.kilocode', 'mcp-oversight.lock.json');
    const cursor = join(sb.home, '.cursor', 'mcp.json');
    const p = propose([
      { kind: 'pin-tools', description: 'pin', file: lock, edits: [{ jsonPath: ['servers', 'alpha'], value: { tools: {} } }], risk: 'low' },
      addServer(cursor, 'mcpServers', 'global-one'),
    ], sb.ws);
    const r = await sb.ctx.engine.apply(p, grantForProposal(p), gateApprove(sb.ctx));
    assert.deepEqual(r.files.map((f) => f.created), [true, true]);
    assert.equal(readFileSync(cursor, 'utf8'), p.files[1]!.newText);
  });

  it('applies with a person\'s answer when there is no coordinator key (elicitation)', async () => {
    sb = sandbox({ grantKey: false });
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    const r = await sb.ctx.engine.apply(p, undefined, elicitedYes);
    assert.equal(r.approvedVia, 'elicitation');
    assert.equal(readFileSync(sb.legacy, 'utf8'), p.files[0]!.newText);
    // No grant to recognise: the same proposal again is already applied, and says so.
    await rejectsWith(sb.ctx.engine.apply(p, undefined, elicitedYes), 'ALREADY_APPLIED', new RegExp(r.executionId));
  });
});

describe('Installer engine: refusals change nothing', () => {
  async function refused(s: Sandbox, run: () => Promise<unknown>, code: string, message?: RegExp): Promise<void> {
    await s.ctx.engine.ready();
    const before = snapshot(s.root);
    await rejectsWith(run(), code, message);
    assert.deepEqual(snapshot(s.root), before, 'every byte under the sandbox (configs and journal) is unchanged');
  }

  it('refuses a forged grant (signed by another key)', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    await refused(sb, () => sb.ctx.engine.apply(p, grantForProposal(p, {}, otherKeys.privateKey), gateApprove(sb.ctx)), 'GRANT_INVALID', /signature/);
  });

  it('refuses a grant whose fields were altered after signing', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    const g = grantForProposal(p);
    const altered = { ...g, grant: { ...g.grant, expiresAt: new Date(Date.now() + 365 * 86_400_000).toISOString() } };
    await refused(sb, () => sb.ctx.engine.apply(p, altered, gateApprove(sb.ctx)), 'GRANT_INVALID');
  });

  it('refuses an expired grant', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    const g = grantForProposal(p, { decidedAt: new Date(Date.now() - 7200_000).toISOString(), expiresAt: new Date(Date.now() - 3600_000).toISOString() });
    await refused(sb, () => sb.ctx.engine.apply(p, g, gateApprove(sb.ctx)), 'GRANT_EXPIRED', /Request a new approval/);
  });

  it('refuses a grant for another proposal, and a proposal changed after approval', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    const other = propose([addServer(sb.legacy, 'mcpServers', 'other')], sb.ws);
    await refused(sb, () => sb.ctx.engine.apply(p, grantForProposal(other), gateApprove(sb.ctx)), 'GRANT_MISMATCH', /subject hash differs/);
    // One byte of the reviewed text changed (hash kept consistent): no longer what was approved.
    const g = grantForProposal(p);
    const tampered = structuredClone(p);
    tampered.files[0]!.newText = tampered.files[0]!.newText.replace('zeta.js', 'evil.js');
    tampered.files[0]!.newHash = sha256Hex(tampered.files[0]!.newText);
    await refused(sb, () => sb.ctx.engine.apply(tampered, g, gateApprove(sb.ctx)), 'GRANT_MISMATCH');
  });

  it('refuses an approved proposal whose newText is not what its edits give (smuggled bytes)', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    p.files[0]!.newText = p.files[0]!.newText.replace('zeta.js', 'evil.js');
    p.files[0]!.newHash = sha256Hex(p.files[0]!.newText);
    await refused(sb, () => sb.ctx.engine.apply(p, grantForProposal(p), gateApprove(sb.ctx)), 'PROPOSAL_INVALID', /not what its edits give/);
  });

  it('refuses a proposal whose diff does not describe its change (a person reviews the diff)', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    p.files[0]!.diff = p.files[0]!.diff.replace('-      "alwaysAllow": ["*"]', '-      "comment": "harmless"');
    await refused(sb, () => sb.ctx.engine.apply(p, grantForProposal(p), gateApprove(sb.ctx)), 'PROPOSAL_INVALID', /diff does not describe/);
    await refused(sb, () => sb.ctx.engine.apply(p, undefined, elicitedYes), 'PROPOSAL_INVALID', /diff does not describe/);
  });

  it('refuses a grant whose targetFile or baseHash disagree with the proposal', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    await refused(sb, () => sb.ctx.engine.apply(p, grantFor(proposalHash(p), sb.vscode, sha256Hex(VSCODE_TEXT)), gateApprove(sb.ctx)), 'GRANT_MISMATCH', /does not touch/);
    await refused(sb, () => sb.ctx.engine.apply(p, grantFor(proposalHash(p), sb.legacy, sha256Hex('other')), gateApprove(sb.ctx)), 'GRANT_MISMATCH', /baseHash/);
  });

  it('requires a grant when started with a coordinator key', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    await refused(sb, () => sb.ctx.engine.apply(p, undefined, gateApprove(sb.ctx)), 'APPROVAL_REQUIRED', new RegExp(proposalHash(p)));
  });

  it('refuses a file edited between proposal and apply as stale, and says what to do', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    writeFileSync(sb.legacy, LEGACY_TEXT.replace('zeta.js', 'zeta2.js'));
    await refused(sb, () => sb.ctx.engine.apply(p, grantForProposal(p), gateApprove(sb.ctx)), 'STALE_PROPOSAL', /\.kilocode\/mcp\.json changed since .*Assess again and request a fresh proposal/);
  });

  it('refuses a proposal whose file was deleted, or created, since', async () => {
    sb = sandbox();
    const roo = join(sb.ws, '.roo', 'mcp.json');
    const create = propose([addServer(roo, 'mcpServers', 'fresh')], sb.ws);
    assert.equal(create.files[0]!.baseHash, ABSENT_FILE_HASH);
    mkdirSync(join(sb.ws, '.roo'));
    writeFileSync(roo, '{"mcpServers":{}}');
    await refused(sb, () => sb.ctx.engine.apply(create, grantForProposal(create), gateApprove(sb.ctx)), 'STALE_PROPOSAL');
  });

  it('writes only MCP config files of this workspace: never ~/.bashrc, never another folder', async () => {
    sb = sandbox();
    const bashrc = join(sb.home, '.bashrc');
    writeFileSync(bashrc, '{"x": 1}\n');
    const p = propose([{ kind: 'remediate-finding', description: 'innocent', file: bashrc, edits: [{ jsonPath: ['x'], value: 2 }], risk: 'low' }]);
    await refused(sb, () => sb.ctx.engine.apply(p, grantForProposal(p), gateApprove(sb.ctx)), 'TARGET_UNWRITABLE', /not an MCP config file of this workspace/);
    const outside = join(sb.root, 'mcp.json');
    writeFileSync(outside, '{"mcpServers": {}}\n');
    const q = propose([addServer(outside, 'mcpServers', 'x')]);
    await refused(sb, () => sb.ctx.engine.apply(q, grantForProposal(q), gateApprove(sb.ctx)), 'TARGET_UNWRITABLE');
  });

  it('refuses a target that is a symbolic link, or sits in a linked folder', async () => {
    sb = sandbox();
    const real = join(sb.root, 'elsewhere.json');
    writeFileSync(real, LEGACY_TEXT);
    renameSync(sb.legacy, join(sb.root, 'moved.json'));
    symlinkSync(real, sb.legacy);
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    await refused(sb, () => sb.ctx.engine.apply(p, grantForProposal(p), gateApprove(sb.ctx)), 'TARGET_UNWRITABLE', /symbolic link/);

    const roo = join(sb.ws, '.roo');
    const target = join(sb.root, 'target-dir');
    mkdirSync(target);
    writeFileSync(join(target, 'mcp.json'), '{"mcpServers": {}}\n');
    symlinkSync(target, roo);
    const q = propose([addServer(join(roo, 'mcp.json'), 'mcpServers', 'x')], sb.ws);
    await refused(sb, () => sb.ctx.engine.apply(q, grantForProposal(q), gateApprove(sb.ctx)), 'TARGET_UNWRITABLE', /symbolic link/);
  });

  it('names the field of a malformed proposal', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    const bad = structuredClone(p) as unknown as { files: { newHash: string }[] };
    bad.files[0]!.newHash = 'nope';
    await refused(sb, () => sb.ctx.engine.apply(bad, grantForProposal(p), gateApprove(sb.ctx)), 'PROPOSAL_INVALID', /^proposal\.files\[0\]\.newHash: /);
    const relative = structuredClone(p);
    relative.files[0]!.file = '.kilocode/mcp.json';
    relative.actions[0]!.file = '.kilocode/mcp.json';
    await refused(sb, () => sb.ctx.engine.apply(relative, grantForProposal(relative), gateApprove(sb.ctx)), 'PROPOSAL_INVALID', /absolute/);
  });
});

describe('Installer engine: exactly once', () => {
  it('returns the first result for the same grant and writes nothing', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    const g = grantForProposal(p);
    const first = await sb.ctx.engine.apply(p, g, gateApprove(sb.ctx));
    const before = snapshot(sb.root);
    const mtime = statSync(sb.legacy).mtimeMs;
    const second = await sb.ctx.engine.apply(p, g, gateApprove(sb.ctx));
    assert.equal(second.alreadyApplied, true);
    assert.equal(second.executionId, first.executionId);
    assert.deepEqual(snapshot(sb.root), before);
    assert.equal(statSync(sb.legacy).mtimeMs, mtime);
    assert.equal((await sb.ctx.engine.executions()).length, 1);
  });

  it('applies once when the same grant arrives twice at the same time', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    const g = grantForProposal(p);
    const [a, b] = await Promise.all([sb.ctx.engine.apply(p, g, gateApprove(sb.ctx)), sb.ctx.engine.apply(p, g, gateApprove(sb.ctx))]);
    assert.equal(a.executionId, b.executionId);
    assert.deepEqual([a.alreadyApplied, b.alreadyApplied].sort(), [false, true]);
    assert.equal((await sb.ctx.engine.executions()).length, 1);
  });

  it('refuses another grant for an applied proposal (ALREADY_APPLIED) and a reused grantId', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    const g = grantForProposal(p);
    await sb.ctx.engine.apply(p, g, gateApprove(sb.ctx));
    await rejectsWith(sb.ctx.engine.apply(p, grantForProposal(p), gateApprove(sb.ctx)), 'ALREADY_APPLIED');
    const q = propose([addServer(sb.vscode, 'servers', 'x')], sb.ws);
    await rejectsWith(sb.ctx.engine.apply(q, grantForProposal(q, { grantId: g.grant.grantId }), gateApprove(sb.ctx)), 'GRANT_INVALID', /already used/);
  });
});

describe('Installer engine: all or nothing', () => {
  function failingRename(failOn: string): FileOps {
    return { ...nodeFileOps, rename: async (from, to) => (to === failOn ? Promise.reject(Object.assign(new Error('EIO: simulated'), { code: 'EIO' })) : nodeFileOps.rename(from, to)) };
  }

  it('puts back the files already replaced when a later rename fails', async () => {
    const s0 = sandbox();
    sb = s0;
    const ctx = makeContext(s0.ws, s0.home, { ops: failingRename(s0.vscode) });
    const p = propose([removeAutoApprove(s0.legacy), addServer(s0.vscode, 'servers', 'x')], s0.ws);
    await rejectsWith(ctx.engine.apply(p, grantForProposal(p), gateApprove(ctx)), 'TARGET_UNWRITABLE', /EIO/);
    assert.equal(readFileSync(s0.legacy, 'utf8'), LEGACY_TEXT, 'the first file is back to its old bytes');
    assert.equal(readFileSync(s0.vscode, 'utf8'), VSCODE_TEXT);
    assert.equal(modeOf(s0.legacy), 0o640);
    const [rec] = await ctx.engine.executions();
    assert.equal(rec?.status, 'failed');
    assert.match(rec?.notes.join(' ') ?? '', /TARGET_UNWRITABLE/);
    assert.deepEqual(readdirSync(join(s0.ws, '.kilocode')).filter((n) => n.endsWith('.tmp')), []);
    assert.deepEqual(readdirSync(join(s0.ws, '.vscode')).filter((n) => n.endsWith('.tmp')), []);
  });

  it('re-checks the base hashes just before the renames (an edit during the apply is refused)', async () => {
    const s0 = sandbox();
    sb = s0;
    let edited = false;
    const ops: FileOps = {
      ...nodeFileOps,
      writeTemp: async (file, text, mode, tag) => {
        const tmp = await nodeFileOps.writeTemp(file, text, mode, tag);
        if (!edited && file === s0.legacy) {
          edited = true;
          writeFileSync(s0.legacy, `${LEGACY_TEXT}\n`); // someone saves the file meanwhile
        }
        return tmp;
      },
    };
    const ctx = makeContext(s0.ws, s0.home, { ops });
    const p = propose([removeAutoApprove(s0.legacy)], s0.ws);
    await rejectsWith(ctx.engine.apply(p, grantForProposal(p), gateApprove(ctx)), 'STALE_PROPOSAL', /while the proposal was being applied/);
    assert.equal(readFileSync(s0.legacy, 'utf8'), `${LEGACY_TEXT}\n`, 'their edit survives');
    assert.equal((await ctx.engine.executions())[0]?.status, 'failed');
  });

  it('reports an unwritable folder as TARGET_UNWRITABLE and writes nothing', async () => {
    const s0 = sandbox();
    sb = s0;
    const ops: FileOps = {
      ...nodeFileOps,
      writeTemp: async (file, text, mode, tag) => (file === s0.legacy ? Promise.reject(Object.assign(new Error('EACCES: permission denied'), { code: 'EACCES' })) : nodeFileOps.writeTemp(file, text, mode, tag)),
    };
    const ctx = makeContext(s0.ws, s0.home, { ops });
    const p = propose([removeAutoApprove(s0.legacy)], s0.ws);
    await rejectsWith(ctx.engine.apply(p, grantForProposal(p), gateApprove(ctx)), 'TARGET_UNWRITABLE', /permissions/);
    assert.equal(readFileSync(s0.legacy, 'utf8'), LEGACY_TEXT);
    assert.equal((await ctx.engine.executions())[0]?.status, 'failed');
  });

  it('reports a journal that cannot be written as TARGET_UNWRITABLE, before any config file is touched', async () => {
    const s0 = sandbox();
    sb = s0;
    const ops: FileOps = {
      ...nodeFileOps,
      writeTemp: async (file, text, mode, tag) => (tag === 'journal' ? Promise.reject(Object.assign(new Error('ENOSPC: no space left'), { code: 'ENOSPC' })) : nodeFileOps.writeTemp(file, text, mode, tag)),
    };
    const ctx = makeContext(s0.ws, s0.home, { ops });
    const p = propose([removeAutoApprove(s0.legacy)], s0.ws);
    await rejectsWith(ctx.engine.apply(p, grantForProposal(p), gateApprove(ctx)), 'TARGET_UNWRITABLE', /journal/);
    assert.equal(readFileSync(s0.legacy, 'utf8'), LEGACY_TEXT);
  });
});

describe('Installer engine: rollback', () => {
  async function applied(s: Sandbox, withVscode = false) {
    const p = propose([removeAutoApprove(s.legacy), ...(withVscode ? [addServer(s.vscode, 'servers', 'x')] : [])], s.ws);
    const r = await s.ctx.engine.apply(p, grantForProposal(p), gateApprove(s.ctx));
    return { p, r };
  }

  it('prepares the request a grant approves, then restores the previous bytes and mode', async () => {
    sb = sandbox();
    const { p, r } = await applied(sb, true);
    const prep = await sb.ctx.engine.prepareRollback(r.executionId);
    assert.equal(prep.request.executionId, r.executionId);
    assert.deepEqual(prep.grantTarget, { targetFile: sb.legacy, baseHash: p.files[0]!.newHash });
    assert.match(prep.description, /Roll back/);
    const g = grantFor(prep.subjectHash, prep.grantTarget.targetFile, prep.grantTarget.baseHash);
    const rb = await sb.ctx.engine.rollback(r.executionId, g, gateApprove(sb.ctx));
    assert.equal(rb.status, 'rolled-back');
    assert.equal(readFileSync(sb.legacy, 'utf8'), LEGACY_TEXT);
    assert.equal(readFileSync(sb.vscode, 'utf8'), VSCODE_TEXT);
    assert.equal(modeOf(sb.legacy), 0o640);
    const again = await sb.ctx.engine.rollback(r.executionId, g, gateApprove(sb.ctx));
    assert.equal(again.alreadyRolledBack, true);
    await rejectsWith(sb.ctx.engine.prepareRollback(r.executionId), 'ALREADY_APPLIED', /already rolled back/);
  });

  it('deletes a file the apply created', async () => {
    sb = sandbox();
    const roo = join(sb.ws, '.roo', 'mcp.json');
    const p = propose([addServer(roo, 'mcpServers', 'fresh')], sb.ws);
    const r = await sb.ctx.engine.apply(p, grantForProposal(p), gateApprove(sb.ctx));
    assert.ok(existsSync(roo));
    const rb = await sb.ctx.engine.rollback(r.executionId, undefined, elicitedYes);
    assert.equal(rb.files[0]!.deleted, true);
    assert.ok(!existsSync(roo));
  });

  it('refuses (ROLLBACK_CONFLICT) when a file changed since the apply, and changes nothing', async () => {
    sb = sandbox();
    const { r } = await applied(sb);
    const prep = await sb.ctx.engine.prepareRollback(r.executionId);
    writeFileSync(sb.legacy, `${readFileSync(sb.legacy, 'utf8')}\n`);
    const before = snapshot(sb.root);
    await rejectsWith(sb.ctx.engine.prepareRollback(r.executionId), 'ROLLBACK_CONFLICT', /changed after execution/);
    const g = grantFor(prep.subjectHash, prep.grantTarget.targetFile, prep.grantTarget.baseHash);
    await rejectsWith(sb.ctx.engine.rollback(r.executionId, g, gateApprove(sb.ctx)), 'ROLLBACK_CONFLICT');
    assert.deepEqual(snapshot(sb.root), before);
  });

  it('refuses a rollback grant for another subject, and unknown executions', async () => {
    sb = sandbox();
    const { p, r } = await applied(sb);
    const wrong = grantForProposal(p); // the apply's subject, not the rollback's
    const before = snapshot(sb.root);
    await rejectsWith(sb.ctx.engine.rollback(r.executionId, wrong, gateApprove(sb.ctx)), 'GRANT_MISMATCH');
    assert.deepEqual(snapshot(sb.root), before);
    await rejectsWith(sb.ctx.engine.rollback('nope', undefined, elicitedYes), 'EXECUTION_NOT_FOUND');
    await rejectsWith(sb.ctx.engine.rollback('../../etc/passwd', undefined, elicitedYes), 'EXECUTION_NOT_FOUND');
  });
});

describe('Installer engine: recovery at start', () => {
  /** Applies for real, then rewrites the journal record and files to what a kill at some point leaves. */
  async function interrupted(s: Sandbox, status: 'applying' | 'rolling-back', files: ('old' | 'new')[]) {
    const p = propose([removeAutoApprove(s.legacy), addServer(s.vscode, 'servers', 'x')], s.ws);
    const r = await s.ctx.engine.apply(p, grantForProposal(p), gateApprove(s.ctx));
    const rec = (await s.ctx.engine.journal.get(r.executionId))!;
    rec.status = status;
    delete rec.appliedAt;
    if (status === 'rolling-back') rec.rollback = { ...rec.approval, grantId: 'rb', startedAt: new Date().toISOString() };
    await s.ctx.engine.journal.put(rec);
    const olds = [LEGACY_TEXT, VSCODE_TEXT];
    files.forEach((which, i) => writeFileSync(p.files[i]!.file, which === 'old' ? olds[i]! : p.files[i]!.newText));
    writeFileSync(join(s.ws, '.kilocode', `.mcp.json.mcp-oversight-${r.executionId}-dead.tmp`), 'half');
    const fresh = makeContext(s.ws, s.home);
    const report = await fresh.engine.ready();
    return { p, r, fresh, report, rec: (await fresh.engine.journal.get(r.executionId))! };
  }

  const texts = (s: Sandbox) => [readFileSync(s.legacy, 'utf8'), readFileSync(s.vscode, 'utf8')];

  it('applying, every file new -> applied', async () => {
    sb = sandbox();
    const { p, rec, report } = await interrupted(sb, 'applying', ['new', 'new']);
    assert.equal(rec.status, 'applied');
    assert.equal(report.resolved[0]?.to, 'applied');
    assert.deepEqual(texts(sb), p.files.map((f) => f.newText));
    assert.deepEqual(readdirSync(join(sb.ws, '.kilocode')).filter((n) => n.endsWith('.tmp')), [], 'temporary files removed');
  });

  it('applying, every file old -> failed, nothing written', async () => {
    sb = sandbox();
    const { rec } = await interrupted(sb, 'applying', ['old', 'old']);
    assert.equal(rec.status, 'failed');
    assert.deepEqual(texts(sb), [LEGACY_TEXT, VSCODE_TEXT]);
  });

  it('applying, mixed -> the new file is put back, failed', async () => {
    sb = sandbox();
    const { rec } = await interrupted(sb, 'applying', ['new', 'old']);
    assert.equal(rec.status, 'failed');
    assert.match(rec.notes.join(' '), /put back/);
    assert.deepEqual(texts(sb), [LEGACY_TEXT, VSCODE_TEXT]);
    assert.equal(modeOf(sb.legacy), 0o640);
  });

  it('rolling-back, mixed -> finished to the old text, rolled-back', async () => {
    sb = sandbox();
    const { rec } = await interrupted(sb, 'rolling-back', ['old', 'new']);
    assert.equal(rec.status, 'rolled-back');
    assert.deepEqual(texts(sb), [LEGACY_TEXT, VSCODE_TEXT]);
  });

  it('rolling-back, nothing restored yet -> applied again', async () => {
    sb = sandbox();
    const { p, rec } = await interrupted(sb, 'rolling-back', ['new', 'new']);
    assert.equal(rec.status, 'applied');
    assert.equal(rec.rollback, undefined);
    assert.deepEqual(texts(sb), p.files.map((f) => f.newText));
  });

  it('leaves a file someone edited since alone, and says so', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy), addServer(sb.vscode, 'servers', 'x')], sb.ws);
    const r = await sb.ctx.engine.apply(p, grantForProposal(p), gateApprove(sb.ctx));
    const rec = (await sb.ctx.engine.journal.get(r.executionId))!;
    rec.status = 'applying';
    await sb.ctx.engine.journal.put(rec);
    writeFileSync(sb.vscode, '{ "servers": {} } // mine');
    const fresh = makeContext(sb.ws, sb.home);
    await fresh.engine.ready();
    const after = (await fresh.engine.journal.get(r.executionId))!;
    assert.equal(after.status, 'failed');
    assert.match(after.notes.join(' '), /\.vscode\/mcp\.json had been changed by something else/);
    assert.equal(readFileSync(sb.vscode, 'utf8'), '{ "servers": {} } // mine');
    assert.equal(readFileSync(sb.legacy, 'utf8'), LEGACY_TEXT);
  });

  it('resolves what another Installer process left when it takes over that dead process\'s lock', async () => {
    sb = sandbox();
    const p = propose([removeAutoApprove(sb.legacy), addServer(sb.vscode, 'servers', 'x')], sb.ws);
    const r = await sb.ctx.engine.apply(p, grantForProposal(p), gateApprove(sb.ctx));
    // Another process, started after us, was killed with one file renamed: record open, lock left.
    const rec = (await sb.ctx.engine.journal.get(r.executionId))!;
    rec.status = 'applying';
    await sb.ctx.engine.journal.put(rec);
    writeFileSync(sb.vscode, VSCODE_TEXT);
    writeFileSync(join(sb.stateDir, 'apply.lock'), '999999\n');
    const q = propose([addServer(join(sb.ws, '.roo', 'mcp.json'), 'mcpServers', 'y')], sb.ws);
    await sb.ctx.engine.apply(q, grantForProposal(q), gateApprove(sb.ctx));
    assert.equal((await sb.ctx.engine.journal.get(r.executionId))?.status, 'failed');
    assert.equal(readFileSync(sb.legacy, 'utf8'), LEGACY_TEXT, 'the half-applied execution was put back');
  });

  it('takes over the lock of a dead process', async () => {
    sb = sandbox();
    await sb.ctx.engine.ready();
    writeFileSync(join(sb.stateDir, 'apply.lock'), '999999\n');
    chmodSync(join(sb.stateDir, 'apply.lock'), 0o600);
    const p = propose([removeAutoApprove(sb.legacy)], sb.ws);
    const r = await sb.ctx.engine.apply(p, grantForProposal(p), gateApprove(sb.ctx));
    assert.equal(r.status, 'applied');
    assert.ok(!existsSync(join(sb.stateDir, 'apply.lock')), 'released');
  });
});
