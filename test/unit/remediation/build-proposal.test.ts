import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { hashCanonical, HASH_TAGS, sha256Hex } from '../../../src/core/crypto/hash';
import { OversightError } from '../../../src/core/errors';
import type { Finding } from '../../../src/core/model/finding';
import { buildProposal, displayPath, newTextFor, secretLiteralsOf, type BuildProposalInput } from '../../../src/core/remediation/build-proposal';
import { actionsFromFindings } from '../../../src/core/remediation/finding-actions';
import { RemediationProposalSchema, type ProposalAction } from '../../../src/core/remediation/proposal-schema';
import { randomAlnum } from '../rules/helpers';

const WS = join('/', 'ws');
const LEGACY = join(WS, '.kilocode', 'mcp.json');
const VSCODE = join(WS, '.vscode', 'mcp.json');
const OUTSIDE = join('/', 'home', 'u', '.cursor', 'mcp.json');
const NOW = new Date('2026-06-01T12:00:00Z');
const TOKEN = 'ghp_' + randomAlnum(36, 4242);

const LEGACY_TEXT = `{
    "mcpServers": {
        "github": {
            "command": "npx",
            "args": ["-y", "@modelcontextprotocol/server-github@2025.4.8"],
            "env": {
                "GITHUB_PERSONAL_ACCESS_TOKEN": "${TOKEN}",
                "LOG": "info"
            },
            "alwaysAllow": [
                "get_issue",
                "*",
                "delete_repo"
            ]
        }
    }
}
`;

type Action = Omit<ProposalAction, 'actionId'>;

const action = (over: Partial<Action> & Pick<Action, 'edits'>): Action => ({ kind: 'remediate-finding', description: 'fix', file: LEGACY, risk: 'medium', ...over });

function input(actions: Action[], files: Record<string, string> = { [LEGACY]: LEGACY_TEXT }, over: Partial<BuildProposalInput> = {}): BuildProposalInput {
  let n = 0;
  return { assessmentId: 'as-1', actions, read: (f) => files[f], workspace: WS, now: NOW, newId: () => `id-${++n}`, ...over };
}

function throwsCode(fn: () => unknown, code: string, re?: RegExp): void {
  assert.throws(fn, (e: unknown) => {
    assert.ok(e instanceof OversightError, `an OversightError; got ${String(e)}`);
    assert.equal(e.code, code);
    if (re) assert.match(e.message, re);
    return true;
  });
}

const moveToken = action({ edits: [{ jsonPath: ['mcpServers', 'github', 'env', 'GITHUB_PERSONAL_ACCESS_TOKEN'], value: '${env:GITHUB_PERSONAL_ACCESS_TOKEN}' }], followUp: 'export GITHUB_PERSONAL_ACCESS_TOKEN', severity: 'critical', ruleId: 'secret-token', server: 'github' });
const stopStar = action({ edits: [{ jsonPath: ['mcpServers', 'github', 'alwaysAllow', 1], remove: true }], risk: 'low', ruleId: 'auto-approve-all' });
const stopDelete = action({ edits: [{ jsonPath: ['mcpServers', 'github', 'alwaysAllow', 2], remove: true }], risk: 'low', ruleId: 'auto-approve-dangerous' });

describe('buildProposal', () => {
  it('builds a proposal that satisfies RemediationProposalSchema', () => {
    const p = buildProposal(input([moveToken, stopStar, stopDelete]));
    const parsed = RemediationProposalSchema.safeParse(p);
    assert.ok(parsed.success, JSON.stringify(parsed.error?.issues));
    assert.equal(p.proposalId, 'id-1');
    assert.deepEqual(p.actions.map((a) => a.actionId), ['id-2', 'id-3', 'id-4']);
    assert.equal(p.assessmentId, 'as-1');
    assert.equal(p.requiresApproval, true);
    assert.equal(p.timestamp, NOW.toISOString());
    assert.equal(p.files.length, 1);
    assert.equal(p.files[0]!.displayPath, '.kilocode/mcp.json');
  });

  it('hashes the base as read and the new text exactly', () => {
    const p = buildProposal(input([moveToken, stopStar, stopDelete]));
    const f = p.files[0]!;
    assert.equal(f.baseHash, sha256Hex(LEGACY_TEXT));
    assert.equal(f.newHash, sha256Hex(f.newText));
    const v = JSON.parse(f.newText) as { mcpServers: { github: { env: Record<string, string>; alwaysAllow: string[] } } };
    assert.deepEqual(v.mcpServers.github.env, { GITHUB_PERSONAL_ACCESS_TOKEN: '${env:GITHUB_PERSONAL_ACCESS_TOKEN}', LOG: 'info' });
    assert.deepEqual(v.mcpServers.github.alwaysAllow, ['get_issue']);
  });

  it('newTextFor is deterministic and reproduces the proposal\'s newText (the Installer\'s recheck)', () => {
    const p = buildProposal(input([moveToken, stopStar, stopDelete]));
    for (const f of p.files) {
      const actions = p.actions.filter((a) => a.file === f.file);
      assert.equal(newTextFor(LEGACY_TEXT, actions, f.file), f.newText);
      assert.equal(newTextFor(LEGACY_TEXT, actions, f.file), newTextFor(LEGACY_TEXT, actions, f.file));
    }
  });

  it('is deterministic as a whole (same ids and clock: same subject hash)', () => {
    const a = buildProposal(input([moveToken, stopStar]));
    const b = buildProposal(input([moveToken, stopStar]));
    assert.deepEqual(a, b);
    assert.equal(hashCanonical(HASH_TAGS.proposal, a), hashCanonical(HASH_TAGS.proposal, b));
  });

  it('masks a token-shaped secret in the diff while newText stays exact', () => {
    // The new text itself carries a token (an install with a pasted key): the diff must not show it.
    const other = 'ghp_' + randomAlnum(36, 77);
    const p = buildProposal(input([moveToken, action({ kind: 'install-server', edits: [{ jsonPath: ['mcpServers', 'new'], value: { command: 'node', env: { T: other } } }] })]));
    const f = p.files[0]!;
    assert.ok(!f.diff.includes(TOKEN), f.diff);
    assert.ok(!f.diff.includes(other), f.diff);
    assert.ok(!f.diff.includes(TOKEN.slice(4, 30)), 'not even a long piece of it');
    assert.match(f.diff, /^-\s+"GITHUB_PERSONAL_ACCESS_TOKEN": "ghp_…/m);
    assert.match(f.diff, /^\+\s+"GITHUB_PERSONAL_ACCESS_TOKEN": "\$\{env:GITHUB_PERSONAL_ACCESS_TOKEN\}"/m);
    assert.ok(f.newText.includes(`"T": "${other}"`), 'newText is exact');
    assert.ok(!f.newText.includes(TOKEN));
  });

  it('the diff is a unified diff of the file as shown to a person', () => {
    const p = buildProposal(input([stopStar]));
    const diff = p.files[0]!.diff;
    assert.match(diff, /^Index: \.kilocode\/mcp\.json$/m);
    assert.match(diff, /^--- \.kilocode\/mcp\.json\tcurrent$/m);
    assert.match(diff, /^\+\+\+ \.kilocode\/mcp\.json\tproposed$/m);
    assert.match(diff, /^-\s+"\*",$/m);
  });

  it('creates an absent file: base hash "absent", text ending with a newline, "(new file)" in the diff', () => {
    const create = action({ kind: 'install-server', file: VSCODE, edits: [{ jsonPath: ['servers', 'memory'], value: { type: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory@2026.8.31'] } }], risk: 'high' });
    const p = buildProposal(input([create]));
    const f = p.files[0]!;
    assert.equal(f.baseHash, 'absent');
    assert.ok(f.newText.endsWith('\n'));
    assert.ok(!f.newText.endsWith('\n\n'));
    assert.deepEqual(JSON.parse(f.newText), { servers: { memory: { type: 'stdio', command: 'npx', args: ['-y', '@modelcontextprotocol/server-memory@2026.8.31'] } } });
    assert.equal(f.newHash, sha256Hex(f.newText));
    assert.equal(f.displayPath, '.vscode/mcp.json');
    assert.match(f.diff, /\(new file\)/);
    assert.equal(newTextFor(undefined, p.actions, VSCODE), f.newText);
    assert.ok(p.riskAssessment.factors.some((x) => x === '1 file(s) created'));
    assert.ok(p.riskAssessment.factors.some((x) => x.startsWith('1 new server(s)')));
    assert.equal(p.riskAssessment.level, 'high');
    assert.ok(RemediationProposalSchema.safeParse(p).success);
  });

  it('an empty file is not "absent": its base hash is the hash of ""', () => {
    const create = action({ file: VSCODE, edits: [{ jsonPath: ['servers'], value: {} }] });
    const p = buildProposal(input([create], { [VSCODE]: '' }));
    assert.equal(p.files[0]!.baseHash, sha256Hex(''));
  });

  it('no actions: PROPOSAL_INVALID', () => {
    throwsCode(() => buildProposal(input([])), 'PROPOSAL_INVALID', /nothing to propose/);
  });

  it('actions that change nothing: PROPOSAL_INVALID', () => {
    const same = action({ edits: [{ jsonPath: ['mcpServers', 'github', 'command'], value: 'npx' }] });
    const missing = action({ edits: [{ jsonPath: ['mcpServers', 'nope'], remove: true }] });
    throwsCode(() => buildProposal(input([same, missing])), 'PROPOSAL_INVALID', /already in the files/);
  });

  it('leaves out files that would not change, and their actions', () => {
    const same = action({ file: VSCODE, edits: [{ jsonPath: ['servers'], value: {} }] });
    const p = buildProposal(input([same, stopStar], { [LEGACY]: LEGACY_TEXT, [VSCODE]: '{\n  "servers": {}\n}\n' }));
    assert.deepEqual(p.files.map((f) => f.file), [LEGACY]);
    assert.deepEqual(p.actions.map((a) => a.ruleId), ['auto-approve-all']);
  });

  it('one file per target, in the order first named, each with its own actions', () => {
    const vs = action({ file: VSCODE, edits: [{ jsonPath: ['servers', 'a', 'url'], value: 'https://a.example.com/mcp' }] });
    const out = action({ file: OUTSIDE, edits: [{ jsonPath: ['mcpServers', 'x', 'disabled'], value: true }] });
    const files = { [LEGACY]: LEGACY_TEXT, [VSCODE]: '{\n  "servers": {\n    "a": { "type": "http", "url": "http://a.example.com/mcp" }\n  }\n}\n', [OUTSIDE]: '{\n  "mcpServers": {\n    "x": { "command": "x" }\n  }\n}\n' };
    const p = buildProposal(input([vs, stopStar, out, stopDelete], files));
    assert.deepEqual(p.files.map((f) => f.file), [VSCODE, LEGACY, OUTSIDE]);
    assert.deepEqual(p.files.map((f) => f.displayPath), ['.vscode/mcp.json', '.kilocode/mcp.json', OUTSIDE]);
    assert.deepEqual((JSON.parse(p.files[1]!.newText) as { mcpServers: { github: { alwaysAllow: string[] } } }).mcpServers.github.alwaysAllow, ['get_issue']);
    for (const f of p.files) assert.equal(newTextFor(files[f.file], p.actions.filter((a) => a.file === f.file), f.file), f.newText);
  });

  it('risk: the highest level of any action, with factors and a summary naming the files', () => {
    const p = buildProposal(input([stopStar, moveToken]));
    assert.equal(p.riskAssessment.level, 'medium');
    assert.equal(p.riskAssessment.summary, 'medium risk: 2 change(s) to .kilocode/mcp.json');
    assert.deepEqual(p.riskAssessment.factors, ['1 change(s) need a follow-up step by a person, or the server will not start', '1 file(s) changed, 2 action(s); every change can be rolled back']);
    assert.equal(buildProposal(input([stopStar])).riskAssessment.level, 'low');
  });

  it('estimated time: an ISO 8601 duration that grows with actions and follow-ups', () => {
    assert.equal(buildProposal(input([stopStar])).estimatedTime, 'PT15S');
    assert.equal(buildProposal(input([stopStar, stopDelete])).estimatedTime, 'PT25S');
    assert.equal(buildProposal(input([moveToken])).estimatedTime, 'PT2M15S');
    const many = Array.from({ length: 6 }, (_, i) => action({ edits: [{ jsonPath: ['mcpServers', `s${i}`], value: { command: 'x' } }] }));
    assert.equal(buildProposal(input(many)).estimatedTime, 'PT1M5S');
  });
});

describe('displayPath', () => {
  it('relative with forward slashes inside the workspace, absolute outside, as is without one', () => {
    assert.equal(displayPath(VSCODE, WS), '.vscode/mcp.json');
    assert.equal(displayPath(OUTSIDE, WS), OUTSIDE);
    assert.equal(displayPath(VSCODE, undefined), VSCODE);
    assert.equal(displayPath(WS, WS), WS);
  });
});

describe('actionsFromFindings', () => {
  const finding = (over: Partial<Finding>): Finding => ({
    ruleId: 'r',
    category: 'secret-in-config',
    severity: 'high',
    server: 'github',
    file: LEGACY,
    line: 1,
    column: 1,
    endLine: 1,
    endColumn: 2,
    jsonPath: [],
    message: 'm',
    remediable: true,
    fingerprint: 'fp',
    ...over,
  });

  it('one action per remediable, unsuppressed finding; edits keep value or removal', () => {
    const fs = [
      finding({ ruleId: 'secret-token', fingerprint: 'a', remediation: { description: 'move it', followUp: 'export X', edits: [{ file: LEGACY, jsonPath: ['x'], value: '${env:X}' }] } }),
      finding({ ruleId: 'auto-approve-all', category: 'auto-approve-all', severity: 'medium', fingerprint: 'b', server: 's', remediation: { description: 'stop', edits: [{ file: LEGACY, jsonPath: ['a', 1], remove: true }] } }),
      finding({ ruleId: 'x', fingerprint: 'c', remediable: false }),
      finding({ ruleId: 'y', fingerprint: 'd', suppressed: { reason: 'accepted' }, remediation: { description: 'd', edits: [{ file: LEGACY, jsonPath: ['y'], value: 1 }] } }),
    ];
    assert.deepEqual(actionsFromFindings(fs), [
      { kind: 'remediate-finding', description: 'move it', file: LEGACY, edits: [{ jsonPath: ['x'], value: '${env:X}' }], risk: 'medium', ruleId: 'secret-token', findingFingerprint: 'a', severity: 'high', server: 'github', followUp: 'export X' },
      { kind: 'remediate-finding', description: 'stop', file: LEGACY, edits: [{ jsonPath: ['a', 1], remove: true }], risk: 'low', ruleId: 'auto-approve-all', findingFingerprint: 'b', severity: 'medium', server: 's' },
    ]);
  });

  it('splits a remediation spanning files into one action per file, and leaves out a null server', () => {
    const f = finding({ server: null, remediation: { description: 'd', edits: [{ file: LEGACY, jsonPath: ['a'], value: 1 }, { file: VSCODE, jsonPath: ['b'], remove: true }, { file: LEGACY, jsonPath: ['c'], value: 2 }] } });
    const out = actionsFromFindings([f]);
    assert.deepEqual(out.map((a) => [a.file, a.edits]), [
      [LEGACY, [{ jsonPath: ['a'], value: 1 }, { jsonPath: ['c'], value: 2 }]],
      [VSCODE, [{ jsonPath: ['b'], remove: true }]],
    ]);
    for (const a of out) assert.equal('server' in a, false);
  });

  it('a remove: false edit is a set', () => {
    const out = actionsFromFindings([finding({ remediation: { description: 'd', edits: [{ file: LEGACY, jsonPath: ['a'], value: 1, remove: false }] } })]);
    assert.deepEqual(out[0]!.edits, [{ jsonPath: ['a'], value: 1 }]);
  });
});

describe('buildProposal: secrets in the diff', () => {
  const KEY = randomAlnum(24, 4343);
  const PASS = randomAlnum(20, 4344);
  const ARG = randomAlnum(22, 4345);
  const TEXT = `{\n  "mcpServers": {\n    "api": {\n      "command": "node",\n      "args": ["s.js", "--api-key=${ARG}"],\n      "env": { "API_KEY": "${KEY}", "DB": { "PASSWORD": "${PASS}", "HOST": "db.local" } },\n      "alwaysAllow": ["read_file", "delete_file"]\n    }\n  }\n}\n`;
  const build = (edits: ProposalAction['edits'], over: Partial<BuildProposalInput> = {}) => buildProposal(input([action({ edits })], { [LEGACY]: TEXT }, over)).files[0]!;

  it('masks the value a set replaces with an env reference, only the part that changes', () => {
    const f = build([
      { jsonPath: ['mcpServers', 'api', 'env', 'API_KEY'], value: '${env:API_KEY}' },
      { jsonPath: ['mcpServers', 'api', 'args', 1], value: '--api-key=${env:API_KEY}' },
    ]);
    for (const secret of [KEY, ARG]) assert.ok(!f.diff.includes(secret), f.diff);
    assert.ok(f.diff.includes(`"API_KEY": "…${KEY.slice(-4)}"`), f.diff);
    assert.ok(f.diff.includes(`"--api-key=…${ARG.slice(-4)}"`), f.diff);
    // The new text is the file to write: the values are gone from it, not masked.
    assert.ok(f.newText.includes('"--api-key=${env:API_KEY}"'));
  });

  it('masks random values under secret-like names inside a removed value; other removed values stay readable', () => {
    const f = build([
      { jsonPath: ['mcpServers', 'api', 'env', 'DB'], remove: true },
      { jsonPath: ['mcpServers', 'api', 'alwaysAllow', 1], remove: true },
    ]);
    assert.ok(!f.diff.includes(PASS), f.diff);
    assert.ok(f.diff.includes('"HOST": "db.local"'), f.diff);
    assert.match(f.diff, /^-.*"delete_file"/m);
  });

  it('masks the secret values the caller gives, wherever they appear', () => {
    const f = build([{ jsonPath: ['mcpServers', 'api', 'command'], value: 'node2' }], { secretValues: [KEY, ''] });
    assert.ok(!f.diff.includes(KEY), f.diff);
    assert.ok(f.diff.includes(`…${KEY.slice(-4)}`));
  });

  it('secretLiteralsOf: nothing for a missing file, a missing path or a plain value change', () => {
    assert.deepEqual(secretLiteralsOf(undefined, [{ jsonPath: ['a'], value: '${env:A}' }]), []);
    assert.deepEqual(secretLiteralsOf(TEXT, [{ jsonPath: ['nope'], value: '${env:A}' }]), []);
    assert.deepEqual(secretLiteralsOf(TEXT, [{ jsonPath: ['mcpServers', 'api', 'command'], value: 'deno' }]), []);
  });
});
