import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAtString, assertFinding, assertMasked, assertNoFinding, assessFiles, HEX, KILO, LEGACY, legacyConfig, onlyFinding, randomAlnum, randomBody } from './helpers';

const SHA = randomBody(HEX, 40, 5);

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

describe('unpinned-python-package: exact pins and named sources', () => {
  it('accepts the PEP 440 arbitrary-equality pin `===`', async () => {
    const text = legacyConfig({ eqq: s('uvx', 'mcp-server-fetch===0.6.2') });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });

  it('does not take the command name for the package when --from names a VCS URL or a local folder', async () => {
    // A git source pinned to a commit, and a local folder: nothing to report, and never "mcp-x"/"server".
    const text = legacyConfig({
      git: s('uvx', '--from', `git+https://github.com/org/repo@${SHA}`, 'mcp-x'),
      local: s('uvx', '--from', './packages/server', 'server'),
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });

  it('reports a VCS source on a branch, tag or no ref at the source, never the command name', async () => {
    const CASES: [string, { command: string; args: string[] }, string, RegExp][] = [
      ['tag', s('uvx', '--from', 'git+https://github.com/org/repo@v1.0.0', 'mcp-x'), 'git+https://github.com/org/repo@v1.0.0', /runs git\+https:\/\/github\.com\/org\/repo through uvx at "v1\.0\.0", a branch or tag that can be moved/],
      ['noref', s('uv', 'tool', 'run', '--from', 'git+https://github.com/org/repo', 'mcp-x'), 'git+https://github.com/org/repo', /through uv tool run with no commit: every start installs whatever the default branch holds/],
      ['spec', s('pipx', 'run', '--spec', 'git+ssh://git@github.com/org/repo.git@main#egg=mcp-x', 'mcp-x'), 'git+ssh://git@github.com/org/repo.git@main#egg=mcp-x', /through pipx run at "main"/],
      ['pep508', s('uvx', '--from', 'mcp-x[cli] @ git+https://github.com/org/repo@dev', 'mcp-x'), 'mcp-x[cli] @ git+https://github.com/org/repo@dev', /runs mcp-x through uvx from git\+https:\/\/github\.com\/org\/repo at "dev"/],
    ];
    const text = legacyConfig(Object.fromEntries(CASES.map(([name, entry]) => [name, entry])));
    const r = await assessFiles({ [LEGACY]: text });
    for (const [name, entry, at, message] of CASES) {
      const f = onlyFinding(r, RULE, name);
      assert.deepEqual(f.jsonPath, ['mcpServers', name, 'args', entry.args.indexOf(at)]);
      assert.match(f.message, message);
    }
  });

  it('accepts commit-pinned VCS sources and local sources in every spelling', async () => {
    const text = legacyConfig({
      sha: s('pipx', 'run', '--spec', `git+https://github.com/org/repo.git@${SHA}#subdirectory=server`, 'mcp-x'),
      pep508: s('uvx', '--from', `mcp-x @ git+https://github.com/org/repo@${SHA}`, 'mcp-x'),
      inline: s('uvx', `--from=git+https://github.com/org/repo@${SHA}`, 'mcp-x'),
      dotdot: s('uvx', '--from', '../server', 'server'),
      abs: s('uvx', '--from', '/opt/mcp/server', 'server'),
      win: s('uvx', '--from', 'C:\\mcp\\server', 'server'),
      wheel: s('uvx', '--from', 'dist/mcp_x-1.0.0-py3-none-any.whl', 'mcp-x'),
      gitfile: s('uvx', '--from', 'git+file:///srv/repos/mcp-x', 'mcp-x'),
      relative: s('uvx', '--from', 'packages/server', 'server'),
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });

  it('does not print credentials of a VCS URL', async () => {
    const password = randomAlnum(24, 88);
    const text = legacyConfig({ cred: s('uvx', '--from', `git+https://user:${password}@git.example.com/org/repo@main`, 'mcp-x') });
    const r = await assessFiles({ [LEGACY]: text });
    const f = onlyFinding(r, RULE, 'cred');
    assertMasked(f, password);
    assert.match(f.message, /git\+https:\/\/git\.example\.com\/org\/repo/);
  });
});

describe('unpinned-python-package: real-world negatives', () => {
  it('accepts the official pinned shapes', async () => {
    const text = legacyConfig({
      fetch: s('uvx', 'mcp-server-fetch==2025.4.7'),
      time: s('uvx', 'mcp-server-time@2025.8.4', '--local-timezone=Europe/Paris'),
      git: s('uvx', '--python', '3.12', 'mcp-server-git==2025.7.1', '--repository', '/repo'),
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });
});
