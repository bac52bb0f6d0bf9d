import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAtString, assertFinding, assertNoFinding, assessFiles, findingsOf, HEX, KILO, LEGACY, legacyConfig, onlyFinding, randomBody, valueAfter } from './helpers';

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
      assert.deepEqual(valueAfter(text, f.remediation, ['mcpServers', c.server, 'args'], LEGACY), ['run', '-i', '--rm', IMAGE]);
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
    assert.deepEqual(valueAfter(text, sock?.remediation, ['mcpServers', 'many', 'args'], LEGACY), ['run', '-i', '--rm', '--privileged', IMAGE]);
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
    assert.deepEqual(valueAfter(kilo, f.remediation, ['mcp', 'c', 'command'], KILO), ['docker', 'run', '-i', IMAGE]);
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

describe('privileged-container: options with values', () => {
  it('keeps scanning flags after `-e NAME` (the usual way to pass a token)', async () => {
    const text = legacyConfig({
      env: { command: 'docker', args: ['run', '-i', '--rm', '-e', 'GITHUB_TOKEN', '--privileged', IMAGE] },
      envroot: { command: 'docker', args: ['run', '-i', '--rm', '-e', 'X=1', '-v', '/:/host', IMAGE] },
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertAtString(onlyFinding(r, RULE, 'env'), text, '--privileged');
    assert.equal(onlyFinding(r, RULE, 'envroot').severity, 'high');
  });

  it('skips the values of every kind of value-taking option, and removes only the flag', async () => {
    const flags = [
      ['--name', 'gh', '-p', '8080:80', '-w', '/app', '-u', '1000:1000', '--env-file', '.env'],
      ['--shm-size', '1g', '--stop-timeout', '10', '--stop-signal', 'SIGINT', '--cpu-shares', '512', '-c', '2'],
      ['--network-alias', 'mcp', '--health-cmd', 'true', '--health-interval', '5s', '--log-opt', 'max-size=1m', '--ipc', 'private'],
      ['-a', 'stdin', '--attach', 'stdout', '--detach-keys', 'ctrl-x', '--domainname', 'x.internal', '--dns-search', 'x.internal'],
      ['--label-file', 'labels', '--annotation', 'a=b', '--sysctl', 'net.core.somaxconn=1024', '--pids-limit', '100', '--expose', '80'],
    ];
    const text = legacyConfig(Object.fromEntries(flags.map((f, i) => [`v${i}`, run(...f, '--privileged')])));
    const r = await assessFiles({ [LEGACY]: text });
    flags.forEach((f, i) => {
      const found = onlyFinding(r, RULE, `v${i}`);
      assert.equal(found.severity, 'critical');
      assert.deepEqual(found.jsonPath, ['mcpServers', `v${i}`, 'args', 3 + f.length]);
      assert.deepEqual(valueAfter(text, found.remediation, ['mcpServers', `v${i}`, 'args'], LEGACY), ['run', '-i', '--rm', ...f, IMAGE]);
    });
  });

  it('reads grouped and glued short options (`-itv /:/host`, `-eX=1`, `-e=X`) and `--opt=value`', async () => {
    const text = legacyConfig({
      grouped: { command: 'docker', args: ['run', '--rm', '-itv', '/:/host', IMAGE] },
      glued: { command: 'docker', args: ['run', '-eX=1', '-e=Y', '--name=x', '--privileged', IMAGE] },
      gluedvol: { command: 'docker', args: ['run', '-i', '-v/var/run/docker.sock:/var/run/docker.sock', IMAGE] },
    });
    const r = await assessFiles({ [LEGACY]: text });
    const grouped = onlyFinding(r, RULE, 'grouped');
    assert.equal(grouped.severity, 'high');
    assertAtString(grouped, text, '-itv');
    // Dropping the word would drop -i and -t too: no automatic edit.
    assert.equal(grouped.remediation, undefined);
    assertAtString(onlyFinding(r, RULE, 'glued'), text, '--privileged');
    assert.equal(onlyFinding(r, RULE, 'gluedvol').severity, 'critical');
  });

  it('stops at `--` and at the image: what follows belongs to the container', async () => {
    const text = legacyConfig({
      dashdash: { command: 'docker', args: ['run', '-i', '--', IMAGE, '--privileged'] },
      afterValue: { command: 'docker', args: ['run', '-i', '--shm-size', '1g', IMAGE, '-v', '/:/host'] },
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });
});

describe('privileged-container: credential folders', () => {
  const MOUNTS: [string, string[]][] = [
    ['ssh', ['-v', '~/.ssh:/root/.ssh']],
    ['aws', ['-v', '$HOME/.aws:/root/.aws:ro']],
    ['kube', ['--volume', '${HOME}/.kube:/root/.kube']],
    ['gcloud', ['--mount', 'type=bind,src=/home/u/.config/gcloud,dst=/root/.config/gcloud,readonly']],
    ['docker', ['-v', 'C:\\Users\\me\\.docker:/root/.docker']],
    ['gnupg', ['-v', '${env:HOME}/.gnupg:/root/.gnupg']],
    ['keyfile', ['-v', '/Users/me/.ssh/id_ed25519:/key:ro']],
    ['userprofile', ['-v', '%USERPROFILE%\\.aws:/root/.aws']],
    ['pwshenv', ['-v', '$env:USERPROFILE\\.ssh:/root/.ssh:ro']],
  ];
  for (const [server, flags] of MOUNTS) {
    it(`${server}: ${flags.join(' ')}`, async () => {
      const text = legacyConfig({ [server]: run(...flags) });
      const r = await assessFiles({ [LEGACY]: text });
      const f = onlyFinding(r, RULE, server);
      assertFinding(f, { ruleId: RULE, category: CATEGORY, severity: 'high', server, file: LEGACY });
      assertAtString(f, text, flags[0] as string);
      assert.match(f.message, /mounts the credential store .* into the container/);
      assert.deepEqual(valueAfter(text, f.remediation, ['mcpServers', server, 'args'], LEGACY), ['run', '-i', '--rm', IMAGE]);
    });
  }

  it('mounts the whole home of a user (/home/u, /Users/me) as a host folder', async () => {
    const text = legacyConfig({ home: run('-v', '/home/u:/home/u'), mac: run('-v', '/Users/me/:/data') });
    const r = await assessFiles({ [LEGACY]: text });
    assert.match(onlyFinding(r, RULE, 'home').message, /host folder \/home\/u into/);
    assert.equal(onlyFinding(r, RULE, 'mac').severity, 'high');
  });

  it('does not report project folders or look-alike names', async () => {
    const text = legacyConfig({
      project: run('-v', '$HOME/projects/app:/app'),
      lookalike: run('-v', '~/.ssh-notes:/notes'),
      sub: run('-v', '/home/u/work/.aws-docs:/docs:ro'),
      volume: run('-v', 'ssh-keys:/keys'),
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });
});

describe('privileged-container: real-world negatives', () => {
  it('accepts the GitHub MCP server as its docs run it (token by name, image by digest)', async () => {
    const digest = 'sha256:' + randomBody(HEX, 64, 11);
    const text = legacyConfig({
      github: { command: 'docker', args: ['run', '-i', '--rm', '-e', 'GITHUB_PERSONAL_ACCESS_TOKEN', `ghcr.io/github/github-mcp-server@${digest}`], env: { GITHUB_PERSONAL_ACCESS_TOKEN: '${input:github_token}' } },
      fetch: { command: 'docker', args: ['run', '-i', '--rm', '--init', '-e', 'DOCKER_CONTAINER=true', `mcp/fetch@${digest}`] },
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
    assertNoFinding(r, 'unpinned-container-image');
  });
});
