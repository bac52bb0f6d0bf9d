import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import type { ApprovalRequest } from '../../../src/core/coordination/messages';
import { AssessmentStore } from '../../../src/extension/servers/assessment-store';
import { liveHealthByServer, liveKey } from '../../../src/extension/servers/live-health';
import { launcher, serverTree } from '../../../src/extension/servers/server-tree-model';
import { watchPatterns } from '../../../src/extension/servers/watch-patterns';
import { assessment, FILE, finding, server, source } from './fixtures';

const bob = { id: 'bob', label: 'Bob', provider: 'github', verified: true };
function liveRequest(completedAt: string, status: 'ok' | 'unreachable'): ApprovalRequest {
  return {
    id: `live-${completedAt}`,
    workspace: '/ws',
    title: 'Run 1 MCP server',
    state: 'executed',
    requestedBy: bob,
    requestedAt: completedAt,
    expiresAt: completedAt,
    history: [],
    subject: { kind: 'assessment', subjectHash: 'a'.repeat(64), description: 'd', plan: {} as never },
    assessment: {
      requestId: 'r',
      assessmentId: 'a',
      kind: 'live',
      source: 'compliance-server',
      degraded: false,
      summary: { critical: 0, high: 1, medium: 0, low: 0, info: 0 },
      findings: status === 'ok' ? [finding({ ruleId: 'tool-poisoning', server: 'filesystem' })] : [],
      errors: [],
      completedAt,
      probes: [
        {
          serverId: 'x',
          serverName: 'filesystem',
          file: FILE,
          transport: 'stdio',
          status,
          ...(status === 'unreachable' ? { reason: { code: 'timeout' as const, message: 'no answer in 30 s' } } : {}),
          tools: status === 'ok' ? [{ name: 't', inputSchema: {} }] : [],
          prompts: [],
          resources: [],
          timings: { totalMs: 412.4 },
          stderrTail: '',
          startedAt: completedAt,
        },
      ],
    },
  };
}

describe('Servers view model', () => {
  it('groups servers by existing config file, with findings, worst severity and the services last', () => {
    const nodes = serverTree([assessment()], new Map(), { kind: 'not-started' });
    assert.deepEqual(nodes.map((n) => n.label), ['.kilocode/mcp.json', 'MCP Oversight services']);
    const file = nodes[0]!;
    assert.equal(file.description, '2 servers · 1 finding');
    assert.deepEqual(file.children.map((c) => [c.label, c.icon, c.description]), [
      ['filesystem', 'pass', 'no findings'],
      ['remote', 'error', '1 finding, worst high'],
    ]);
    assert.deepEqual(file.children[0]!.open, { file: FILE, range: { startLine: 2, startCharacter: 18, endLine: 5, endCharacter: 5 } });
    assert.equal(file.children[1]!.children[0]!.label, 'insecure-http');
    assert.equal(nodes[1]!.children[0]!.label, 'Not started yet');
  });

  it('is empty without any MCP config file, so the welcome message shows', () => {
    assert.deepEqual(serverTree([assessment({ sources: [source(FILE, { exists: false })], servers: [], findings: [] })], new Map(), { kind: 'untrusted' }), []);
  });

  it('never shows args, env, headers or URL credentials, and escapes hostile names', () => {
    const hostile = server('evil\u202E\n**[x](command:workbench.action.terminal.new)**');
    const nodes = serverTree([assessment({ servers: [hostile, server('remote', { transport: 'sse', command: undefined, url: 'http://user:pw@host.example:8080/p?key=abc' })], findings: [] })], new Map(), { kind: 'not-started' });
    const all = JSON.stringify(nodes);
    for (const secret of ['ghp_secret', 'sk-live', 'user:pw', 'key=abc', '--token']) assert.ok(!all.includes(secret), `${secret} shown`);
    const evil = nodes[0]!.children[0]!;
    assert.ok(!evil.label.includes('\u202E') && !evil.label.includes('\n'));
    assert.match(evil.label, /\\u\{202E\}/);
    assert.equal(launcher({ transport: 'sse', url: 'http://user:pw@host.example:8080/p?key=abc' }), 'http://host.example:8080');
    assert.equal(launcher({ transport: 'stdio', command: '/usr/local/bin/uvx' }), 'uvx');
  });

  it('shows the newest live check per server', () => {
    const live = liveHealthByServer([liveRequest('2026-01-02T00:00:00.000Z', 'unreachable'), liveRequest('2026-01-01T00:00:00.000Z', 'ok'), { ...liveRequest('2026-01-03T00:00:00.000Z', 'ok'), state: 'failed' }]);
    const h = live.get(liveKey(FILE, 'filesystem'))!;
    assert.equal(h.status, 'unreachable');
    assert.equal(h.reason, 'timeout: no answer in 30 s');
    const older = liveHealthByServer([liveRequest('2026-01-01T00:00:00.000Z', 'ok')]).get(liveKey(FILE, 'filesystem'))!;
    assert.deepEqual([older.tools, older.findings, older.worst], [1, 1, 'high']);
    const node = serverTree([assessment()], live, { kind: 'not-started' })[0]!.children[0]!;
    assert.match(node.description ?? '', /live: unreachable \(timeout: no answer in 30 s\)/);
    assert.equal(node.children.at(-1)!.label, 'Live check: unreachable');
  });

  it('shows the coordinator servers: up, circuit, restarts, last error', () => {
    const nodes = serverTree([assessment()], new Map(), {
      kind: 'up',
      health: [
        { server: 'compliance', state: 'up', breaker: 'closed', restarts: 0, pid: 42 },
        { server: 'installer', state: 'down', breaker: 'open', restarts: 3, lastError: { code: 'SERVER_TIMEOUT', message: 'slow', at: '2026-01-01T00:00:00Z' } },
      ],
    });
    const services = nodes.at(-1)!.children;
    assert.deepEqual(services.map((s) => [s.label, s.description, s.icon]), [
      ['Compliance Server', 'up · circuit closed · 0 restarts', 'pass'],
      ['Installer', 'down · circuit open · 3 restarts', 'error'],
    ]);
    assert.ok(services[1]!.tooltip.some((l) => l.includes('SERVER_TIMEOUT: slow')));
  });
});

describe('AssessmentStore', () => {
  it('keeps the newest run per folder, whatever order they finish in', () => {
    const s = new AssessmentStore();
    let changes = 0;
    s.onDidChange(() => changes++);
    const older = s.ticket();
    const newer = s.ticket();
    assert.equal(s.set(assessment({ assessedAt: 'new' }), newer), true);
    assert.equal(s.set(assessment({ assessedAt: 'old' }), older), false);
    assert.equal(s.get('/ws')!.assessedAt, 'new');
    assert.equal(changes, 1);
    assert.equal(s.serverCount(), 2);
    s.retain([]);
    assert.equal(s.all().length, 0);
    assert.equal(changes, 2);
  });
});

describe('watch patterns', () => {
  it('one glob per workspace folder, one per folder of files outside it', () => {
    const p = watchPatterns(['/ws'], ['/ws/.kilocode/mcp.json', '/ws/kilo.jsonc', '/home/u/.cursor/mcp.json', '/home/u/.config/kilo/kilo.json', '/home/u/.config/kilo/kilo.jsonc', '/ws/we{ird}.json']);
    assert.deepEqual(p, [
      { base: '/ws', glob: '{.kilocode/mcp.json,kilo.jsonc}' },
      { base: '/home/u/.cursor', glob: 'mcp.json' },
      { base: '/home/u/.config/kilo', glob: '{kilo.json,kilo.jsonc}' },
    ]);
  });
});
