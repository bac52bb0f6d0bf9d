/**
 * The live checks read what a server sends, and a server may be hostile: every check must stay
 * linear on 100 KB of text built to make a regex backtrack (each pattern's own prefixes repeated,
 * then a tail that makes the match fail). Same method and budget as test/unit/redos: the fastest of
 * a few attempts, each with a fresh input, must stay under 500 ms (linear passes take milliseconds,
 * catastrophic ones seconds).
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { analyzeServerOutputs } from '../../../src/core/tool-security';
import { quoteSpan } from '../../../src/core/tool-security/escape';
import { probeOf } from './helpers';

const SIZE = 100_000;
const BUDGET_MS = 500;
const ATTEMPTS = 3;

function flood(unit: string, tail = '!'): string {
  return unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE) + tail;
}

function withinBudget(label: string, input: (salt: string) => string, call: (s: string) => unknown): void {
  let best = Infinity;
  for (let attempt = 0; attempt < ATTEMPTS && best >= BUDGET_MS; attempt++) {
    const s = input('!'.repeat(attempt));
    const started = performance.now();
    call(s);
    best = Math.min(best, performance.now() - started);
  }
  assert.ok(best < BUDGET_MS, `${label}: ${best.toFixed(0)} ms on a ${SIZE}-character input (budget ${BUDGET_MS} ms)`);
}

/** Where a string can sit: a description (every check), the instructions, a tool name, a schema default. */
const PLACES: readonly [string, (s: string) => Parameters<typeof analyzeServerOutputs>[0]][] = [
  ['description', (s) => [probeOf('mail', { send_email: 'x', create_draft: 'y' }), probeOf('s', { t: s })]],
  ['instructions', (s) => [probeOf('s', {}, { instructions: s })]],
  ['tool name', (s) => [probeOf('s', { [s]: 'x', read_file: 'y' })]],
  ['schema default', (s) => [probeOf('s', { t: { inputSchema: { type: 'object', properties: { a: { type: 'string', default: s } } } } })]],
];

const HOSTILE: readonly [string, (salt: string) => string][] = [
  // hidden instructions
  ['<', (x) => flood('<', x)],
  ['< / ', (x) => flood('< / ', x)],
  ['<|', (x) => flood('<|', x)],
  ['[ ', (x) => flood('[ ', x)],
  ['#', (x) => flood('#', x)],
  ['ignore all the ', (x) => flood('ignore all the ', x)],
  ['before using this tool ', (x) => flood('before using this tool ', x)],
  ['otherwise the tool ', (x) => flood('otherwise the tool ', x)],
  ['from now on ', (x) => flood('from now on ', x)],
  // concealment
  ['do not ', (x) => flood('do not ', x)],
  ['do not aaaa ', (x) => flood('do not aaaaaaaaaaaaaaaaaaaa ', x)],
  ['do not tell ', (x) => flood('do not tell ', x)],
  ['without ', (x) => flood('without ', x)],
  ['the user must not ', (x) => flood('the user must not ', x)],
  ['keep this ', (x) => flood('keep this ', x)],
  ['could upset ', (x) => flood('could upset ', x)],
  // paths
  ['~/', (x) => flood('~/', x)],
  ['/.ssh', (x) => flood('/.ssh', x)],
  ['.ssh/a', (x) => flood('.ssh/a', x)],
  ['.env', (x) => flood(' .env', 'x' + x)],
  ['.cursor/', (x) => flood('.cursor/a', x)],
  ['Login ', (x) => flood('Login ', x)],
  // exfiltration
  ['http://', (x) => flood('http://', x)],
  ['https://a?', (x) => flood('https://a?', x)],
  ['https://a?b=', (x) => flood('https://a?b=', x)],
  ['![', (x) => flood('![', x)],
  ['![a](http://a?', (x) => flood('![a](http://a?', x)],
  ['a@', (x) => flood('a@', x)],
  ['@a.', (x) => flood('@a.', x)],
  ['word run then @', (x) => flood('a', '@' + x)],
  ['send ', (x) => flood('send ', x)],
  ['bcc a@b.c ', (x) => flood('bcc a@b.c ', x)],
  ['include your ', (x) => flood('include your ', x)],
  ['send all the ', (x) => flood('send all the ', x)],
  ['encode ', (x) => flood('encode ', x)],
  ['encode aaaa ', (x) => flood('encode aaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaaa ', x)],
  ['base64 ', (x) => flood('base64 ', x)],
  // tokens and names
  ['a_', (x) => flood('a_', x)],
  ['a-', (x) => flood('a-', x)],
  ['mcp__', (x) => flood('mcp__', x)],
  ['send_email_', (x) => flood('send_email_', x)],
  ['long word', (x) => flood('a', x)],
  ['sentence ends', (x) => flood('. ', x)],
  // hidden characters and padding
  ['zero-width', (x) => flood('\u200b', x)],
  ['tag characters', (x) => flood('\u{e0041}', x)],
  ['flag then tags', (x) => flood('🏴\u{e0061}', x)],
  ['ESC [', (x) => flood('\x1b[;', x)],
  ['variation selectors', (x) => flood('a\ufe00', x)],
  ['199 spaces', (x) => flood(' '.repeat(199) + 'x', x)],
  ['19 blank lines', (x) => flood('\n'.repeat(19) + 'x', x)],
  ['spaces then newline', (x) => flood('    \n', 'x' + x)],
  ['Cyrillic', (x) => flood('іgnоre ', x)],
];

describe('regex budget: the live checks are linear on 100 KB of hostile text', () => {
  for (const [name, input] of HOSTILE) {
    it(name, () => {
      for (const [place, probes] of PLACES) withinBudget(`analyzeServerOutputs(${place}: ${name})`, input, (s) => analyzeServerOutputs(probes(s)));
    });
  }

  it('quoteSpan on a huge span of hidden characters', () => {
    withinBudget('quoteSpan', (x) => flood('\u{e0041}', x), (s) => assert.ok(quoteSpan(s, 0, s.length).length <= 330));
  });
});
