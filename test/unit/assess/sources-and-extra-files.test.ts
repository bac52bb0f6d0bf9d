import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { assessTarget } from '../../../src/core/assess/assess-workspace';
import { MemoryFileSystem } from '../../../src/core/ports/memory-file-system';

const WS = '/ws';
const entry = (url: string) => JSON.stringify({ mcpServers: { s: { type: 'streamable-http', url } } });
const files = {
  '/ws/.kilocode/mcp.json': entry('http://kilocode.example.com/mcp'),
  '/ws/.vscode/mcp.json': JSON.stringify({ servers: { v: { type: 'http', url: 'http://vscode.example.com/mcp' } } }),
  '/ws/team/shared-mcp.json': entry('http://team.example.com/mcp'),
  '/elsewhere/mcp.json': entry('http://elsewhere.example.com/mcp'),
};
const base = { path: WS, includeGlobal: false, platform: 'linux' as const, env: {}, toolVersion: 'test' };
const fileOf = (r: Awaited<ReturnType<typeof assessTarget>>) => [...new Set(r.result.findings.map((f) => f.file))].sort();

describe('assessTarget: sources to read and extra config paths (the extension settings)', () => {
  it('reads every client\'s files by default', async () => {
    const r = await assessTarget(new MemoryFileSystem(files), base);
    assert.deepEqual(fileOf(r), ['/ws/.kilocode/mcp.json', '/ws/.vscode/mcp.json']);
  });

  it('only the files the chosen clients read', async () => {
    const r = await assessTarget(new MemoryFileSystem(files), { ...base, clients: ['vscode'] });
    assert.deepEqual(fileOf(r), ['/ws/.vscode/mcp.json']);
  });

  it('extra files, relative to the workspace or absolute, shown relative when inside; a file listed twice is read once', async () => {
    const r = await assessTarget(new MemoryFileSystem(files), { ...base, clients: ['kilocode-legacy'], extraFiles: ['team/shared-mcp.json', '/elsewhere/mcp.json', '/ws/team/shared-mcp.json', '.kilocode/mcp.json'] });
    assert.deepEqual(fileOf(r), ['/elsewhere/mcp.json', '/ws/.kilocode/mcp.json', '/ws/team/shared-mcp.json']);
    assert.equal(r.result.findings.filter((f) => f.file === '/ws/team/shared-mcp.json').length, 1);
    assert.ok(r.model.sources.some((s) => s.displayPath === 'team/shared-mcp.json'));
    assert.ok(r.model.sources.some((s) => s.displayPath === '/elsewhere/mcp.json'));
  });

  it('a missing extra file is an error naming the setting, and everything else is still assessed', async () => {
    const r = await assessTarget(new MemoryFileSystem(files), { ...base, extraFiles: ['nope.json'] });
    const e = r.result.errors.find((x) => x.file === '/ws/nope.json');
    assert.ok(e);
    assert.match(e.fix, /mcpOversight\.extraConfigPaths/);
    assert.equal(fileOf(r).length, 2);
  });
});

describe('assessTarget: ignorePolicy (an untrusted workspace)', () => {
  it('the workspace policy can suppress a finding, unless the policy is ignored', async () => {
    const policy = JSON.stringify({ version: 1, suppressions: [{ rule: 'insecure-http', reason: 'trust me' }] });
    const fs = new MemoryFileSystem({ ...files, '/ws/.kilocode/mcp-policy.json': policy });
    const honoured = await assessTarget(fs, { ...base, clients: ['kilocode-legacy'] });
    const ignored = await assessTarget(fs, { ...base, clients: ['kilocode-legacy'], ignorePolicy: true });
    const http = (r: typeof honoured) => r.result.findings.find((f) => f.ruleId === 'insecure-http');
    assert.ok(http(honoured)?.suppressed, JSON.stringify(honoured.policyErrors));
    assert.equal(http(ignored)?.suppressed, undefined);
  });
});
