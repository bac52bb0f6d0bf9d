import * as vscode from 'vscode';
import type { Actor } from '../../core/coordination/messages';
import { OversightError } from '../../core/errors';
import type { Coordinator } from '../../coordinator/coordinator';
import { parseProposeFixArgs } from './fix-actions';

/**
 * A finding's Quick Fix: asks the coordinator for a proposal for exactly these findings and opens it
 * for review. Nothing changes here: the proposal is an approval request like any other.
 */
export async function proposeFix(c: Coordinator, arg: unknown, requestedBy: () => Promise<Actor>): Promise<void> {
  const args = parseProposeFixArgs(arg);
  if (!args) throw new OversightError('usage', 'Use the Quick Fix on an MCP Oversight finding (Problems view or the light bulb in the config file) to propose its fix.');
  const who = await requestedBy();
  const r = await vscode.window.withProgress({ location: vscode.ProgressLocation.Notification, title: 'MCP Oversight: preparing the fix…' }, () => c.proposeRemediation({ fingerprints: args.fingerprints, requestedBy: who }));
  await vscode.commands.executeCommand('mcpOversight.approvals.focus');
  await vscode.commands.executeCommand('mcpOversight.reviewApproval', r.id);
}
