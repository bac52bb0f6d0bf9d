import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { TOKEN_PATTERNS } from '../../../src/core/secrets/token-patterns';
import { GITHUB_PAT, OPENAI_KEY, SAMPLE_TOKENS } from './fake-secrets';
import {
  assertAtString,
  assertFinding,
  assertMasked,
  assertNoFinding,
  assessFiles,
  findingsOf,
  GLOBAL_CLAUDE,
  GLOBAL_CLINE,
  GLOBAL_OPTS,
  KILO,
  LEGACY,
  legacyConfig,
  onlyFinding,
  randomAlnum,
  VSCODE,
} from './helpers';

const RULE = 'secret-token';
const WANT = { ruleId: RULE, category: 'secret-in-config', severity: 'critical' } as const;

/** Token shapes that can sit unescaped in a URL query (a PEM key has line breaks; a webhook is a URL itself). */
const NOT_IN_QUERY = new Set(['private-key', 'slack-webhook']);

describe('secret-token: every provider kind, in env, headers, args and URL query', () => {
  it('has a sample for every token pattern', () => {
    assert.deepEqual(
      TOKEN_PATTERNS.map((p) => p.id).filter((id) => SAMPLE_TOKENS[id] === undefined),
      [],
    );
  });

  for (const p of TOKEN_PATTERNS) {
    const token = SAMPLE_TOKENS[p.id] as string;
    it(`${p.id}`, async () => {
      const inQuery = !NOT_IN_QUERY.has(p.id);
      const servers: Record<string, unknown> = {
        'env-srv': { command: 'node', args: ['server.js'], env: { CONFIG_BLOB: token } },
        'arg-srv': { command: 'node', args: ['server.js', token] },
        'hdr-srv': { type: 'streamable-http', url: 'https://api.example.com/mcp', headers: { Authorization: `Bearer ${token}` } },
        ...(inQuery ? { 'url-srv': { type: 'streamable-http', url: `https://api.example.com/mcp?q=${token}` } } : {}),
      };
      const text = legacyConfig(servers);
      const r = await assessFiles({ [LEGACY]: text });
      assert.deepEqual(r.result.errors, []);

      const cases: { server: string; path: (string | number)[]; value: string; fixed: RegExp }[] = [
        { server: 'env-srv', path: ['mcpServers', 'env-srv', 'env', 'CONFIG_BLOB'], value: token, fixed: /^\$\{env:CONFIG_BLOB\}$/ },
        { server: 'arg-srv', path: ['mcpServers', 'arg-srv', 'args', 1], value: token, fixed: /^\$\{env:[A-Z][A-Z0-9_]*\}$/ },
        { server: 'hdr-srv', path: ['mcpServers', 'hdr-srv', 'headers', 'Authorization'], value: `Bearer ${token}`, fixed: /^Bearer \$\{env:HDR_SRV_AUTHORIZATION\}$/ },
        ...(inQuery
          ? [{ server: 'url-srv', path: ['mcpServers', 'url-srv', 'url'], value: `https://api.example.com/mcp?q=${token}`, fixed: /^https:\/\/api\.example\.com\/mcp\?q=\$\{env:[A-Z][A-Z0-9_]*\}$/ }]
          : []),
      ];
      for (const c of cases) {
        const f = onlyFinding(r, RULE, c.server);
        assertFinding(f, { ...WANT, server: c.server, file: LEGACY });
        assert.deepEqual(f.jsonPath, c.path);
        assertAtString(f, text, c.value, `"${c.server}"`);
        assert.ok(f.message.startsWith(`${p.label} in plain text`), f.message);
        assertMasked(f, token);
        assert.equal(f.remediable, true);
        const edit = f.remediation?.edits[0];
        assert.ok(edit && f.remediation?.edits.length === 1);
        assert.deepEqual(edit.jsonPath, c.path);
        assert.equal(edit.file, LEGACY);
        assert.match(String(edit.value), c.fixed);
        // The remediation text must not leak the token either.
        assert.ok(!JSON.stringify(f.remediation).includes(token));
      }
    });
  }
});

describe('secret-token: where else a token is found', () => {
  it('finds a token in a `command` string and in `cwd`', async () => {
    const text = legacyConfig({
      cmd: { command: `node server.js --token ${GITHUB_PAT}` },
      dir: { command: 'node', cwd: `/srv/${GITHUB_PAT}` },
    });
    const r = await assessFiles({ [LEGACY]: text });
    const cmd = onlyFinding(r, RULE, 'cmd');
    assertAtString(cmd, text, `node server.js --token ${GITHUB_PAT}`);
    assertMasked(cmd, GITHUB_PAT);
    assert.equal(cmd.remediation?.edits[0]?.value, 'node server.js --token ${env:CMD_COMMAND}');
    const dir = onlyFinding(r, RULE, 'dir');
    assertAtString(dir, text, `/srv/${GITHUB_PAT}`);
    assertMasked(dir, GITHUB_PAT);
  });

  it('reports two tokens in one value as two findings with different fingerprints', async () => {
    const other = 'ghp_' + randomAlnum(36, 9001);
    const value = `${GITHUB_PAT},${other}`;
    const text = legacyConfig({ two: { command: 'node', args: ['x.js'], env: { TOKENS: value } } });
    const r = await assessFiles({ [LEGACY]: text });
    const fs = findingsOf(r, RULE, 'two');
    assert.equal(fs.length, 2);
    for (const f of fs) {
      assertAtString(f, text, value);
      assertMasked(f, GITHUB_PAT);
      assertMasked(f, other);
    }
    assert.notEqual(fs[0]?.fingerprint, fs[1]?.fingerprint);
    // Partial edits of one value would conflict, so each remediation moves the whole value: applying
    // either one leaves no token behind. (`TOKENS` has no underscore, so the server name is prefixed.)
    for (const f of fs) {
      const value = String(f.remediation?.edits[0]?.value);
      assert.ok(!value.includes(GITHUB_PAT) && !value.includes(other), value);
      assert.equal(value, '${env:TWO_TOKENS}');
    }
  });

  it('uses the flag name for a token passed as `--token VALUE` and `--api-key=VALUE`', async () => {
    const text = legacyConfig({ gh: { command: 'node', args: ['x.js', '--token', GITHUB_PAT, `--api-key=${OPENAI_KEY}`] } });
    const r = await assessFiles({ [LEGACY]: text });
    const fs = findingsOf(r, RULE, 'gh');
    assert.equal(fs.length, 2);
    const byPath = new Map(fs.map((f) => [JSON.stringify(f.jsonPath), f]));
    const tokenArg = byPath.get(JSON.stringify(['mcpServers', 'gh', 'args', 2]));
    const keyArg = byPath.get(JSON.stringify(['mcpServers', 'gh', 'args', 3]));
    assert.ok(tokenArg && keyArg);
    assertAtString(tokenArg, text, GITHUB_PAT);
    assertAtString(keyArg, text, `--api-key=${OPENAI_KEY}`);
    assert.equal(tokenArg.remediation?.edits[0]?.value, '${env:GH_TOKEN}');
    assert.equal(keyArg.remediation?.edits[0]?.value, '--api-key=${env:GH_API_KEY}');
    assertMasked(keyArg, OPENAI_KEY);
  });

  it('still reports a token of a disabled server: it sits in the file all the same', async () => {
    const text = legacyConfig({ off: { command: 'node', disabled: true, env: { GITHUB_TOKEN: GITHUB_PAT } } });
    const r = await assessFiles({ [LEGACY]: text });
    assertFinding(onlyFinding(r, RULE, 'off'), { ...WANT, server: 'off' });
  });

  it('finds a token in kilo.jsonc (command array, environment, headers) and suggests {env:NAME}', async () => {
    const text = [
      '{',
      '  // Kilo config with comments',
      '  "mcp": {',
      '    "local": {',
      '      "type": "local",',
      `      "command": ["npx", "-y", "pkg@1.0.0", "--token", "${GITHUB_PAT}"],`,
      `      "environment": { "OPENAI_API_KEY": "${OPENAI_KEY}" },`,
      '    },',
      '    "remote": {',
      '      "type": "remote",',
      '      "url": "https://api.example.com/mcp",',
      `      "headers": { "Authorization": "Bearer ${GITHUB_PAT}" },`,
      '    },',
      '  },',
      '}',
    ].join('\n');
    const r = await assessFiles({ [KILO]: text });
    assert.deepEqual(r.result.errors, []);
    const local = findingsOf(r, RULE, 'local');
    assert.equal(local.length, 2);
    const arg = local.find((f) => f.jsonPath.join('/') === 'mcp/local/command/4');
    const env = local.find((f) => f.jsonPath.join('/') === 'mcp/local/environment/OPENAI_API_KEY');
    assert.ok(arg && env);
    assertFinding(arg, { ...WANT, server: 'local', file: KILO });
    assertAtString(arg, text, GITHUB_PAT);
    assert.equal(arg.remediation?.edits[0]?.value, '{env:LOCAL_TOKEN}');
    assertAtString(env, text, OPENAI_KEY);
    assert.equal(env.remediation?.edits[0]?.value, '{env:OPENAI_API_KEY}');
    // A project kilo.jsonc gets {env:…} substituted only once the project is trusted in Kilo.
    assert.match(env.remediation?.followUp ?? '', /trusted projects/);
    assertMasked(env, OPENAI_KEY);
    const hdr = onlyFinding(r, RULE, 'remote');
    assertAtString(hdr, text, `Bearer ${GITHUB_PAT}`);
    assert.equal(hdr.remediation?.edits[0]?.value, 'Bearer {env:REMOTE_AUTHORIZATION}');
    assertMasked(hdr, GITHUB_PAT);
  });

  it('suggests ${env:NAME} in .vscode/mcp.json', async () => {
    const text = JSON.stringify({ servers: { gh: { type: 'stdio', command: 'node', args: ['x.js'], env: { GITHUB_TOKEN: GITHUB_PAT } } } }, null, 2);
    const r = await assessFiles({ [VSCODE]: text });
    const f = onlyFinding(r, RULE, 'gh');
    assertFinding(f, { ...WANT, server: 'gh', file: VSCODE });
    assertAtString(f, text, GITHUB_PAT);
    assert.equal(f.remediation?.edits[0]?.value, '${env:GITHUB_TOKEN}');
  });

  it('offers no remediation for Cline and Claude Desktop, which do not substitute ${env:…}', async () => {
    const cline = legacyConfig({ c: { command: 'node', args: ['x.js'], env: { GITHUB_TOKEN: GITHUB_PAT } } });
    const claude = legacyConfig({ d: { command: 'node', args: ['x.js'], env: { GITHUB_TOKEN: GITHUB_PAT } } });
    const r = await assessFiles({ [GLOBAL_CLINE]: cline, [GLOBAL_CLAUDE]: claude }, GLOBAL_OPTS);
    const c = onlyFinding(r, RULE, 'c');
    assertFinding(c, { ...WANT, server: 'c', file: GLOBAL_CLINE });
    assertAtString(c, cline, GITHUB_PAT);
    assert.equal(c.remediable, false);
    assert.equal(c.remediation, undefined);
    assertMasked(c, GITHUB_PAT);
    const d = onlyFinding(r, RULE, 'd');
    assertFinding(d, { ...WANT, server: 'd', file: GLOBAL_CLAUDE });
    assert.equal(d.remediable, false);
    assert.equal(d.remediation, undefined);
  });
});

describe('secret-token: not findings', () => {
  it('ignores ${env:X}, {env:X} (kilo), ${input:x}, {file:…} and Bearer ${env:X}', async () => {
    const legacy = legacyConfig({
      a: { command: 'node', args: ['x.js', '--token', '${env:GITHUB_TOKEN}'], env: { GITHUB_TOKEN: '${env:GITHUB_TOKEN}' } },
      b: { type: 'sse', url: 'https://api.example.com/sse?token=${env:TOKEN}', headers: { Authorization: 'Bearer ${env:GH_TOKEN}' } },
    });
    const kilo = JSON.stringify({
      mcp: {
        k: { type: 'local', command: ['node', 'x.js'], environment: { GITHUB_TOKEN: '{env:GITHUB_TOKEN}', KEY: '{file:~/.secrets/key}' } },
        r: { type: 'remote', url: 'https://api.example.com/mcp', headers: { Authorization: 'Bearer {env:API_TOKEN}' } },
      },
    });
    const vscode = JSON.stringify({
      inputs: [{ type: 'promptString', id: 'github-token', password: true }],
      servers: { v: { type: 'http', url: 'https://api.example.com/mcp', headers: { Authorization: 'Bearer ${input:github-token}' } } },
    });
    const r = await assessFiles({ [LEGACY]: legacy, [KILO]: kilo, [VSCODE]: vscode });
    assert.deepEqual(r.result.errors, []);
    assertNoFinding(r, RULE);
    assertNoFinding(r, 'secret-high-entropy');
  });

  it('ignores documentation placeholders shaped like tokens', async () => {
    const text = legacyConfig({
      p: {
        command: 'node',
        env: {
          GITHUB_TOKEN: 'ghp_' + 'x'.repeat(36),
          OPENAI_API_KEY: 'sk-proj-' + 'your-key-here',
          AWS_ACCESS_KEY_ID: 'AKIA' + 'X'.repeat(16),
          SLACK_BOT_TOKEN: 'xoxb-' + 'placeholder',
        },
      },
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });

  it('ignores prose that merely contains a prefix (task-force, sk-learn)', async () => {
    const text = legacyConfig({ p: { command: 'python', args: ['-m', 'task-force-runner-extended', 'sk-learn-compatibility-mode'] } });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });
});

describe('secret-token: fields that hold secrets but are not scanned', () => {
  it('finds a token in a remote server\'s oauth.clientSecret', async () => {
    const text = legacyConfig({ oa: { type: 'streamable-http', url: 'https://api.example.com/mcp', oauth: { clientId: 'my-client', clientSecret: GITHUB_PAT } } });
    const r = await assessFiles({ [LEGACY]: text });
    assert.deepEqual(r.result.errors, []);
    const f = onlyFinding(r, RULE, 'oa');
    assertAtString(f, text, GITHUB_PAT);
  });
});
