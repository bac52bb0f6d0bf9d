import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { entryFor, envNameOf, fillSpec } from '../../../src/servers/installer/install-spec';

const TOKEN = `ghp_${'Q1w2E3r4T5'.repeat(3)}zyxwvu`;

function code(fn: () => unknown): string {
  try {
    fn();
  } catch (e) {
    return `${(e as { code: string }).code}: ${(e as Error).message}`;
  }
  return 'no error';
}

describe('install_server specs', () => {
  it('fills every placeholder, with spaces inside the braces, in command, args, env, url and headers', () => {
    const s = fillSpec({ command: '{{bin}}', args: ['--dir', '{{ dir }}/x'], env: { MODE: '{{mode}}' } }, { bin: 'node', dir: '/srv', mode: 'fast' }, 'kilocode-legacy', 'n');
    assert.deepEqual([s.command, s.args, s.env], ['node', ['--dir', '/srv/x'], { MODE: 'fast' }]);
    const r = fillSpec({ url: 'https://{{host}}/mcp', headers: { 'X-Team': '{{team}}' } }, { host: 'h.example', team: 'a' }, 'cursor', 'n');
    assert.equal(r.url, 'https://h.example/mcp');
    assert.equal(r.transport, 'streamable-http');
  });

  it('references secrets instead of writing them: by placeholder name, by env/header name, by token shape', () => {
    const s = fillSpec({ command: 'srv', args: ['--key={{apiKey}}', '{{innocent}}'], env: { DB_PASSWORD: '{{pw}}', PLAIN: 'x', GITHUB_TOKEN: TOKEN } }, { apiKey: 'k-1', innocent: TOKEN, pw: 'hunter2' }, 'kilocode-legacy', 'n');
    assert.deepEqual(s.args, ['--key=${env:API_KEY}', '${env:INNOCENT}']);
    assert.deepEqual(s.env, { DB_PASSWORD: '${env:DB_PASSWORD}', PLAIN: 'x', GITHUB_TOKEN: '${env:GITHUB_TOKEN}' });
    assert.deepEqual(s.secretEnv, ['API_KEY', 'DB_PASSWORD', 'GITHUB_TOKEN', 'INNOCENT']);
    assert.ok(!JSON.stringify(s).includes(TOKEN) && !JSON.stringify(s).includes('hunter2'));
    const h = fillSpec({ url: 'https://x.example/mcp', headers: { Authorization: `Bearer ${TOKEN}` } }, {}, 'kilo', 'my-server');
    assert.deepEqual(h.headers, { Authorization: 'Bearer {env:MY_SERVER_AUTHORIZATION}' });
    const kept = fillSpec({ command: 'srv', env: { API_KEY: '${env:MY_KEY}' } }, {}, 'vscode', 'n');
    assert.deepEqual(kept.env, { API_KEY: '${env:MY_KEY}' }, 'a reference is kept as written');
    assert.deepEqual(kept.secretEnv, []);
  });

  it('refuses what it cannot write safely, naming the field', () => {
    assert.match(code(() => fillSpec({ command: 'srv', args: ['{{nope}}'] }, {}, 'roo', 'n')), /^INVALID_ARGUMENT: params\.nope: missing: spec\.args\[0\] uses \{\{nope\}\}/);
    assert.match(code(() => fillSpec({ command: 'srv', args: ['{{ bad-name }}'] }, {}, 'roo', 'n')), /^INVALID_ARGUMENT: spec\.args\[0\]: a malformed placeholder/);
    assert.match(code(() => fillSpec({ command: `srv ${TOKEN}` }, {}, 'roo', 'n')), /^INVALID_ARGUMENT: spec\.command: holds what looks like a secret \(ghp_…/);
    assert.match(code(() => fillSpec({ url: 'https://u:pw@x.example/' }, {}, 'roo', 'n')), /^INVALID_ARGUMENT: spec\.url: holds a password/);
    assert.match(code(() => fillSpec({ url: 'file:///etc/passwd' }, {}, 'roo', 'n')), /^INVALID_ARGUMENT: spec\.url: must be an absolute http\(s\) URL/);
    assert.match(code(() => fillSpec({}, {}, 'roo', 'n')), /^INVALID_ARGUMENT: spec\.command: required/);
    assert.match(code(() => fillSpec({ url: 'https://x.example', env: { A: 'b' } }, {}, 'roo', 'n')), /^INVALID_ARGUMENT: spec\.env/);
    assert.match(code(() => fillSpec({ command: 'x', headers: { A: 'b' } }, {}, 'roo', 'n')), /^INVALID_ARGUMENT: spec\.headers/);
    assert.match(code(() => fillSpec({ command: 'x', type: 'sse' }, {}, 'roo', 'n')), /^INVALID_ARGUMENT: spec\.type/);
    assert.match(code(() => fillSpec({ command: 'x', env: { 'BAD-NAME': 'v' } }, {}, 'roo', 'n')), /^INVALID_ARGUMENT: spec\.env\.BAD-NAME/);
  });

  it('writes each client\'s own entry shape', () => {
    const stdio = fillSpec({ command: 'npx', args: ['-y', 'pkg@1.0.0'], env: { A: 'b' } }, {}, 'roo', 'n');
    assert.deepEqual(entryFor('roo', stdio), { command: 'npx', args: ['-y', 'pkg@1.0.0'], env: { A: 'b' } });
    assert.deepEqual(entryFor('vscode', stdio), { type: 'stdio', command: 'npx', args: ['-y', 'pkg@1.0.0'], env: { A: 'b' } });
    assert.deepEqual(entryFor('kilo', stdio), { type: 'local', command: ['npx', '-y', 'pkg@1.0.0'], environment: { A: 'b' } });
    const sse = fillSpec({ url: 'https://x.example/sse', type: 'sse' }, {}, 'roo', 'n');
    assert.deepEqual(entryFor('kilocode-legacy', sse), { type: 'sse', url: 'https://x.example/sse' });
    assert.deepEqual(entryFor('cursor', sse), { type: 'sse', url: 'https://x.example/sse' });
    assert.deepEqual(entryFor('vscode', sse), { type: 'sse', url: 'https://x.example/sse' });
    assert.deepEqual(entryFor('kilo', sse), { type: 'remote', url: 'https://x.example/sse' });
    const http = fillSpec({ url: 'https://x.example/mcp', type: 'http' }, {}, 'vscode', 'n');
    assert.deepEqual(entryFor('vscode', http), { type: 'http', url: 'https://x.example/mcp' });
    assert.deepEqual(entryFor('cursor', http), { url: 'https://x.example/mcp' });
  });

  it('names env variables after the placeholder', () => {
    assert.equal(envNameOf('apiKey'), 'API_KEY');
    assert.equal(envNameOf('github-token'), 'GITHUB_TOKEN');
    assert.equal(envNameOf('2fa'), '_2FA');
  });
});
