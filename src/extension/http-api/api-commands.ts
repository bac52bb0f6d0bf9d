import * as vscode from 'vscode';
import type { ApiKeyInfo, CreatedApiKey } from '../../api/auth/api-keys';
import type { Role } from '../../api/permissions';
import type { Approver } from '../../core/grants/grant-schema';
import type { Coordinator } from '../../coordinator/coordinator';
import type { IssuedApiToken } from '../core-entry';
import type { ExtensionCore } from '../core-loader';
import type { ApiHost, ApiStatus } from './api-host';
import { curlCommand, DEFAULT_TOKEN_TTL, keyNameProblem, keyPickItem, parseKeyArgs, parseRevokeArgs, parseTokenArgs, statusLines, TOKEN_LIFETIMES } from './api-command-model';

/**
 * The HTTP API's commands. Without an argument they ask (role, lifetime, name, key) and show the result
 * once; with one (automation: `{ role, ttl? }`, `{ role, name }`, `{ id }`, `{}`) they ask and show
 * nothing and return the result. Credentials go to the clipboard, a modal and the caller — never to a
 * log; the audit log records who issued or revoked what (ids, roles, expiry), never the secret.
 */
export interface ApiCommandDeps {
  api: ApiHost;
  core: () => ExtensionCore;
  coordinator: () => Promise<Coordinator>;
  /** The person, as approvals record them (signed-in account, or the OS user, unverified). */
  person: () => Promise<Approver>;
  now?: () => Date;
}

export async function startApiCommand(d: ApiCommandDeps, arg: unknown): Promise<ApiStatus> {
  const status = await d.api.start();
  if (arg === undefined && status.running) {
    void vscode.window.showInformationMessage(`MCP Oversight: the HTTP API is listening on ${status.url}.`, 'Show Status').then((c) => c && vscode.commands.executeCommand('mcpOversight.showApiStatus'));
  }
  return status;
}

export async function stopApiCommand(d: ApiCommandDeps, arg: unknown): Promise<ApiStatus> {
  const was = await d.api.stop();
  if (arg === undefined) {
    const again = vscode.workspace.getConfiguration('mcpOversight').get('api.enabled') === true ? ' It starts again with the next window, as mcpOversight.api.enabled is on.' : '';
    void vscode.window.showInformationMessage(was ? `MCP Oversight: the HTTP API is stopped.${again}` : 'MCP Oversight: the HTTP API was not running.');
  }
  return d.api.status();
}

export async function showApiStatusCommand(d: ApiCommandDeps, arg: unknown): Promise<ApiStatus> {
  const status = d.api.status();
  if (arg !== undefined) return status;
  if (!status.running) {
    const start = await vscode.window.showInformationMessage('MCP Oversight: the HTTP API is not running (it is off unless mcpOversight.api.enabled is on or you start it).', 'Start the HTTP API');
    if (start) await vscode.commands.executeCommand('mcpOversight.startApi');
    return status;
  }
  const choice = await vscode.window.showInformationMessage('MCP Oversight HTTP API', { modal: true, detail: statusLines(status).join('\n') }, 'Copy curl command', 'Copy URL');
  if (choice === 'Copy curl command') await vscode.env.clipboard.writeText(curlCommand(status));
  if (choice === 'Copy URL') await vscode.env.clipboard.writeText(status.url);
  return status;
}

export async function createApiTokenCommand(d: ApiCommandDeps, arg: unknown): Promise<(IssuedApiToken & { role: Role }) | undefined> {
  const core = d.core();
  let role: Role | undefined;
  let ttl: string | undefined;
  if (arg !== undefined) {
    const a = parseTokenArgs(arg);
    role = a.role as Role;
    ttl = a.ttl ?? DEFAULT_TOKEN_TTL;
  } else {
    role = await pickRole(core, 'Create an API token (1/2): its role');
    if (role === undefined) return undefined;
    ttl = await pickLifetime(core);
    if (ttl === undefined) return undefined;
  }
  const ttlSeconds = core.parseTtl(ttl);
  const coordinator = await d.coordinator();
  const person = await d.person();
  const issued = await core.issueApiToken({ signingKeyPem: await d.api.signingKeyPem(), role, subject: person.id, name: person.label, owner: { id: person.id, label: person.label, verified: person.verified }, ttlSeconds, ...(d.now ? { now: d.now() } : {}) });
  await coordinator.recordApiEvent({ actor: person, kind: 'api.token-issued', subject: { type: 'api', id: `jwt:${person.id}`.slice(0, 256) }, payload: { role, jti: issued.jti, expiresAt: issued.expiresAt, issuer: issued.issuer } });
  if (arg === undefined) {
    await showOnce(issued.token, `API token (${role}) for ${person.label}, valid until ${issued.expiresAt}.`, 'Send it as "Authorization: Bearer <token>". It cannot be revoked: it stops working when it expires.');
  }
  return { ...issued, role };
}

export async function createApiKeyCommand(d: ApiCommandDeps, arg: unknown): Promise<CreatedApiKey | undefined> {
  const core = d.core();
  let role: Role | undefined;
  let name: string | undefined;
  if (arg !== undefined) {
    const a = parseKeyArgs(arg);
    role = a.role as Role;
    name = a.name;
  } else {
    role = await pickRole(core, 'Create an API key (1/2): its role');
    if (role === undefined) return undefined;
    name = await vscode.window.showInputBox({ title: 'Create an API key (2/2): its name', prompt: 'Who or what will use it; shown when you revoke it and in the audit log', ignoreFocusOut: true, validateInput: keyNameProblem });
    if (name === undefined) return undefined;
  }
  const coordinator = await d.coordinator();
  const person = await d.person();
  const { keys, done } = await d.api.keys();
  let created: CreatedApiKey;
  try {
    created = await keys.create({ name, role, createdBy: person.label, owner: { id: person.id, label: person.label, verified: person.verified } });
  } finally {
    done();
  }
  const { record } = created;
  await coordinator.recordApiEvent({ actor: person, kind: 'api.key-created', subject: { type: 'api-key', id: record.id }, payload: { name: record.name, role: record.role } });
  if (arg === undefined) {
    await showOnce(created.key, `API key "${record.name}" (${record.role}), id ${record.id}.`, 'Send it as "X-API-Key: <key>" or "Authorization: Bearer <key>". Revoke it with "MCP Oversight: Revoke an API Key…".');
  } else {
    void vscode.window.showInformationMessage(`MCP Oversight: API key "${record.name}" (${record.role}) was created by a command call.`);
  }
  return created;
}

export async function revokeApiKeyCommand(d: ApiCommandDeps, arg: unknown): Promise<ApiKeyInfo | undefined> {
  const coordinator = await d.coordinator(); // trusted workspaces only, like every credential command
  const { keys, done } = await d.api.keys();
  try {
    let id: string;
    if (arg !== undefined) id = parseRevokeArgs(arg);
    else {
      const active = (await keys.list()).filter((k) => k.revokedAt === undefined);
      if (active.length === 0) {
        void vscode.window.showInformationMessage('MCP Oversight: this workspace has no API key to revoke.');
        return undefined;
      }
      const now = d.now?.() ?? new Date();
      const pick = await vscode.window.showQuickPick(active.map((k) => keyPickItem(k, now)), { title: 'Revoke an API key', placeHolder: 'Choose the key to revoke', matchOnDescription: true, matchOnDetail: true, ignoreFocusOut: true });
      if (pick === undefined) return undefined;
      const ok = await vscode.window.showWarningMessage(`Revoke the API key "${pick.label}"?`, { modal: true, detail: `${pick.description}\nEvery caller using it is refused from now on. This cannot be undone: create a new key instead.` }, 'Revoke');
      if (ok !== 'Revoke') return undefined;
      id = pick.id;
    }
    const person = await d.person();
    const record = await keys.revoke(id);
    await coordinator.recordApiEvent({ actor: person, kind: 'api.key-revoked', subject: { type: 'api-key', id: record.id }, payload: { name: record.name, role: record.role } });
    if (arg === undefined) void vscode.window.showInformationMessage(`MCP Oversight: the API key "${record.name}" is revoked.`);
    return record;
  } finally {
    done();
  }
}

async function pickRole(core: ExtensionCore, title: string): Promise<Role | undefined> {
  const pick = await vscode.window.showQuickPick(
    core.ROLES.map((r) => ({ label: r, description: core.ROLE_PERMISSIONS[r].join(', '), role: r })),
    { title, placeHolder: 'What may its holder do? (the least that is enough)', ignoreFocusOut: true },
  );
  return pick?.role;
}

async function pickLifetime(core: ExtensionCore): Promise<string | undefined> {
  const pick = await vscode.window.showQuickPick([...TOKEN_LIFETIMES.map((l) => ({ label: l.label, ttl: l.ttl as string | undefined })), { label: 'Custom…', description: 'e.g. 15m, 12h, 3d (60 s to 90 days)', ttl: undefined }], {
    title: 'Create an API token (2/2): how long it is valid',
    placeHolder: 'A token cannot be revoked: choose the shortest lifetime that works',
    ignoreFocusOut: true,
  });
  if (pick === undefined) return undefined;
  if (pick.ttl !== undefined) return pick.ttl;
  return vscode.window.showInputBox({
    title: 'Create an API token (2/2): its lifetime',
    prompt: 'Seconds, or a number with s, m, h, d or w (60 s to 90 days)',
    placeHolder: '12h',
    ignoreFocusOut: true,
    validateInput: (v) => {
      try {
        core.parseTtl(v);
        return undefined;
      } catch (e) {
        return e instanceof Error ? e.message.replace(/^--ttl /, '') : String(e);
      }
    },
  });
}

/** Copies the secret and shows it once, in a modal with a Copy button; it is kept nowhere else. */
async function showOnce(secret: string, what: string, how: string): Promise<void> {
  await vscode.env.clipboard.writeText(secret);
  const choice = await vscode.window.showInformationMessage(`${what} It is on the clipboard; this is the only time it is shown.`, { modal: true, detail: `${secret}\n\n${how}` }, 'Copy');
  if (choice === 'Copy') await vscode.env.clipboard.writeText(secret);
}
