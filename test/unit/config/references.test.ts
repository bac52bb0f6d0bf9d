import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { envReference, findReferences, isPureReference, stripReferences, suggestEnvVarName } from '../../../src/core/config/references';

describe('findReferences', () => {
  it('recognises every client syntax with offsets into the value', () => {
    const cases: [string, { kind: string; name: string }][] = [
      ['${env:GITHUB_TOKEN}', { kind: 'env', name: 'GITHUB_TOKEN' }],
      ['{env:OPENAI_API_KEY}', { kind: 'env', name: 'OPENAI_API_KEY' }],
      ['${input:github_token}', { kind: 'input', name: 'github_token' }],
      ['${workspaceFolder}', { kind: 'workspace', name: 'workspaceFolder' }],
      ['${workspaceFolderBasename}', { kind: 'workspace', name: 'workspaceFolderBasename' }],
      ['${workspaceFolder:api}', { kind: 'workspace', name: 'workspaceFolder:api' }],
      ['${userHome}', { kind: 'workspace', name: 'userHome' }],
      ['${pathSeparator}', { kind: 'workspace', name: 'pathSeparator' }],
      ['${/}', { kind: 'workspace', name: '/' }],
      ['{file:~/.secrets/api key.txt}', { kind: 'file', name: '~/.secrets/api key.txt' }],
      ['$GITHUB_TOKEN', { kind: 'shell', name: 'GITHUB_TOKEN' }],
      ['${GITHUB_TOKEN}', { kind: 'shell', name: 'GITHUB_TOKEN' }],
    ];
    for (const [value, expected] of cases) {
      assert.deepEqual(findReferences(value), [{ ...expected, start: 0, end: value.length }], value);
    }
  });

  it('finds several references embedded in text, each once', () => {
    const value = 'Bearer ${env:TOKEN} at ${workspaceFolder}/x and {env:Y}';
    const refs = findReferences(value);
    assert.deepEqual(
      refs.map((r) => [r.kind, r.name, value.slice(r.start, r.end)]),
      [
        ['env', 'TOKEN', '${env:TOKEN}'],
        ['workspace', 'workspaceFolder', '${workspaceFolder}'],
        ['env', 'Y', '{env:Y}'],
      ],
    );
  });

  it('takes shell-style $VAR only as the whole (trimmed) value', () => {
    assert.deepEqual(findReferences('  $HOME '), [{ kind: 'shell', name: 'HOME', start: 2, end: 7 }]);
    assert.deepEqual(findReferences('Bearer $TOKEN'), []);
    assert.deepEqual(findReferences('pa$$word'), []);
    assert.deepEqual(findReferences('$1abc'), []);
    assert.deepEqual(findReferences('${HOME}/x'), []);
    assert.deepEqual(findReferences('$'), []);
  });

  it('ignores look-alikes', () => {
    for (const v of ['', 'plain', '{}', '${}', '${env:}', '{env:}', '${config:editor.fontSize}', '{"a":1}', 'env:X', '${ env:X }']) {
      assert.deepEqual(findReferences(v), [], v);
    }
  });
});

describe('isPureReference', () => {
  it('is true only when the whole trimmed value is one reference', () => {
    for (const v of ['${env:X}', ' {env:X} ', '${input:id}', '$HOME', '${HOME}', '{file:./key}', '${userHome}']) assert.equal(isPureReference(v), true, v);
    for (const v of ['', 'x', 'Bearer ${env:X}', '${env:X}${env:Y}', '${workspaceFolder}/bin', '${env:X} x', '$HOME/bin']) assert.equal(isPureReference(v), false, v);
  });
});

describe('stripReferences', () => {
  it('removes every reference and keeps the literal text', () => {
    assert.equal(stripReferences('Bearer ${env:TOKEN}'), 'Bearer ');
    assert.equal(stripReferences('Bearer {env:TOKEN}'), 'Bearer ');
    assert.equal(stripReferences('${workspaceFolder}/a/${input:b}.json'), '/a/.json');
    assert.equal(stripReferences('$TOKEN'), '');
    assert.equal(stripReferences('no refs'), 'no refs');
  });

  it('property: removes exactly the reference spans', () => {
    const piece = fc.oneof(fc.string({ unit: 'binary', maxLength: 8 }), fc.constantFrom('${env:A}', '{env:B}', '${input:c}', '${userHome}', '{file:/d}', '$', '{', '}'));
    fc.assert(
      fc.property(fc.array(piece, { maxLength: 8 }), (parts) => {
        const value = parts.join('');
        const refs = findReferences(value);
        const removed = refs.reduce((n, r) => n + (r.end - r.start), 0);
        const stripped = stripReferences(value);
        assert.equal(stripped.length, value.length - removed);
        let prev = 0;
        for (const r of refs) {
          assert.ok(r.start >= prev && r.end > r.start);
          prev = r.end;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('envReference', () => {
  it('writes the syntax of the config family', () => {
    assert.equal(envReference('kilo', 'GITHUB_TOKEN'), '{env:GITHUB_TOKEN}');
    assert.equal(envReference('other', 'GITHUB_TOKEN'), '${env:GITHUB_TOKEN}');
    assert.equal(isPureReference(envReference('kilo', 'A_B')), true);
    assert.equal(isPureReference(envReference('other', 'A_B')), true);
  });
});

describe('suggestEnvVarName', () => {
  it('builds an UPPER_SNAKE name from the server and field', () => {
    assert.equal(suggestEnvVarName('Authorization', 'github'), 'GITHUB_AUTHORIZATION');
    assert.equal(suggestEnvVarName('GITHUB_TOKEN', 'x'), 'GITHUB_TOKEN');
    assert.equal(suggestEnvVarName('api-key', 'my server'), 'MY_SERVER_API_KEY');
    assert.equal(suggestEnvVarName('apiKey', 'brave-search'), 'BRAVE_SEARCH_API_KEY');
    assert.equal(suggestEnvVarName('X-API-Key', 'Linear'), 'LINEAR_X_API_KEY');
    assert.equal(suggestEnvVarName('github-token', 'github'), 'GITHUB_TOKEN');
    assert.equal(suggestEnvVarName('token', '1password'), 'MCP_1PASSWORD_TOKEN');
    assert.equal(suggestEnvVarName('clé', 'café'), 'CAFE_CLE');
    assert.equal(suggestEnvVarName('', ''), 'SECRET');
    assert.equal(suggestEnvVarName('--', '@scope/server'), 'SCOPE_SERVER_SECRET');
  });

  it('property: always a valid environment variable name', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 40 }), fc.string({ unit: 'binary', maxLength: 40 }), (field, server) => {
        assert.match(suggestEnvVarName(field, server), /^[A-Z_][A-Z0-9_]*$/);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('robustness', () => {
  it('property: no function throws on arbitrary unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        findReferences(s);
        isPureReference(s);
        stripReferences(s);
        envReference('kilo', s);
        suggestEnvVarName(s, s);
      }),
      { numRuns: 1000 },
    );
  });
});

describe('linear-time rewrites', () => {
  it('splits capital runs before a capitalised word, and trims one separator at each end', () => {
    assert.equal(suggestEnvVarName('XApiKey', 'srv'), 'SRV_X_API_KEY');
    assert.equal(suggestEnvVarName('HTTPProxyPassword', 'srv'), 'SRV_HTTP_PROXY_PASSWORD');
    assert.equal(suggestEnvVarName('__x-api-key__', '--my--server--'), 'MY_SERVER_X_API_KEY');
    assert.equal(suggestEnvVarName('_', '_'), 'SECRET');
    const long = suggestEnvVarName('A'.repeat(100_000) + 'b', 'srv');
    assert.equal(long, 'SRV_' + 'A'.repeat(99_999) + '_AB');
  });

  it('gives a whole-value shell reference its offset after leading blanks', () => {
    assert.deepEqual(findReferences('  \t$GITHUB_TOKEN  '), [{ kind: 'shell', name: 'GITHUB_TOKEN', start: 3, end: 16 }]);
    assert.deepEqual(findReferences('\n${API_KEY}'), [{ kind: 'shell', name: 'API_KEY', start: 1, end: 11 }]);
  });
});
