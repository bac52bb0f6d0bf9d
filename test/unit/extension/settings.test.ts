import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { ClientIdSchema } from '../../../src/core/model/source';
import { booleanSetting, CLIENT_IDS, enumSetting, numberSetting, sourceSettings, stringSetting } from '../../../src/extension/settings';

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
