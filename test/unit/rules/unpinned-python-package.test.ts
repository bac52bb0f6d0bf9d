import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAtString, assertFinding, assertNoFinding, assessFiles, KILO, LEGACY, legacyConfig, onlyFinding } from './helpers';

const RULE = 'unpinned-python-package';
const s = (command: string, ...args: string[]) => ({ command, args });

const CASES: { server: string; entry: { command: string; args: string[] }; at: string; name: string; launcher: string; why: RegExp }[] = [
  { server: 'uvx', entry: s('uvx', 'mcp-server-fetch'), at: 'mcp-server-fetch', name: 'mcp-server-fetch', launcher: 'uvx', why: /with no version/ },
  { server: 'uvxge', entry: s('uvx', 'mcp-server-time>=0.6'), at: 'mcp-server-time>=0.6', name: 'mcp-server-time', launcher: 'uvx', why: /"mcp-server-time>=0.6", which is not one exact version/ },
  { server: 'fromge', entry: s('uvx', '--from', 'mcp-server-git>=1.0', 'mcp-server-git'), at: 'mcp-server-git>=1.0', name: 'mcp-server-git', launcher: 'uvx', why: /not one exact version/ },
  { server: 'compat', entry: s('uvx', 'mcp-compat~=1.2'), at: 'mcp-compat~=1.2', name: 'mcp-compat', launcher: 'uvx', why: /not one exact version/ },
  { server: 'python', entry: s('uvx', '--python', '3.12', 'mcp-py-flag'), at: 'mcp-py-flag', name: 'mcp-py-flag', launcher: 'uvx', why: /no version/ },
  { server: 'pipx', entry: s('pipx', 'run', 'mcp-server-pipx'), at: 'mcp-server-pipx', name: 'mcp-server-pipx', launcher: 'pipx run', why: /no version/ },
  { server: 'uvtool', entry: s('uv', 'tool', 'run', 'mcp-uv-tool'), at: 'mcp-uv-tool', name: 'mcp-uv-tool', launcher: 'uv tool run', why: /no version/ },
  { server: 'extras', entry: s('uvx', 'mcp-extras[cli]'), at: 'mcp-extras[cli]', name: 'mcp-extras', launcher: 'uvx', why: /no version/ },
];

describe('unpinned-python-package: positives', () => {
  const text = legacyConfig(Object.fromEntries(CASES.map((c) => [c.server, c.entry])));
  for (const c of CASES) {
    it(`${c.server}: ${[c.entry.command, ...c.entry.args].join(' ')}`, async () => {
      const r = await assessFiles({ [LEGACY]: text });
      const f = onlyFinding(r, RULE, c.server);
      assertFinding(f, { ruleId: RULE, category: 'unpinned-package', severity: 'medium', server: c.server, file: LEGACY });
      assert.deepEqual(f.jsonPath, ['mcpServers', c.server, 'args', c.entry.args.indexOf(c.at)]);
      assertAtString(f, text, c.at, `"${c.server}": {`);
      assert.ok(f.message.includes(`runs ${c.name} through ${c.launcher}`), f.message);
      assert.match(f.message, c.why);
    });
  }

  it('finds uvx in a Kilo command array', async () => {
    const kilo = `{\n  // python\n  "mcp": { "fetch": { "type": "local", "command": ["uvx", "mcp-server-fetch"] } },\n}\n`;
    const r = await assessFiles({ [KILO]: kilo });
    const f = onlyFinding(r, RULE, 'fetch');
    assertFinding(f, { ruleId: RULE, category: 'unpinned-package', severity: 'medium', server: 'fetch', file: KILO });
    assertAtString(f, kilo, 'mcp-server-fetch');
  });
});

describe('unpinned-python-package: negatives', () => {
  it('accepts ==, @version, --from pkg==1.0, pipx --spec, local paths and non-launchers', async () => {
    const text = legacyConfig({
      eq: s('uvx', 'mcp-server-fetch==0.6.2'),
      at: s('uvx', 'mcp-server-fetch@0.6.2'),
      from: s('uvx', '--from', 'mcp-server-git==1.0', 'mcp-server-git'),
      spec: s('pipx', 'run', '--spec', 'mcp-server-time==1.0.0', 'mcp-server-time'),
      gitOperand: s('uvx', 'git+https://github.com/org/repo'),
      python: s('python', '-m', 'mcp_server_fetch'),
      uvrun: s('uv', 'run', 'server.py'),
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });

  it('does not mistake npm or docker packages for Python ones', async () => {
    const text = legacyConfig({ npm: s('npx', '-y', 'mcp-npm'), docker: s('docker', 'run', '-i', 'mcp/fetch') });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });
});

describe('unpinned-python-package: doubtful behaviour', () => {
  it('accepts the PEP 440 arbitrary-equality pin `===`', { todo: 'bug: packages.ts pythonRef tries `==` before `===` in its operator alternation, so `pkg===0.6.2` parses as op "==" with version "=0.6.2" and is reported as unpinned' }, async () => {
    const text = legacyConfig({ eqq: s('uvx', 'mcp-server-fetch===0.6.2') });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });

  it('does not take the command name for the package when --from names a VCS URL or a local folder', { todo: 'bug: packages.ts ignores a local/VCS `--from` value (pythonRef returns undefined) and then falls back to the first operand, so `uvx --from git+https://… mcp-x` reports the command "mcp-x" as an unpinned PyPI package' }, async () => {
    const text = legacyConfig({
      git: s('uvx', '--from', 'git+https://github.com/org/repo@v1.0.0', 'mcp-x'),
      local: s('uvx', '--from', './packages/server', 'server'),
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });
});
