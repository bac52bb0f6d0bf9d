import * as vscode from 'vscode';
import { describeError, isOversightError, type ErrorCode } from '../core/errors';

/** The one place where errors become what a person sees. */
const TEXT: Record<ErrorCode, string> = {
  usage: 'MCP Oversight was asked to do something it cannot',
  'config.unreadable': 'An MCP config file could not be read',
  'config.invalid-json': 'An MCP config file is not valid JSON',
  'config.schema': 'An MCP config file does not match its format',
  'policy.invalid': 'The MCP policy file is invalid',
  io: 'A file operation failed',
  internal: 'MCP Oversight hit an internal error',
};

export async function presentError(e: unknown, log: vscode.LogOutputChannel): Promise<void> {
  log.error(e instanceof Error ? (e.stack ?? e.message) : String(e));
  const headline = isOversightError(e) ? TEXT[e.code] : TEXT.internal;
  const choice = await vscode.window.showErrorMessage(`${headline}: ${describeError(e)}`, 'Show Logs');
  if (choice === 'Show Logs') log.show();
}
