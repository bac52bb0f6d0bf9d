import { readFile } from 'node:fs/promises';
import * as vscode from 'vscode';
import type { Coordinator } from '../coordinator/coordinator';
import { bundleLoadCpuMs, bundleLoadMs, cpuMs, type DiffRender, type OversightApi } from './api';
import { approveRequest, currentApprover, rejectRequest, resolveRequest } from './approvals/approval-commands';
import { ApprovalNotifications } from './approvals/approval-notifications';
import { ApprovalsTree } from './approvals/approvals-tree';
import { openDeadLetters } from './approvals/dead-letter-commands';
import { installServer } from './install/install-command';
import { exportAuditCommand, showAuditCommand, verifyAudit, verifyAuditCommand } from './audit/audit-commands';
import { healthChanges } from './audit/health-changes';
import { AuditViewProvider } from './audit/audit-view-provider';
import { assessWorkspace } from './commands/assess-workspace';
import { coreLoader } from './core-loader';
import { OversightDiagnostics } from './diagnostics/diagnostics';
import { proposeFix } from './diagnostics/propose-fix';
import { createApiKeyCommand, createApiTokenCommand, revokeApiKeyCommand, showApiStatusCommand, startApiCommand, stopApiCommand, type ApiCommandDeps } from './http-api/api-commands';
import { ApiHost } from './http-api/api-host';
import { OversightHost } from './oversight/oversight-host';
import { presentError } from './present-error';
import { AssessmentStore } from './servers/assessment-store';
import { AutoAssessment } from './servers/auto-assess';
import { assessFolder } from './servers/folder-assessment';
import { openServerDefinition, ServersTree } from './servers/servers-tree';
import { numberSetting } from './settings';
import { DiffPreviewPanels } from './webviews/diff-preview-panel';
import { ProposalDocumentProvider } from './webviews/proposal-document';

declare const PACKAGE_VERSION: string;

let host: OversightHost | undefined;

/**
 * The composition root: everything the extension uses is built here and passed down. Activation only
 * registers things; the coordinator (which starts our two MCP servers) is created in the background,
 * and only in a trusted workspace. This bundle is the VS Code glue only: the coordinator, the static
 * assessment and classic zod are in dist/extension-core.js, required on first use (`core.get`).
 */
export function activate(context: vscode.ExtensionContext): OversightApi {
  const activateStart = performance.now();
  const activateCpu = process.cpuUsage();
  const log = vscode.window.createOutputChannel('MCP Oversight', { log: true });
  const report = vscode.window.createOutputChannel('MCP Oversight Report');
  // Sibling extensions' storage folders live beside ours: KiloCode's mcp_settings.json, Cline's, Roo's.
  const vscodeGlobalStorage = vscode.Uri.joinPath(context.globalStorageUri, '..').fsPath;
  const version = typeof PACKAGE_VERSION === 'string' ? PACKAGE_VERSION : '0.0.0-dev';

  const core = coreLoader();
  const oversight = new OversightHost(context, log, version, core.get);
  host = oversight;
  // The HTTP API: off unless mcpOversight.api.enabled or the Start command; closed before the coordinator stops.
  const api = new ApiHost({ secrets: context.secrets, log, core: core.get, coordinator: () => oversight.get(), store: () => context.storageUri?.fsPath });
  oversight.onBeforeStop(() => api.stop(2_000));
  const apiDeps: ApiCommandDeps = { api, core: core.get, coordinator: () => oversight.get(), person: () => currentApprover() };
  const tree = new ApprovalsTree();
  const notifications = new ApprovalNotifications();
  // The latest static assessment per folder: diagnostics, the Servers view and the status bar read it.
  const assessments = new AssessmentStore();
  const auto = new AutoAssessment({ store: assessments, assess: (f, primary) => assessFolder({ core: core.get, vscodeGlobalStorage, version }, f, primary), log });
  const serversTree = new ServersTree(assessments);
  const serversView = vscode.window.createTreeView('mcpOversight.servers', { treeDataProvider: serversTree, showCollapseAll: true });
  const diagnostics = new OversightDiagnostics(assessments, (context.extension?.packageJSON as { repository?: { url?: string } } | undefined)?.repository?.url);
  const countServers = assessments.onDidChange(() => notifications.setServerCount(assessments.serverCount()));
  const view = vscode.window.createTreeView('mcpOversight.approvals', { treeDataProvider: tree, showCollapseAll: true });
  tree.attach(view);
  const decide = async (requestId: string, decision: 'approved' | 'rejected', subjectHash: string, reason?: string) => {
    const c = await oversight.get();
    const approver = await currentApprover();
    return c.decide({ requestId, decision, subjectHash, approver, decidedAt: new Date().toISOString(), ...(reason ? { reason } : {}) });
  };
  const proposals = new ProposalDocumentProvider();
  const diffRenders: DiffRender[] = [];
  const previews = new DiffPreviewPanels({
    extensionUri: context.extensionUri,
    core: core.get,
    deps: {
      onApprove: (id, hash, reason) => decide(id, 'approved', hash, reason),
      onReject: (id, hash, reason) => decide(id, 'rejected', hash, reason),
      onOpenDiffEditor: (id, file) => proposals.open(id, file, (p) => readFile(p, 'utf8').catch(() => undefined)),
      onOpenRequest: async (id) => void (await vscode.commands.executeCommand('mcpOversight.reviewApproval', id)),
      onRendered: (id, t) => {
        diffRenders.push({ requestId: id, ...t });
        if (diffRenders.length > 50) diffRenders.shift();
        log.info(`diff preview ${id}: painted ${t.hostMs.toFixed(0)} ms after ${t.reused ? 'it was shown in the open preview' : 'opening the preview'}`);
      },
      log: (m) => log.warn(m),
    },
  });
  // The sidebar audit panel: every read goes through coordinator.readAudit (audited); see AuditViewController.
  const auditView = new AuditViewProvider(context.extensionUri, {
    read: async (q) => (await oversight.get()).readAudit(q, await currentApprover({ silent: true })),
    verify: () => verifyAudit(store(), core.get),
    exportAudit: async () => void (await vscode.commands.executeCommand('mcpOversight.exportAudit')),
    unavailable: () =>
      !vscode.workspace.isTrusted
        ? 'This workspace is not trusted. The audit log belongs to a trusted workspace: MCP Oversight only runs static checks here, records nothing and starts nothing. Trust the workspace to see its audit log.'
        : (vscode.workspace.workspaceFolders?.length ?? 0) === 0 || context.storageUri === undefined
          ? 'Open a folder: the audit log belongs to a workspace.'
          : undefined,
    log: (m) => log.warn(m),
  }, core.get);
  oversight.onReady((c) => {
    auditView.availabilityChanged();
    // What the coordinator announces is also what it audits: the panel reads again (debounced, only while shown).
    const appended = () => auditView.entriesAppended();
    const healthChanged = healthChanges();
    context.subscriptions.push(c.onApproval.on(appended), c.onServerHealth.on((h) => healthChanged(h) && appended()), c.onDeadLetters.on(appended));
    tree.setCoordinator(c);
    notifications.setCoordinator(c);
    serversTree.setCoordinator(c);
    context.subscriptions.push(c.onApproval.on(({ request }) => previews.update(request)));
    void api.followSettings('activation', (e) => presentError(e, log));
  });
  const store = () => context.storageUri?.fsPath ?? '';
  const unattended = (arg: unknown): unknown => (context.extensionMode === vscode.ExtensionMode.Production ? undefined : arg);

  /**
   * Registers a command; errors go to the one presenter. `automation`: called with an argument, the
   * command returns its result and throws its error to the caller (logged, no notification to dismiss).
   */
  const command = (id: string, run: (...args: unknown[]) => Promise<unknown> | unknown, o: { automation?: boolean } = {}) =>
    vscode.commands.registerCommand(id, async (...args: unknown[]) => {
      try {
        const result = await run(...args);
        return o.automation ? result : undefined;
      } catch (e) {
        if (o.automation && args[0] !== undefined) {
          log.error(`${id}: ${e instanceof Error ? e.message : String(e)}`);
          throw e;
        }
        await presentError(e, log);
      }
    });
  /** A command that needs the coordinator (trusted workspace only). */
  const withCoordinator = (id: string, run: (c: Coordinator, ...args: unknown[]) => Promise<unknown> | unknown) => command(id, async (...args) => run(await oversight.get(), ...args));

  context.subscriptions.push(
    log,
    report,
    oversight,
    tree,
    view,
    notifications,
    auto,
    serversTree,
    serversView,
    diagnostics,
    countServers,
    proposals.register(),
    previews,
    auditView,
    auditView.register(),
    command('mcpOversight.assessWorkspace', () => Promise.all([auto.now(), assessWorkspace({ core: core.get, log, report, vscodeGlobalStorage, version })])),
    command('mcpOversight.openServerDefinition', (arg) => openServerDefinition(arg)),
    withCoordinator('mcpOversight.proposeFix', (c, arg) => proposeFix(c, arg, currentApprover)),
    command('mcpOversight.showLogs', () => log.show()),
    withCoordinator('mcpOversight.reviewApprovals', async () => {
      await vscode.commands.executeCommand('mcpOversight.approvals.focus');
    }),
    withCoordinator('mcpOversight.approve', async (c, arg) => {
      const r = await resolveRequest(c, arg);
      if (r) await approveRequest(c, r, true, (req) => previews.open(req));
    }),
    withCoordinator('mcpOversight.reject', async (c, arg) => {
      const r = await resolveRequest(c, arg);
      if (r) await rejectRequest(c, r);
    }),
    withCoordinator('mcpOversight.proposeFixes', async (c) => {
      const requestedBy = await currentApprover();
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'MCP Oversight: preparing fixes…' }, () => c.proposeRemediation({ requestedBy }));
      await vscode.commands.executeCommand('mcpOversight.approvals.focus');
      await vscode.commands.executeCommand('mcpOversight.reviewApproval', r.id);
    }),
    withCoordinator('mcpOversight.liveCheck', async (c) => {
      const cfg = vscode.workspace.getConfiguration('mcpOversight');
      const timeoutMs = numberSetting(cfg, 'liveCheck.timeoutSeconds', { int: true, min: 1, max: 600, fallback: 30 }) * 1000;
      const concurrency = numberSetting(cfg, 'liveCheck.concurrency', { int: true, min: 1, max: 32, fallback: 4 });
      const requestedBy = await currentApprover();
      const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'MCP Oversight: planning a live check…' }, () => c.requestLiveAssessment({ requestedBy, timeoutMs, concurrency }));
      await vscode.commands.executeCommand('mcpOversight.reviewApproval', r.id);
    }),
    withCoordinator('mcpOversight.installServer', (c, arg) =>
      installServer({ proposeInstall: (i) => c.proposeInstall(i), requestedBy: currentApprover, review: (id) => vscode.commands.executeCommand('mcpOversight.reviewApproval', id) }, arg),
    ),
    withCoordinator('mcpOversight.reviewApproval', async (c, arg) => {
      const r = await resolveRequest(c, arg);
      if (r) previews.open(r);
    }),
    withCoordinator('mcpOversight.showAudit', (c) => showAuditCommand(c, store(), core.get)),
    command('mcpOversight.verifyAudit', async () => {
      await oversight.get().catch(() => undefined); // creates the store's keys on first use
      await verifyAuditCommand(store(), core.get);
    }),
    withCoordinator('mcpOversight.exportAudit', (c) => exportAuditCommand(c, store(), core.get)),
    withCoordinator('mcpOversight.openDeadLetters', (c) => openDeadLetters(c)),
    api,
    // Silent argument mode opens a listener or mints a credential for the signed-in person without asking:
    // only for extension development and tests. Elsewhere (another extension, a workspace task) the person is asked.
    command('mcpOversight.startApi', (arg) => startApiCommand(apiDeps, unattended(arg)), { automation: true }),
    command('mcpOversight.stopApi', (arg) => stopApiCommand(apiDeps, arg), { automation: true }),
    command('mcpOversight.showApiStatus', (arg) => showApiStatusCommand(apiDeps, arg), { automation: true }),
    command('mcpOversight.createApiToken', (arg) => createApiTokenCommand(apiDeps, unattended(arg)), { automation: true }),
    command('mcpOversight.createApiKey', (arg) => createApiKeyCommand(apiDeps, unattended(arg)), { automation: true }),
    command('mcpOversight.revokeApiKey', (arg) => revokeApiKeyCommand(apiDeps, arg), { automation: true }),
    vscode.workspace.onDidChangeConfiguration((e) => {
      if (e.affectsConfiguration('mcpOversight.api')) void api.followSettings({ enabledChanged: e.affectsConfiguration('mcpOversight.api.enabled') }, (err) => presentError(err, log));
    }),
    vscode.workspace.onDidGrantWorkspaceTrust(() => void oversight.get().catch((e: unknown) => log.error(`starting MCP Oversight: ${String(e)}`))),
  );
  void vscode.commands.executeCommand('setContext', 'mcpOversight.pendingApprovals', 0);
  // Carry on with approvals interrupted by the last shutdown, and show what is pending, without delaying activation.
  if (vscode.workspace.isTrusted && (vscode.workspace.workspaceFolders?.length ?? 0) > 0 && context.storageUri) {
    setTimeout(() => void oversight.get().catch((e: unknown) => log.error(`starting MCP Oversight: ${e instanceof Error ? e.message : String(e)}`)), 0);
  }
  const activateMs = performance.now() - activateStart;
  const loadCpuMs = bundleLoadCpuMs();
  const activation = { loadMs: bundleLoadMs(), activateMs, cpuMs: loadCpuMs === undefined ? undefined : loadCpuMs + cpuMs(process.cpuUsage(activateCpu)) };
  const activationMs = (activation.loadMs ?? 0) + activation.activateMs;
  log.info(`MCP Oversight ${version} activated in ${activationMs.toFixed(1)} ms (loading the bundle ${activation.loadMs?.toFixed(1) ?? '?'} ms, activate() ${activation.activateMs.toFixed(1)} ms; CPU ${activation.cpuMs?.toFixed(1) ?? '?'} ms)`);
  return { activationMs, activation, coreLoadMs: () => core.loadMs, diffRenders: () => [...diffRenders] };
}

/**
 * Closes the HTTP API (onBeforeStop: it records its stop in the audit log), then stops both servers and
 * writes the audit log's shutdown checkpoint. VS Code disposes the subscriptions right after calling
 * this without waiting; OversightHost.stop is one stop however many times it is asked.
 */
export async function deactivate(): Promise<void> {
  await host?.stop();
  host = undefined;
}
