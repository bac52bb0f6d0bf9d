import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAtString, assertFinding, assertMasked, assertNoFinding, assessFiles, KILO, LEGACY, legacyConfig, onlyFinding, randomAlnum, VSCODE } from './helpers';

const RULE = 'unpinned-npm-package';
const CATEGORY = 'unpinned-package';
const s = (command: string, ...args: string[]) => ({ command, args });

interface Case {
  server: string;
  entry: { command: string; args: string[] };
  /** The written word the finding must point at (after `after`, the server name, when it repeats). */
  at: string;
  severity: 'medium' | 'low';
  name: string;
  launcher: string;
}

const CASES: Case[] = [
  { server: 'npx', entry: s('npx', '-y', '@modelcontextprotocol/server-filesystem', '/tmp'), at: '@modelcontextprotocol/server-filesystem', severity: 'medium', name: '@modelcontextprotocol/server-filesystem', launcher: 'npx' },
  { server: 'bunx', entry: s('bunx', 'mcp-server-bunx'), at: 'mcp-server-bunx', severity: 'medium', name: 'mcp-server-bunx', launcher: 'bunx' },
  { server: 'pnpm', entry: s('pnpm', 'dlx', 'mcp-server-pnpm'), at: 'mcp-server-pnpm', severity: 'medium', name: 'mcp-server-pnpm', launcher: 'pnpm dlx' },
  { server: 'npmexec', entry: s('npm', 'exec', '--yes', '--', 'mcp-server-exec'), at: 'mcp-server-exec', severity: 'medium', name: 'mcp-server-exec', launcher: 'npm exec' },
  { server: 'dashp', entry: s('npx', '-y', '-p', '@scope/dash-p', 'dash-p-bin'), at: '@scope/dash-p', severity: 'medium', name: '@scope/dash-p', launcher: 'npx' },
  { server: 'pkgeq', entry: s('npx', '--package=@scope/pkg-eq', 'pkg-eq-bin'), at: '--package=@scope/pkg-eq', severity: 'medium', name: '@scope/pkg-eq', launcher: 'npx' },
  { server: 'latest', entry: s('npx', '-y', '@scope/with-latest@latest'), at: '@scope/with-latest@latest', severity: 'medium', name: '@scope/with-latest', launcher: 'npx' },
  { server: 'caret', entry: s('npx', '-y', 'mcp-caret@^1.2.0'), at: 'mcp-caret@^1.2.0', severity: 'low', name: 'mcp-caret', launcher: 'npx' },
  { server: 'tilde', entry: s('npx', '-y', '-p', '@scope/tilde@~1.0.0', 'tilde'), at: '@scope/tilde@~1.0.0', severity: 'low', name: '@scope/tilde', launcher: 'npx' },
  { server: 'major', entry: s('npx', '-y', 'mcp-major@1'), at: 'mcp-major@1', severity: 'low', name: 'mcp-major', launcher: 'npx' },
  { server: 'cmdc', entry: s('cmd', '/c', 'npx', '-y', 'mcp-through-cmd'), at: 'mcp-through-cmd', severity: 'medium', name: 'mcp-through-cmd', launcher: 'npx' },
  { server: 'winpath', entry: s('C:\\Program Files\\nodejs\\npx.cmd', '-y', 'mcp-win-path'), at: 'mcp-win-path', severity: 'medium', name: 'mcp-win-path', launcher: 'npx' },
  { server: 'envwrap', entry: s('env', 'NODE_ENV=production', 'npx', '-y', 'mcp-env-wrapped'), at: 'mcp-env-wrapped', severity: 'medium', name: 'mcp-env-wrapped', launcher: 'npx' },
  { server: 'registry', entry: s('npx', '--registry', 'https://registry.example.com', '-y', 'mcp-reg'), at: 'mcp-reg', severity: 'medium', name: 'mcp-reg', launcher: 'npx' },
];

describe('unpinned-npm-package: positives', () => {
  const servers = Object.fromEntries(CASES.map((c) => [c.server, c.entry]));
  const text = legacyConfig(servers);

  for (const c of CASES) {
    it(`${c.server}: ${[c.entry.command, ...c.entry.args].join(' ')}`, async () => {
      const r = await assessFiles({ [LEGACY]: text });
      const f = onlyFinding(r, RULE, c.server);
      assertFinding(f, { ruleId: RULE, category: CATEGORY, severity: c.severity, server: c.server, file: LEGACY });
      const index = c.entry.args.indexOf(c.at);
      assert.deepEqual(f.jsonPath, ['mcpServers', c.server, 'args', index]);
      assertAtString(f, text, c.at, `"${c.server}": {`);
      assert.ok(f.message.includes(`runs ${c.name} through ${c.launcher}`), f.message);
    });
  }

  it('splits a `command` string without args and points at the command', async () => {
    const text2 = legacyConfig({ str: { command: 'npx -y mcp-in-a-string' } });
    const r = await assessFiles({ [LEGACY]: text2 });
    const f = onlyFinding(r, RULE, 'str');
    assertFinding(f, { ruleId: RULE, category: CATEGORY, severity: 'medium', server: 'str' });
    assert.deepEqual(f.jsonPath, ['mcpServers', 'str', 'command']);
    assertAtString(f, text2, 'npx -y mcp-in-a-string');
  });

  it('finds the package inside a Kilo command array (JSONC)', async () => {
    const kilo = `{\n  // servers\n  "mcp": {\n    "fs": { "type": "local", "command": ["npx", "-y", "@modelcontextprotocol/server-filesystem@latest", "."] },\n  },\n}\n`;
    const r = await assessFiles({ [KILO]: kilo });
    const f = onlyFinding(r, RULE, 'fs');
    assertFinding(f, { ruleId: RULE, category: CATEGORY, severity: 'medium', server: 'fs', file: KILO });
    assert.deepEqual(f.jsonPath, ['mcp', 'fs', 'command', 2]);
    assertAtString(f, kilo, '@modelcontextprotocol/server-filesystem@latest');
  });
});

describe('unpinned-npm-package: negatives', () => {
  it('accepts exact versions, local paths and non-launchers', async () => {
    const text = legacyConfig({
      exact: s('npx', '-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '/tmp'),
      pre: s('npx', '-y', 'mcp-pre@1.2.3-beta.1'),
      dashp: s('npx', '-y', '-p', '@scope/pkg@1.0.0', 'pkg-bin'),
      pnpm: s('pnpm', 'dlx', 'mcp-server-x@0.4.0'),
      rel: s('npx', './tools/server.js'),
      file: s('npx', '-y', 'file:../local-pkg'),
      tgz: s('npx', '-y', 'mcp-server-x-1.0.0.tgz'),
      gitsha: s('npx', '-y', 'git+https://github.com/org/repo.git#0123456789abcdef0123456789abcdef01234567'),
      node: s('node', 'dist/index.js'),
      npmrun: s('npm', 'run', 'start'),
    });
    const vscode = JSON.stringify({ servers: { pinned: { type: 'stdio', command: 'npx', args: ['@playwright/mcp@0.0.41'] } } });
    const r = await assessFiles({ [LEGACY]: text, [VSCODE]: vscode });
    assertNoFinding(r, RULE);
  });
});

describe('unpinned-npm-package: packages from outside the registry', () => {
  it('reports git, hosted-git and tarball URL specs (medium), but not a git URL at a full commit', async () => {
    const text = legacyConfig({
      gh: s('npx', '-y', 'github:org/repo'),
      tgz: s('npx', '-y', 'https://evil.example.com/pkg.tgz'),
      branch: s('npx', '-y', 'git+https://github.com/org/repo.git#main'),
    });
    const r = await assessFiles({ [LEGACY]: text });
    for (const name of ['gh', 'tgz', 'branch']) assert.equal(onlyFinding(r, RULE, name).severity, 'medium', name);
  });

  it('judges an npm alias by the package it really runs', async () => {
    const r = await assessFiles({ [LEGACY]: legacyConfig({ alias: s('npx', '-y', '@modelcontextprotocol/server-memory@npm:other-pkg@latest') }) });
    assert.match(onlyFinding(r, RULE, 'alias').message, /runs other-pkg through npx/);
  });
});

describe('unpinned-npm-package: dist-tags and ranges', () => {
  it('treats moving dist-tags (@next, @beta, @canary) like @latest (medium)', async () => {
    const text = legacyConfig({ next: s('npx', '-y', 'mcp-server-x@next') });
    const r = await assessFiles({ [LEGACY]: text });
    assert.equal(onlyFinding(r, RULE, 'next').severity, 'medium');
  });

  it('rates every dist-tag, and "any release" ranges, medium, naming the tag', async () => {
    const TAGS = ['next', 'beta', 'canary', 'alpha', 'rc', 'dev', 'experimental', 'nightly', 'insiders', 'stable', 'v2-preview'];
    const text = legacyConfig({
      ...Object.fromEntries(TAGS.map((t) => [t, s('npx', '-y', `@scope/mcp-${t}@${t}`)])),
      star: s('npx', '-y', 'mcp-star@*'),
      x: s('pnpm', 'dlx', 'mcp-x@x'),
    });
    const r = await assessFiles({ [LEGACY]: text });
    for (const t of TAGS) {
      const f = onlyFinding(r, RULE, t);
      assert.equal(f.severity, 'medium', t);
      assert.ok(f.message.includes(`runs @scope/mcp-${t} through npx with the dist-tag "@${t}"`), f.message);
    }
    assert.equal(onlyFinding(r, RULE, 'star').severity, 'medium');
    assert.match(onlyFinding(r, RULE, 'x').message, /any release/);
  });

  it('keeps bounded semver ranges low', async () => {
    const RANGES = ['^1.2.0', '~1.2', '1.x', '>=1', '1.2.x', '>=1.0.0 <2.0.0', '1 || 2', '1.0.0 - 1.5.0', 'v1', '2.1'];
    const text = legacyConfig(Object.fromEntries(RANGES.map((v, i) => [`r${i}`, s('npx', '-y', `mcp-range@${v}`)])));
    const r = await assessFiles({ [LEGACY]: text });
    RANGES.forEach((v, i) => {
      const f = onlyFinding(r, RULE, `r${i}`);
      assert.equal(f.severity, 'low', v);
      assert.ok(f.message.includes(`the range "${v}"`), f.message);
    });
  });

  it('does not quote a URL or git reference after the name (it may carry credentials)', async () => {
    const password = randomAlnum(24, 77);
    const text = legacyConfig({ gitref: s('npx', '-y', `mcp-git@git+https://u:${password}@git.example.com/org/repo`) });
    const r = await assessFiles({ [LEGACY]: text });
    const f = onlyFinding(r, RULE, 'gitref');
    assert.equal(f.severity, 'medium');
    assert.match(f.message, /runs mcp-git through npx with a URL or git reference instead of a version/);
    assertMasked(f, password);
  });
});

describe('unpinned-npm-package: wrappers', () => {
  it('sees through wrapper options that take a value, absolute program paths and `env -S`', async () => {
    const text = legacyConfig({
      sudou: s('sudo', '-u', 'mcp', 'npx', '-y', 'mcp-sudo-user'),
      sudopath: s('sudo', '/usr/local/bin/npx', '-y', 'mcp-sudo-path'),
      envu: s('env', '-u', 'NODE_OPTIONS', 'A=1', 'npx', '-y', 'mcp-env-unset'),
      envs: s('/usr/bin/env', '-S', 'npx -y mcp-env-split'),
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertAtString(onlyFinding(r, RULE, 'sudou'), text, 'mcp-sudo-user');
    assertAtString(onlyFinding(r, RULE, 'sudopath'), text, 'mcp-sudo-path');
    assertAtString(onlyFinding(r, RULE, 'envu'), text, 'mcp-env-unset');
    const envs = onlyFinding(r, RULE, 'envs');
    assertAtString(envs, text, 'npx -y mcp-env-split');
    assert.ok(envs.message.includes('runs mcp-env-split through npx'), envs.message);
  });
});

describe('unpinned-npm-package: real-world negatives', () => {
  it('accepts the official pinned shapes, directly and through cmd /c', async () => {
    const text = legacyConfig({
      filesystem: s('npx', '-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '/Users/me/Desktop'),
      context7: s('cmd', '/c', 'npx', '-y', '@upstash/context7-mcp@1.0.14'),
      playwright: s('npx', '@playwright/mcp@0.0.41', '--headless'),
      bunx: s('bunx', '-y', 'mcp-remote@0.1.29', 'https://mcp.example.com/sse'),
    });
    const r = await assessFiles({ [LEGACY]: text });
    assertNoFinding(r, RULE);
  });
});
