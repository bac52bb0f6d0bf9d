import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { Finding } from '../../../src/core/model/finding';
import { GITHUB_PAT, OPENAI_KEY } from '../rules/fake-secrets';
import { applyRemediation, assessFiles, describeFindings, HEX, KILO, LEGACY, legacyConfig, parseStrictJsonc, randomAlnum, randomBody, VSCODE } from '../rules/helpers';

const IMAGE = 'ghcr.io/org/img@sha256:' + randomBody(HEX, 64, 11);
const BEARER = randomAlnum(40, 21);
const API_KEY = randomAlnum(32, 22);

const KILO_COMMENTS = ['// MCP servers for this repository', '// pasted by mistake', '/* docs over plain http */', '// container with host access', '// everything of github', '// trailing note'];
const KILO_TEXT = `{
  "$schema": "https://app.kilo.ai/config.json",
  // MCP servers for this repository
  "mcp": {
    "github": {
      "type": "local",
      "command": ["npx", "-y", "@modelcontextprotocol/server-github@2025.4.8"],
      "environment": {
        "GITHUB_PERSONAL_ACCESS_TOKEN": "${GITHUB_PAT}", // pasted by mistake
        "API_KEY": "${API_KEY}",
      },
    },
    /* docs over plain http */
    "docs": {
      "type": "remote",
      "url": "http://docs.example.com/mcp",
      "headers": { "Authorization": "Bearer ${BEARER}" },
    },
    // container with host access
    "box": {
      "type": "local",
      "command": ["docker", "run", "-i", "--rm", "--privileged", "-v", "/var/run/docker.sock:/var/run/docker.sock", "${IMAGE}"],
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

const VSCODE_COMMENTS = ['// VS Code servers', '/* remote API */', '// local tools'];
const VSCODE_TEXT = `{
  // VS Code servers
  "servers": {
    /* remote API */
    "api": {
      "type": "http",
      "url": "http://api.example.com/mcp",
      "headers": { "X-API-Key": "${API_KEY}" }
    },
    // local tools
    "tools": {
      "type": "stdio",
      "command": "docker",
      "args": ["run", "-i", "--rm", "--network", "host", "${IMAGE}"],
      "env": { "OPENAI_API_KEY": "${OPENAI_KEY}" }
    }
  }
}
`;

const LEGACY_TEXT = legacyConfig({
  fs: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '.'], alwaysAllow: ['read_file', '*', 'write_file', 'delete_file'] },
});

const FILES: Record<string, string> = { [KILO]: KILO_TEXT, [VSCODE]: VSCODE_TEXT, [LEGACY]: LEGACY_TEXT };
const COMMENTS: Record<string, string[]> = { [KILO]: KILO_COMMENTS, [VSCODE]: VSCODE_COMMENTS, [LEGACY]: [] };

const REMEDIABLE_RULES = ['secret-token', 'secret-high-entropy', 'insecure-http', 'auto-approve-all', 'auto-approve-dangerous', 'privileged-container'];

const same = (a: Finding, b: Finding) => a.ruleId === b.ruleId && a.server === b.server && a.file === b.file && a.message === b.message;

describe('remediation edits applied with jsonc-parser', async () => {
  const before = await assessFiles(FILES);
  const remediable = before.result.findings.filter((f) => f.remediation !== undefined);

  it('covers every remediable rule, on every format in the fixture', () => {
    assert.deepEqual([...new Set(remediable.map((f) => f.ruleId))].sort(), [...REMEDIABLE_RULES].sort(), describeFindings(remediable));
    assert.deepEqual([...new Set(remediable.map((f) => f.file))].sort(), [KILO, LEGACY, VSCODE].sort());
    for (const f of before.result.findings) assert.equal(f.remediable, f.remediation !== undefined, f.ruleId);
  });

  it('offers no remediation for rules that cannot fix themselves', () => {
    for (const f of before.result.findings) {
      if (!REMEDIABLE_RULES.includes(f.ruleId)) assert.equal(f.remediable, false, `${f.ruleId}: ${f.message}`);
    }
  });

  for (const f of remediable) {
    it(`${f.ruleId} / ${f.server} (${f.jsonPath.join('.')}): ${f.remediation?.description ?? ''}`.slice(0, 200), async () => {
      const remediation = f.remediation;
      assert.ok(remediation);
      const original = FILES[f.file] as string;
      for (const e of remediation.edits) assert.equal(e.file, f.file, 'edits stay in the finding\'s file');
      const edited = applyRemediation(original, remediation, f.file);
      assert.notEqual(edited, original);
      // Comments survive.
      for (const c of COMMENTS[f.file] ?? []) assert.ok(edited.includes(c), `comment ${JSON.stringify(c)} survives:\n${edited}`);
      // The result parses; a legacy KiloCode file stays strict JSON (its client rejects anything else).
      parseStrictJsonc(edited);
      if (f.file === LEGACY) assert.doesNotThrow(() => JSON.parse(edited) as unknown);
      // No secret survives a secret remediation.
      if (f.ruleId.startsWith('secret-')) {
        const before2 = [GITHUB_PAT, OPENAI_KEY, API_KEY, BEARER].filter((s) => original.includes(s));
        const fixedHere = before2.filter((s) => !edited.includes(s));
        assert.equal(fixedHere.length, 1, 'exactly one secret was moved out');
      }
      // Re-assessing the edited text no longer yields that finding, and adds no config error.
      const after = await assessFiles({ ...FILES, [f.file]: edited });
      assert.deepEqual(after.result.errors, []);
      const still = after.result.findings.filter((g) => same(f, g));
      assert.deepEqual(still, [], describeFindings(still));
    });
  }

  it('fixes everything when all remediations of one file are applied one after another (re-assessing between)', async () => {
    let text = KILO_TEXT;
    for (let round = 0; round < 20; round++) {
      const r = await assessFiles({ ...FILES, [KILO]: text });
      const next = r.result.findings.find((g) => g.file === KILO && g.remediation !== undefined);
      if (!next?.remediation) break;
      text = applyRemediation(text, next.remediation, KILO);
    }
    const r = await assessFiles({ ...FILES, [KILO]: text });
    assert.deepEqual(
      r.result.findings.filter((g) => g.file === KILO && g.remediable),
      [],
    );
    for (const c of KILO_COMMENTS) assert.ok(text.includes(c));
    for (const s of [GITHUB_PAT, API_KEY, BEARER]) assert.ok(!text.includes(s));
    assert.match(text, /"GITHUB_PERSONAL_ACCESS_TOKEN": "\{env:GITHUB_PERSONAL_ACCESS_TOKEN\}", \/\/ pasted by mistake/);
    assert.match(text, /"url": "https:\/\/docs\.example\.com\/mcp"/);
    assert.match(text, /"github_\*": "ask"/);
    assert.match(text, /"docs_delete_page": "ask"/);
    assert.match(text, /"docs_read_page": "allow"/);
  });
});

describe('remediation edits of one assessment applied together', () => {
  // By design a remediation is the exact new value for the file *as read* (later bound to its
  // baseHash): after one is applied the others are stale, and the way on is to assess again.
  it('composes through re-assessment: fix one, assess, fix the next, until none is left', async () => {
    let text = LEGACY_TEXT;
    const before = (await assessFiles({ [LEGACY]: text })).result.findings.filter((g) => g.ruleId === 'auto-approve-dangerous');
    assert.ok(before.length >= 2, 'the fixture has several dangerous auto-approvals');
    for (let round = 0; round < before.length + 1; round++) {
      const next = (await assessFiles({ [LEGACY]: text })).result.findings.find((g) => g.ruleId === 'auto-approve-dangerous');
      if (next === undefined) break;
      assert.ok(next.remediation);
      text = applyRemediation(text, next.remediation, LEGACY);
    }
    const after = await assessFiles({ [LEGACY]: text });
    assert.deepEqual(after.result.findings.filter((g) => g.ruleId === 'auto-approve-dangerous'), []);
  });
});
