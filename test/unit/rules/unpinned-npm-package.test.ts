import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assertAtString, assertFinding, assertNoFinding, assessFiles, KILO, LEGACY, legacyConfig, onlyFinding, VSCODE } from './helpers';

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
      git: s('npx', '-y', 'github:org/repo'),
      node: s('node', 'dist/index.js'),
      npmrun: s('npm', 'run', 'start'),
    });
    const vscode = JSON.stringify({ servers: { pinned: { type: 'stdio', command: 'npx', args: ['@playwright/mcp@0.0.41'] } } });
    const r = await assessFiles({ [LEGACY]: text, [VSCODE]: vscode });
    assertNoFinding(r, RULE);
  });
});

describe('unpinned-npm-package: doubtful behaviour', () => {
  it('treats moving dist-tags (@next, @beta, @canary) like @latest (medium)', { todo: 'doubtful: unpinned-npm-package gives medium only to @latest and no version; other dist-tags (@next, @beta, @canary) move just as freely but are rated low like ranges' }, async () => {
    const text = legacyConfig({ next: s('npx', '-y', 'mcp-server-x@next') });
    const r = await assessFiles({ [LEGACY]: text });
    assert.equal(onlyFinding(r, RULE, 'next').severity, 'medium');
  });
});
