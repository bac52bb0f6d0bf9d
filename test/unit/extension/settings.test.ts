import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientIdSchema } from '../../../src/core/model/source';
import { auditRetentionDays, booleanSetting, CLIENT_IDS, enumSetting, numberSetting, sourceSettings, stringSetting } from '../../../src/extension/settings';

const cfg = (value: unknown) => ({ get: () => value });

describe('settings (zod/mini in the glue bundle)', () => {
  it('numbers: in range as written, the documented default otherwise', () => {
    assert.equal(numberSetting(cfg(0.5), 'h', { min: 0.01, max: 720, fallback: 24 }), 0.5);
    assert.equal(numberSetting(cfg(721), 'h', { min: 0.01, max: 720, fallback: 24 }), 24);
    assert.equal(numberSetting(cfg('12'), 'h', { min: 0.01, max: 720, fallback: 24 }), 24);
    assert.equal(numberSetting(cfg(undefined), 'h', { min: 0.01, max: 720, fallback: 24 }), 24);
    assert.equal(numberSetting(cfg(4.5), 'c', { int: true, min: 1, max: 32, fallback: 4 }), 4);
    assert.equal(numberSetting(cfg(8), 'c', { int: true, min: 1, max: 32, fallback: 4 }), 8);
  });

  it('booleans, non-empty strings and enums', () => {
    assert.equal(booleanSetting(cfg(true), 'b', false), true);
    assert.equal(booleanSetting(cfg('true'), 'b', false), false);
    assert.equal(stringSetting(cfg(''), 's', 'x.json'), 'x.json');
    assert.equal(stringSetting(cfg('p.json'), 's', 'x.json'), 'p.json');
    assert.equal(enumSetting(cfg('none'), 'e', ['github', 'microsoft', 'none'], 'github'), 'none');
    assert.equal(enumSetting(cfg('gitlab'), 'e', ['github', 'microsoft', 'none'], 'github'), 'github');
  });
});

describe('sourceSettings (mcpOversight.sources, mcpOversight.extraConfigPaths)', () => {
  const cfgOf = (v: Record<string, unknown>) => ({ get: (k: string) => v[k] });
  it('keeps the glue\'s client list equal to the core schema', () => {
    assert.deepEqual([...CLIENT_IDS], [...ClientIdSchema.options]);
  });
  it('every client when empty, malformed or all listed; unknown ids dropped', () => {
    assert.deepEqual(sourceSettings(cfgOf({})), { extraFiles: [] });
    assert.deepEqual(sourceSettings(cfgOf({ sources: 'vscode' })), { extraFiles: [] });
    assert.deepEqual(sourceSettings(cfgOf({ sources: [...CLIENT_IDS] })), { extraFiles: [] });
    assert.deepEqual(sourceSettings(cfgOf({ sources: ['vscode', 'evil', 'kilo'] })), { clients: ['kilo', 'vscode'], extraFiles: [] });
  });
  it('extra paths: strings only, trimmed, blanks dropped; malformed -> none', () => {
    assert.deepEqual(sourceSettings(cfgOf({ extraConfigPaths: [' team/mcp.json ', '', '  '] })), { extraFiles: ['team/mcp.json'] });
    assert.deepEqual(sourceSettings(cfgOf({ extraConfigPaths: [1, 'x'] })), { extraFiles: [] });
  });
});

describe('auditRetentionDays (mcpOversight.audit.retentionDays)', () => {
  it('whole days from 0 (keep for ever) to 3650; anything else keeps for ever', () => {
    const of = (v: unknown) => auditRetentionDays(cfg(v));
    assert.equal(of(undefined), 0);
    assert.equal(of(90), 90);
    assert.equal(of(0), 0);
    assert.equal(of(3650), 3650);
    for (const bad of [-1, 3651, 1.5, '90', null]) assert.equal(of(bad), 0, String(bad));
  });
  it('only the user settings count: a workspace or folder value cannot shorten the audit trail', () => {
    const inspecting = (v: { globalValue?: unknown; workspaceValue?: unknown; workspaceFolderValue?: unknown }) => ({ get: () => v.workspaceFolderValue ?? v.workspaceValue ?? v.globalValue, inspect: () => v });
    assert.equal(auditRetentionDays(inspecting({ workspaceValue: 1 })), 0);
    assert.equal(auditRetentionDays(inspecting({ globalValue: 365, workspaceFolderValue: 1 })), 365);
  });
});
