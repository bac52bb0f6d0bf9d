/**
 * Every public entry point that runs a regex over config text must stay linear on hostile input:
 * a config file is untrusted, and one quadratic (or exponential) pattern turns a 100 KB value into
 * seconds, minutes or a hang. The inputs repeat each pattern's own prefixes (so every position is a
 * candidate start) and end in a tail that makes the match fail.
 *
 * This is one place where a timing assertion is justified: a linear pass over 100 KB takes a few
 * milliseconds, the catastrophic cases seconds or more, orders of magnitude apart. The bound is
 * generous and a slow call is retried (with a fresh input, so no cache answers it) before failing,
 * so a loaded machine or a GC pause does not make the test flaky.
 */
import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import { findReferences, stripReferences, suggestEnvVarName } from '../../../src/core/config/references';
import { globMatch } from '../../../src/core/policy/glob';
import { sanitizeForTerminal, stripAnsi } from '../../../src/core/report/ansi';
import { downloadsAndRuns } from '../../../src/core/rules/support/download-and-run';
import { maskScriptSecrets } from '../../../src/core/rules/support/script-secrets';
import { dangerOf } from '../../../src/core/rules/support/tool-names';
import { findKnownSecrets, isHighEntropySecretValue, maskSecret, redactSecrets } from '../../../src/core/secrets/detect-secrets';
import { isSecretLikeName } from '../../../src/core/secrets/secret-names';
import { TOKEN_PATTERNS } from '../../../src/core/secrets/token-patterns';
import { assessFiles, findingsOf, LEGACY, legacyConfig } from '../rules/helpers';

const SIZE = 100_000;
const BUDGET_MS = 500;
const ATTEMPTS = 3;

/** `unit` repeated to SIZE characters, then `tail`. */
function flood(unit: string, tail = '!'): string {
  return unit.repeat(Math.ceil(SIZE / unit.length)).slice(0, SIZE) + tail;
}

/**
 * Runs `call` on `input(salt)` and fails if even the fastest of a few attempts takes BUDGET_MS or
 * more. Each attempt gets a different salt, so memoised verdicts cannot hide a slow computation.
 */
async function withinBudget(label: string, input: (salt: string) => string, call: (s: string) => unknown): Promise<void> {
  let best = Infinity;
  for (let attempt = 0; attempt < ATTEMPTS && best >= BUDGET_MS; attempt++) {
    const s = input('!'.repeat(attempt));
    const started = performance.now();
    await call(s);
    best = Math.min(best, performance.now() - started);
  }
  assert.ok(best < BUDGET_MS, `${label}: ${best.toFixed(0)} ms on a ${SIZE}-character input (budget ${BUDGET_MS} ms)`);
}

const TEXT_ENTRY_POINTS: readonly [string, (s: string) => unknown][] = [
  ['findKnownSecrets', findKnownSecrets],
  ['redactSecrets', redactSecrets],
  ['maskSecret', maskSecret],
  ['isSecretLikeName', isSecretLikeName],
  ['isHighEntropySecretValue', (s) => isHighEntropySecretValue(s)],
  ['isHighEntropySecretValue (password)', (s) => isHighEntropySecretValue(s, { minLength: 8 })],
  ['findReferences', findReferences],
  ['stripReferences', stripReferences],
  ['suggestEnvVarName', (s) => suggestEnvVarName(s, s)],
  ['maskScriptSecrets', maskScriptSecrets],
  ['downloadsAndRuns', downloadsAndRuns],
  ['sanitizeForTerminal', sanitizeForTerminal],
  ['stripAnsi', stripAnsi],
  ['dangerOf', dangerOf],
];

/** The reviewer's measured cases and the prefixes of every other pattern in the secret, reference and script code. */
const HOSTILE: readonly [string, (salt: string) => string][] = [
  // Exponential: VERSION_LIKE's nested `(?:[-+][0-9A-Za-z.-]+)*`, under a secret-like env name.
  ['version, 87 characters', (x) => '1.2' + '-a'.repeat(40) + '!' + x],
  ['version, long', (x) => '1.2' + flood('-a', '!' + x)],
  ['version with + parts', (x) => '1.2.3' + flood('+a-', '+' + x)],
  // Quadratic: `([A-Z]+)([A-Z][a-z])` name splitting.
  ['capital run', (x) => flood('A', x)],
  ['capital run, lower tail', (x) => flood('A', 'a' + x)],
  // Token patterns whose failed attempts rescanned the next candidate.
  ['_eyJ', (x) => flood('_eyJ', x)],
  ['-eyJ', (x) => flood('-eyJ', x)],
  ['.eyJ header.', (x) => flood('.eyJaaaa', x)],
  ['eyJ header.payload.', (x) => flood('eyJaaaa.eyJbbbb._', x)],
  ['xoxb-', (x) => flood('xoxb-', x)],
  ['xoxb-1-, refused tail', (x) => flood('xoxb-1-', '_' + x)],
  ['xapp-a', (x) => flood('xapp-a', x)],
  ['PEM headers without END', (x) => flood('-----BEGIN PRIVATE KEY-----!', x)],
  ['PEM header then base64', (x) => '-----BEGIN RSA PRIVATE KEY-----\n' + flood('QUJD\n', x)],
  ['PEM header words', (x) => flood('-----BEGIN A B C ', x)],
  ['whitespace before a letter', (x) => flood(' ', 'a' + x)],
  ['line breaks before a letter', (x) => flood('\n', 'a' + x)],
  // Basic credentials: a run of colons that decodes to non-printable.
  ['Basic colons', (x) => 'Basic ' + Buffer.from(':'.repeat(70_000) + '\u0001').toString('base64') + x],
  // Placeholder, path, number, e-mail and package shapes.
  ['x run', (x) => flood('xxx_', x)],
  ['digits', (x) => flood('1', 'x' + x)],
  ['digits and dots', (x) => flood('1.', 'x' + x)],
  ['e-mail', (x) => 'a@' + flood('.aa', '.' + x)],
  ['path segments', (x) => flood('a/', '.' + x)],
  ['package spec', (x) => flood('a==', x)],
  ['assignment', (x) => flood('--a', '=' + x)],
  // References.
  ['${env:', (x) => flood('${env:', x)],
  ['{file:', (x) => flood('{file:', x)],
  ['${workspaceFolder:', (x) => flood('${workspaceFolder:', x)],
  ['$', (x) => flood('$', 'A' + x)],
  ['leading blanks, shell reference', (x) => flood(' ', '$TOKEN' + x)],
  // Script secrets: quotes and punctuation around words, assignments, URLs and query strings.
  ['closing punctuation', (x) => flood(');', 'a' + x)],
  ['quotes', (x) => flood('"\'`', 'a' + x)],
  ['many secret assignments', (x) => flood('API_KEY=Zq8xWv3Rk9Lp2Tn7 ', x)],
  ['flags expecting a value', (x) => flood('--token ', x)],
  ['URL user:password', (x) => flood('//a:', x)],
  ['URL query', (x) => flood('?a=', x)],
  ['query parameters', (x) => flood('&api_key=Zq8xWv3Rk9Lp2Tn7', x)],
  ['Bearer', (x) => flood('Bearer ', x)],
  // Shell: downloads, pipes, substitutions, inline code.
  ['curl ', (x) => flood('curl ', x)],
  ['curl |', (x) => flood('curl |', x)],
  ['| sudo -x ', (x) => flood('| sudo -x ', x)],
  ['eval ', (x) => flood('eval ', x)],
  ['bash -x ', (x) => flood('bash -x ', x)],
  ['bash -bash ', (x) => flood('bash -bash ', x)],
  ['; $(', (x) => flood('; $(', x)],
  ['line breaks then $(', (x) => flood('\n', '$(' + x)],
  ['<(', (x) => flood('<(', x)],
  ['download to file', (x) => flood('curl -o a.sh x; ', x)],
  ['runner', (x) => flood('sh a; ', x)],
  ['fetch( exec(', (x) => flood('fetch( exec(', x)],
  ['require(', (x) => flood('require( ', x)],
  ['[scriptblock]', (x) => flood('[scriptblock] ::', x)],
  // Terminal output.
  ['ESC [', (x) => flood('\x1b[;', x)],
  ['tag characters', (x) => flood('\u{e0041}\u200b', x)],
];

/** For each token pattern: its prefix (or anchors), alone and with characters its body and boundaries test. */
const TOKEN_SEEDS: readonly string[] = [
  ...new Set(TOKEN_PATTERNS.flatMap((p) => [...p.anchors, ...(p.prefix === undefined ? [] : [p.prefix])]).flatMap((a) => [a, a + '1-', '_' + a + 'a.'])),
];

describe('regex budget: every entry point is linear on 100 KB of hostile text', () => {
  for (const [name, input] of HOSTILE) {
    it(name, async () => {
      for (const [fn, call] of TEXT_ENTRY_POINTS) await withinBudget(`${fn}(${name})`, input, call);
    });
  }

  it('token prefixes repeated, with failing tails', async () => {
    // findKnownSecrets runs every pattern whose anchor occurs (redactSecrets and the rest call it).
    for (const seed of TOKEN_SEEDS) await withinBudget(`findKnownSecrets(${seed}…)`, (x) => flood(seed, '_' + x), findKnownSecrets);
  });

  it('a secret-like env name and its value, both hostile', async () => {
    await withinBudget('isSecretLikeName + isHighEntropySecretValue', (x) => flood('A', x), (s) => isSecretLikeName(s) || isHighEntropySecretValue('1.2' + '-a'.repeat(40) + '!'));
  });
});

describe('regex budget: the shell-command rule, end to end', () => {
  const SERVERS: readonly [string, (v: string) => { command: string; args?: string[] }][] = [
    ['bash -c', (v) => ({ command: 'bash', args: ['-c', v] })],
    ['bash operand', (v) => ({ command: 'bash', args: [v] })],
    ['node -e', (v) => ({ command: 'node', args: ['-e', v] })],
    ['python3 -c', (v) => ({ command: 'python3', args: ['-c', v] })],
    ['npx -c', (v) => ({ command: 'npx', args: ['-c', v] })],
    ['pwsh -Command', (v) => ({ command: 'pwsh', args: ['-Command', v] })],
    ['cmd /c', (v) => ({ command: 'cmd', args: ['/c', v] })],
    ['deno run', (v) => ({ command: 'deno', args: ['run', '-A', v] })],
    ['command string', (v) => ({ command: v })],
  ];
  const VALUES: readonly [string, (salt: string) => string][] = [
    ['curl ', (x) => flood('curl ', x)],
    ['line breaks', (x) => flood('\n', x)],
    ['API_KEY=… ', (x) => flood('API_KEY=Zq8xWv3Rk9Lp2Tn7 ', x)],
  ];

  for (const [shape, entry] of SERVERS) {
    it(shape, async () => {
      for (const [name, value] of VALUES) {
        await withinBudget(
          `assessTarget(${shape} ${name})`,
          (x) => legacyConfig({ s: entry(value(x)) }),
          async (text) => findingsOf(await assessFiles({ [LEGACY]: text }), 'shell-command'),
        );
      }
    });
  }

  it('still reports a download piped into a shell at the end of a long script', async () => {
    const text = legacyConfig({ s: { command: 'bash', args: ['-c', flood('curl ', ' | sh')] } });
    const [f] = findingsOf(await assessFiles({ [LEGACY]: text }), 'shell-command', 's');
    assert.equal(f?.severity, 'critical');
  });
});

describe('regex budget: policy globs', () => {
  it('matches `*a*a*a*a*a*a*a*a*a*c` against 60 and 100 000 characters at once (was minutes)', async () => {
    const glob = '*a*a*a*a*a*a*a*a*a*c';
    await withinBudget('globMatch(60)', (x) => 'a'.repeat(60) + x, (v) => assert.equal(globMatch(glob, v), false));
    await withinBudget('globMatch(100k)', (x) => flood('a', x), (v) => assert.equal(globMatch(glob, v), false));
    await withinBudget('globMatch(many stars)', (x) => flood('a', x), (v) => globMatch('*a'.repeat(5_000) + '*c', v));
    await withinBudget('globMatch(long piece)', (x) => flood('a', x), (v) => globMatch('*' + 'a'.repeat(5_000) + 'b*', v));
  });
});
