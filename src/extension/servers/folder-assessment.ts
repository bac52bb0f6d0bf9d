import { homedir } from 'node:os';
import * as vscode from 'vscode';
import type { ExtensionCore } from '../core-loader';
import { booleanSetting, enumSetting, stringSetting, sourceSettings } from '../settings';
import type { FolderAssessment } from './assessment-store';

export interface FolderAssessDeps {
  /** The heavy half (readers, rules, policy), loaded on the first assessment. */
  core: () => ExtensionCore;
  vscodeGlobalStorage: string;
  version: string;
}

const SEVERITIES = ['critical', 'high', 'medium', 'low', 'info'] as const;

/**
 * The static rules over one workspace folder, in this process: nothing is started, so it runs in an
 * untrusted workspace too. Settings as "Assess Workspace" reads them (malformed -> documented default).
 */
export async function assessFolder(deps: FolderAssessDeps, folder: vscode.WorkspaceFolder, primary: boolean): Promise<FolderAssessment> {
  const cfg = vscode.workspace.getConfiguration('mcpOversight', folder.uri);
  const minimumSeverity = enumSetting(cfg, 'minimumSeverity', SEVERITIES, 'info');
  const policyFile = vscode.Uri.joinPath(folder.uri, stringSetting(cfg, 'policyFile', '.kilocode/mcp-policy.json')).fsPath;
  const includeGlobal = booleanSetting(cfg, 'includeGlobalConfigs', true);
  const { assessTarget, nodeFileSystem } = deps.core();
  const { result, model, policyErrors } = await assessTarget(nodeFileSystem, {
    path: folder.uri.fsPath,
    includeGlobal,
    home: homedir(),
    platform: process.platform,
    env: { XDG_CONFIG_HOME: process.env['XDG_CONFIG_HOME'], APPDATA: process.env['APPDATA'] },
    vscodeGlobalStorage: deps.vscodeGlobalStorage,
    policyFile,
    policyRequired: false,
    toolVersion: deps.version,
    ...sourceSettings(cfg),
        // Untrusted: the repository's own policy must not suppress or downgrade findings about its own config.
        ...(vscode.workspace.isTrusted ? {} : { ignorePolicy: true }),
  });
  return {
    folder: folder.uri.fsPath,
    folderName: folder.name,
    primary,
    // As the CLI: never report as if the organisation's policy did not exist.
    findings: policyErrors.length > 0 ? [] : result.findings,
    sources: model.sources,
    servers: model.servers,
    minimumSeverity,
    policyErrors,
    watch: [...model.sources.map((s) => s.file), policyFile],
    assessedAt: new Date().toISOString(),
  };
}
