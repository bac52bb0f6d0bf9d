import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { fingerprint } from '../../../src/core/assess/fingerprint';
import type { Finding } from '../../../src/core/model/finding';
import { GITHUB_PAT } from '../rules/fake-secrets';
import { assessFiles, findingsOf, KILO, LEGACY, legacyConfig, onlyFinding, randomAlnum } from '../rules/helpers';

const SERVERS: Record<string, unknown> = {
  github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], env: { GITHUB_TOKEN: GITHUB_PAT, API_KEY: randomAlnum(32, 1) }, alwaysAllow: ['*', 'delete_repo'] },
  gitlab: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-gitlab'], env: { GITLAB_TOKEN: GITHUB_PAT } },
  remote: { type: 'sse', url: 'http://api.example.com/sse?api_key=' + randomAlnum(20, 2) },
  box: { command: 'docker', args: ['run', '-i', '--privileged', 'mcp/box'] },
};

const key = (f: Finding) => `${f.ruleId}|${f.server}|${JSON.stringify(f.jsonPath)}|${f.message}`;

describe('fingerprints', () => {
  it('are unique within one assessment', async () => {
    const r = await assessFiles({ [LEGACY]: legacyConfig(SERVERS) });
    const prints = r.result.findings.map((f) => f.fingerprint);
    assert.ok(prints.length >= 10, `${prints.length} findings`);
    assert.equal(new Set(prints).size, prints.length);
    for (const p of prints) assert.match(p, /^[0-9a-f]{16,}$/);
  });

  it('stay the same when lines shift (a blank line and a new server inserted above)', async () => {
    const original = legacyConfig(SERVERS);
    const shifted = '\n\n' + legacyConfig({ aaa: { command: 'node', args: ['noop.js'] }, ...SERVERS });
    const a = await assessFiles({ [LEGACY]: original });
    const b = await assessFiles({ [LEGACY]: shifted });
    const byKey = new Map(b.result.findings.map((f) => [key(f), f]));
    for (const f of a.result.findings) {
      const g = byKey.get(key(f));
      assert.ok(g, `finding ${key(f)} is still there`);
      assert.ok(g.line > f.line, 'the finding moved down');
      assert.equal(g.fingerprint, f.fingerprint, key(f));
    }
  });

  it('differ for different servers with the same rule and field', async () => {
    const r = await assessFiles({ [LEGACY]: legacyConfig(SERVERS) });
    const [gh, gl] = [onlyFinding(r, 'unpinned-npm-package', 'github'), onlyFinding(r, 'unpinned-npm-package', 'gitlab')];
    assert.notEqual(gh.fingerprint, gl.fingerprint);
    const tokens = findingsOf(r, 'secret-token');
    assert.equal(new Set(tokens.map((f) => f.fingerprint)).size, tokens.length);
  });

  it('differ for different rules on the same value', async () => {
    const r = await assessFiles({ [LEGACY]: legacyConfig(SERVERS) });
    const http = onlyFinding(r, 'insecure-http', 'remote');
    const url = onlyFinding(r, 'secret-in-url', 'remote');
    assert.deepEqual(http.jsonPath, url.jsonPath);
    assert.notEqual(http.fingerprint, url.fingerprint);
    const all = onlyFinding(r, 'auto-approve-all', 'github');
    const dangerous = onlyFinding(r, 'auto-approve-dangerous', 'github');
    assert.notEqual(all.fingerprint, dangerous.fingerprint);
  });

  it('differ for the same server name in different files', async () => {
    const legacy = legacyConfig({ same: { command: 'npx', args: ['-y', 'pkg'] } });
    const kilo = JSON.stringify({ mcp: { same: { type: 'local', command: ['npx', '-y', 'pkg'] } } }, null, 2);
    const r = await assessFiles({ [LEGACY]: legacy, [KILO]: kilo });
    const fs = findingsOf(r, 'unpinned-npm-package', 'same');
    assert.equal(fs.length, 2);
    assert.notEqual(fs[0]?.fingerprint, fs[1]?.fingerprint);
  });

  it('do not depend on the absolute workspace path', async () => {
    const text = legacyConfig(SERVERS);
    const a = await assessFiles({ [LEGACY]: text });
    const b = await assessFiles({ [LEGACY.replace('/ws/', '/elsewhere/')]: text }, { path: '/elsewhere' });
    assert.deepEqual(
      b.result.findings.map((f) => f.fingerprint),
      a.result.findings.map((f) => f.fingerprint),
    );
  });

  it('are a pure function of rule, file, path, server and key', () => {
    const base = { ruleId: 'r', file: 'f', path: ['a', 0], server: 's', key: 'k' };
    assert.equal(fingerprint(base), fingerprint({ ...base, path: ['a', 0] }));
    assert.equal(fingerprint({ ...base, key: undefined }), fingerprint({ ...base, key: '' }));
    for (const change of [{ ruleId: 'x' }, { file: 'x' }, { path: ['a', 1] }, { server: null }, { key: 'x' }]) {
      assert.notEqual(fingerprint({ ...base, ...change }), fingerprint(base), JSON.stringify(change));
    }
  });

  it('of config errors stay the same when lines shift', async () => {
    const text = '{\n  "mcpServers": {\n    "a": { "command": "node", "timeout": 0 }\n  }\n}\n';
    const a = await assessFiles({ [LEGACY]: text });
    const b = await assessFiles({ [LEGACY]: '\n\n' + text });
    const fa = onlyFinding(a, 'config-error');
    const fb = onlyFinding(b, 'config-error');
    assert.equal(fb.line, fa.line + 2);
    assert.equal(fb.fingerprint, fa.fingerprint);
  });
});
