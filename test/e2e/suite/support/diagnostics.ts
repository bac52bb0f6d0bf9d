import * as vscode from 'vscode';
import { waitFor } from './host';

/** The fixture's `.kilocode/mcp.json` (the launcher's copy of test/e2e/fixtures/workspace). */
export function fixtureConfig(): vscode.Uri {
  return vscode.Uri.joinPath(vscode.workspace.workspaceFolders![0]!.uri, '.kilocode', 'mcp.json');
}

export function ourDiagnostics(uri: vscode.Uri): vscode.Diagnostic[] {
  return vscode.languages.getDiagnostics(uri).filter((d) => d.source === 'MCP Oversight');
}

export function ruleOf(d: vscode.Diagnostic): string {
  return String(typeof d.code === 'object' ? d.code.value : d.code);
}

/** Waits until the diagnostics of `uri` name exactly `rules` (in any order). */
export function diagnosticsFor(uri: vscode.Uri, rules: readonly string[], timeoutMs = 30_000): Promise<vscode.Diagnostic[]> {
  const want = [...rules].sort().join(',');
  return waitFor(`diagnostics ${want} on ${uri.fsPath}`, () => {
    const ds = ourDiagnostics(uri);
    return ds.map(ruleOf).sort().join(',') === want && ds;
  }, timeoutMs);
}

/** The code actions VS Code's light bulb would offer on `range`. */
export async function codeActions(uri: vscode.Uri, range: vscode.Range): Promise<vscode.CodeAction[]> {
  // The command needs the document's text model ("Illegal argument" otherwise): open it as the light bulb has it.
  await vscode.workspace.openTextDocument(uri);
  const all = (await vscode.commands.executeCommand<(vscode.CodeAction | vscode.Command)[]>('vscode.executeCodeActionProvider', uri, range)) ?? [];
  // A bare Command has a string `command`; a CodeAction's `command` is a Command object (or absent).
  return all.filter((a): a is vscode.CodeAction => typeof (a as vscode.Command).command !== 'string');
}

/** The three deliberate problems of the fixture: rule -> the exact text its diagnostic covers. */
export const FIXTURE_FINDINGS: Record<string, string> = {
  'unpinned-npm-package': '"@modelcontextprotocol/server-filesystem"',
  'insecure-http': '"http://search.example.com/mcp"',
  'auto-approve-all': '"*"',
};
