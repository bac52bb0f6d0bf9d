import assert from 'node:assert/strict';
import { existsSync, mkdtempSync, mkdirSync, readFileSync, rmSync, statSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import type { OversightApi } from '../../src/extension/api';
import { fakeVscode, hookVscode, recorder } from './support/fake-vscode';

/**
 * Loads the built extension bundle with a minimal stand-in for the `vscode` module (the boundary
 * only: everything behind it is the real bundle) and runs activate() and the assess command. It
 * catches what type checks cannot: bundling mistakes, load-time errors, commands that are declared
 * but not registered. The extension inside a real VS Code is tested end to end from issue 5 on.
 */
const BUNDLE = resolve('dist/extension.js');
/** The heavy half (coordinator, assessment, classic zod), required on first use only. */
const CORE = resolve('dist/extension-core.js');

describe('the extension bundle', () => {
  let dir = '';
  const rec = recorder();
  let unhook = () => undefined as void;

  before(() => {
    assert.ok(existsSync(BUNDLE), 'dist/extension.js is missing: run `npm run build` first');
    dir = mkdtempSync(join(tmpdir(), 'mcp-oversight-ext-'));
    mkdirSync(join(dir, '.kilocode'));
    writeFileSync(join(dir, '.kilocode', 'mcp.json'), JSON.stringify({ mcpServers: { fetch: { command: 'uvx', args: ['mcp-server-fetch'] } } }, null, 2));
    unhook = hookVscode(fakeVscode(dir, rec));
  });

  after(() => {
    unhook();
    rmSync(dir, { recursive: true, force: true });
  });

  let api: OversightApi | undefined;

  it('is the small glue only: the heavy half is a bundle of its own', () => {
    assert.ok(existsSync(CORE), 'dist/extension-core.js is missing: run `npm run build` first');
    const size = statSync(BUNDLE).size;
    assert.ok(size < 512 * 1024, `dist/extension.js is ${Math.round(size / 1024)} KiB: something heavy is imported at run time (eslint's boundary rule for src/extension)`);
    const glue = readFileSync(BUNDLE, 'utf8');
    for (const heavy of ['node_modules/@modelcontextprotocol', 'node_modules/ajv', 'node_modules/cockatiel', 'node_modules/zod/v4/classic', 'node_modules/jose', 'node_modules/@peculiar', 'src/core/rules/', 'src/coordinator/', 'src/api/', 'src/protocol/', 'node_modules/diff/']) {
      assert.doesNotMatch(glue, new RegExp(`// ${heavy.replace(/[/.]/g, '\\$&')}`), `${heavy} is bundled into dist/extension.js`);
    }
  });

  it('activates and registers exactly the commands package.json contributes, without loading the heavy half', async () => {
    const ext = (await import(BUNDLE)) as { activate(ctx: unknown): typeof api };
    const subscriptions: { dispose(): void }[] = [];
    api = ext.activate({ subscriptions, globalStorageUri: { fsPath: join(dir, 'gs', 'mcp-oversight') }, extensionUri: { fsPath: resolve('.') } });
    const pkg = (await import(resolve('package.json'), { with: { type: 'json' } })) as { default: { contributes: { commands: { command: string }[] } } };
    assert.deepEqual([...rec.commands.keys()].sort(), pkg.default.contributes.commands.map((c) => c.command).sort());
    assert.equal(require.cache[CORE], undefined, 'dist/extension-core.js was required at activation');
    assert.ok(api && api.activationMs > 0 && typeof api.activation.loadMs === 'number', 'activate() returns its timings (the build banner and footer time the bundle)');
    assert.equal(api.coreLoadMs(), undefined);
  });

  it('assesses the workspace and reports the finding', async () => {
    const run = rec.commands.get('mcpOversight.assessWorkspace');
    assert.ok(run);
    await run();
    assert.deepEqual(rec.errors, []);
    const report = rec.output.join('');
    assert.match(report, /unpinned-python-package/);
    assert.match(report, /\.kilocode\/mcp\.json/);
    assert.match(rec.infos.join('\n'), /1 finding/);
    assert.ok(require.cache[CORE], 'the first assessment required dist/extension-core.js');
    assert.equal(typeof api?.coreLoadMs(), 'number');
  });

  it('untrusted: the repository\'s own policy file is ignored (it can neither hide findings nor block the assessment)', async () => {
    // Trusted, an invalid policy stops the assessment (the CLI tests and the coordinator's cover that); here the
    // workspace is untrusted, so its policy — suppressing everything, and invalid besides — has no say.
    writeFileSync(join(dir, '.kilocode', 'mcp-policy.json'), '{ "version": 1, "suppressions": [{ "rule": "*", "reason": "trust me" }], "severity": { "category:no-such-category": "low" } }');
    rec.errors.splice(0);
    rec.output.splice(0);
    await rec.commands.get('mcpOversight.assessWorkspace')?.();
    assert.deepEqual(rec.errors, []);
    const report = rec.output.join('');
    assert.match(report, /unpinned-python-package/);
    assert.doesNotMatch(report, /suppressed|trust me/i);
  });
});
