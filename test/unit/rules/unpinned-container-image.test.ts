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

describe('unpinned-container-image: doubtful behaviour', () => {
  it('skips the value of docker flags it does not list (--shm-size 1g) rather than taking it for the image', { todo: 'bug: packages.ts DOCKER_VALUE_FLAGS misses value-taking flags such as --shm-size, --stop-timeout, --cpu-shares, --network-alias; `docker run --shm-size 1g img@sha256:…` reports an image named "1g" (false positive) and never sees the real image' }, async () => {
    const text = legacyConfig({ shm: s('docker', 'run', '-i', '--rm', '--shm-size', '1g', `ghcr.io/org/img@${DIGEST}`) });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });
});
