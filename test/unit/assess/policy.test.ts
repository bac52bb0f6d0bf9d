import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { loadPolicy } from '../../../src/core/policy/load-policy';
import { MemoryFileSystem } from '../../../src/core/ports/memory-file-system';
import type { Finding } from '../../../src/core/model/finding';
import { GITHUB_PAT } from '../rules/fake-secrets';
import { assessFiles, findingsOf, KILO, LEGACY, legacyConfig, onlyFinding, POLICY, positionOf, randomAlnum } from '../rules/helpers';

/** A workspace with findings of several rules, categories, servers and files. */
const LEGACY_TEXT = legacyConfig({
  'github-prod': { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_TOKEN: GITHUB_PAT, API_KEY: randomAlnum(32, 1) } },
  'github-dev': { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'] },
  fetch: { command: 'uvx', args: ['mcp-server-fetch'] },
});
const KILO_TEXT = `{\n  // kilo\n  "mcp": { "docs": { "type": "local", "command": ["npx", "-y", "docs-mcp"] } },\n}\n`;
const FILES = { [LEGACY]: LEGACY_TEXT, [KILO]: KILO_TEXT };

const policy = (p: Record<string, unknown>) => JSON.stringify({ version: 1, ...p }, null, 2);
const assessWithPolicy = (p: Record<string, unknown>) => assessFiles({ ...FILES, [POLICY]: policy(p) });
const suppressedOf = (fs: readonly Finding[]) => fs.filter((f) => f.suppressed !== undefined);

describe('policy: severity overrides', () => {
  it('applies category overrides, and rule-id overrides win over them', async () => {
    const r = await assessWithPolicy({ severity: { 'category:secret-in-config': 'info', 'secret-token': 'low', 'category:unpinned-package': 'critical' } });
    assert.deepEqual(r.policyErrors, []);
    assert.equal(onlyFinding(r, 'secret-token', 'github-prod').severity, 'low');
    assert.equal(onlyFinding(r, 'secret-high-entropy', 'github-prod').severity, 'info');
    for (const f of [...findingsOf(r, 'unpinned-npm-package'), ...findingsOf(r, 'unpinned-python-package')]) assert.equal(f.severity, 'critical');
  });

  it('overrides a per-hit severity too (unpinned @range is low by default)', async () => {
    const text = legacyConfig({ r: { command: 'npx', args: ['-y', 'pkg@^1.0.0'] } });
    const base = await assessFiles({ [LEGACY]: text });
    assert.equal(onlyFinding(base, 'unpinned-npm-package', 'r').severity, 'low');
    const r = await assessFiles({ [LEGACY]: text, [POLICY]: policy({ severity: { 'unpinned-npm-package': 'high' } }) });
    assert.equal(onlyFinding(r, 'unpinned-npm-package', 'r').severity, 'high');
  });
});

describe('policy: suppressions', () => {
  it('suppresses by rule id, keeping the finding with its reason', async () => {
    const r = await assessWithPolicy({ suppressions: [{ rule: 'unpinned-npm-package', reason: 'pinned by the lockfile mirror' }] });
    const npm = findingsOf(r, 'unpinned-npm-package');
    assert.equal(npm.length, 3);
    for (const f of npm) assert.deepEqual(f.suppressed, { reason: 'pinned by the lockfile mirror' });
    assert.equal(onlyFinding(r, 'unpinned-python-package', 'fetch').suppressed, undefined);
    assert.equal(onlyFinding(r, 'secret-token', 'github-prod').suppressed, undefined);
  });

  it('suppresses by category:<category>', async () => {
    const r = await assessWithPolicy({ suppressions: [{ rule: 'category:unpinned-package', reason: 'internal registry proxy' }] });
    assert.equal(suppressedOf(r.result.findings).length, 4);
    assert.ok(suppressedOf(r.result.findings).every((f) => f.category === 'unpinned-package'));
  });

  it('suppresses by server glob', async () => {
    const r = await assessWithPolicy({ suppressions: [{ rule: '*', server: 'github-*', reason: 'reviewed in SEC-123' }] });
    const sup = suppressedOf(r.result.findings);
    assert.deepEqual([...new Set(sup.map((f) => f.server))].sort(), ['github-dev', 'github-prod']);
    assert.equal(onlyFinding(r, 'unpinned-python-package', 'fetch').suppressed, undefined);
  });

  it('suppresses by file glob, relative to the workspace', async () => {
    const r = await assessWithPolicy({ suppressions: [{ rule: 'unpinned-npm-package', file: '*.jsonc', reason: 'kilo config is generated' }] });
    const npm = findingsOf(r, 'unpinned-npm-package');
    assert.deepEqual(npm.filter((f) => f.suppressed).map((f) => f.server), ['docs']);
    const r2 = await assessWithPolicy({ suppressions: [{ rule: 'unpinned-npm-package', file: '.kilocode/*', reason: 'legacy file, going away' }] });
    assert.deepEqual(findingsOf(r2, 'unpinned-npm-package').filter((f) => f.suppressed).map((f) => f.server).sort(), ['github-dev', 'github-prod']);
  });

  it('does not suppress when only some of rule, server and file match', async () => {
    const r = await assessWithPolicy({
      suppressions: [
        { rule: 'secret-token', server: 'github-dev', reason: 'wrong server' },
        { rule: 'secret-token', file: 'kilo.jsonc', reason: 'wrong file' },
        { rule: 'secret-high-entropy', server: 'fetch', reason: 'wrong server' },
      ],
    });
    assert.deepEqual(suppressedOf(r.result.findings), []);
  });

  it('keeps suppressing on the expiry day and records `expires`', async () => {
    const r = await assessWithPolicy({ suppressions: [{ rule: 'secret-token', reason: 'rotation scheduled', expires: '2026-06-01' }] });
    assert.deepEqual(onlyFinding(r, 'secret-token', 'github-prod').suppressed, { reason: 'rotation scheduled', expires: '2026-06-01' });
    assert.deepEqual(r.result.policyNotes, []);
  });

  it('stops suppressing after expiry and adds one policy note', async () => {
    const r = await assessWithPolicy({
      suppressions: [
        { rule: 'category:unpinned-package', server: 'github-*', reason: 'temporary: mirror migration', expires: '2026-05-31' },
        { rule: 'unpinned-python-package', reason: 'still valid', expires: '2027-01-01' },
      ],
    });
    for (const f of findingsOf(r, 'unpinned-npm-package')) assert.equal(f.suppressed, undefined);
    assert.deepEqual(onlyFinding(r, 'unpinned-python-package', 'fetch').suppressed, { reason: 'still valid', expires: '2027-01-01' });
    assert.equal(r.result.policyNotes.length, 1);
    const note = r.result.policyNotes[0] as string;
    assert.match(note, /Suppression of "category:unpinned-package" for server "github-\*" expired on 2026-05-31/);
    assert.match(note, /temporary: mirror migration/);
  });

  it('falls through an expired suppression to a later one that still applies', async () => {
    const r = await assessWithPolicy({
      suppressions: [
        { rule: 'secret-token', reason: 'old waiver', expires: '2026-01-01' },
        { rule: 'secret-token', reason: 'new waiver', expires: '2026-12-31' },
      ],
    });
    assert.deepEqual(onlyFinding(r, 'secret-token', 'github-prod').suppressed, { reason: 'new waiver', expires: '2026-12-31' });
    assert.equal(r.result.policyNotes.length, 1);
  });
});

describe('policy: loading errors', () => {
  it('rejects a suppression without a reason (loadPolicy), with line and column', async () => {
    const text = policy({ suppressions: [{ rule: 'secret-token' }] });
    const loaded = await loadPolicy(new MemoryFileSystem({ [POLICY]: text }), POLICY, false);
    assert.deepEqual(loaded.policy, { version: 1 });
    assert.equal(loaded.errors.length, 1);
    const e = loaded.errors[0];
    assert.ok(e);
    assert.equal(e.code, 'schema');
    assert.deepEqual(e.jsonPath, ['suppressions', 0, 'reason']);
    // The suppression object lacks the field: the error points at it.
    assert.deepEqual({ line: e.line, column: e.column }, positionOf(text, '{\n      "rule"'));
  });

  it('rejects a blank reason with the schema\'s own message', async () => {
    const loaded = await loadPolicy(new MemoryFileSystem({ [POLICY]: policy({ suppressions: [{ rule: 'x', reason: '  ' }] }) }), POLICY, false);
    assert.equal(loaded.errors.length, 1);
    assert.match(loaded.errors[0]?.message ?? '', /a suppression must say why/);
  });

  it('reports policy errors from assessTarget and then applies no policy at all', async () => {
    const r = await assessFiles({ ...FILES, [POLICY]: policy({ severity: { 'secret-token': 'low' }, suppressions: [{ rule: 'secret-token' }] }) });
    assert.equal(r.policyErrors.length, 1);
    assert.equal(onlyFinding(r, 'secret-token', 'github-prod').severity, 'critical');
    assert.equal(onlyFinding(r, 'secret-token', 'github-prod').suppressed, undefined);
  });

  it('reports invalid JSON in the policy at its line and column', async () => {
    const text = '{\n  "version": 1,\n  "commands": { "allow": ["npx" }\n}\n';
    const loaded = await loadPolicy(new MemoryFileSystem({ [POLICY]: text }), POLICY, false);
    assert.equal(loaded.errors[0]?.code, 'invalid-json');
    assert.deepEqual({ line: loaded.errors[0]?.line, column: loaded.errors[0]?.column }, positionOf(text, '}\n}'));
  });

  it('treats a missing policy as empty, unless it is required', async () => {
    const fs = new MemoryFileSystem({});
    assert.deepEqual(await loadPolicy(fs, POLICY, false), { policy: { version: 1 }, errors: [] });
    const required = await loadPolicy(fs, POLICY, true);
    assert.equal(required.errors.length, 1);
    assert.match(required.errors[0]?.message ?? '', /does not exist/);
  });

  it('rejects unknown keys (a typo such as "alow")', async () => {
    const loaded = await loadPolicy(new MemoryFileSystem({ [POLICY]: policy({ commands: { alow: ['npx'] } }) }), POLICY, false);
    assert.equal(loaded.errors.length, 1);
    assert.deepEqual(loaded.errors[0]?.jsonPath, ['commands']);
  });

  it('rejects severity overrides for categories that do not exist', async () => {
    const loaded = await loadPolicy(new MemoryFileSystem({ [POLICY]: policy({ severity: { 'category:bogus': 'low' } }) }), POLICY, false);
    assert.equal(loaded.errors.length, 1);
  });

  it('rejects impossible expiry dates', async () => {
    const loaded = await loadPolicy(new MemoryFileSystem({ [POLICY]: policy({ suppressions: [{ rule: 'x', reason: 'because', expires: '2026-13-45' }] }) }), POLICY, false);
    assert.equal(loaded.errors.length, 1);
  });
});
