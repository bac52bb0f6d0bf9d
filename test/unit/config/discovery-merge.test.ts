import assert from 'node:assert/strict';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import { discoverCandidates, formatForFile, type Candidate, type DiscoveryOptions } from '../../../src/core/config/discovery';
import { loadConfigModel } from '../../../src/core/config/load-config-model';
import { mergeEffective } from '../../../src/core/config/merge';
import type { EffectiveEntry } from '../../../src/core/model/config-model';
import { ConfigModelSchema } from '../../../src/core/model/config-model';
import type { McpServer } from '../../../src/core/model/server';
import type { ConfigSource } from '../../../src/core/model/source';
import { MemoryFileSystem } from '../../../src/core/ports/memory-file-system';
import { fixture } from './fixture-helpers';

const WS = join('/', 'work', 'project');
const HOME = join('/', 'home', 'dev');
const ws = (rel: string): string => join(WS, rel);

const legacy = (name: string, command = 'node'): string => JSON.stringify({ mcpServers: { [name]: { command, args: [`${name}.js`] } } }, null, 2);
const kilo = (name: string, program = 'node'): string => JSON.stringify({ mcp: { [name]: { type: 'local', command: [program, `${name}.js`] } } }, null, 2);

async function candidatesFor(files: Record<string, string>, opts: Partial<DiscoveryOptions> = {}): Promise<Candidate[]> {
  return discoverCandidates(new MemoryFileSystem(files), { workspace: WS, includeGlobal: false, platform: 'linux', env: {}, ...opts });
}

function byDisplay(candidates: readonly Candidate[], displayPath: string): Candidate {
  const c = candidates.find((x) => x.displayPath === displayPath);
  assert.ok(c, `a candidate ${displayPath}; got ${candidates.map((x) => x.displayPath).join(', ')}`);
  return c;
}

function effectiveFor(entries: readonly EffectiveEntry[], client: string, name: string): EffectiveEntry | undefined {
  return entries.find((e) => e.client === client && e.name === name);
}

describe('discoverCandidates: project files', () => {
  it('lists every project file each client may read, in a stable order, relative to the workspace', async () => {
    const cs = await candidatesFor({});
    assert.deepEqual(
      cs.map((c) => [c.displayPath, c.format, c.scope]),
      [
        ['.kilocode/mcp.json', 'kilocode-legacy', 'project'],
        ['.cursor/mcp.json', 'cursor', 'project'],
        ['.mcp.json', 'kilocode-legacy', 'project'],
        ['kilo.json', 'kilo', 'project'],
        ['kilo.jsonc', 'kilo', 'project'],
        [join('.kilo', 'kilo.json'), 'kilo', 'project'],
        [join('.kilo', 'kilo.jsonc'), 'kilo', 'project'],
        [join('.vscode', 'mcp.json'), 'vscode', 'project'],
        [join('.roo', 'mcp.json'), 'roo', 'project'],
      ],
    );
    for (const c of cs) assert.equal(c.file, join(WS, c.displayPath));
    assert.deepEqual(byDisplay(cs, '.kilocode/mcp.json').readBy, [
      { client: 'kilocode-legacy', precedence: 10 },
      { client: 'kilo', precedence: 0 },
    ]);
    assert.deepEqual(byDisplay(cs, join('.vscode', 'mcp.json')).readBy, [{ client: 'vscode', precedence: 10 }]);
    assert.deepEqual(byDisplay(cs, join('.roo', 'mcp.json')).readBy, [{ client: 'roo', precedence: 10 }]);
  });

  it('.kilocode/mcp.json present: legacy KiloCode does not fall back to .cursor/mcp.json or .mcp.json', async () => {
    const cs = await candidatesFor({ [ws('.kilocode/mcp.json')]: legacy('a'), [ws('.cursor/mcp.json')]: legacy('b'), [ws('.mcp.json')]: legacy('c') });
    assert.deepEqual(byDisplay(cs, '.cursor/mcp.json').readBy, [{ client: 'cursor', precedence: 10 }]);
    assert.deepEqual(byDisplay(cs, '.mcp.json').readBy, []);
  });

  it('.kilocode/mcp.json absent: legacy KiloCode reads .cursor/mcp.json, still not .mcp.json', async () => {
    const cs = await candidatesFor({ [ws('.cursor/mcp.json')]: legacy('b'), [ws('.mcp.json')]: legacy('c') });
    assert.deepEqual(byDisplay(cs, '.cursor/mcp.json').readBy, [
      { client: 'cursor', precedence: 10 },
      { client: 'kilocode-legacy', precedence: 10 },
    ]);
    assert.deepEqual(byDisplay(cs, '.mcp.json').readBy, []);
  });

  it('.mcp.json is read by legacy KiloCode only when both .kilocode/mcp.json and .cursor/mcp.json are absent', async () => {
    const cs = await candidatesFor({ [ws('.mcp.json')]: legacy('c') });
    assert.deepEqual(byDisplay(cs, '.mcp.json').readBy, [{ client: 'kilocode-legacy', precedence: 10 }]);
    assert.deepEqual(byDisplay(cs, '.cursor/mcp.json').readBy, [
      { client: 'cursor', precedence: 10 },
      { client: 'kilocode-legacy', precedence: 10 },
    ]);
  });

  it('a directory named .kilocode/mcp.json does not count as the file', async () => {
    const cs = await candidatesFor({ [ws('.kilocode/mcp.json/oops.json')]: '{}', [ws('.cursor/mcp.json')]: legacy('b') });
    assert.ok(byDisplay(cs, '.cursor/mcp.json').readBy.some((r) => r.client === 'kilocode-legacy'));
  });

  it('the fallback decides which servers legacy KiloCode effectively sees', async () => {
    const files = { [ws('.cursor/mcp.json')]: legacy('from-cursor'), [ws('.mcp.json')]: legacy('from-dot-mcp') };
    const run = async (extra: Record<string, string>) => {
      const fs = new MemoryFileSystem({ ...files, ...extra });
      const { model } = await loadConfigModel(fs, await discoverCandidates(fs, { workspace: WS, includeGlobal: false, platform: 'linux', env: {} }), { workspace: WS });
      return model.effective.filter((e) => e.client === 'kilocode-legacy').map((e) => e.name).sort();
    };
    assert.deepEqual(await run({}), ['from-cursor']);
    assert.deepEqual(await run({ [ws('.kilocode/mcp.json')]: legacy('from-kilocode') }), ['from-kilocode']);
    const fs = new MemoryFileSystem({ [ws('.mcp.json')]: legacy('from-dot-mcp') });
    const { model } = await loadConfigModel(fs, await discoverCandidates(fs, { workspace: WS, includeGlobal: false, platform: 'linux', env: {} }));
    assert.deepEqual(model.effective.filter((e) => e.client === 'kilocode-legacy').map((e) => e.serverId), ['kilocode-legacy:.mcp.json#from-dot-mcp']);
    assert.equal(model.workspace, undefined);
  });

  it('lists no project files without a workspace, and no global files unless asked and given a home', async () => {
    assert.deepEqual(await discoverCandidates(new MemoryFileSystem(), { includeGlobal: true, platform: 'linux', env: {} }), []);
    assert.deepEqual(await discoverCandidates(new MemoryFileSystem(), { home: HOME, includeGlobal: false, platform: 'linux', env: {} }), []);
    const onlyProject = await candidatesFor({}, { includeGlobal: true });
    assert.ok(onlyProject.every((c) => c.scope === 'project'));
  });
});

describe('discoverCandidates: global files per platform', () => {
  const globals = async (opts: Pick<DiscoveryOptions, 'platform' | 'env'> & { vscodeGlobalStorage?: string }) =>
    (await discoverCandidates(new MemoryFileSystem(), { home: HOME, includeGlobal: true, ...opts })).map((c) => ({
      file: c.file,
      displayPath: c.displayPath,
      format: c.format,
      scope: c.scope,
      readBy: c.readBy,
    }));

  const expectGlobals = (userConfig: string, xdg: string, gs = join(userConfig, 'Code', 'User', 'globalStorage')) => {
    const display = (file: string) => (file.startsWith(HOME + '/') ? '~/' + file.slice(HOME.length + 1) : file);
    const g = (file: string, format: Candidate['format'], client: Candidate['readBy'][number]['client'], precedence: number) => ({
      file,
      displayPath: display(file),
      format,
      scope: 'global' as const,
      readBy: [{ client, precedence }],
    });
    return [
      g(join(gs, 'kilocode.kilo-code', 'settings', 'mcp_settings.json'), 'kilocode-legacy', 'kilocode-legacy', 0),
      g(join(xdg, 'kilo', 'kilo.json'), 'kilo', 'kilo', 10),
      g(join(xdg, 'kilo', 'kilo.jsonc'), 'kilo', 'kilo', 11),
      g(join(gs, 'rooveterinaryinc.roo-cline', 'settings', 'mcp_settings.json'), 'roo', 'roo', 0),
      g(join(gs, 'saoudrizwan.claude-dev', 'settings', 'cline_mcp_settings.json'), 'cline', 'cline', 0),
      g(join(HOME, '.cursor', 'mcp.json'), 'cursor', 'cursor', 0),
      g(join(userConfig, 'Claude', 'claude_desktop_config.json'), 'claude-desktop', 'claude-desktop', 0),
    ];
  };

  it('linux: ~/.config for VS Code globalStorage, Kilo and Claude; ~/… display paths', async () => {
    const cs = await globals({ platform: 'linux', env: {} });
    assert.deepEqual(cs, expectGlobals(join(HOME, '.config'), join(HOME, '.config')));
    assert.equal(cs[0]?.displayPath, '~/.config/Code/User/globalStorage/kilocode.kilo-code/settings/mcp_settings.json');
    assert.equal(cs[1]?.displayPath, '~/.config/kilo/kilo.json');
  });

  it('linux with XDG_CONFIG_HOME outside home: absolute display paths', async () => {
    const xdg = join('/', 'xdg', 'config');
    const cs = await globals({ platform: 'linux', env: { XDG_CONFIG_HOME: xdg } });
    assert.deepEqual(cs, expectGlobals(xdg, xdg));
    assert.equal(cs[1]?.displayPath, join(xdg, 'kilo', 'kilo.json'));
  });

  it('darwin: ~/Library/Application Support for VS Code and Claude, XDG (~/.config) for Kilo', async () => {
    const cs = await globals({ platform: 'darwin', env: {} });
    assert.deepEqual(cs, expectGlobals(join(HOME, 'Library', 'Application Support'), join(HOME, '.config')));
    assert.equal(cs.at(-1)?.displayPath, '~/Library/Application Support/Claude/claude_desktop_config.json');
  });

  it('win32: %APPDATA% for VS Code and Claude (defaulting to ~/AppData/Roaming), ~/.config for Kilo', async () => {
    const appData = join('/', 'Users', 'dev', 'AppData', 'Roaming');
    assert.deepEqual(await globals({ platform: 'win32', env: { APPDATA: appData } }), expectGlobals(appData, join(HOME, '.config')));
    assert.deepEqual(await globals({ platform: 'win32', env: {} }), expectGlobals(join(HOME, 'AppData', 'Roaming'), join(HOME, '.config')));
  });

  it('uses the exact VS Code globalStorage folder when the extension knows it', async () => {
    const gs = join('/', 'opt', 'vscode-data', 'User', 'globalStorage');
    assert.deepEqual(await globals({ platform: 'linux', env: {}, vscodeGlobalStorage: gs }), expectGlobals(join(HOME, '.config'), join(HOME, '.config'), gs));
  });
});

describe('effective merge', () => {
  const GS = join(HOME, '.config', 'Code', 'User', 'globalStorage');
  const LEGACY_GLOBAL = join(GS, 'kilocode.kilo-code', 'settings', 'mcp_settings.json');
  const LEGACY_GLOBAL_ID = 'kilocode-legacy:~/.config/Code/User/globalStorage/kilocode.kilo-code/settings/mcp_settings.json';

  it('legacy KiloCode: the project entry wins by name over the global one, which it shadows', async () => {
    const fs = new MemoryFileSystem({ [ws('.kilocode/mcp.json')]: fixture('kilocode-legacy/mcp.json'), [LEGACY_GLOBAL]: fixture('kilocode-legacy/mcp_settings.json') });
    const cs = await discoverCandidates(fs, { workspace: WS, home: HOME, includeGlobal: true, platform: 'linux', env: {} });
    const { model, texts } = await loadConfigModel(fs, cs, { workspace: WS });
    assert.doesNotThrow(() => ConfigModelSchema.parse(model));
    assert.equal(model.workspace, WS);
    assert.equal(model.sources.length, cs.length, 'missing files are listed too');
    assert.deepEqual(model.sources.filter((s) => s.exists).map((s) => s.id).sort(), ['kilocode-legacy:.kilocode/mcp.json', LEGACY_GLOBAL_ID].sort());
    assert.deepEqual([...texts.keys()].sort(), [ws('.kilocode/mcp.json'), LEGACY_GLOBAL].sort());
    assert.equal(model.servers.length, 5, 'every entry of every file, shadowed ones included');

    const legacyView = model.effective.filter((e) => e.client === 'kilocode-legacy');
    assert.deepEqual(legacyView.map((e) => e.name).sort(), ['docs', 'filesystem', 'memory', 'tracker']);
    assert.deepEqual(effectiveFor(model.effective, 'kilocode-legacy', 'filesystem'), {
      client: 'kilocode-legacy',
      name: 'filesystem',
      serverId: 'kilocode-legacy:.kilocode/mcp.json#filesystem',
      shadows: [`${LEGACY_GLOBAL_ID}#filesystem`],
    });
    assert.deepEqual(effectiveFor(model.effective, 'kilocode-legacy', 'memory')?.shadows, []);
    assert.equal(effectiveFor(model.effective, 'kilocode-legacy', 'memory')?.serverId, `${LEGACY_GLOBAL_ID}#memory`);
    // Kilo (7.x) reads the project .kilocode/mcp.json (lowest precedence) but not the legacy global file.
    assert.deepEqual(model.effective.filter((e) => e.client === 'kilo').map((e) => e.serverId).sort(), [
      'kilocode-legacy:.kilocode/mcp.json#docs',
      'kilocode-legacy:.kilocode/mcp.json#filesystem',
      'kilocode-legacy:.kilocode/mcp.json#tracker',
    ]);
  });

  // Lowest to highest precedence for the Kilo CLI.
  const KILO_LAYERS: { file: string; id: string; text: (name: string) => string }[] = [
    { file: ws('.kilocode/mcp.json'), id: 'kilocode-legacy:.kilocode/mcp.json', text: (n) => legacy(n) },
    { file: join(HOME, '.config', 'kilo', 'kilo.json'), id: 'kilo:~/.config/kilo/kilo.json', text: (n) => kilo(n) },
    { file: join(HOME, '.config', 'kilo', 'kilo.jsonc'), id: 'kilo:~/.config/kilo/kilo.jsonc', text: (n) => `// global\n${kilo(n)}` },
    { file: ws('kilo.json'), id: 'kilo:kilo.json', text: (n) => kilo(n) },
    { file: ws('kilo.jsonc'), id: 'kilo:kilo.jsonc', text: (n) => `// project\n${kilo(n)}` },
    { file: ws('.kilo/kilo.json'), id: `kilo:${join('.kilo', 'kilo.json')}`, text: (n) => kilo(n) },
    { file: ws('.kilo/kilo.jsonc'), id: `kilo:${join('.kilo', 'kilo.jsonc')}`, text: (n) => `/* dir */ ${kilo(n)}` },
  ];

  it('Kilo precedence: .kilocode/mcp.json < global kilo.json(c) < project kilo.json(c) < .kilo/kilo.json(c)', async () => {
    for (let top = KILO_LAYERS.length; top >= 1; top--) {
      const layers = KILO_LAYERS.slice(0, top);
      const fs = new MemoryFileSystem(Object.fromEntries(layers.map((l) => [l.file, l.text('shared')])));
      const cs = await discoverCandidates(fs, { workspace: WS, home: HOME, includeGlobal: true, platform: 'linux', env: {} });
      const { model } = await loadConfigModel(fs, cs, { workspace: WS });
      for (const s of model.sources) assert.deepEqual(s.errors, [], `${s.id} reads cleanly`);
      const winner = layers[top - 1];
      assert.ok(winner);
      assert.deepEqual(
        effectiveFor(model.effective, 'kilo', 'shared'),
        { client: 'kilo', name: 'shared', serverId: `${winner.id}#shared`, shadows: layers.slice(0, -1).map((l) => `${l.id}#shared`) },
        `with ${top} layer(s), ${winner.id} wins`,
      );
      assert.equal(model.effective.filter((e) => e.client === 'kilo').length, 1);
    }
  });

  it('Kilo precedence holds for any subset of the layers', async () => {
    // Every non-empty subset of the 7 layers: the highest present wins and shadows the others, lowest first.
    for (let mask = 1; mask < 1 << KILO_LAYERS.length; mask++) {
      const layers = KILO_LAYERS.filter((_, i) => (mask >> i) & 1);
      const fs = new MemoryFileSystem(Object.fromEntries(layers.map((l) => [l.file, l.text('shared')])));
      const cs = await discoverCandidates(fs, { workspace: WS, home: HOME, includeGlobal: true, platform: 'linux', env: {} });
      const { model } = await loadConfigModel(fs, cs);
      const e = effectiveFor(model.effective, 'kilo', 'shared');
      assert.deepEqual(e?.serverId, `${layers.at(-1)?.id}#shared`, `mask ${mask.toString(2)}`);
      assert.deepEqual(e?.shadows, layers.slice(0, -1).map((l) => `${l.id}#shared`), `mask ${mask.toString(2)}`);
    }
  });

  it('different names do not shadow each other; each client sees only its own files', async () => {
    const fs = new MemoryFileSystem({
      [ws('.kilocode/mcp.json')]: legacy('alpha'),
      [ws('kilo.json')]: kilo('beta'),
      [ws('.vscode/mcp.json')]: JSON.stringify({ servers: { alpha: { command: 'node' } } }),
      [ws('.roo/mcp.json')]: legacy('alpha'),
    });
    const { model } = await loadConfigModel(fs, await discoverCandidates(fs, { workspace: WS, includeGlobal: false, platform: 'linux', env: {} }));
    const view = (client: string) =>
      model.effective
        .filter((e) => e.client === client)
        .map((e) => [e.name, e.serverId, e.shadows.length])
        .sort();
    assert.deepEqual(view('kilo'), [
      ['alpha', 'kilocode-legacy:.kilocode/mcp.json#alpha', 0],
      ['beta', 'kilo:kilo.json#beta', 0],
    ]);
    assert.deepEqual(view('kilocode-legacy'), [['alpha', 'kilocode-legacy:.kilocode/mcp.json#alpha', 0]]);
    assert.deepEqual(view('vscode'), [['alpha', `vscode:${join('.vscode', 'mcp.json')}#alpha`, 0]]);
    assert.deepEqual(view('roo'), [['alpha', `roo:${join('.roo', 'mcp.json')}#alpha`, 0]]);
    assert.deepEqual(view('cursor'), []);
  });

  it('mergeEffective: ignores missing sources, sorts by precedence whatever the input order, accumulates shadows', () => {
    const source = (id: string, precedence: number, exists = true): ConfigSource => ({
      id,
      file: `/f/${id}`,
      displayPath: id,
      format: 'kilo',
      scope: 'project',
      exists,
      readBy: [{ client: 'kilo', precedence }],
      strictJson: true,
      serverCount: 1,
      errors: [],
    });
    const srv = (sourceId: string, name: string): McpServer => ({
      id: `${sourceId}#${name}`,
      name,
      sourceId,
      file: `/f/${sourceId}`,
      format: 'kilo',
      scope: 'project',
      transport: 'stdio',
      command: 'node',
      args: [],
      env: {},
      headers: {},
      enabled: true,
      autoApprove: [],
      disabledTools: [],
      origins: { entry: ['mcp', name], args: [], env: {}, headers: {}, autoApprove: [] },
      position: { line: 1, column: 1, endLine: 1, endColumn: 1, offset: 0, length: 0 },
      valid: true,
    });
    const sources = [source('high', 30), source('low', 10), source('gone', 99, false), source('mid', 20)];
    const servers = [srv('high', 'x'), srv('low', 'x'), srv('gone', 'x'), srv('mid', 'x'), srv('low', 'only-low')];
    const out = mergeEffective(sources, servers);
    assert.deepEqual(out.find((e) => e.name === 'x'), { client: 'kilo', name: 'x', serverId: 'high#x', shadows: ['low#x', 'mid#x'] });
    assert.deepEqual(out.find((e) => e.name === 'only-low'), { client: 'kilo', name: 'only-low', serverId: 'low#only-low', shadows: [] });
    assert.equal(out.length, 2);
    assert.deepEqual(mergeEffective([], servers), []);
  });
});

describe('formatForFile', () => {
  it('knows each client file by name and folder', () => {
    const cases: [string, string][] = [
      [join(HOME, '.config', 'Code', 'User', 'globalStorage', 'saoudrizwan.claude-dev', 'settings', 'cline_mcp_settings.json'), 'cline'],
      [join(HOME, 'Library', 'Application Support', 'Claude', 'claude_desktop_config.json'), 'claude-desktop'],
      [ws('kilo.json'), 'kilo'],
      [ws('kilo.jsonc'), 'kilo'],
      [ws('.kilo/kilo.jsonc'), 'kilo'],
      [join(HOME, '.config', 'kilo', 'kilo.json'), 'kilo'],
      [ws('.vscode/mcp.json'), 'vscode'],
      [ws('.roo/mcp.json'), 'roo'],
      [ws('.cursor/mcp.json'), 'cursor'],
      [join(HOME, '.cursor', 'mcp.json'), 'cursor'],
      [ws('.kilocode/mcp.json'), 'kilocode-legacy'],
      [ws('.mcp.json'), 'kilocode-legacy'],
      [join(HOME, 'x', 'kilocode.kilo-code', 'settings', 'mcp_settings.json'), 'kilocode-legacy'],
    ];
    for (const [file, format] of cases) assert.equal(formatForFile(file, undefined), format, file);
  });

  it('the name wins over the content', () => {
    assert.equal(formatForFile(ws('.roo/mcp.json'), '{"servers":{}}'), 'roo');
    assert.equal(formatForFile(ws('kilo.json'), '{"mcpServers":{}}'), 'kilo');
    assert.equal(formatForFile(ws('.vscode/mcp.json'), '{"mcpServers":{}}'), 'vscode');
  });

  it('sniffs other files by their top-level key', () => {
    const f = join('/', 'tmp', 'some-config.json');
    assert.equal(formatForFile(f, '{"servers":{}}'), 'vscode');
    assert.equal(formatForFile(f, '  \n{\n  "servers": {\n  }\n}'), 'vscode');
    assert.equal(formatForFile(f, '// VS Code\n/* block */ {"servers":{}}'), 'vscode');
    assert.equal(formatForFile(f, fixture('kilo/kilo.jsonc')), 'kilo');
    assert.equal(formatForFile(f, fixture('kilo/kilo.json')), 'kilo');
    assert.equal(formatForFile(f, fixture('kilocode-legacy/mcp.json')), 'kilocode-legacy');
    assert.equal(formatForFile(f, fixture('cline/cline_mcp_settings.json')), 'kilocode-legacy');
    assert.equal(formatForFile(f, '{"mcpServers":{"mcp":{"command":"x"}}}'), 'kilocode-legacy', 'a server named "mcp" is not Kilo');
    assert.equal(formatForFile(f, ''), 'kilocode-legacy');
    assert.equal(formatForFile(f, 'not json at all'), 'kilocode-legacy');
    assert.equal(formatForFile(f, undefined), 'kilocode-legacy');
  });

  it(
    'sniffs a VS Code file whose first key is "inputs" (the order VS Code documents) as vscode',
    () => {
      const f = join('/', 'tmp', 'shared-mcp.json');
      assert.equal(formatForFile(f, '{\n  "inputs": [],\n  "servers": {\n    "gh": { "type": "http", "url": "https://x.example.com" }\n  }\n}'), 'vscode');
      assert.equal(formatForFile(f, fixture('vscode/mcp.json')), 'vscode');
    },
  );
});
