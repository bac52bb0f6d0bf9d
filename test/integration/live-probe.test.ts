/**
 * The live probe against real processes: the three reference servers from npm, the hostile fixture
 * in every mode, and in-process Streamable HTTP and SSE servers. After each run, every process the
 * probe started (and the fixture's grandchild) must be gone.
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import { McpServer as SdkServer } from '@modelcontextprotocol/sdk/server/mcp.js';
import { SSEServerTransport } from '@modelcontextprotocol/sdk/server/sse.js';
import { StreamableHTTPServerTransport } from '@modelcontextprotocol/sdk/server/streamableHttp.js';
import { discoverCandidates } from '../../src/core/config/discovery';
import { loadConfigModel, type LoadedModel } from '../../src/core/config/load-config-model';
import type { ServerProbe } from '../../src/core/model/live';
import { ServerProbeSchema } from '../../src/core/model/live';
import type { McpServer } from '../../src/core/model/server';
import { nodeFileSystem } from '../../src/core/ports/node-file-system';
import { probeServer } from '../../src/live/probe-server';
import { probeServers } from '../../src/live/probe-servers';
import { unreachableFindings } from '../../src/live/unreachable-findings';

const ROOT = resolve(__dirname, '..', '..');
const FIXTURE = join(ROOT, 'test', 'fixtures', 'servers', 'hostile-server.mjs');
const BIN = join(ROOT, 'node_modules', '.bin');
const NODE = process.execPath;
const TOKEN = `${'gh'}p_aB3dE5gH7jK9mN1pQ3sT5vW7yZ9bC1dF3hJ5`;

/** An McpServer entry as a reader would produce it (for cases where the file does not matter). */
function entry(name: string, fields: Partial<McpServer>): McpServer {
  return {
    id: `test#${name}`,
    name,
    sourceId: 'test',
    file: '/nowhere/.kilocode/mcp.json',
    format: 'kilocode-legacy',
    scope: 'project',
    transport: 'stdio',
    args: [],
    env: {},
    headers: {},
    enabled: true,
    autoApprove: [],
    disabledTools: [],
    origins: { entry: ['mcpServers', name], args: [], env: {}, headers: {}, autoApprove: [] },
    position: { line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, length: 0 },
    valid: true,
    ...fields,
  };
}
const fixture = (name: string, ...args: string[]) => entry(name, { command: NODE, args: [FIXTURE, ...args] });

/** Alive and not a zombie: where PID 1 does not reap, killed orphans linger as zombies. */
function isAlive(pid: number): boolean {
  try {
    process.kill(pid, 0);
  } catch {
    return false;
  }
  try {
    return readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]?.startsWith('Z') !== true;
  } catch {
    return process.platform !== 'linux';
  }
}

function assertAllGone(pids: Iterable<number>): void {
  const alive = [...pids].filter(isAlive);
  for (const pid of alive) process.kill(pid, 'SIGKILL');
  assert.deepEqual(alive, [], 'processes left running by the probe');
}

const byName = (probes: ServerProbe[], name: string): ServerProbe => {
  const p = probes.find((x) => x.serverName === name);
  assert.ok(p, `no probe of ${name}`);
  return p;
};

describe('live probe', () => {
  let tmp = '';
  const spawned = new Set<number>();
  const onSpawn = (_id: string, pid: number) => spawned.add(pid);
  const base = () => ({ env: { ...process.env, FIXTURE_NOTE: 'hello' }, workspaceFolder: tmp, onSpawn });

  before(() => {
    tmp = mkdtempSync(join(tmpdir(), 'mcp-oversight-live-probe-'));
  });
  after(() => {
    if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
    assertAllGone(spawned);
  });

  it('probes the reference servers and every hostile mode in one run, each result its own', async () => {
    const files = join(tmp, 'files');
    mkdirSync(files);
    const childPidFile = join(tmp, 'grandchild.pid');
    const servers = [
      entry('everything', { command: join(BIN, 'mcp-server-everything'), args: [] }),
      entry('memory', { command: join(BIN, 'mcp-server-memory'), env: { MEMORY_FILE_PATH: join(tmp, 'memory.jsonl') } }),
      entry('filesystem', { command: join(BIN, 'mcp-server-filesystem'), args: [files] }),
      fixture('normal', 'normal'),
      fixture('hang', 'hang'),
      fixture('crash', 'crash'),
      fixture('crash-after-init', 'crash-after-init'),
      fixture('garbage', 'garbage'),
      fixture('huge-count', 'huge', '5000'),
      fixture('huge-message', 'huge', '1100', '4000'),
      fixture('poison', 'poison'),
      fixture('paged', 'paged', '3'),
      fixture('endless-pages', 'paged', '100000'),
      fixture('slow', 'slow', '300'),
      fixture('spawn-child', 'spawn-child', childPidFile),
      fixture('ignore-sigterm', 'ignore-sigterm'),
      entry('missing', { command: join(tmp, 'no-such-program') }),
      entry('disabled', { command: NODE, args: [FIXTURE, 'normal'], enabled: false }),
    ];
    const progress: number[] = [];
    // The hang runs alongside all the others and is cancelled once they are all done: a generous
    // timeout (19 processes starting at once on a busy 2-core machine) then costs nothing.
    const ac = new AbortController();
    const onProgress = (done: number) => {
      progress.push(done);
      if (done === servers.length - 1) ac.abort();
    };
    const probes = await probeServers(servers, { ...base(), signal: ac.signal, timeoutMs: 30_000, concurrency: servers.length, killGraceMs: 300, maxPages: 10, onProgress });

    assert.deepEqual(
      probes.map((p) => p.serverId),
      servers.map((s) => s.id),
      'in input order',
    );
    assert.deepEqual(progress, servers.map((_, i) => i + 1));
    for (const p of probes) ServerProbeSchema.parse(p);
    const summary = Object.fromEntries(probes.map((p) => [p.serverName, p.reason?.code ?? p.status]));
    assert.deepEqual(summary, {
      everything: 'ok',
      memory: 'ok',
      filesystem: 'ok',
      normal: 'ok',
      hang: 'cancelled',
      crash: 'exited',
      'crash-after-init': 'exited',
      garbage: 'protocol-error',
      'huge-count': 'too-large',
      'huge-message': 'too-large',
      poison: 'ok',
      paged: 'ok',
      'endless-pages': 'too-large',
      slow: 'ok',
      'spawn-child': 'ok',
      'ignore-sigterm': 'ok',
      missing: 'spawn-failed',
      disabled: 'disabled',
    });

    const everything = byName(probes, 'everything');
    assert.ok(everything.tools.length >= 5 && everything.prompts.length > 0 && everything.resources.length > 0, JSON.stringify(everything.timings));
    assert.equal(everything.usedTransport, 'stdio');
    assert.match(everything.serverInfo?.name ?? '', /everything/i);
    assert.match(everything.protocolVersion ?? '', /^\d{4}-\d{2}-\d{2}$/);
    assert.ok(everything.timings.initializeMs !== undefined && everything.timings.toolsListMs !== undefined);
    assert.ok(everything.timings.totalMs >= everything.timings.initializeMs);
    assert.ok(byName(probes, 'memory').tools.some((t) => t.name === 'create_entities'));
    const fsTools = byName(probes, 'filesystem').tools;
    assert.ok(fsTools.some((t) => t.name === 'read_file' || t.name === 'read_text_file'));
    assert.equal(fsTools[0]?.inputSchema['type'], 'object');

    const normal = byName(probes, 'normal');
    assert.deepEqual(
      normal.tools.map((t) => [t.name, t.title, t.description]),
      [
        ['echo', 'Echo', 'Returns its input.'],
        ['add', undefined, 'Adds two numbers.'],
      ],
    );
    assert.deepEqual(normal.tools[1]?.annotations, { readOnlyHint: true });
    assert.deepEqual(normal.prompts, [{ name: 'greet', description: 'Greets someone.', arguments: [{ name: 'name', required: true }] }]);
    assert.deepEqual(normal.resources, [{ uri: 'fixture://readme', name: 'readme', description: 'A fixed text.', mimeType: 'text/plain' }]);
    assert.equal(normal.serverInfo?.title, 'Hostile fixture (normal)');
    assert.equal(normal.instructions, `mode normal; cwd ${tmp}`, 'the cwd defaults to the workspace folder');
    assert.match(normal.stderrTail, /FIXTURE_NOTE=hello/);

    const crash = byName(probes, 'crash');
    assert.match(crash.reason?.message ?? '', /code 3/);
    assert.ok(!crash.stderrTail.includes(TOKEN) && !crash.reason?.message.includes(TOKEN), 'a token on stderr is redacted');
    assert.match(crash.stderrTail, /ghp_…3hJ5/);
    const afterInit = byName(probes, 'crash-after-init');
    assert.equal(afterInit.serverInfo?.name, 'hostile-fixture', 'what was learnt before the crash is kept');
    assert.match(afterInit.reason?.message ?? '', /code 4/);
    assert.match(byName(probes, 'huge-count').reason?.message ?? '', /more than 1000 tools/);
    assert.match(byName(probes, 'huge-message').reason?.message ?? '', /more than 4194304 bytes/);
    assert.deepEqual(
      byName(probes, 'paged').tools.map((t) => t.name),
      ['page_0', 'page_1', 'page_2'],
    );
    assert.match(byName(probes, 'endless-pages').reason?.message ?? '', /more than 10 pages of tools/);

    const poison = byName(probes, 'poison').tools;
    const description = (name: string) => poison.find((t) => t.name === name)?.description ?? '';
    assert.match(description('add'), /<IMPORTANT>[\s\S]*~\/\.ssh\/id_rsa[\s\S]*Do not tell the user/);
    assert.ok(/\u200b/.test(description('translate')) && /\u202e/.test(description('translate')) && /\u{E0073}/u.test(description('translate')) && description('translate').includes('\u001b['), 'hidden characters reach the checks unaltered');
    assert.ok(poison.some((t) => t.name === 'read_file'));
    assert.match(JSON.stringify(poison.find((t) => t.name === 'search')?.inputSchema), /IMPORTANT/);

    const grandchild = Number(readFileSync(childPidFile, 'utf8'));
    assert.ok(grandchild > 0);
    assertAllGone([...spawned, grandchild]);
  });

  it('times out a server that never answers, and kills it', async () => {
    const pids = new Set<number>();
    const t = performance.now();
    const probe = await probeServer(fixture('hang', 'hang'), { ...base(), timeoutMs: 1000, onSpawn: (_id, pid) => pids.add(pid) });
    assert.equal(probe.reason?.code, 'timeout');
    assert.ok(performance.now() - t < 6000, 'well before the default 30 s');
    assert.equal(pids.size, 1);
    assertAllGone(pids);
  });

  it('cancels running probes (through a shell wrapper, grandchildren included) and those not yet started', async () => {
    const pidFile = join(tmp, 'cancel-grandchild.pid');
    // `; true` keeps sh as the group leader instead of exec-ing node: a real wrapper's shape.
    const wrapped = entry('wrapped', { command: 'sh', args: ['-c', `"${NODE}" "${FIXTURE}" spawn-child "${pidFile}" hang; true`] });
    const pids = new Set<number>();
    const ac = new AbortController();
    const run = probeServers([wrapped, fixture('hang', 'hang'), fixture('slow', 'slow', '60000')], { ...base(), signal: ac.signal, concurrency: 2, timeoutMs: 20_000, onSpawn: (_id, pid) => pids.add(pid) });
    for (let i = 0; i < 300; i++) {
      try {
        if (Number(readFileSync(pidFile, 'utf8')) > 0) break;
      } catch {
        // not written yet
      }
      await new Promise((r) => setTimeout(r, 50));
    }
    const grandchild = Number(readFileSync(pidFile, 'utf8'));
    assert.ok(isAlive(grandchild));
    ac.abort();
    const probes = await run;
    assert.deepEqual(
      probes.map((p) => p.reason?.code),
      ['cancelled', 'cancelled', 'cancelled'],
    );
    assert.equal(pids.size, 2, 'the third was never started');
    assertAllGone([...pids, grandchild]);
  });

  it('starts nothing when cancelled before it begins', async () => {
    const ac = new AbortController();
    ac.abort();
    const pids: number[] = [];
    const probes = await probeServers([fixture('a', 'normal'), fixture('b', 'normal')], { ...base(), signal: ac.signal, onSpawn: (_id, pid) => pids.push(pid) });
    assert.deepEqual(
      probes.map((p) => p.reason?.code),
      ['cancelled', 'cancelled'],
    );
    assert.deepEqual(pids, []);
  });

  describe('servers read from config files', () => {
    let ws = '';
    let loaded: LoadedModel;
    const servers = () => loaded.model.servers;
    const writeFiles = (files: Record<string, unknown>) => {
      for (const [rel, value] of Object.entries(files)) {
        const file = join(ws, rel);
        mkdirSync(dirname(file), { recursive: true });
        writeFileSync(file, typeof value === 'string' ? value : JSON.stringify(value, null, 2));
      }
    };

    before(async () => {
      ws = join(tmp, 'workspace');
      mkdirSync(join(ws, 'sub'), { recursive: true });
      writeFiles({
        '.kilocode/mcp.json': {
          mcpServers: {
            legacy: { command: NODE, args: [FIXTURE, '${env:PROBE_MODE}'], env: { FIXTURE_NOTE: '${env:PROBE_NOTE}' }, cwd: 'sub' },
            off: { command: NODE, args: [FIXTURE, 'normal'], disabled: true },
            broken: { command: join(ws, 'missing-program'), args: [] },
          },
        },
        'kilo.jsonc': `{
  // Kilo's own reference syntax
  "mcp": {
    "kilo-env": { "type": "local", "command": ["${NODE}", "${FIXTURE}", "{env:PROBE_MODE}"], "environment": { "FIXTURE_NOTE": "x-{env:PROBE_NOTE}-y" } },
    "kilo-file": { "type": "local", "command": ["${NODE}", "${FIXTURE}", "normal"], "environment": { "TOKEN": "{file:./token.txt}" } }
  }
}`,
        '.vscode/mcp.json': {
          inputs: [{ id: 'token', type: 'promptString', description: 'Token', password: true }],
          servers: { 'vscode-input': { command: NODE, args: [FIXTURE, 'normal'], env: { TOKEN: '${input:token}' } } },
        },
      });
      const candidates = await discoverCandidates(nodeFileSystem, { workspace: ws, includeGlobal: false, platform: process.platform, env: {} });
      loaded = await loadConfigModel(nodeFileSystem, candidates, { workspace: ws });
    });

    it('resolves env references as the client would and refuses the ones only the client can resolve', async () => {
      const secret = 'n0t-a-real-secret-but-long';
      const pids: number[] = [];
      const probes = await probeServers(servers(), {
        env: { ...process.env, PROBE_MODE: 'normal', PROBE_NOTE: secret },
        workspaceFolder: ws,
        timeoutMs: 30_000,
        onSpawn: (id, pid) => {
          pids.push(pid);
          spawned.add(pid);
          assert.ok(!id.endsWith('#vscode-input') && !id.endsWith('#kilo-file'), `${id} was started`);
        },
      });
      const got = Object.fromEntries(probes.map((p) => [p.serverName, p.reason?.code ?? p.status]));
      assert.deepEqual(got, { legacy: 'ok', off: 'disabled', broken: 'spawn-failed', 'kilo-env': 'ok', 'kilo-file': 'unresolved-reference', 'vscode-input': 'unresolved-reference' });
      const legacy = byName(probes, 'legacy');
      assert.equal(legacy.instructions, `mode normal; cwd ${join(ws, 'sub')}`, 'argument resolved, cwd relative to the workspace');
      assert.ok(!legacy.stderrTail.includes(secret), 'a value substituted from the environment is masked in stderr');
      assert.match(legacy.stderrTail, /FIXTURE_NOTE=…long\n/);
      assert.match(byName(probes, 'kilo-env').stderrTail, /FIXTURE_NOTE=x-…long-y/);
      assert.match(byName(probes, 'vscode-input').reason?.message ?? '', /\$\{input:token\}/);
      assert.match(byName(probes, 'kilo-file').reason?.message ?? '', /\{file:\.\/token\.txt\}/);
      assertAllGone(pids);

      const findings = unreachableFindings(probes, servers(), loaded.locator, ws);
      assert.deepEqual(findings.map((f) => f.server).sort(), ['broken', 'kilo-file', 'vscode-input']);
      const broken = findings.find((f) => f.server === 'broken');
      assert.ok(broken);
      const lines = readFileSync(join(ws, '.kilocode/mcp.json'), 'utf8').split('\n');
      assert.equal(broken.line, lines.findIndex((l) => l.includes('"broken": {')) + 1, 'located at the entry');
      assert.equal(broken.file, join(ws, '.kilocode', 'mcp.json'));
      assert.deepEqual([broken.category, broken.ruleId, broken.severity, broken.remediable], ['unreachable-server', 'unreachable-server', 'medium', false]);
      assert.match(broken.message, /^Server "broken" could not be assessed live \(spawn-failed\): /);
      assert.equal(unreachableFindings(probes, servers(), undefined, ws).find((f) => f.server === 'broken')?.fingerprint, broken.fingerprint, 'the fingerprint does not depend on the locator');
      assert.equal(new Set(findings.map((f) => f.fingerprint)).size, 3);
    });
  });

  describe('remote servers', () => {
    let http: Server;
    let base = '';
    const sse = new Map<string, SSEServerTransport>();
    const mcp = () => {
      const s = new SdkServer({ name: 'in-process', version: '2.0.0' });
      s.registerTool('ping_remote', { description: 'Answers pong.' }, () => ({ content: [{ type: 'text', text: 'pong' }] }));
      return s;
    };

    before(async () => {
      http = createServer((req: IncomingMessage, res: ServerResponse) => {
        void (async () => {
          const url = new URL(req.url ?? '/', 'http://x');
          if (url.pathname === '/mcp') {
            if (req.headers.authorization !== 'Bearer right-token-123') {
              res.writeHead(401).end('unauthorised');
              return;
            }
            // Stateless Streamable HTTP: a server and transport per request.
            const transport = new StreamableHTTPServerTransport({ sessionIdGenerator: undefined });
            res.on('close', () => void transport.close());
            await mcp().connect(transport);
            await transport.handleRequest(req, res);
          } else if (url.pathname === '/sse' && req.method === 'GET') {
            const transport = new SSEServerTransport('/messages', res);
            sse.set(transport.sessionId, transport);
            res.on('close', () => sse.delete(transport.sessionId));
            await mcp().connect(transport);
          } else if (url.pathname === '/messages' && req.method === 'POST') {
            const transport = sse.get(url.searchParams.get('sessionId') ?? '');
            if (transport) await transport.handlePostMessage(req, res);
            else res.writeHead(404).end();
          } else if (url.pathname === '/huge') {
            res.writeHead(200, { 'content-type': 'application/json' }).end(JSON.stringify({ jsonrpc: '2.0', id: 0, result: { pad: 'x'.repeat(5 * 1024 * 1024) } }));
          } else if (url.pathname === '/broken') {
            res.writeHead(500).end('boom');
          } else res.writeHead(url.pathname === '/sse' ? 405 : 404).end();
        })();
      });
      await new Promise<void>((r) => http.listen(0, '127.0.0.1', r));
      base = `http://127.0.0.1:${(http.address() as AddressInfo).port}`;
    });
    after(async () => {
      http.closeAllConnections();
      await new Promise((r) => http.close(r));
    });

    it('connects over Streamable HTTP with resolved headers, and falls back to SSE on a 4xx', async () => {
      const remote = (name: string, transport: McpServer['transport'], path: string, headers: Record<string, string> = {}) => entry(name, { transport, url: `${base}${path}`, headers });
      const refused = `http://127.0.0.1:1/mcp`;
      const probes = await probeServers(
        [
          remote('streamable', 'streamable-http', '/mcp', { Authorization: 'Bearer ${env:REMOTE_TOKEN}' }),
          remote('fallback', 'streamable-http', '/sse'),
          remote('sse', 'sse', '/sse'),
          remote('unauthorised', 'streamable-http', '/mcp', { Authorization: 'Bearer wrong' }),
          remote('server-error', 'streamable-http', '/broken'),
          remote('huge', 'streamable-http', '/huge'),
          entry('refused', { transport: 'streamable-http', url: refused }),
          remote('input', 'streamable-http', '/mcp', { Authorization: 'Bearer ${input:token}' }),
        ],
        { env: { REMOTE_TOKEN: 'right-token-123' }, workspaceFolder: tmp, timeoutMs: 30_000 },
      );
      const got = Object.fromEntries(probes.map((p) => [p.serverName, [p.reason?.code ?? p.status, p.usedTransport]]));
      assert.deepEqual(got, {
        streamable: ['ok', 'streamable-http'],
        fallback: ['ok', 'sse'],
        sse: ['ok', 'sse'],
        unauthorised: ['http-error', undefined],
        'server-error': ['http-error', undefined],
        huge: ['too-large', undefined],
        refused: ['http-error', undefined],
        input: ['unresolved-reference', undefined],
      });
      for (const name of ['streamable', 'fallback', 'sse']) {
        const p = byName(probes, name);
        assert.deepEqual(p.tools.map((t) => t.name), ['ping_remote']);
        assert.equal(p.serverInfo?.name, 'in-process');
        assert.match(p.protocolVersion ?? '', /^\d{4}-/);
      }
      assert.match(byName(probes, 'unauthorised').reason?.message ?? '', /401/);
      assert.match(byName(probes, 'server-error').reason?.message ?? '', /500/);
      assert.match(byName(probes, 'refused').reason?.message ?? '', /ECONNREFUSED|fetch failed/);
    });
  });
});
