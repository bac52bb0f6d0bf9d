/**
 * From real findings to a file on disk and back: assess a temp workspace, turn every remediable
 * finding into one proposal, write each file's newText, assess again.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { assessTarget, type WorkspaceAssessment } from '../../../src/core/assess/assess-workspace';
import { sha256Hex } from '../../../src/core/crypto/hash';
import type { Finding } from '../../../src/core/model/finding';
import { nodeFileSystem } from '../../../src/core/ports/node-file-system';
import { buildProposal, newTextFor } from '../../../src/core/remediation/build-proposal';
import { actionsFromFindings } from '../../../src/core/remediation/finding-actions';
import { RemediationProposalSchema, type RemediationProposal } from '../../../src/core/remediation/proposal-schema';
import { assessFiles, describeFindings, HEX, LEGACY, parseStrictJsonc, randomAlnum, randomBody } from '../rules/helpers';

const GITHUB_PAT = 'ghp_' + randomAlnum(36, 9001);
const OPENAI_KEY = 'sk-proj-' + randomAlnum(48, 9002);
const IMAGE = 'ghcr.io/org/img@sha256:' + randomBody(HEX, 64, 9003);

const KILO_COMMENTS = ['// MCP servers for this repository', '// pasted by mistake', '/* docs over plain http */', '// everything of github', '// trailing note'];
const KILO_TEXT = `{
  "$schema": "https://app.kilo.ai/config.json",
  // MCP servers for this repository
  "mcp": {
    "github": {
      "type": "local",
      "command": ["npx", "-y", "@modelcontextprotocol/server-github@2025.4.8"],
      "environment": {
        "GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_PAT}", // pasted by mistake
      },
    },
    /* docs over plain http */
    "docs": {
      "type": "remote",
      "url": "http://docs.example.com/mcp",
    },
  },
  "permission": {
    // everything of github
    "github_*": "allow",
    "docs_delete_page": "allow",
    "docs_read_page": "allow",
  },
  // trailing note
}
`;

// Tabs and CRLF, comments (VS Code reads JSONC).
const VSCODE_COMMENTS = ['// VS Code servers', '// local tools', '/* the key */'];
const VSCODE_TEXT = [
  '{',
  '\t// VS Code servers',
  '\t"servers": {',
  '\t\t// local tools',
  '\t\t"tools": {',
  '\t\t\t"type": "stdio",',
  '\t\t\t"command": "docker",',
  '\t\t\t"args": [',
  '\t\t\t\t"run",',
  '\t\t\t\t"-i",',
  '\t\t\t\t"--rm",',
  '\t\t\t\t"--privileged",',
  '\t\t\t\t"-v",',
  '\t\t\t\t"/var/run/docker.sock:/var/run/docker.sock",',
  `\t\t\t\t"${IMAGE}"`,
  '\t\t\t],',
  '\t\t\t"env": {',
  '\t\t\t\t/* the key */',
  `\t\t\t\t"OPENAI_API_KEY": "${OPENAI_KEY}"`,
  '\t\t\t}',
  '\t\t}',
  '\t}',
  '}',
  '',
].join('\r\n');

// Legacy KiloCode: strict JSON, 4 spaces.
const LEGACY_TEXT =
  JSON.stringify(
    { mcpServers: { fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '.'], alwaysAllow: ['read_file', '*', 'write_file', 'list_directory', 'delete_file'] } } },
    null,
    4,
  ) + '\n';

const same = (a: Finding, b: Finding) => a.ruleId === b.ruleId && a.server === b.server && a.file === b.file && a.message === b.message;

describe('end to end: findings -> proposal -> files on disk -> assess again', () => {
  let ws: string;
  let files: Record<string, string>;
  let first: WorkspaceAssessment;
  let remediable: Finding[];
  let proposal: RemediationProposal;
  const assess = () => assessTarget(nodeFileSystem, { path: ws, includeGlobal: false, platform: 'linux', env: {}, toolVersion: 'test', now: new Date('2026-06-01T12:00:00Z') });

  before(async () => {
    ws = mkdtempSync(join(tmpdir(), 'mcp-oversight-remediation-'));
    files = { [join(ws, 'kilo.jsonc')]: KILO_TEXT, [join(ws, '.vscode', 'mcp.json')]: VSCODE_TEXT, [join(ws, '.kilocode', 'mcp.json')]: LEGACY_TEXT };
    for (const [f, t] of Object.entries(files)) {
      mkdirSync(dirname(f), { recursive: true });
      writeFileSync(f, t);
    }
    first = await assess();
    remediable = first.result.findings.filter((f) => f.remediation !== undefined && f.suppressed === undefined);
    let n = 0;
    proposal = buildProposal({ assessmentId: 'a', actions: actionsFromFindings(remediable), read: (f) => first.texts.get(f), workspace: ws, now: new Date('2026-06-01T12:00:00Z'), newId: () => `id-${++n}` });
  });

  after(() => rmSync(ws, { recursive: true, force: true }));

  it('the fixture has remediable findings in every file, of several rules', () => {
    assert.deepEqual(first.result.errors, []);
    assert.deepEqual([...new Set(remediable.map((f) => f.file))].sort(), Object.keys(files).sort(), describeFindings(remediable));
    const rules = new Set(remediable.map((f) => f.ruleId));
    for (const r of ['secret-token', 'insecure-http', 'auto-approve-all', 'auto-approve-dangerous', 'privileged-container']) assert.ok(rules.has(r), `${r}: ${describeFindings(remediable)}`);
  });

  it('the proposal validates and binds each file as read', () => {
    assert.ok(RemediationProposalSchema.safeParse(proposal).success);
    assert.equal(proposal.actions.length, remediable.length);
    for (const f of proposal.files) {
      assert.equal(f.baseHash, sha256Hex(files[f.file]!));
      assert.equal(f.newHash, sha256Hex(f.newText));
      assert.equal(newTextFor(files[f.file], proposal.actions.filter((a) => a.file === f.file), f.file), f.newText);
      for (const s of [GITHUB_PAT, OPENAI_KEY]) assert.ok(!f.diff.includes(s), `no secret in the diff of ${f.displayPath}`);
    }
  });

  it('applied to disk, it fixes those findings, keeps comments and layout, and adds no error', async () => {
    for (const f of proposal.files) writeFileSync(f.file, f.newText);
    const again = await assess();
    assert.deepEqual(again.result.errors, []);
    const still = again.result.findings.filter((g) => remediable.some((f) => same(f, g)));
    assert.deepEqual(still, [], describeFindings(still));
    assert.deepEqual(again.result.findings.filter((g) => g.remediable), [], 'nothing remediable is left');

    const kilo = readFileSync(join(ws, 'kilo.jsonc'), 'utf8');
    for (const c of KILO_COMMENTS) assert.ok(kilo.includes(c), `${c} survives:\n${kilo}`);
    assert.match(kilo, /"GITHUB_PERSONAL_ACCESS_TOKEN": "\{env:GITHUB_PERSONAL_ACCESS_TOKEN\}", \/\/ pasted by mistake/);
    assert.ok(!kilo.includes(GITHUB_PAT));

    const vscode = readFileSync(join(ws, '.vscode', 'mcp.json'), 'utf8');
    for (const c of VSCODE_COMMENTS) assert.ok(vscode.includes(c), `${c} survives:\n${vscode}`);
    assert.doesNotMatch(vscode, /(?<!\r)\n/, 'CRLF kept');
    assert.doesNotMatch(vscode, /^ +/m, 'tabs kept');
    assert.ok(!vscode.includes(OPENAI_KEY));
    const tools = (parseStrictJsonc(vscode) as { servers: { tools: { args: string[] } } }).servers.tools;
    assert.deepEqual(tools.args, ['run', '-i', '--rm', IMAGE]);

    const legacy = readFileSync(join(ws, '.kilocode', 'mcp.json'), 'utf8');
    const v = JSON.parse(legacy) as { mcpServers: { fs: { alwaysAllow: string[] } } };
    assert.deepEqual(v.mcpServers.fs.alwaysAllow, ['read_file', 'list_directory']);
    assert.equal(legacy, JSON.stringify(v, null, 4) + '\n', 'strict JSON in its own layout');
  });
});

describe('end to end: hand-written one-line entries', () => {
  const API_KEY = randomAlnum(32, 9004);
  const TEXT = `{\n  "mcpServers": {\n    "api": { "command": "node", "args": ["s.js"], "env": { "API_KEY": "${API_KEY}" }, "alwaysAllow": ["read_file", "delete_file"] }\n  }\n}\n`;
  const propose = async (ruleIds?: string[]) => {
    const r = await assessFiles({ [LEGACY]: TEXT });
    const actions = actionsFromFindings(r.result.findings).filter((a) => ruleIds === undefined || ruleIds.includes(a.ruleId ?? ''));
    return buildProposal({ assessmentId: 'a', actions, read: (f) => r.texts.get(f), now: new Date('2026-06-01T12:00:00Z'), newId: () => 'id' });
  };

  it('a dangerous tool last in a one-line alwaysAllow can be removed (jsonc-parser 3.3.1 alone breaks the last element of a one-line array)', async () => {
    const p = await propose();
    const v = JSON.parse(p.files[0]!.newText) as { mcpServers: { api: { alwaysAllow: string[] } } };
    assert.deepEqual(v.mcpServers.api.alwaysAllow, ['read_file']);
  });

  it('the diff does not show a high-entropy secret that is moved out (redactSecrets alone masks only token shapes)', async () => {
    const p = await propose(['secret-high-entropy']);
    assert.ok(!p.files[0]!.newText.includes(API_KEY));
    assert.ok(!p.files[0]!.diff.includes(API_KEY), p.files[0]!.diff);
  });
});
