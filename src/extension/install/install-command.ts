import * as vscode from 'vscode';
import type { Actor, ApprovalRequest } from '../../core/coordination/messages';
import { nameProblem, splitCommandLine, urlProblem } from './command-line';

/** What the Installer's install_server takes (it validates every field again with its zod schema). */
export interface InstallArgs {
  name: string;
  spec: { command?: string; args?: string[]; url?: string; env?: Record<string, string>; headers?: Record<string, string>; type?: string };
  params?: Record<string, string>;
  target?: string;
}

export interface InstallDeps {
  proposeInstall(input: InstallArgs & { requestedBy: Actor }): Promise<ApprovalRequest>;
  requestedBy(): Promise<Actor>;
  review(requestId: string): Thenable<unknown>;
}

const TARGETS: (vscode.QuickPickItem & { target?: string })[] = [
  { label: 'The config file in use', description: 'KiloCode, Kilo, Cursor, VS Code or Roo — whichever this workspace has; else .kilocode/mcp.json' },
  { label: '.kilocode/mcp.json', description: 'KiloCode (legacy)', target: 'kilocode' },
  { label: 'kilo.json(c)', description: 'Kilo', target: 'kilo' },
  { label: '.vscode/mcp.json', description: 'VS Code', target: 'vscode' },
  { label: '.roo/mcp.json', description: 'Roo Code', target: 'roo' },
  { label: '.cursor/mcp.json', description: 'Cursor', target: 'cursor' },
];

function isInstallArgs(arg: unknown): arg is InstallArgs {
  return typeof arg === 'object' && arg !== null && typeof (arg as { name?: unknown }).name === 'string' && typeof (arg as { spec?: unknown }).spec === 'object';
}

/** Asks what to install, step by step; undefined when the person cancels. */
async function ask(): Promise<InstallArgs | undefined> {
  const how = await vscode.window.showQuickPick(
    [
      { label: '$(terminal) A command', description: 'a local (stdio) server, e.g. npx -y @modelcontextprotocol/server-memory@2026.8.31', how: 'command' as const },
      { label: '$(globe) A URL', description: 'a remote (HTTP) server', how: 'url' as const },
    ],
    { title: 'Install an MCP server (1/3): how is it reached?', ignoreFocusOut: true },
  );
  if (how === undefined) return undefined;
  const name = await vscode.window.showInputBox({ title: 'Install an MCP server (2/3): its name in the config', prompt: 'The key of the new entry', ignoreFocusOut: true, validateInput: (v) => nameProblem(v.trim()) });
  if (name === undefined) return undefined;
  let spec: InstallArgs['spec'];
  if (how.how === 'command') {
    const line = await vscode.window.showInputBox({
      title: 'Install an MCP server (3/3): the command that starts it',
      prompt: 'Pin the package version (pkg@1.2.3): an unpinned one runs whatever is published next. Secrets go in {{placeholders}} or the environment, not here.',
      placeHolder: 'npx -y @modelcontextprotocol/server-memory@2026.8.31',
      ignoreFocusOut: true,
      validateInput: (v) => {
        const r = splitCommandLine(v);
        return r.ok ? undefined : r.error;
      },
    });
    if (line === undefined) return undefined;
    const r = splitCommandLine(line);
    if (!r.ok) return undefined;
    spec = { command: r.words[0]!, args: r.words.slice(1) };
  } else {
    const url = await vscode.window.showInputBox({ title: 'Install an MCP server (3/3): its URL', placeHolder: 'https://mcp.example.com/mcp', ignoreFocusOut: true, validateInput: (v) => urlProblem(v.trim()) });
    if (url === undefined) return undefined;
    spec = { url: url.trim() };
  }
  const where = await vscode.window.showQuickPick(TARGETS, { title: 'Which config file gets the new entry?', ignoreFocusOut: true });
  if (where === undefined) return undefined;
  return { name: name.trim(), spec, ...(where.target ? { target: where.target } : {}) };
}

/**
 * "MCP Oversight: Install an MCP Server…": asks what to install (or takes `{ name, spec, params?, target? }`
 * from a caller such as a marketplace link), has the Installer turn it into a proposal, and opens
 * its review. Nothing is written until a person approves that exact diff.
 */
export async function installServer(deps: InstallDeps, arg?: unknown): Promise<ApprovalRequest | undefined> {
  const args = isInstallArgs(arg) ? arg : await ask();
  if (args === undefined) return undefined;
  const requestedBy = await deps.requestedBy();
  const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: `MCP Oversight: preparing the installation of "${args.name}"…` }, () => deps.proposeInstall({ ...args, requestedBy }));
  await deps.review(r.id);
  return r;
}
