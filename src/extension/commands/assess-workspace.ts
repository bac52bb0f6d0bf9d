import { homedir } from 'node:os';
import * as vscode from 'vscode';
import { OversightError } from '../../core/errors';
import type { FileSystemPort } from '../../core/ports/file-system';
import type { ExtensionCore } from '../core-loader';
import { booleanSetting, stringSetting, sourceSettings } from '../settings';

export interface AssessDeps {
  /** The heavy half (rules, readers, report), loaded on the first assessment. */
  core: () => ExtensionCore;
  /** The file system to read configs from; the core's node one when absent. */
  fs?: FileSystemPort;
  log: vscode.LogOutputChannel;
  report: vscode.OutputChannel;
  vscodeGlobalStorage: string;
  version: string;
}

/** "MCP Oversight: Assess Workspace MCP Configuration": static rules over every workspace folder, report in an output channel. */
export async function assessWorkspace(deps: AssessDeps): Promise<void> {
  const folders = vscode.workspace.workspaceFolders ?? [];
  if (folders.length === 0) throw new OversightError('usage', 'Open a folder first: there is no workspace to assess.');
  await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'MCP Oversight: assessing MCP configuration…' }, async () => {
    const { assessTarget, atLeast, nodeFileSystem, parseSeverity, renderTable } = deps.core();
    deps.report.clear();
    let counted = 0;
    let policyBroken = false;
    for (const folder of folders) {
      const cfg = vscode.workspace.getConfiguration('mcpOversight', folder.uri);
      // Settings are user input too: parsed, with the documented defaults for anything malformed.
      const min = parseSeverity(cfg.get('minimumSeverity'), 'info');
      const policyFile = stringSetting(cfg, 'policyFile', '.kilocode/mcp-policy.json');
      const includeGlobal = booleanSetting(cfg, 'includeGlobalConfigs', true);
      const { result, policyErrors } = await assessTarget(deps.fs ?? nodeFileSystem, {
        path: folder.uri.fsPath,
        includeGlobal,
        home: homedir(),
        platform: process.platform,
        env: { XDG_CONFIG_HOME: process.env['XDG_CONFIG_HOME'], APPDATA: process.env['APPDATA'] },
        vscodeGlobalStorage: deps.vscodeGlobalStorage,
        policyFile: vscode.Uri.joinPath(folder.uri, policyFile).fsPath,
        policyRequired: false,
        toolVersion: deps.version,
        ...sourceSettings(cfg),
        // Untrusted: the repository's own policy must not suppress or downgrade findings about its own config.
        ...(vscode.workspace.isTrusted ? {} : { ignorePolicy: true }),
      });
      deps.report.appendLine(`# ${folder.name}`);
      if (policyErrors.length > 0) {
        // As the CLI: never report as if the organisation's policy did not exist.
        for (const e of policyErrors) deps.report.appendLine(`${e.file}:${e.line}:${e.column}: policy error in ${e.field}: ${e.message} ${e.fix}`);
        deps.report.appendLine('Not assessed: fix the policy file first (see docs/POLICY.md).');
        policyBroken = true;
        continue;
      }
      const shown = { ...result, findings: result.findings.filter((f) => atLeast(f.severity, min)) };
      counted += shown.findings.length;
      deps.report.append(renderTable(shown, { color: false, baseDir: folder.uri.fsPath }));
    }
    deps.log.info(`assessed ${folders.length} folder(s): ${counted} finding(s)${policyBroken ? '; a policy file is invalid' : ''}`);
    const choice = policyBroken
      ? await vscode.window.showErrorMessage('MCP Oversight: the MCP policy file is invalid, so its folder was not assessed.', 'Show Report')
      : await vscode.window.showInformationMessage(`MCP Oversight: ${counted} finding(s) in the MCP configuration.`, 'Show Report');
    if (choice === 'Show Report') deps.report.show(true);
  });
}
