import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { nameProblem, splitCommandLine, urlProblem } from '../../../src/extension/install/command-line';

describe('splitCommandLine (the Install command input)', () => {
  it('splits on whitespace and keeps quoted words whole', () => {
    assert.deepEqual(splitCommandLine(`npx -y @scope/pkg@1.2.3 --root '/my dir' "a \\"b\\"" c\\ d`), { ok: true, words: ['npx', '-y', '@scope/pkg@1.2.3', '--root', '/my dir', 'a "b"', 'c d'] });
  });
  it('expands nothing', () => {
    assert.deepEqual(splitCommandLine('node $HOME/x.js *.ts ~'), { ok: true, words: ['node', '$HOME/x.js', '*.ts', '~'] });
  });
  it('keeps an empty quoted word', () => {
    assert.deepEqual(splitCommandLine(`cmd '' ""`), { ok: true, words: ['cmd', '', ''] });
  });
  it('refuses an unclosed quote and an empty line with a message saying what to do', () => {
    const a = splitCommandLine(`npx 'oops`);
    assert.equal(a.ok, false);
    assert.match(!a.ok ? a.error : '', /single quote is not closed/);
    const b = splitCommandLine('   ');
    assert.equal(b.ok, false);
    assert.match(!b.ok ? b.error : '', /e\.g\. npx/);
  });
  it('round-trips any words quoted with single quotes (property)', () => {
    fc.assert(
      fc.property(fc.array(fc.string({ minLength: 1 }).filter((w) => !w.includes("'")), { minLength: 1, maxLength: 8 }), (words) => {
        const r = splitCommandLine(words.map((w) => `'${w}'`).join(' '));
        assert.deepEqual(r, { ok: true, words });
      }),
    );
  });
  it('never throws on any input', () => {
    fc.assert(fc.property(fc.string(), (s) => void splitCommandLine(s)));
  });
});

describe('install input checks', () => {
  it('names: the Installer rule', () => {
    assert.equal(nameProblem('memory'), undefined);
    assert.equal(nameProblem('a.b_c-1'), undefined);
    assert.match(nameProblem('') ?? '', /Give the server a name/);
    assert.match(nameProblem('-x') ?? '', /starting with a letter/);
    assert.match(nameProblem('a b') ?? '', /Letters/);
    assert.match(nameProblem('a'.repeat(129)) ?? '', /128/);
  });
  it('urls: https, or http only for this machine', () => {
    assert.equal(urlProblem('https://mcp.example.com/mcp'), undefined);
    assert.equal(urlProblem('http://localhost:3000/mcp'), undefined);
    assert.match(urlProblem('http://mcp.example.com/mcp') ?? '', /clear text/);
    assert.match(urlProblem('mcp.example.com') ?? '', /full URL/);
    assert.match(urlProblem('file:///etc/passwd') ?? '', /https/);
  });
});
