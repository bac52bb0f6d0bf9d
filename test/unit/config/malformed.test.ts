import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { discoverCandidates } from '../../../src/core/config/discovery';
import { loadConfigModel, type LoadedModel } from '../../../src/core/config/load-config-model';
import { DEFAULT_MAX_FILE_BYTES, readSource } from '../../../src/core/config/read-source';
import { ConfigErrorSchema, type ConfigError } from '../../../src/core/model/config-error';
import { ConfigModelSchema } from '../../../src/core/model/config-model';
import { toPointer, type Position } from '../../../src/core/model/location';
import { FormatIdSchema, type McpServer } from '../../../src/core/model/server';
import type { ConfigSource } from '../../../src/core/model/source';
import { MemoryFileSystem } from '../../../src/core/ports/memory-file-system';
import { fixture, lineCol, uniqueOffset } from './fixture-helpers';

const WS = join('/', 'work', 'project');
const LEGACY = join(WS, '.kilocode', 'mcp.json');
const KILO = join(WS, 'kilo.jsonc');
const VSCODE = join(WS, '.vscode', 'mcp.json');
const GOOD_VSCODE = fixture('vscode/mcp.json');
const GOOD_LEGACY = fixture('kilocode-legacy/mcp.json');

interface Workspace {
  loaded: LoadedModel;
  broken: ConfigSource;
  good: ConfigSource;
  servers: (source: ConfigSource) => McpServer[];
  /** Positions of every value of a server's entry, by JSON pointer (from the model's Locator). */
  locations: (server: McpServer) => Record<string, Position>;
}

/**
 * A workspace with one broken file (at `file`) and one good file (`.vscode/mcp.json`, or
 * `.kilocode/mcp.json` when the broken one is the VS Code file), read the way the CLI reads it.
 */
async function workspace(file: string, content: string | Error, opts: { maxFileBytes?: number } = {}): Promise<Workspace> {
  const goodFile = file === VSCODE ? LEGACY : VSCODE;
  const fs = new MemoryFileSystem({ [goodFile]: goodFile === VSCODE ? GOOD_VSCODE : GOOD_LEGACY, [file]: content });
  const candidates = await discoverCandidates(fs, { workspace: WS, includeGlobal: false, platform: 'linux', env: {} });
  const loaded = await loadConfigModel(fs, candidates, { workspace: WS, ...opts });
  const broken = loaded.model.sources.find((s) => s.file === file);
  const good = loaded.model.sources.find((s) => s.file === goodFile);
  assert.ok(broken && good);
  // The good file is read in full whatever happens to the broken one.
  assert.deepEqual(good.errors, []);
  assert.equal(good.serverCount, 3);
  assert.equal(loaded.model.servers.filter((s) => s.sourceId === good.id).length, 3);
  const goodClient = goodFile === VSCODE ? 'vscode' : 'kilocode-legacy';
  assert.equal(loaded.model.effective.filter((e) => e.client === goodClient && e.serverId.startsWith(good.id + '#')).length, 3);
  assert.doesNotThrow(() => ConfigModelSchema.parse(loaded.model));
  return {
    loaded,
    broken,
    good,
    servers: (source) => loaded.model.servers.filter((s) => s.sourceId === source.id),
    locations: (server) => loaded.locator.positionsUnder(server.file, server.origins.entry),
  };
}

/** Every error: schema-valid, about the broken file, with a field, a message and a fix a person can act on. */
function assertWellFormed(errors: readonly ConfigError[], file: string): void {
  assert.ok(errors.length > 0, 'at least one error');
  for (const e of errors) {
    assert.doesNotThrow(() => ConfigErrorSchema.parse(e), JSON.stringify(e));
    assert.equal(e.file, file);
    assert.ok(e.line >= 1 && e.column >= 1);
    assert.ok(e.field.length > 0, 'a field');
    assert.ok(e.message.trim().length > 0, 'a message');
    assert.ok(e.fix.trim().length > 0, 'a fix');
  }
}

/** Position of `needle` (after the unique `before` + needle) in `text`. */
function at(text: string, needle: string, before = ''): { line: number; column: number } {
  return lineCol(text, uniqueOffset(text, before + needle) + before.length);
}

const brief = (e: ConfigError) => ({ code: e.code, field: e.field, line: e.line, column: e.column });

describe('syntax errors', () => {
  it('missing comma: invalid-json at the token that needed a comma before it', async () => {
    const text = fixture('malformed/missing-comma.json');
    const { broken, servers } = await workspace(LEGACY, text);
    assertWellFormed(broken.errors, LEGACY);
    assert.deepEqual(broken.errors.map(brief), [{ code: 'invalid-json', field: '(file)', ...at(text, '"args"') }]);
    assert.match(broken.errors[0]?.message ?? '', /expected ','/);
    assert.equal(broken.errors[0]?.client, 'KiloCode (legacy)');
    assert.equal(broken.strictJson, false);
    // What could be recovered is still assessed.
    assert.deepEqual(servers(broken).map((s) => s.name), ['broken']);
  });

  it('unterminated string: the first error is at the opening quote', async () => {
    const text = fixture('malformed/unterminated-string.json');
    const { broken } = await workspace(LEGACY, text);
    assertWellFormed(broken.errors, LEGACY);
    assert.ok(broken.errors.every((e) => e.code === 'invalid-json'));
    assert.deepEqual(brief(broken.errors[0] as ConfigError), { code: 'invalid-json', field: '(file)', ...at(text, '"npx,') });
    assert.match(broken.errors[0]?.message ?? '', /unterminated string/);
  });

  it('empty file: invalid-json at 1:1', async () => {
    const { broken, servers } = await workspace(LEGACY, '');
    assertWellFormed(broken.errors, LEGACY);
    assert.deepEqual(broken.errors.map(brief), [{ code: 'invalid-json', field: '(file)', line: 1, column: 1 }]);
    assert.deepEqual(servers(broken), []);
  });

  it('a VS Code file with a syntax error is reported for VS Code, and the legacy file is still read', async () => {
    const text = '{\n  "servers": {\n    "x": { "command": "node" }\n  \n';
    const { broken } = await workspace(VSCODE, text);
    assertWellFormed(broken.errors, VSCODE);
    assert.ok(broken.errors.every((e) => e.code === 'invalid-json' && e.client === 'VS Code'));
  });

  it('at most ten syntax errors are reported for one file', async () => {
    // 29 missing commas.
    const text = '{"mcpServers":{},"x":[' + Array.from({ length: 30 }, (_, i) => String(i)).join(' ') + ']}';
    const { broken } = await workspace(LEGACY, text);
    assertWellFormed(broken.errors, LEGACY);
    assert.equal(broken.errors.length, 10);
  });
});

describe('JSONC in files that strict-JSON clients read', () => {
  it('a comment in .kilocode/mcp.json: rejected-by-client at the comment', async () => {
    const text = fixture('malformed/legacy-with-comments.json');
    const { broken, servers } = await workspace(LEGACY, text);
    assertWellFormed(broken.errors, LEGACY);
    assert.deepEqual(broken.errors.map(brief), [{ code: 'rejected-by-client', field: '(file)', ...at(text, '// pinned') }]);
    const [e] = broken.errors;
    assert.equal(e?.client, 'KiloCode (legacy)');
    assert.match(e?.message ?? '', /a comment/);
    assert.match(e?.fix ?? '', /Remove comments/);
    assert.equal(broken.strictJson, false);
    assert.deepEqual(servers(broken).map((s) => [s.name, s.command]), [['time', 'uvx']]);
  });

  it('a trailing comma in .kilocode/mcp.json: rejected-by-client at the comma', async () => {
    const text = fixture('malformed/legacy-trailing-comma.json');
    const { broken } = await workspace(LEGACY, text);
    assertWellFormed(broken.errors, LEGACY);
    assert.deepEqual(broken.errors.map(brief), [{ code: 'rejected-by-client', field: '(file)', ...at(text, ',', '"mcp-server-time==0.6.2"]') }]);
    assert.match(broken.errors[0]?.message ?? '', /a trailing comma/);
  });

  it('the same comment is fine in kilo.jsonc and .vscode/mcp.json', async () => {
    const text = fixture('malformed/legacy-with-comments.json').replace('"mcpServers"', '"servers"');
    const { broken } = await workspace(VSCODE, text);
    assert.deepEqual(broken.errors, []);
    assert.equal(broken.strictJson, false);
  });

  it(
    'a comment in .cursor/mcp.json is reported when legacy KiloCode reads it as its fallback',
    async () => {
      const file = join(WS, '.cursor', 'mcp.json');
      const text = '{\n  // team servers\n  "mcpServers": { "x": { "command": "node" } }\n}\n';
      const { broken } = await workspace(file, text);
      assert.ok(broken.readBy.some((r) => r.client === 'kilocode-legacy'));
      assert.deepEqual(broken.errors.map(brief), [{ code: 'rejected-by-client', field: '(file)', ...at(text, '// team') }]);
    },
  );
});

describe('schema violations', () => {
  it('legacy entries: each violation located at the offending value, the rest of the entry still read', async () => {
    const text = fixture('malformed/schema-violations.json');
    const { broken, servers } = await workspace(LEGACY, text);
    assertWellFormed(broken.errors, LEGACY);
    assert.ok(broken.errors.every((e) => e.code === 'schema' && e.client === 'KiloCode (legacy)'));
    const entry = (name: string) => `"${name}": `;
    assert.deepEqual(broken.errors.map(brief), [
      { code: 'schema', field: 'mcpServers.command-array.command', ...at(text, '["npx"', '"command": ') },
      // `type` is missing: located at the entry that lacks it.
      { code: 'schema', field: 'mcpServers.remote-without-type.type', ...at(text, '{', entry('remote-without-type')) },
      { code: 'schema', field: 'mcpServers.url-with-command.url', ...at(text, '"https://remote.example.com/mcp"', '"server.js"],\n      "url": ') },
      { code: 'schema', field: 'mcpServers.timeout-too-long.timeout', ...at(text, '7200') },
      { code: 'schema', field: 'mcpServers.timeout-zero.timeout', ...at(text, '0', '"timeout": ') },
      { code: 'schema', field: 'mcpServers.env-not-strings.env.PORT', ...at(text, '8080') },
      { code: 'schema', field: 'mcpServers.env-not-strings.env.OPTIONS', ...at(text, '{', entry('OPTIONS')) },
      { code: 'schema', field: 'mcpServers.not-an-object', ...at(text, '"npx some-server"') },
    ]);
    for (const e of broken.errors.slice(0, -1)) assert.ok(e.message.includes(e.field), `message names ${e.field}`);
    assert.match(broken.errors.at(-1)?.message ?? '', /"not-an-object" must be an object/);
    assert.deepEqual(broken.errors[3]?.jsonPath, ['mcpServers', 'timeout-too-long', 'timeout']);
    assert.match(broken.errors[1]?.message ?? '', /"type" is required when "url" is set/);

    const got = new Map(servers(broken).map((s) => [s.name, s]));
    assert.deepEqual([...got.keys()], ['command-array', 'remote-without-type', 'url-with-command', 'timeout-too-long', 'timeout-zero', 'env-not-strings']);
    for (const s of got.values()) assert.equal(s.valid, false, `${s.name} is marked invalid`);
    assert.equal(got.get('command-array')?.command, undefined);
    assert.equal(got.get('url-with-command')?.command, 'node');
    assert.equal(got.get('url-with-command')?.url, 'https://remote.example.com/mcp');
    assert.equal(got.get('timeout-too-long')?.timeoutMs, 7_200_000);
    // Numbers are passed on as strings by the clients; an object cannot be.
    assert.deepEqual(got.get('env-not-strings')?.env, { PORT: '8080', NAME: 'ok' });
  });

  it('Kilo entries: string command, missing type, negative timeout', async () => {
    const text = fixture('malformed/kilo-schema-violations.jsonc');
    const { broken, servers } = await workspace(KILO, text);
    assertWellFormed(broken.errors, KILO);
    assert.deepEqual(broken.errors.map(brief), [
      { code: 'schema', field: 'mcp.string-command.command', ...at(text, '"npx -y some-server@1.0.0"') },
      { code: 'schema', field: 'mcp.no-type.type', ...at(text, '{', '"no-type": ') },
      { code: 'schema', field: 'mcp.bad-timeout.timeout', ...at(text, '-5') },
    ]);
    assert.ok(broken.errors.every((e) => e.client === 'KiloCode (Kilo CLI)'));
    assert.deepEqual(
      servers(broken).map((s) => [s.name, s.transport, s.valid]),
      [
        ['string-command', 'stdio', false],
        ['no-type', 'streamable-http', false],
        ['bad-timeout', 'streamable-http', false],
      ],
    );
  });

  it('a top-level array: one schema error for the whole file, no servers', async () => {
    const { broken, servers } = await workspace(LEGACY, fixture('malformed/top-level-array.json'));
    assertWellFormed(broken.errors, LEGACY);
    assert.deepEqual(broken.errors.map(brief), [{ code: 'schema', field: '(file)', line: 1, column: 1 }]);
    assert.deepEqual(broken.errors[0]?.jsonPath, []);
    assert.equal(broken.strictJson, true);
    assert.deepEqual(servers(broken), []);
  });

  it('non-object mcpServers: a schema error at its value', async () => {
    const text = fixture('malformed/non-object-mcpservers.json');
    const { broken, servers } = await workspace(LEGACY, text);
    assertWellFormed(broken.errors, LEGACY);
    assert.deepEqual(broken.errors.map(brief), [{ code: 'schema', field: 'mcpServers', ...at(text, '[') }]);
    assert.deepEqual(servers(broken), []);
  });

  it('scalars and null at the top level', async () => {
    for (const text of ['null', '42', '"mcpServers"', 'true']) {
      const { broken, servers } = await workspace(LEGACY, text);
      assertWellFormed(broken.errors, LEGACY);
      assert.deepEqual(broken.errors.map((e) => e.code), ['schema'], text);
      assert.deepEqual(servers(broken), []);
    }
  });
});

describe('duplicate server names', () => {
  const text = fixture('malformed/duplicate-server.json');

  it('the later entry wins (as in every client) and the duplicate key is reported where it is', async () => {
    const { broken, servers } = await workspace(LEGACY, text);
    assertWellFormed(broken.errors, LEGACY);
    const second = text.indexOf('"github"', uniqueOffset(text, '"github": {\n      "command": "npx"') + 1);
    const dup = broken.errors.find((e) => e.message.includes('"github"'));
    assert.ok(dup, 'the duplicate "github" key is reported');
    assert.deepEqual({ code: dup.code, line: dup.line, column: dup.column }, { code: 'schema', ...lineCol(text, second) });
    assert.deepEqual(servers(broken).map((s) => [s.name, s.command]), [['github', 'docker']]);
  });

  it('only the duplicated server name is reported, not the fields inside the second definition', async () => {
    const { broken } = await workspace(LEGACY, text);
    assert.deepEqual(
      broken.errors.map((e) => e.field),
      ['"github"'],
    );
  });

  it('the strict and JSONC paths agree on which keys are duplicated', async () => {
    const strict = await workspace(LEGACY, text);
    const jsonc = await workspace(join(WS, 'kilo.jsonc'), text.replace('"mcpServers"', '// x\n"mcp"'));
    assert.deepEqual(
      strict.broken.errors.filter((e) => e.message.includes('appears twice')).length,
      jsonc.broken.errors.filter((e) => e.message.includes('appears twice')).length,
    );
  });

  it("the winning entry's locations describe only the winning definition", async () => {
    const t = '{"mcpServers":{"a":{"command":"x","args":["1","2","3","4"]},"a":{"command":"y"}}}';
    const { broken, servers, locations } = await workspace(LEGACY, t);
    assert.ok(broken.errors.length > 0);
    const [a] = servers(broken);
    assert.ok(a);
    assert.deepEqual(Object.keys(locations(a)).sort(), ['/mcpServers/a', '/mcpServers/a/command']);
    assert.equal(a.position.offset, t.lastIndexOf('{"command"'));
  });
});

describe('hostile server names', () => {
  it('names with /, ~, quotes, unicode, emoji and the empty name are read and located', async () => {
    const text = fixture('malformed/hostile-names.json');
    const { broken, servers, loaded, locations } = await workspace(LEGACY, text);
    assert.deepEqual(broken.errors, []);
    const names = ['team/tools', '~home', 'a~1b', 'say "hi"', 'überserver-日本', '🚀 launch', ''];
    const got = servers(broken);
    assert.deepEqual(got.map((s) => s.name), names);
    assert.equal(new Set(got.map((s) => s.id)).size, names.length, 'ids are unique');
    const scripts = ['slash.js', 'tilde.js', 'escaped-looking.js', 'quotes.js', 'unicode.js', 'emoji.js', 'empty-name.js'];
    got.forEach((s, i) => {
      const script = scripts[i] ?? '';
      assert.deepEqual(s.args, [script]);
      const ptr = toPointer(['mcpServers', s.name, 'args', 0]);
      const own = locations(s);
      const pos = own[ptr];
      assert.ok(pos, `${JSON.stringify(s.name)}: a location at ${ptr}`);
      assert.deepEqual({ line: pos.line, column: pos.column, length: pos.length }, { ...at(text, `"${script}"`), length: script.length + 2 });
      // Only this entry's values, none of a neighbour whose escaped name shares a prefix.
      for (const p of Object.keys(own)) assert.ok(p === toPointer(['mcpServers', s.name]) || p.startsWith(toPointer(['mcpServers', s.name]) + '/'), p);
      assert.equal(Object.keys(own).length, 4, `${JSON.stringify(s.name)} has exactly its own 4 values (entry, command, args, args[0])`);
    });
    const [slash, tilde, escapedLooking] = got;
    assert.ok(slash && tilde && escapedLooking);
    assert.ok(locations(slash)['/mcpServers/team~1tools/command']);
    assert.ok(locations(tilde)['/mcpServers/~0home/command']);
    assert.ok(locations(escapedLooking)['/mcpServers/a~01b/command']);
    assert.deepEqual(
      loaded.model.effective.filter((e) => e.client === 'kilocode-legacy').map((e) => e.name).sort(),
      [...names].sort(),
    );
  });
});

describe('byte order mark', () => {
  const text = fixture('malformed/bom.json');

  it('the fixture really starts with a BOM', () => {
    assert.equal(text.charCodeAt(0), 0xfeff);
  });

  it('legacy KiloCode (JSON.parse) cannot read it: one error at 1:1, servers still assessed', async () => {
    const { broken, servers, locations } = await workspace(LEGACY, text);
    assertWellFormed(broken.errors, LEGACY);
    assert.equal(broken.errors.length, 1);
    assert.ok(['invalid-json', 'rejected-by-client'].includes(broken.errors[0]?.code ?? ''));
    assert.deepEqual(brief(broken.errors[0] as ConfigError).line, 1);
    assert.deepEqual(servers(broken).map((s) => s.name), ['time']);
    // Positions are in the text as read, BOM included: "uvx" is on line 4.
    const s = servers(broken)[0];
    assert.ok(s);
    const command = locations(s)['/mcpServers/time/command'];
    assert.deepEqual({ line: command?.line, column: command?.column }, at(text, '"uvx"'));
  });

  it(
    'VS Code reads BOM-prefixed files: no invalid-json error',
    async () => {
      const { broken } = await workspace(VSCODE, text.replace('"mcpServers"', '"servers"'));
      assert.deepEqual(broken.errors, []);
    },
  );
});

describe('hostile nesting', () => {
  it('100,000 unclosed [ never throws: an invalid-json error, and the good file is read', async () => {
    const { broken } = await workspace(LEGACY, '{"mcpServers":' + '['.repeat(100_000));
    assertWellFormed(broken.errors, LEGACY);
    assert.ok(broken.errors.every((e) => e.code === 'invalid-json'));
  });

  it('100,000 nested objects, closed (valid JSON), never throw', async () => {
    const deep = '{"a":'.repeat(100_000) + '1' + '}'.repeat(100_000);
    const { broken, servers } = await workspace(LEGACY, deep);
    assertWellFormed(broken.errors, LEGACY);
    assert.deepEqual(servers(broken), []);
  });

  it('deeply nested args inside a real entry never throw', async () => {
    const deep = '{"mcpServers":{"x":{"command":"node","args":' + '['.repeat(50_000) + ']'.repeat(50_000) + '}}}';
    const { broken } = await workspace(KILO, deep.replace('mcpServers', 'mcp'));
    assertWellFormed(broken.errors, KILO);
  });

  it(
    'valid JSON 600 levels deep is not "rejected" by legacy KiloCode (its JSON.parse accepts it)',
    async () => {
      const deep = '{"mcpServers":{"x":{"command":"node","args":["a"],"deep":' + '['.repeat(600) + ']'.repeat(600) + '}}}';
      assert.doesNotThrow(() => JSON.parse(deep));
      const { broken } = await workspace(LEGACY, deep);
      assert.equal(broken.strictJson, true);
      assert.deepEqual(broken.errors.filter((e) => e.code === 'rejected-by-client'), []);
    },
  );
});

describe('files that cannot be read', () => {
  it('EACCES: unreadable, "permission denied", and the rest of the workspace is read', async () => {
    const denied = Object.assign(new Error(`EACCES: permission denied, open '${LEGACY}'`), { code: 'EACCES' });
    const { broken, servers } = await workspace(LEGACY, denied);
    assertWellFormed(broken.errors, LEGACY);
    assert.deepEqual(broken.errors.map(brief), [{ code: 'unreadable', field: '(file)', line: 1, column: 1 }]);
    assert.match(broken.errors[0]?.message ?? '', /permission denied/);
    assert.match(broken.errors[0]?.fix ?? '', /permission/);
    assert.equal(broken.exists, true);
    assert.deepEqual(servers(broken), []);
  });

  it('another I/O error: unreadable with its message', async () => {
    const eio = Object.assign(new Error('EIO: i/o error, read'), { code: 'EIO' });
    const { broken } = await workspace(LEGACY, eio);
    assertWellFormed(broken.errors, LEGACY);
    assert.equal(broken.errors[0]?.code, 'unreadable');
    assert.match(broken.errors[0]?.message ?? '', /EIO: i\/o error/);
  });

  it('a directory where a file is expected: unreadable', async () => {
    const fs = new MemoryFileSystem({ [join(LEGACY, 'nested.json')]: '{}' });
    const c = (await discoverCandidates(fs, { workspace: WS, includeGlobal: false, platform: 'linux', env: {} })).find((x) => x.file === LEGACY);
    assert.ok(c);
    const r = await readSource(fs, c);
    assertWellFormed(r.source.errors, LEGACY);
    assert.equal(r.source.errors[0]?.code, 'unreadable');
    assert.equal(r.text, undefined);
  });

  it('a file over the limit: too-large, not read', async () => {
    const big = JSON.stringify({ mcpServers: { x: { command: 'node', args: ['a'.repeat(2048)] } } });
    const { broken, servers, loaded } = await workspace(LEGACY, big, { maxFileBytes: 1024 });
    assertWellFormed(broken.errors, LEGACY);
    assert.deepEqual(broken.errors.map(brief), [{ code: 'too-large', field: '(file)', line: 1, column: 1 }]);
    assert.deepEqual(servers(broken), []);
    assert.equal(loaded.texts.has(LEGACY), false, 'the text of a file that was not read is not kept');
  });

  it('the default limit is 8 MiB, counted in bytes, not characters', async () => {
    assert.equal(DEFAULT_MAX_FILE_BYTES, 8 * 1024 * 1024);
    // 3 bytes per character in UTF-8: under the limit in characters, over it in bytes.
    const chars = Math.floor(DEFAULT_MAX_FILE_BYTES / 3) + 16;
    const big = '{"mcpServers":{},"pad":"' + '€'.repeat(chars) + '"}';
    assert.ok(big.length < DEFAULT_MAX_FILE_BYTES);
    const { broken } = await workspace(LEGACY, big);
    assert.deepEqual(broken.errors.map((e) => e.code), ['too-large']);
  });
});

describe('readSource never throws', () => {
  it('for any text, in any format, it returns well-formed errors', async () => {
    const formats = FormatIdSchema.options;
    const tokens = fc.constantFrom('{', '}', '[', ']', ',', ':', '"mcpServers"', '"mcp"', '"servers"', '"command"', '"x"', '1', 'null', '//c\n', '/*', '*/', '\uFEFF', ' ', '\n', '"', '\\', 'true', '"type"', '"local"', '"url"');
    const text = fc.oneof(fc.string({ unit: 'binary', maxLength: 200 }), fc.array(tokens, { maxLength: 60 }).map((t) => t.join('')), fc.jsonValue().map((v) => JSON.stringify(v)));
    await fc.assert(
      fc.asyncProperty(text, fc.constantFrom(...formats), async (t, format) => {
        const file = join(WS, 'any.json');
        const fs = new MemoryFileSystem({ [file]: t });
        const r = await readSource(fs, { file, displayPath: 'any.json', format, scope: 'project', readBy: [] });
        for (const e of r.source.errors) {
          ConfigErrorSchema.parse(e);
          assert.ok(e.fix.length > 0 && e.field.length > 0);
        }
        for (const s of r.servers) assert.equal(s.format, format);
      }),
      { numRuns: 400 },
    );
  });
});
