import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { allowedBy, globMatch } from '../../../src/core/policy/glob';

/** What globMatch used to be: `*` as `.*` in a case-insensitive RegExp (right, but exponential on `*a*a*a…`). */
function regexReference(glob: string, value: string): boolean {
  return new RegExp('^' + glob.split('*').map((p) => p.replace(/[.+?^${}()|[\]\\]/g, '\\$&')).join('.*') + '$', 'i').test(value);
}

describe('globMatch (no RegExp)', () => {
  it('matches whole values, case-insensitively, with `*` as any run of characters including `/`', () => {
    const yes: [string, string][] = [
      ['github', 'github'],
      ['GitHub', 'gitHUB'],
      ['*', ''],
      ['*', 'anything/at all'],
      ['github-*', 'github-mcp'],
      ['github-*', 'github-'],
      ['*.example.com', 'api.example.com'],
      ['*.example.com', 'a.b.example.com'],
      ['@modelcontextprotocol/*', '@modelcontextprotocol/server-github'],
      ['*mcp*', 'my-mcp-server'],
      ['a*b*c', 'abc'],
      ['a*b*c', 'aXXbYYbZZc'],
      ['**', 'x'],
      ['*a*a*a*a*a*a*a*a*a*c', 'a'.repeat(59) + 'c'],
      ['.kilocode/*.json', '.KILOCODE/mcp.json'],
    ];
    for (const [g, v] of yes) assert.equal(globMatch(g, v), true, `${g} ~ ${v}`);
    const no: [string, string][] = [
      ['github', 'github-mcp'],
      ['github', 'my-github'],
      ['github-*', 'github'],
      ['*.example.com', 'example.com'],
      ['a*a', 'a'],
      ['a*b*c', 'acb'],
      ['*a*a*a*a*a*a*a*a*a*c', 'a'.repeat(60)],
      // Only `*` is special: RegExp syntax in a glob is literal.
      ['a.b', 'axb'],
      ['a+', 'aa'],
      ['(x)|y', 'y'],
      ['[ab]', 'a'],
      ['^x$', 'x'],
      ['x?', 'x'],
      ['\\d', '1'],
    ];
    for (const [g, v] of no) assert.equal(globMatch(g, v), false, `${g} !~ ${v}`);
    assert.equal(globMatch('[ab]', '[AB]'), true);
    assert.equal(globMatch('\\d', '\\D'), true);
  });

  it('property: agrees with the RegExp it replaces, ASCII and Unicode case folding included', () => {
    const alphabet = fc.constantFrom('a', 'A', 'b', '*', '.', '/', '-', 'ß', 'ſ', 's', 'S', 'K', 'k', '\u212a', 'İ', 'i', 'é', 'É', 'σ', 'Σ', 'ς', '🔑');
    const text = fc.array(alphabet, { maxLength: 8 }).map((a) => a.join(''));
    fc.assert(
      fc.property(text, text, (g, v) => {
        assert.equal(globMatch(g, v), regexReference(g, v), `${JSON.stringify(g)} vs ${JSON.stringify(v)}`);
      }),
      { numRuns: 5000 },
    );
  });
});

describe('allowedBy', () => {
  it('deny wins; an absent or empty allow list allows everything; otherwise the value must match one allow glob', () => {
    assert.deepEqual(allowedBy(undefined, 'x'), { ok: true });
    assert.deepEqual(allowedBy({}, 'x'), { ok: true });
    assert.deepEqual(allowedBy({ allow: [] }, 'x'), { ok: true });
    assert.deepEqual(allowedBy({ allow: ['github-*'], deny: ['*-evil'] }, 'github-evil'), { ok: false, why: 'denied by "*-evil"' });
    assert.deepEqual(allowedBy({ allow: ['github-*', '@scope/*'] }, 'GitHub-MCP'), { ok: true });
    assert.deepEqual(allowedBy({ allow: ['github-*', '@scope/*'] }, 'gitlab'), { ok: false, why: 'not in the allowed list ("github-*", "@scope/*")' });
    assert.deepEqual(allowedBy({ deny: ['*a*a*a*a*a*a*a*a*a*c'] }, 'a'.repeat(60)), { ok: true });
  });
});
