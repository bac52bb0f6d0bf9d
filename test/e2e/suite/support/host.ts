import { readdirSync, readFileSync, statSync } from 'node:fs';
import { join } from 'node:path';
import * as vscode from 'vscode';

/** publisher.name from package.json. */
export const EXTENSION_ID = 'mcp-oversight.mcp-oversight';

export function ourExtension(): vscode.Extension<unknown> {
  const ext = vscode.extensions.getExtension(EXTENSION_ID);
  if (!ext) throw new Error(`${EXTENSION_ID} is not loaded in this VS Code (extensionDevelopmentPath wrong?)`);
  return ext;
}

export async function activated(): Promise<vscode.Extension<unknown>> {
  const ext = ourExtension();
  if (!ext.isActive) await ext.activate();
  return ext;
}

/** Polls until `check` returns something other than undefined/false; fails with `what` after `timeoutMs`. */
export async function waitFor<T>(what: string, check: () => T | undefined | false | Promise<T | undefined | false>, timeoutMs = 20_000, everyMs = 100): Promise<T> {
  const until = Date.now() + timeoutMs;
  for (;;) {
    const v = await check();
    if (v !== undefined && v !== false) return v;
    if (Date.now() > until) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((r) => setTimeout(r, everyMs));
  }
}

/**
 * The extension's output as VS Code writes it to disk: the LogOutputChannel "MCP Oversight" is
 * `<logs>/<session>/exthostN/mcp-oversight.mcp-oversight/MCP Oversight.log`, a plain OutputChannel
 * "X" is `<logs>/<session>/exthostN/output_logging_<time>/<n>-X.log`. The launcher passes the logs
 * folder in MCP_OVERSIGHT_E2E_LOGS (the extension host inherits the server's environment). Newest file wins.
 */
export function readOutput(channel: string): string {
  const logs = process.env['MCP_OVERSIGHT_E2E_LOGS'];
  if (!logs) throw new Error('MCP_OVERSIGHT_E2E_LOGS is not set: run through scripts/vscode-host/run-e2e.mjs or test/e2e/electron/run-electron.mjs');
  let newest: { path: string; mtime: number } | undefined;
  for (const rel of readdirSync(logs, { recursive: true }).map(String)) {
    const base = rel.split('/').pop() ?? '';
    const matches = base === `${channel}.log` ? rel.includes(EXTENSION_ID) : /^\d+-/.test(base) && base.replace(/^\d+-/, '') === `${channel}.log`;
    if (!matches) continue;
    const path = join(logs, rel);
    const mtime = statSync(path).mtimeMs;
    if (!newest || mtime > newest.mtime) newest = { path, mtime };
  }
  return newest ? readFileSync(newest.path, 'utf8') : '';
}

/** Closes every notification, so a command awaiting showInformationMessage(...) returns. */
export async function dismissNotifications(): Promise<void> {
  await vscode.commands.executeCommand('notifications.clearAll');
}

/**
 * Runs a command that ends by showing a notification and awaiting the person's choice: waits for
 * `until` (seen from outside, e.g. in the extension's log), then dismisses notifications until the
 * command has returned.
 */
export async function runCommandAndDismiss<T>(command: string, until: () => T | undefined | false, timeoutMs = 30_000): Promise<T> {
  let settled = false;
  let failure: unknown;
  const done = Promise.resolve(vscode.commands.executeCommand(command)).then(
    () => (settled = true),
    (e: unknown) => {
      failure = e;
      settled = true;
    },
  );
  const seen = await waitFor(`${command} to finish its work`, until, timeoutMs);
  await waitFor(`${command} to return`, async () => {
    await dismissNotifications();
    return settled;
  }, 10_000, 250);
  await done;
  if (failure !== undefined) throw failure instanceof Error ? failure : new Error(String(failure));
  return seen;
}
