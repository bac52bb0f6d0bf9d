import assert from 'node:assert/strict';
import { describe, it } from 'mocha';
import * as vscode from 'vscode';
import { activated } from './support/host';

interface Contributes {
  commands?: { command: string }[];
  views?: Record<string, { id: string }[]>;
  viewsContainers?: Record<string, { id: string }[]>;
}

describe('commands', () => {
  it('registers every command it contributes, and contributes every mcpOversight.* command it registers', async () => {
    const ext = await activated();
    const contributes = ((ext.packageJSON as { contributes?: Contributes }).contributes ?? {}) as Contributes;
    const contributed = new Set((contributes.commands ?? []).map((c) => c.command));
    // The workbench registers `<viewId>.focus`, `.resetViewLocation`, … for every contributed view: not ours to contribute.
    const viewIds = Object.values(contributes.views ?? {}).flatMap((vs) => vs.map((v) => v.id));
    const registered = (await vscode.commands.getCommands(true)).filter((c) => c.startsWith('mcpOversight.') && !viewIds.some((v) => c.startsWith(`${v}.`)));

    assert.ok(contributed.size > 0, 'package.json contributes no command');
    const notRegistered = [...contributed].filter((c) => !registered.includes(c));
    assert.deepEqual(notRegistered, [], `contributed in package.json but not registered: ${notRegistered.join(', ')}`);
    const notContributed = registered.filter((c) => !contributed.has(c));
    assert.deepEqual(notContributed, [], `registered but not contributed in package.json: ${notContributed.join(', ')}`);
  });
});
