import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, rmSync, writeFileSync } from 'node:fs';
import Module from 'node:module';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';

/**
 * Loads the built extension bundle with a minimal stand-in for the `vscode` module (the boundary
 * only: everything behind it is the real bundle) and runs activate() and the assess command. It
 * catches what type checks cannot: bundling mistakes, load-time errors, commands that are declared
 * but not registered. The extension inside a real VS Code is tested end to end from issue 5 on.
 */
const BUNDLE = resolve('dist/extension.js');

interface Recorded {
  commands: Map<string, (...args: unknown[]) => unknown>;
  output: string[];
  infos: string[];
  errors: string[];
}

function fakeVscode(workspace: string, rec: Recorded): unknown {
  const channel = (name: string) => ({
    name,
    append: (t: string) => rec.output.push(t),
    appendLine: (t: string) => rec.output.push(t + '\n'),
    clear: () => rec.output.splice(0),
    show: () => undefined,
    info: () => undefined,
    error: (t: string) => rec.errors.push(String(t)),
    dispose: () => undefined,
  });
  const uri = (fsPath: string) => ({ fsPath, toString: () => `file://${fsPath}` });
  class EventEmitter {
    private listeners: ((v: unknown) => void)[] = [];
    event = (l: (v: unknown) => void) => (this.listeners.push(l), { dispose: () => undefined });
    fire(v: unknown) {
      for (const l of this.listeners) l(v);
    }
    dispose() {}
  }
  const disposable = { dispose: () => undefined };
  return {
    EventEmitter,
    Disposable: { from: () => disposable },
    TreeItem: class {
      constructor(
        public label: string,
        public collapsibleState: number,
      ) {}
    },
    ThemeIcon: class {
      constructor(public id: string) {}
    },
    TreeItemCollapsibleState: { None: 0, Collapsed: 1, Expanded: 2 },
    StatusBarAlignment: { Left: 1, Right: 2 },
    window: {
      createOutputChannel: channel,
      createTreeView: () => ({ badge: undefined, dispose: () => undefined }),
      createStatusBarItem: () => ({ show: () => undefined, dispose: () => undefined }),
      showInformationMessage: async (m: string) => (rec.infos.push(m), undefined),
      showErrorMessage: async (m: string) => (rec.errors.push(m), undefined),
      withProgress: async (_o: unknown, task: () => Promise<unknown>) => task(),
    },
    commands: {
      executeCommand: async () => undefined,
      registerCommand: (id: string, fn: (...args: unknown[]) => unknown) => {
        rec.commands.set(id, fn);
        return { dispose: () => rec.commands.delete(id) };
      },
    },
    workspace: {
      // Untrusted: the coordinator (which starts our servers) is not created here; the real VS Code tests cover it.
      isTrusted: false,
      onDidGrantWorkspaceTrust: () => disposable,
      registerTextDocumentContentProvider: () => disposable,
      workspaceFolders: [{ name: 'ws', uri: uri(workspace), index: 0 }],
      // Global configs off: the test must not depend on the machine's own ~/.cursor, ~/.config/kilo, …
      getConfiguration: () => ({ get: <T>(k: string, d?: T) => (k === 'includeGlobalConfigs' ? false : d) }),
    },
    Uri: { joinPath: (base: { fsPath: string }, ...parts: string[]) => uri(join(base.fsPath, ...parts)) },
    ProgressLocation: { Notification: 15 },
  };
}

describe('the extension bundle', () => {
  let dir = '';
  const rec: Recorded = { commands: new Map(), output: [], infos: [], errors: [] };
  const original = (Module as unknown as { _load: (r: string, p: unknown, m: boolean) => unknown })._load;

  before(() => {
    assert.ok(existsSync(BUNDLE), 'dist/extension.js is missing: run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'mcp-oversight-ext-'));
    mkdirSync(join(dir, '.kilocode'));
    writeFileSync(join(dir, '.kilocode', 'mcp.json'), JSON.stringify({ mcpServers: { fetch: { command: 'uvx', args: ['mcp-server-fetch'] } } }, null, 2));
    const vscode = fakeVscode(dir, rec);
    (Module as unknown as { _load: unknown })._load = function (request: string, parent: unknown, isMain: boolean) {
      return request === 'vscode' ? vscode : original.call(this, request, parent, isMain);
    };
  });

  after(() => {
    (Module as unknown as { _load: unknown })._load = original;
    rmSync(dir, { recursive: true, force: true });
  });

  it('activates and registers exactly the commands package.json contributes', async () => {
    const ext = (await import(BUNDLE)) as { activate(ctx: unknown): void };
    const subscriptions: { dispose(): void }[] = [];
    ext.activate({ subscriptions, globalStorageUri: { fsPath: join(dir, 'gs', 'mcp-oversight') }, extensionUri: { fsPath: resolve('.') } });
    const pkg = (await import(resolve('package.json'), { with: { type: 'json' } })) as { default: { contributes: { commands: { command: string }[] } } };
    assert.deepEqual([...rec.commands.keys()].sort(), pkg.default.contributes.commands.map((c) => c.command).sort());
  });

  it('assesses the workspace and reports the finding', async () => {
    const run = rec.commands.get('mcpOversight.assessWorkspace');
    assert.ok(run);
    await run();
    assert.deepEqual(rec.errors, []);
    const report = rec.output.join('');
    assert.match(report, /unpinned-python-package/);
    assert.match(report, /\.kilocode\/mcp\.json/);
    assert.match(rec.infos.join('\n'), /1 finding/);
  });

  it('refuses to assess a folder whose policy file is invalid, and says so', async () => {
    writeFileSync(join(dir, '.kilocode', 'mcp-policy.json'), '{ "version": 1, "severity": { "category:no-such-category": "low" } }');
    rec.errors.splice(0);
    await rec.commands.get('mcpOversight.assessWorkspace')?.();
    assert.match(rec.errors.join('\n'), /policy file is invalid/);
    const report = rec.output.join('');
    assert.match(report, /names no rule or category/);
    assert.doesNotMatch(report, /unpinned-python-package/);
  });
});
