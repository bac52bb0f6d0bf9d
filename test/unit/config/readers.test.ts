import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { parse as parseJsonc } from 'jsonc-parser';
import { discoverCandidates, type Candidate } from '../../../src/core/config/discovery';
import { toolPatternFor } from '../../../src/core/config/formats/kilo';
import { Locator } from '../../../src/core/config/locator';
import { readSource, type SourceRead } from '../../../src/core/config/read-source';
import { ConfigSourceSchema } from '../../../src/core/model/source';
import { fromPointer, toPointer, type JsonPath } from '../../../src/core/model/location';
import { McpServerSchema, type FormatId, type McpServer } from '../../../src/core/model/server';
import { MemoryFileSystem } from '../../../src/core/ports/memory-file-system';
import { fixture, lineCol, parseSlice, pointersUnder, uniqueOffset, valueAt } from './fixture-helpers';

const WS = join('/', 'work', 'project');
const HOME = join('/', 'home', 'dev');
const GLOBAL_STORAGE = join(HOME, '.config', 'Code', 'User', 'globalStorage');

/** Where each fixture lives in the fake machine, and the format discovery assigns it. */
const PLACES = {
  kilocodeProject: { fixture: 'kilocode-legacy/mcp.json', file: join(WS, '.kilocode', 'mcp.json'), format: 'kilocode-legacy' },
  kilocodeGlobal: {
    fixture: 'kilocode-legacy/mcp_settings.json',
    file: join(GLOBAL_STORAGE, 'kilocode.kilo-code', 'settings', 'mcp_settings.json'),
    format: 'kilocode-legacy',
  },
  kiloProject: { fixture: 'kilo/kilo.jsonc', file: join(WS, 'kilo.jsonc'), format: 'kilo' },
  kiloGlobal: { fixture: 'kilo/kilo.json', file: join(HOME, '.config', 'kilo', 'kilo.json'), format: 'kilo' },
  vscode: { fixture: 'vscode/mcp.json', file: join(WS, '.vscode', 'mcp.json'), format: 'vscode' },
  roo: { fixture: 'roo/mcp.json', file: join(WS, '.roo', 'mcp.json'), format: 'roo' },
  cline: {
    fixture: 'cline/cline_mcp_settings.json',
    file: join(GLOBAL_STORAGE, 'saoudrizwan.claude-dev', 'settings', 'cline_mcp_settings.json'),
    format: 'cline',
  },
  cursor: { fixture: 'cursor/mcp.json', file: join(WS, '.cursor', 'mcp.json'), format: 'cursor' },
  claude: { fixture: 'claude-desktop/claude_desktop_config.json', file: join(HOME, '.config', 'Claude', 'claude_desktop_config.json'), format: 'claude-desktop' },
} as const satisfies Record<string, { fixture: string; file: string; format: FormatId }>;
type Place = keyof typeof PLACES;

async function readPlace(place: Place): Promise<{ read: SourceRead; text: string; candidate: Candidate }> {
  const p = PLACES[place];
  const text = fixture(p.fixture);
  const fs = new MemoryFileSystem({ [p.file]: text });
  const candidates = await discoverCandidates(fs, { workspace: WS, home: HOME, includeGlobal: true, platform: 'linux', env: {} });
  const candidate = candidates.find((c) => c.file === p.file);
  assert.ok(candidate, `discovery lists ${p.file}`);
  assert.equal(candidate.format, p.format);
  const read = await readSource(fs, candidate);
  return { read, text, candidate };
}

/** The normalised fields a reader is responsible for (everything but ids, origins and position). */
/** The Locator that loadConfigModel would build for this one file. */
function locatorFor(read: SourceRead): Locator {
  const l = new Locator();
  l.add(read.source.file, read.root);
  return l;
}

function summary(s: McpServer): Record<string, unknown> {
  return {
    transport: s.transport,
    command: s.command,
    args: s.args,
    cwd: s.cwd,
    env: s.env,
    envFile: s.envFile,
    url: s.url,
    headers: s.headers,
    enabled: s.enabled,
    timeoutMs: s.timeoutMs,
    autoApprove: s.autoApprove,
    disabledTools: s.disabledTools,
    valid: s.valid,
  };
}

function expected(fields: Partial<Omit<McpServer, 'origins' | 'position' | 'id' | 'name' | 'sourceId' | 'file' | 'format'>>): Record<string, unknown> {
  return {
    transport: 'stdio',
    command: undefined,
    args: [],
    cwd: undefined,
    env: {},
    envFile: undefined,
    url: undefined,
    headers: {},
    enabled: true,
    timeoutMs: undefined,
    autoApprove: [],
    disabledTools: [],
    valid: true,
    ...fields,
  };
}

function server(read: SourceRead, name: string): McpServer {
  const s = read.servers.find((x) => x.name === name);
  assert.ok(s, `server ${JSON.stringify(name)} was read; got ${JSON.stringify(read.servers.map((x) => x.name))}`);
  return s;
}

/**
 * The position the reader recorded for `path` must be where `needle` starts; `before` (text right in
 * front of the needle) makes an ambiguous needle unique in the file.
 */
function assertLocatedAt(read: SourceRead, text: string, path: JsonPath, needle: string, before = ''): void {
  const locator = locatorFor(read);
  assert.ok(locator.has(read.source.file, path), `a location for ${toPointer(path)}`);
  const pos = locator.locate(read.source.file, path);
  assert.deepEqual(pos.jsonPath, path);
  const offset = uniqueOffset(text, before + needle) + before.length;
  assert.deepEqual(
    { offset: pos.offset, length: pos.length, line: pos.line, column: pos.column },
    { offset, length: needle.length, ...lineCol(text, offset) },
    `location of ${toPointer(path)}`,
  );
}

/**
 * Checks, for every server of a read, against the file text alone: each location's line/column is
 * where its offset is, its slice is exactly the value at its pointer, every value under the entry has
 * a location, and every origin path leads to the value that was normalised from it.
 */
function assertLocationsAndOrigins(read: SourceRead, text: string): void {
  const root: unknown = parseJsonc(text, [], { allowTrailingComma: true });
  const locator = locatorFor(read);
  for (const s of read.servers) {
    assert.equal(s.file, read.source.file);
    assert.equal(s.sourceId, read.source.id);
    assert.equal(s.id, `${read.source.id}#${s.name}`);
    assert.doesNotThrow(() => McpServerSchema.parse(s), `server ${s.name} matches McpServerSchema`);
    const entry = toPointer(s.origins.entry);
    const locations = locator.positionsUnder(read.source.file, s.origins.entry);
    assert.deepEqual(Object.keys(locations).sort(), pointersUnder(root, s.origins.entry), `${s.name}: one location per value of the entry`);
    assert.deepEqual(s.position, locations[entry], `${s.name}: position is the entry's`);
    for (const [ptr, pos] of Object.entries(locations)) {
      assert.ok(ptr === entry || ptr.startsWith(entry + '/'), `${ptr} is inside ${entry}`);
      assert.deepEqual({ line: pos.line, column: pos.column }, lineCol(text, pos.offset), `${ptr} start`);
      assert.deepEqual({ line: pos.endLine, column: pos.endColumn }, lineCol(text, pos.offset + pos.length), `${ptr} end`);
      assert.deepEqual(parseSlice(text.slice(pos.offset, pos.offset + pos.length)), valueAt(root, fromPointer(ptr)), `${ptr} slice`);
    }
    const o = s.origins;
    if (s.command !== undefined) {
      assert.ok(o.command);
      assert.equal(valueAt(root, o.command), s.command);
    }
    assert.equal(o.args.length, s.args.length);
    o.args.forEach((p, i) => assert.equal(valueAt(root, p), s.args[i]));
    assert.deepEqual(Object.keys(o.env).sort(), Object.keys(s.env).sort());
    for (const [k, p] of Object.entries(o.env)) assert.equal(String(valueAt(root, p)), s.env[k]);
    assert.deepEqual(Object.keys(o.headers).sort(), Object.keys(s.headers).sort());
    for (const [k, p] of Object.entries(o.headers)) assert.equal(valueAt(root, p), s.headers[k]);
    if (s.url !== undefined) assert.equal(o.url && valueAt(root, o.url), s.url);
    if (s.cwd !== undefined) assert.equal(o.cwd && valueAt(root, o.cwd), s.cwd);
    assert.equal(o.autoApprove.length, s.autoApprove.length);
    if (s.format === 'kilo') for (const p of o.autoApprove) assert.equal(valueAt(root, p), 'allow');
    else o.autoApprove.forEach((p, i) => assert.equal(valueAt(root, p), s.autoApprove[i]));
  }
  assert.doesNotThrow(() => ConfigSourceSchema.parse(read.source));
  assert.equal(read.source.serverCount, read.servers.length);
  assert.equal(read.text, text);
}

describe('legacy KiloCode .kilocode/mcp.json', () => {
  it('reads stdio, sse and streamable-http servers with their fields normalised', async () => {
    const { read, candidate } = await readPlace('kilocodeProject');
    assert.equal(read.source.id, 'kilocode-legacy:.kilocode/mcp.json');
    assert.equal(read.source.displayPath, '.kilocode/mcp.json');
    assert.equal(read.source.scope, 'project');
    assert.deepEqual(read.source.readBy, candidate.readBy);
    assert.equal(read.source.exists, true);
    assert.equal(read.source.strictJson, true);
    assert.deepEqual(read.source.errors, []);
    assert.deepEqual(read.servers.map((s) => s.name), ['filesystem', 'docs', 'tracker']);
    assert.deepEqual(
      summary(server(read, 'filesystem')),
      expected({
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '${workspaceFolder}'],
        env: { LOG_LEVEL: 'debug', GITHUB_TOKEN: '${env:GITHUB_TOKEN}' },
        timeoutMs: 120_000,
        autoApprove: ['read_file', 'list_directory'],
      }),
    );
    assert.deepEqual(
      summary(server(read, 'docs')),
      expected({
        transport: 'sse',
        url: 'https://docs.example.com/mcp/sse',
        headers: { Authorization: 'Bearer ${env:DOCS_TOKEN}' },
        enabled: false,
        autoApprove: ['*'],
      }),
    );
    assert.deepEqual(
      summary(server(read, 'tracker')),
      expected({ transport: 'streamable-http', url: 'https://tracker.example.com/mcp', timeoutMs: 30_000, disabledTools: ['delete_issue'] }),
    );
  });

  it('records origins as JSON paths into the file', async () => {
    const { read } = await readPlace('kilocodeProject');
    const fsServer = server(read, 'filesystem');
    const base = ['mcpServers', 'filesystem'];
    assert.deepEqual(fsServer.origins, {
      entry: base,
      command: [...base, 'command'],
      args: [0, 1, 2].map((i) => [...base, 'args', i]),
      env: { LOG_LEVEL: [...base, 'env', 'LOG_LEVEL'], GITHUB_TOKEN: [...base, 'env', 'GITHUB_TOKEN'] },
      headers: {},
      autoApproveList: [...base, 'alwaysAllow'],
      autoApprove: [
        [...base, 'alwaysAllow', 0],
        [...base, 'alwaysAllow', 1],
      ],
    });
    const docs = server(read, 'docs');
    assert.deepEqual(docs.origins.url, ['mcpServers', 'docs', 'url']);
    assert.deepEqual(docs.origins.headers, { Authorization: ['mcpServers', 'docs', 'headers', 'Authorization'] });
    assert.equal(docs.origins.command, undefined);
  });

  it('locates args[1], env values and alwaysAllow entries at their exact line and column', async () => {
    const { read, text } = await readPlace('kilocodeProject');
    const s = server(read, 'filesystem');
    assertLocatedAt(read, text, ['mcpServers', 'filesystem', 'args', 1], '"@modelcontextprotocol/server-filesystem@2025.8.21"');
    assertLocatedAt(read, text, ['mcpServers', 'filesystem', 'env', 'GITHUB_TOKEN'], '"${env:GITHUB_TOKEN}"');
    assertLocatedAt(read, text, ['mcpServers', 'filesystem', 'alwaysAllow', 1], '"list_directory"');
    assertLocatedAt(read, text, ['mcpServers', 'filesystem', 'timeout'], '120');
    // Spelled out once, so that a shared off-by-one in the helpers cannot hide: line 7, column 9.
    const args1 = locatorFor(read).locate(read.source.file, ['mcpServers', 'filesystem', 'args', 1]);
    assert.deepEqual({ line: args1.line, column: args1.column }, { line: 7, column: 9 });
    assert.deepEqual({ line: s.position.line, column: s.position.column }, { line: 3, column: 19 }, 'the entry starts at its "{"');
    assertLocationsAndOrigins(read, text);
  });

  it('reads the global mcp_settings.json (cwd, watchPaths, timeout 60 s)', async () => {
    const { read, text } = await readPlace('kilocodeGlobal');
    assert.equal(read.source.scope, 'global');
    assert.equal(read.source.displayPath, '~/.config/Code/User/globalStorage/kilocode.kilo-code/settings/mcp_settings.json');
    assert.deepEqual(read.source.errors, []);
    assert.deepEqual(
      summary(server(read, 'filesystem')),
      expected({ command: 'node', args: ['/opt/mcp/filesystem/dist/index.js', '/home/dev'], timeoutMs: 60_000 }),
    );
    assert.deepEqual(
      summary(server(read, 'memory')),
      expected({
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-memory@2025.8.4'],
        cwd: '/home/dev',
        env: { MEMORY_FILE_PATH: '/home/dev/.mcp/memory.json' },
      }),
    );
    assertLocatedAt(read, text, ['mcpServers', 'memory', 'cwd'], '"/home/dev"', '"cwd": ');
    assertLocationsAndOrigins(read, text);
  });
});

describe('Kilo kilo.jsonc (KiloCode 7.x)', () => {
  it('reads local and remote entries through comments and trailing commas', async () => {
    const { read, text } = await readPlace('kiloProject');
    assert.equal(read.source.id, 'kilo:kilo.jsonc');
    assert.equal(read.source.strictJson, false);
    assert.deepEqual(read.source.errors, [], 'JSONC is what Kilo reads: no error');
    assert.deepEqual(
      summary(server(read, 'github')),
      expected({
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-github@2025.4.8'],
        env: { GITHUB_PERSONAL_ACCESS_TOKEN: '{env:GITHUB_TOKEN}' },
        timeoutMs: 15_000,
        autoApprove: ['*'],
      }),
    );
    assert.deepEqual(
      summary(server(read, 'context7')),
      expected({
        transport: 'streamable-http',
        url: 'https://mcp.context7.com/mcp',
        headers: { CONTEXT7_API_KEY: '{file:~/.secrets/context7}' },
        enabled: false,
        autoApprove: ['resolve-library-id'],
      }),
    );
    assertLocationsAndOrigins(read, text);
  });

  it('maps the command array to command + args with origins into the array, and environment to env', async () => {
    const { read, text } = await readPlace('kiloProject');
    const s = server(read, 'github');
    const base = ['mcp', 'github'];
    assert.deepEqual(s.origins.command, [...base, 'command', 0]);
    assert.deepEqual(s.origins.args, [
      [...base, 'command', 1],
      [...base, 'command', 2],
    ]);
    assert.deepEqual(s.origins.env, { GITHUB_PERSONAL_ACCESS_TOKEN: [...base, 'environment', 'GITHUB_PERSONAL_ACCESS_TOKEN'] });
    // args[1] of the normalised server is command[2] in the file.
    assertLocatedAt(read, text, [...base, 'command', 2], '"@modelcontextprotocol/server-github@2025.4.8"');
    assertLocatedAt(read, text, [...base, 'environment', 'GITHUB_PERSONAL_ACCESS_TOKEN'], '"{env:GITHUB_TOKEN}"');
    assertLocatedAt(read, text, [...base, 'timeout'], '15000');
  });

  it('derives auto-approval from permission patterns, pointing at the permission keys', async () => {
    const { read } = await readPlace('kiloProject');
    const github = server(read, 'github');
    assert.deepEqual(github.origins.autoApproveList, ['permission']);
    assert.deepEqual(github.origins.autoApprove, [['permission', 'github_*']]);
    const context7 = server(read, 'context7');
    assert.deepEqual(context7.origins.autoApprove, [['permission', 'context7_resolve-library-id']]);
  });

  it('reads a strict-JSON global kilo.json: env alias, oauth false, timeout in ms', async () => {
    const { read, text } = await readPlace('kiloGlobal');
    assert.equal(read.source.scope, 'global');
    assert.equal(read.source.displayPath, '~/.config/kilo/kilo.json');
    assert.equal(read.source.strictJson, true);
    assert.deepEqual(read.source.errors, []);
    assert.deepEqual(
      summary(server(read, 'sentry')),
      expected({ transport: 'streamable-http', url: 'https://mcp.sentry.dev/mcp', timeoutMs: 5000 }),
    );
    assert.deepEqual(
      summary(server(read, 'sqlite')),
      expected({ command: 'uvx', args: ['mcp-server-sqlite==2025.4.25', '--db-path', './dev.db'], env: { SQLITE_READONLY: '1' } }),
    );
    assert.deepEqual(server(read, 'sqlite').origins.env, { SQLITE_READONLY: ['mcp', 'sqlite', 'env', 'SQLITE_READONLY'] });
    assertLocationsAndOrigins(read, text);
  });

  it('toolPatternFor: which permission keys reach which server', () => {
    assert.equal(toolPatternFor('github_*', 'github'), '*');
    assert.equal(toolPatternFor('github_search_code', 'github'), 'search_code');
    assert.equal(toolPatternFor('*', 'github'), '*');
    assert.equal(toolPatternFor('git*', 'github'), '*');
    assert.equal(toolPatternFor('*_delete*', 'github'), '*_delete*');
    assert.equal(toolPatternFor('gitlab_*', 'github'), undefined);
    assert.equal(toolPatternFor('github_*', 'git'), undefined);
    assert.equal(toolPatternFor('bash', 'github'), undefined);
    // `github_*` also matches every tool of a server called `github_enterprise` (`github_enterprise_x`).
    assert.equal(toolPatternFor('github_*', 'github_enterprise'), '*');
  });
});

describe('VS Code .vscode/mcp.json', () => {
  it('reads servers (not mcpServers), http/sse/stdio, keeps ${input:…} and ${workspaceFolder} verbatim', async () => {
    const { read, text } = await readPlace('vscode');
    assert.equal(read.source.id, 'vscode:.vscode/mcp.json');
    assert.equal(read.source.strictJson, false);
    assert.deepEqual(read.source.errors, [], 'comments are fine for VS Code, and the inputs are valid');
    assert.deepEqual(
      summary(server(read, 'github')),
      expected({ transport: 'streamable-http', url: 'https://api.githubcopilot.com/mcp/', headers: { Authorization: 'Bearer ${input:github-token}' } }),
    );
    assert.deepEqual(summary(server(read, 'events')), expected({ transport: 'sse', url: 'http://localhost:3001/sse' }));
    assert.deepEqual(
      summary(server(read, 'playwright')),
      expected({
        command: 'npx',
        args: ['@playwright/mcp@0.0.41', '--headless'],
        env: { DEBUG: 'pw:mcp', RETRIES: '3' },
        envFile: '${workspaceFolder}/.env',
      }),
    );
    const p = server(read, 'playwright');
    assert.deepEqual(p.origins.entry, ['servers', 'playwright']);
    assertLocatedAt(read, text, ['servers', 'playwright', 'args', 1], '"--headless"');
    assertLocatedAt(read, text, ['servers', 'playwright', 'env', 'RETRIES'], '3', '"RETRIES": ');
    assertLocatedAt(read, text, ['servers', 'github', 'headers', 'Authorization'], '"Bearer ${input:github-token}"');
    assertLocationsAndOrigins(read, text);
  });

  it('validates inputs[] and locates a broken input', async () => {
    const text = '{\n  "inputs": [\n    { "type": "promptString", "id": "" }\n  ],\n  "servers": {}\n}\n';
    const file = join(WS, '.vscode', 'mcp.json');
    const fs = new MemoryFileSystem({ [file]: text });
    const c = (await discoverCandidates(fs, { workspace: WS, includeGlobal: false, platform: 'linux', env: {} })).find((x) => x.file === file);
    assert.ok(c);
    const read = await readSource(fs, c);
    assert.equal(read.source.errors.length, 1);
    const e = read.source.errors[0];
    assert.ok(e);
    assert.equal(e.code, 'schema');
    assert.equal(e.field, 'inputs[0].id');
    assert.deepEqual({ line: e.line, column: e.column }, lineCol(text, uniqueOffset(text, '""')));
  });
});

describe('Roo Code .roo/mcp.json', () => {
  it('reads the legacy-family format with alwaysAllow and timeout in seconds', async () => {
    const { read, text } = await readPlace('roo');
    assert.equal(read.source.id, 'roo:.roo/mcp.json');
    assert.deepEqual(read.source.errors, []);
    assert.deepEqual(
      summary(server(read, 'postgres')),
      expected({
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-postgres@0.6.2', 'postgresql://localhost/dev'],
        timeoutMs: 45_000,
        autoApprove: ['query'],
      }),
    );
    assert.deepEqual(
      summary(server(read, 'search')),
      expected({ transport: 'streamable-http', url: 'https://search.example.net/mcp', headers: { 'X-Api-Key': '${env:SEARCH_KEY}' } }),
    );
    assertLocatedAt(read, text, ['mcpServers', 'postgres', 'args', 1], '"@modelcontextprotocol/server-postgres@0.6.2"');
    assertLocationsAndOrigins(read, text);
  });
});

describe('Cline cline_mcp_settings.json', () => {
  it('reads autoApprove, streamableHttp, and a url without type as sse', async () => {
    const { read, text } = await readPlace('cline');
    assert.equal(read.source.scope, 'global');
    assert.deepEqual(read.source.errors, []);
    const braveName = 'github.com/modelcontextprotocol/servers/tree/main/src/brave-search';
    const brave = server(read, braveName);
    assert.deepEqual(
      summary(brave),
      expected({
        command: 'npx',
        args: ['-y', '@modelcontextprotocol/server-brave-search@0.6.2'],
        env: { BRAVE_API_KEY: '${env:BRAVE_API_KEY}' },
        timeoutMs: 90_000,
        autoApprove: ['brave_web_search', 'brave_local_search'],
      }),
    );
    assert.deepEqual(brave.origins.autoApproveList, ['mcpServers', braveName, 'autoApprove']);
    assert.deepEqual(
      summary(server(read, 'linear')),
      expected({ transport: 'streamable-http', url: 'https://mcp.linear.app/mcp', headers: { Authorization: 'Bearer ${env:LINEAR_TOKEN}' } }),
    );
    assert.deepEqual(summary(server(read, 'weather')), expected({ transport: 'sse', url: 'https://weather.example.org/sse', enabled: false }));
    // The name holds `/`: its pointer segment is escaped as `~1`.
    const escaped = '/mcpServers/github.com~1modelcontextprotocol~1servers~1tree~1main~1src~1brave-search';
    assert.ok(locatorFor(read).positionsUnder(read.source.file, ['mcpServers', braveName])[`${escaped}/args/1`], 'locations are keyed by RFC 6901 pointers');
    assertLocatedAt(read, text, ['mcpServers', braveName, 'args', 1], '"@modelcontextprotocol/server-brave-search@0.6.2"');
    assertLocatedAt(read, text, ['mcpServers', braveName, 'autoApprove', 1], '"brave_local_search"');
    assertLocationsAndOrigins(read, text);
  });
});

describe('Cursor .cursor/mcp.json', () => {
  it('reads stdio, a url without type (streamable HTTP) and sse', async () => {
    const { read, text } = await readPlace('cursor');
    assert.equal(read.source.id, 'cursor:.cursor/mcp.json');
    assert.deepEqual(read.source.errors, []);
    assert.deepEqual(
      summary(server(read, 'supabase')),
      expected({
        command: 'npx',
        args: ['-y', '@supabase/mcp-server-supabase@0.5.5', '--read-only'],
        env: { SUPABASE_ACCESS_TOKEN: '${env:SUPABASE_ACCESS_TOKEN}' },
      }),
    );
    assert.deepEqual(summary(server(read, 'figma')), expected({ transport: 'streamable-http', url: 'http://127.0.0.1:3845/mcp' }));
    assert.deepEqual(
      summary(server(read, 'legacy-events')),
      expected({ transport: 'sse', url: 'https://events.example.com/sse', headers: { 'X-Team': 'platform' } }),
    );
    assertLocatedAt(read, text, ['mcpServers', 'supabase', 'args', 1], '"@supabase/mcp-server-supabase@0.5.5"');
    assertLocationsAndOrigins(read, text);
  });
});

describe('Claude Desktop claude_desktop_config.json', () => {
  it('reads stdio servers and ignores other top-level keys', async () => {
    const { read, text } = await readPlace('claude');
    assert.equal(read.source.displayPath, '~/.config/Claude/claude_desktop_config.json');
    assert.deepEqual(read.source.errors, []);
    assert.deepEqual(read.servers.map((s) => s.name), ['filesystem', 'git']);
    assert.deepEqual(
      summary(server(read, 'git')),
      expected({ command: 'uvx', args: ['mcp-server-git==2025.7.1', '--repository', '/Users/dev/src/app'], env: { GIT_PAGER: 'cat' } }),
    );
    assert.deepEqual(server(read, 'filesystem').args.length, 4);
    assertLocatedAt(read, text, ['mcpServers', 'git', 'args', 1], '"--repository"');
    assertLocationsAndOrigins(read, text);
  });

  it('refuses a url-only entry (Claude Desktop runs only stdio servers from this file)', async () => {
    const file = join(HOME, '.config', 'Claude', 'claude_desktop_config.json');
    const text = '{"mcpServers":{"remote":{"url":"https://x.example.com/mcp"}}}';
    const fs = new MemoryFileSystem({ [file]: text });
    const c = (await discoverCandidates(fs, { home: HOME, includeGlobal: true, platform: 'linux', env: {} })).find((x) => x.file === file);
    assert.ok(c);
    const read = await readSource(fs, c);
    assert.deepEqual(
      read.source.errors.map((e) => e.field).sort(),
      ['mcpServers.remote.command', 'mcpServers.remote.url'],
    );
    assert.equal(server(read, 'remote').valid, false);
  });
});

describe('every format', () => {
  it('keeps environment references verbatim, never resolving them', async () => {
    const all = await Promise.all((Object.keys(PLACES) as Place[]).map((p) => readPlace(p)));
    const values = all.flatMap(({ read }) => read.servers.flatMap((s) => [...Object.values(s.env), ...Object.values(s.headers), ...s.args]));
    assert.ok(values.includes('${env:GITHUB_TOKEN}'));
    assert.ok(values.includes('{env:GITHUB_TOKEN}'));
    assert.ok(values.includes('${workspaceFolder}'));
    assert.ok(values.includes('Bearer ${input:github-token}'));
    assert.ok(values.includes('{file:~/.secrets/context7}'));
  });
});
