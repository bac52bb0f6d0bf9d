import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAtString, assertFinding, assertNoFinding, assessFiles, HEX, KILO, LEGACY, legacyConfig, onlyFinding, randomBody } from './helpers';

const RULE = 'unpinned-container-image';
const s = (command: string, ...args: string[]) => ({ command, args });
const DIGEST = 'sha256:' + randomBody(HEX, 64, 42);

const CASES: { server: string; entry: { command: string; args: string[] }; at: string; severity: 'medium' | 'low'; message: RegExp }[] = [
  { server: 'notag', entry: s('docker', 'run', '-i', '--rm', 'mcp/fetch'), at: 'mcp/fetch', severity: 'medium', message: /image mcp\/fetch without a tag/ },
  { server: 'latest', entry: s('docker', 'run', '-i', '--rm', '-e', 'GITHUB_TOKEN', 'ghcr.io/github/github-mcp-server:latest'), at: 'ghcr.io/github/github-mcp-server:latest', severity: 'medium', message: /at :latest/ },
  { server: 'tag', entry: s('docker', 'run', '-i', '--rm', 'ghcr.io/org/img:1.2.3'), at: 'ghcr.io/org/img:1.2.3', severity: 'low', message: /by tag, not digest/ },
  { server: 'registryport', entry: s('podman', 'run', '-i', 'localhost:5000/team/img'), at: 'localhost:5000/team/img', severity: 'medium', message: /without a tag/ },
  { server: 'containerrun', entry: s('docker', 'container', 'run', '--rm', '-i', 'mcp/time:2025.1'), at: 'mcp/time:2025.1', severity: 'low', message: /by tag/ },
  { server: 'valueflags', entry: s('docker', 'run', '-i', '--rm', '-v', 'data:/data', '--name', 'x', '-e', 'A=1', 'mcp/valueflags'), at: 'mcp/valueflags', severity: 'medium', message: /without a tag/ },
];

describe('unpinned-container-image: positives', () => {
  const text = legacyConfig(Object.fromEntries(CASES.map((c) => [c.server, c.entry])));
  for (const c of CASES) {
    it(`${c.server}: ${[c.entry.command, ...c.entry.args].join(' ')}`, async () => {
      const r = await assessFiles({ [LEGACY]: text });
      const f = onlyFinding(r, RULE, c.server);
      assertFinding(f, { ruleId: RULE, category: 'unpinned-package', severity: c.severity, server: c.server, file: LEGACY });
      assert.deepEqual(f.jsonPath, ['mcpServers', c.server, 'args', c.entry.args.indexOf(c.at)]);
      assertAtString(f, text, c.at, `"${c.server}": {`);
      assert.match(f.message, c.message);
    });
  }

  it('finds the image in a Kilo command array', async () => {
    const kilo = `{\n  // container\n  "mcp": { "gh": { "type": "local", "command": ["docker", "run", "-i", "--rm", "ghcr.io/github/github-mcp-server"] } },\n}\n`;
    const r = await assessFiles({ [KILO]: kilo });
    const f = onlyFinding(r, RULE, 'gh');
    assertFinding(f, { ruleId: RULE, category: 'unpinned-package', severity: 'medium', server: 'gh', file: KILO });
    assertAtString(f, kilo, 'ghcr.io/github/github-mcp-server');
  });
});

describe('unpinned-container-image: negatives', () => {
  it('accepts digests (with or without a tag) and non-container commands', async () => {
    const text = legacyConfig({
      digest: s('docker', 'run', '-i', '--rm', `ghcr.io/org/img@${DIGEST}`),
      tagdigest: s('docker', 'run', '-i', '--rm', `ghcr.io/org/img:1.2@${DIGEST}`),
      ps: s('docker', 'ps'),
      node: s('node', 'x.js'),
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });
});

describe('unpinned-container-image: docker options', () => {
  it('skips the value of docker flags it does not list (--shm-size 1g) rather than taking it for the image', async () => {
    const text = legacyConfig({ shm: s('docker', 'run', '-i', '--rm', '--shm-size', '1g', `ghcr.io/org/img@${DIGEST}`) });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });

  it('finds the image after any value-taking option, grouped short options and `--`', async () => {
    const CASES: [string, string[]][] = [
      ['resources', ['--stop-timeout', '10', '--cpu-shares', '512', '-c', '2', '--cpuset-cpus', '0-1', '--memory-swap', '1g', '--pids-limit', '64']],
      ['network', ['--network-alias', 'mcp', '--ip', '10.0.0.2', '--ip6', '::2', '--mac-address', '02:42:ac:11:00:02', '--link', 'db', '--dns-search', 'x.internal', '--dns-option', 'ndots:1']],
      ['health', ['--health-cmd', 'true', '--health-interval', '5s', '--stop-signal', 'SIGINT', '--isolation', 'default', '--oom-score-adj', '100', '--blkio-weight', '300']],
      ['io', ['-a', 'stdin', '--attach', 'stdout', '--detach-keys', 'ctrl-x', '--cidfile', '/tmp/cid', '--volumes-from', 'data', '--workdir', '/app', '--expose', '80']],
      ['meta', ['--domainname', 'x.internal', '--env-file', '.env', '--label-file', 'labels', '--annotation', 'a=b', '--storage-opt', 'size=1G', '--sysctl', 'x=1', '--log-opt', 'max-size=1m', '--ipc', 'private']],
      ['grouped', ['-itp', '8080:80', '-eA=1', '-e=B']],
      ['dashdash', ['--']],
    ];
    const text = legacyConfig(Object.fromEntries(CASES.map(([name, flags]) => [name, s('docker', 'run', '-i', '--rm', ...flags, `mcp/${name}:1.0`, '--verbose')])));
    const r = await assessFiles({ [LEGACY]: text });
    for (const [name] of CASES) {
      const f = onlyFinding(r, RULE, name);
      assertAtString(f, text, `mcp/${name}:1.0`);
      assert.match(f.message, new RegExp(`runs the image mcp/${name}:1\\.0 by tag`));
    }
  });
});

describe('unpinned-container-image: real-world negatives', () => {
  it('accepts the GitHub MCP server as its docs run it, pinned by digest', async () => {
    const text = legacyConfig({ github: s('docker', 'run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', `ghcr.io/github/github-mcp-server@${DIGEST}`) });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
    assertNoFinding(r, 'privileged-container');
  });
});
