import { join } from 'node:path';

/**
 * A minimal stand-in for the `vscode` module: the boundary only, enough for the extension bundle's
 * activate() and its assess command. Used by test/integration/extension-bundle.test.ts and the
 * activation bench (bench/extension-activation.bench.ts), which install it with `hookVscode`.
 */
export interface Recorded {
  commands: Map<string, (...args: unknown[]) => unknown>;
  output: string[];
  infos: string[];
  errors: string[];
}

export function recorder(): Recorded {
  return { commands: new Map(), output: [], infos: [], errors: [] };
}

export function fakeVscode(workspace: string, rec: Recorded): unknown {
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
    // Problems, Quick Fixes and the config file watchers (src/extension/diagnostics, servers): registered, never fired here.
    DiagnosticSeverity: { Error: 0, Warning: 1, Information: 2, Hint: 3 },
    DiagnosticTag: { Unnecessary: 1 },
    CodeActionKind: { QuickFix: { value: 'quickfix', intersects: () => true } },
    RelativePattern: class {
      constructor(
        public base: unknown,
        public pattern: string,
      ) {}
    },
    languages: {
      createDiagnosticCollection: () => ({ set: () => undefined, clear: () => undefined, dispose: () => undefined }),
      registerCodeActionsProvider: () => disposable,
    },
    StatusBarAlignment: { Left: 1, Right: 2 },
    window: {
      createOutputChannel: channel,
      createTreeView: () => ({ badge: undefined, dispose: () => undefined }),
      registerWebviewViewProvider: () => disposable,
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
      onDidChangeConfiguration: () => disposable,
      onDidChangeWorkspaceFolders: () => disposable,
      createFileSystemWatcher: () => ({ onDidCreate: () => disposable, onDidChange: () => disposable, onDidDelete: () => disposable, dispose: () => undefined }),
      registerTextDocumentContentProvider: () => disposable,
      workspaceFolders: [{ name: 'ws', uri: uri(workspace), index: 0 }],
      // Global configs off: the test must not depend on the machine's own ~/.cursor, ~/.config/kilo, …
      getConfiguration: () => ({ get: <T>(k: string, d?: T) => (k === 'includeGlobalConfigs' ? false : d) }),
    },
    Uri: { joinPath: (base: { fsPath: string }, ...parts: string[]) => uri(join(base.fsPath, ...parts)), file: (fsPath: string) => uri(fsPath), parse: (s: string) => uri(s.replace(/^file:\/\//, '')) },
    ProgressLocation: { Notification: 15 },
  };
}

/** Makes `require('vscode')` return `vscode` until the returned function is called. */
export function hookVscode(vscode: unknown): () => void {
  // eslint-disable-next-line @typescript-eslint/no-require-imports -- Module._load is CommonJS-only
  const Module = require('node:module') as { _load: (request: string, parent: unknown, isMain: boolean) => unknown };
  const original = Module._load;
  Module._load = function (request: string, parent: unknown, isMain: boolean) {
    return request === 'vscode' ? vscode : original.call(this, request, parent, isMain);
  };
  return () => {
    Module._load = original;
  };
}
