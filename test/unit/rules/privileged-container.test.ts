import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAtString, assertFinding, assertNoFinding, assessFiles, findingsOf, HEX, KILO, LEGACY, legacyConfig, onlyFinding, randomBody } from './helpers';

const RULE = 'privileged-container';
const CATEGORY = 'privileged-container';
const IMAGE = 'ghcr.io/org/img@sha256:' + randomBody(HEX, 64, 7);
const run = (...flags: string[]) => ({ command: 'docker', args: ['run', '-i', '--rm', ...flags, IMAGE] });

const CASES: { server: string; flags: string[]; severity: 'critical' | 'high' | 'medium'; message: RegExp }[] = [
  { server: 'privileged', flags: ['--privileged'], severity: 'critical', message: /privileged container/ },
  { server: 'rootfs', flags: ['-v', '/:/host'], severity: 'high', message: /mounts the host folder \/ into/ },
  { server: 'homedir', flags: ['-v', '~/:/x'], severity: 'high', message: /mounts the host folder ~\/ into/ },
  { server: 'sock', flags: ['-v', '/var/run/docker.sock:/var/run/docker.sock'], severity: 'critical', message: /Docker socket/ },
  { server: 'mount', flags: ['--mount', 'type=bind,source=/,target=/host'], severity: 'high', message: /host folder \/ into/ },
  { server: 'net', flags: ['--network', 'host'], severity: 'high', message: /host network/ },
  { server: 'neteq', flags: ['--network=host'], severity: 'high', message: /host network/ },
  { server: 'capall', flags: ['--cap-add', 'ALL'], severity: 'high', message: /ALL capability/ },
  { server: 'pid', flags: ['--pid', 'host'], severity: 'high', message: /host pid namespace/ },
  { server: 'seccomp', flags: ['--security-opt', 'seccomp=unconfined'], severity: 'high', message: /disables confinement/ },
  { server: 'device', flags: ['--device', '/dev/kvm'], severity: 'medium', message: /host device/ },
];

describe('privileged-container: positives', () => {
  const text = legacyConfig(Object.fromEntries(CASES.map((c) => [c.server, run(...c.flags)])));
  for (const c of CASES) {
    it(`${c.server}: docker run ${c.flags.join(' ')}`, async () => {
      const r = await assessFiles({ [LEGACY]: text });
      const f = onlyFinding(r, RULE, c.server);
      assertFinding(f, { ruleId: RULE, category: CATEGORY, severity: c.severity, server: c.server, file: LEGACY });
      // The finding points at the flag; with its value (when separate) it is what the remediation removes.
      assert.deepEqual(f.jsonPath, ['mcpServers', c.server, 'args', 3]);
      assertAtString(f, text, c.flags[0] as string, `"${c.server}": {`);
      assert.match(f.message, c.message);
      assert.deepEqual(f.remediation?.edits, [{ file: LEGACY, jsonPath: ['mcpServers', c.server, 'args'], value: ['run', '-i', '--rm', IMAGE] }]);
    });
  }

  it('reports several flags of one container separately, each removal keeping the others', async () => {
    const text = legacyConfig({ many: run('--privileged', '-v', '/var/run/docker.sock:/var/run/docker.sock') });
    const r = await assessFiles({ [LEGACY]: text });
    const fs = findingsOf(r, RULE, 'many');
    assert.deepEqual(fs.map((f) => [f.jsonPath[3], f.severity]).sort(), [
      [3, 'critical'],
      [4, 'critical'],
    ]);
    const sock = fs.find((f) => f.jsonPath[3] === 4);
    assert.deepEqual(sock?.remediation?.edits[0]?.value, ['run', '-i', '--rm', '--privileged', IMAGE]);
  });

  it('sees through sudo and `docker container run`', async () => {
    const text = legacyConfig({
      sudo: { command: 'sudo', args: ['docker', 'run', '--privileged', IMAGE] },
      container: { command: 'podman', args: ['container', 'run', '--network', 'host', IMAGE] },
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertAtString(onlyFinding(r, RULE, 'sudo'), text, '--privileged');
    assertAtString(onlyFinding(r, RULE, 'container'), text, '--network');
  });

  it('keeps the program in a Kilo command array when removing a flag', async () => {
    const kilo = `{\n  // container\n  "mcp": { "c": { "type": "local", "command": ["docker", "run", "-i", "--privileged", "${IMAGE}"] } },\n}\n`;
    const r = await assessFiles({ [KILO]: kilo });
    const f = onlyFinding(r, RULE, 'c');
    assertFinding(f, { ruleId: RULE, category: CATEGORY, severity: 'critical', server: 'c', file: KILO });
    assert.deepEqual(f.jsonPath, ['mcp', 'c', 'command', 3]);
    assertAtString(f, kilo, '--privileged');
    assert.deepEqual(f.remediation?.edits, [{ file: KILO, jsonPath: ['mcp', 'c', 'command'], value: ['docker', 'run', '-i', IMAGE] }]);
  });
});

describe('privileged-container: negatives', () => {
  it('accepts a normal `docker run -i --rm image@sha256:…` and harmless flags', async () => {
    const text = legacyConfig({
      plain: run(),
      scoped: run('-v', '/home/u/project/data:/data:ro', '--network', 'bridge', '--cap-add', 'NET_BIND_SERVICE', '--privileged=false'),
      named: run('-v', 'cache:/cache'),
      afterImage: { command: 'docker', args: ['run', '-i', IMAGE, '--privileged'] },
      notDocker: { command: 'node', args: ['x.js', '--privileged'] },
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });
});

describe('privileged-container: doubtful behaviour', () => {
  it('keeps scanning flags after `-e NAME` (the usual way to pass a token)', { todo: 'bug: privileged-container.ts containerFindings stops at the first word not starting with "-", and `-e`/`--env`/`--name`/`-p`… are not in its takesValue list, so `docker run -i --rm -e GITHUB_TOKEN --privileged img` (or `-e X=1 -v /:/host`) reports nothing' }, async () => {
    const text = legacyConfig({
      env: { command: 'docker', args: ['run', '-i', '--rm', '-e', 'GITHUB_TOKEN', '--privileged', IMAGE] },
      envroot: { command: 'docker', args: ['run', '-i', '--rm', '-e', 'X=1', '-v', '/:/host', IMAGE] },
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertAtString(onlyFinding(r, RULE, 'env'), text, '--privileged');
    assert.equal(onlyFinding(r, RULE, 'envroot').severity, 'high');
  });

  it('reports mounts of credential folders (~/.ssh, ~/.aws)', { todo: 'doubtful: HOST_ROOTS only matches whole roots (/, ~, /home, /etc…); -v ~/.ssh:/root/.ssh or -v $HOME/.aws:/root/.aws hand the container credentials but are not reported' }, async () => {
    const text = legacyConfig({ ssh: run('-v', '~/.ssh:/root/.ssh') });
    const r = await assessFiles({ [LEGACY]: text });
    onlyFinding(r, RULE, 'ssh');
  });
});
