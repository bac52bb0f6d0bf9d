import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { candidatePatterns, MIN_TOKEN_LENGTH, mayContainToken, TOKEN_PATTERNS, TOKEN_PREFIXES, type TokenPattern } from '../../../src/core/secrets/token-patterns';
import { ALNUM, B64, DIGITS, fake, HEX, LOWER, UPPER, URLSAFE } from './fake-tokens';


function b64url(s: string): string {
  return Buffer.from(s).toString('base64url');
}

function pem(kind: string, seed = 3): string {
  const label = `${kind}PRIVATE KEY${kind === 'PGP ' ? ' BLOCK' : ''}`;
  const lines = [0, 1, 2, 3].map((i) => fake(64, B64, seed + i));
  return ['-----BEGIN ' + label + '-----', ...lines, '-----END ' + label + '-----'].join('\n');
}

const jwt = (seed = 5): string =>
  [b64url(JSON.stringify({ alg: 'HS256', typ: 'JWT' })), b64url(JSON.stringify({ sub: 'fake-' + fake(8, LOWER, seed), iat: 1700000000 })), fake(43, URLSAFE, seed)].join('.');

const slack = (kind: string): string => `${kind}-${fake(12, DIGITS, 11)}-${fake(13, DIGITS, 12)}-${fake(24, ALNUM, 13)}`;

/** Per pattern id: correctly shaped fakes that must match whole, and near misses that must not match at all. */
const CASES: Record<string, { positive: string[]; negative: string[] }> = {
  'github-pat': { positive: ['ghp_' + fake(36, ALNUM)], negative: ['ghp_' + fake(35, ALNUM), 'ghp_' + fake(37, ALNUM), 'xghp_' + fake(36, ALNUM), 'ghp-' + fake(36, ALNUM)] },
  'github-oauth': { positive: ['gho_' + fake(36, ALNUM, 2)], negative: ['gho_' + fake(20, ALNUM, 2), 'mango_' + fake(30, ALNUM)] },
  'github-user-to-server': { positive: ['ghu_' + fake(36, ALNUM, 3)], negative: ['ghu_' + fake(36, ALNUM, 3) + 'Z'] },
  'github-server-to-server': { positive: ['ghs_' + fake(36, ALNUM, 4)], negative: ['ghs_' + fake(30, ALNUM, 4) + '-' + fake(5, ALNUM)] },
  'github-refresh': { positive: ['ghr_' + fake(36, ALNUM, 5)], negative: ['ghr_' + fake(36, ALNUM, 5).slice(0, 30)] },
  'github-fine-grained-pat': {
    positive: ['github_pat_' + fake(22, ALNUM, 6) + '_' + fake(59, ALNUM, 7)],
    negative: ['github_pat_' + fake(22, ALNUM, 6), 'github_pat_example', 'mygithub_pat_' + fake(22, ALNUM) + '_' + fake(59, ALNUM)],
  },
  'anthropic-admin': { positive: ['sk-ant-admin01-' + fake(93, URLSAFE, 8)], negative: ['sk-ant-admin01-' + fake(10, ALNUM)] },
  anthropic: {
    positive: ['sk-ant-api03-' + fake(93, URLSAFE, 9), 'sk-ant-' + fake(24, ALNUM, 10)],
    negative: ['sk-ant-' + fake(12, ALNUM), 'desk-ant-' + fake(40, ALNUM)],
  },
  'openai-project': { positive: ['sk-proj-' + fake(156, URLSAFE, 11)], negative: ['sk-proj-' + fake(8, ALNUM), 'disk-proj-' + fake(40, ALNUM)] },
  'openai-service-account': { positive: ['sk-svcacct-' + fake(120, URLSAFE, 12)], negative: ['sk-svcacct-' + fake(10, ALNUM)] },
  'openai-admin': { positive: ['sk-admin-' + fake(100, URLSAFE, 13)], negative: ['sk-admin-panel'] },
  openai: {
    positive: ['sk-' + fake(48, ALNUM, 14), 'sk-' + fake(32, HEX, 15)],
    negative: ['sk-learn', 'scikit-learn', 'sk-' + fake(24, LOWER), 'task-' + fake(40, ALNUM), 'sk-' + fake(12, ALNUM), 'sk-ant-api03-' + fake(93, URLSAFE, 9)],
  },
  'aws-access-key-id': {
    positive: ['AKIA' + fake(16, UPPER + DIGITS, 16)],
    negative: ['AKIA' + fake(15, UPPER + DIGITS), 'akia' + fake(16, UPPER + DIGITS).toLowerCase(), 'AKIA' + fake(16, UPPER + DIGITS) + 'Q', 'AKIA' + fake(16, LOWER)],
  },
  'aws-temporary-access-key-id': { positive: ['ASIA' + fake(16, UPPER + DIGITS, 17)], negative: ['ASIA' + fake(10, UPPER), 'EURASIA' + fake(16, UPPER + DIGITS)] },
  'slack-bot': { positive: [slack('xoxb')], negative: ['xoxb-placeholder-token', 'xoxb-123', 'xoxb-'] },
  'slack-user': { positive: [`xoxp-${fake(12, DIGITS)}-${fake(12, DIGITS, 2)}-${fake(13, DIGITS, 3)}-${fake(32, HEX)}`], negative: ['xoxp-your-token-here'] },
  'slack-workspace': { positive: [slack('xoxa')], negative: ['xoxa-short1'] },
  'slack-refresh': { positive: [slack('xoxr')], negative: ['xoxr-refresh-token'] },
  'slack-session': { positive: [slack('xoxs')], negative: ['xoxs-' + 'session-cookie'] },
  'slack-app': { positive: [`xapp-1-A${fake(10, UPPER + DIGITS)}-${fake(13, DIGITS)}-${fake(64, HEX)}`], negative: ['xapp-config'] },
  'slack-webhook': {
    positive: [`https://hooks.slack.com/services/T${fake(8, UPPER + DIGITS)}/B${fake(8, UPPER + DIGITS, 2)}/${fake(24, ALNUM)}`],
    negative: ['https://hooks.slack.com/', 'https://hooks.slack.com/services/', 'https://api.slack.com/apps', `https://example.com/services/T${fake(8, UPPER)}/B${fake(8, UPPER)}/${fake(24, ALNUM)}`],
  },
  'stripe-live-secret': { positive: ['sk_live_' + fake(24, ALNUM, 18)], negative: ['pk_live_' + fake(24, ALNUM, 18), 'sk_live_' + fake(10, ALNUM)] },
  'stripe-test-secret': { positive: ['sk_test_' + fake(99, ALNUM, 19)], negative: ['pk_test_' + fake(99, ALNUM, 19), 'desk_test_' + fake(24, ALNUM)] },
  'stripe-live-restricted': { positive: ['rk_live_' + fake(24, ALNUM, 20)], negative: ['work_live_' + fake(24, ALNUM)] },
  'stripe-test-restricted': { positive: ['rk_test_' + fake(24, ALNUM, 21)], negative: ['rk_test_short'] },
  'google-api-key': { positive: ['AIza' + fake(35, URLSAFE, 22)], negative: ['AIza' + fake(34, ALNUM), 'AIza' + fake(36, ALNUM), 'xAIza' + fake(35, ALNUM)] },
  'google-oauth-client-secret': { positive: ['GOCSPX-' + fake(28, URLSAFE, 23)], negative: ['GOCSPX-' + fake(10, ALNUM)] },
  jwt: {
    positive: [jwt(), jwt(9)],
    negative: [b64url('{"alg":"none"}') + '.' + b64url('{"sub":"x"}') + '.', 'eyJ' + fake(30, ALNUM), 'abc.' + b64url('{"sub":"x"}') + '.' + fake(43, URLSAFE)],
  },
  'private-key': {
    positive: ['', 'RSA ', 'EC ', 'DSA ', 'OPENSSH ', 'ENCRYPTED ', 'PGP '].map((k, i) => pem(k, i + 1)),
    negative: ['-----BEGIN ' + 'PUBLIC KEY-----\n' + fake(64, B64) + '\n-----END PUBLIC KEY-----', '-----BEGIN ' + 'CERTIFICATE-----\n' + fake(64, B64), 'BEGIN PRIVATE KEY'],
  },
  'gitlab-pat': { positive: ['glpat-' + fake(20, URLSAFE, 24)], negative: ['glpat-' + fake(10, ALNUM)] },
  npm: { positive: ['npm_' + fake(36, ALNUM, 25)], negative: ['npm_' + fake(20, ALNUM), 'npm_config_registry'] },
  huggingface: { positive: ['hf_' + fake(34, UPPER + LOWER, 26)], negative: ['hf_' + fake(34, LOWER), 'hf_' + fake(12, ALNUM)] },
  groq: { positive: ['gsk_' + fake(52, ALNUM, 27)], negative: ['gsk_' + fake(20, ALNUM)] },
  xai: { positive: ['xai-' + fake(80, ALNUM, 28)], negative: ['xai-' + fake(30, ALNUM), 'xai-grok-beta'] },
  perplexity: { positive: ['pplx-' + fake(48, ALNUM, 29)], negative: ['pplx-' + fake(20, ALNUM)] },
  tavily: { positive: ['tvly-' + fake(32, ALNUM, 30), 'tvly-dev-' + fake(32, ALNUM, 31)], negative: ['tvly-' + fake(10, ALNUM)] },
  firecrawl: { positive: ['fc-' + fake(32, HEX, 32)], negative: ['fc-' + fake(31, HEX), 'rfc-' + fake(32, HEX), 'fc-' + fake(32, UPPER)] },
  figma: { positive: ['figd_' + fake(40, URLSAFE, 33)], negative: ['figd_' + fake(12, ALNUM)] },
  linear: { positive: ['lin_api_' + fake(40, ALNUM, 34)], negative: ['lin_api_' + fake(39, ALNUM)] },
  notion: { positive: ['ntn_' + fake(46, ALNUM, 35)], negative: ['ntn_' + fake(20, ALNUM)] },
  'notion-legacy': { positive: ['secret_' + fake(43, ALNUM, 36)], negative: ['secret_' + fake(42, ALNUM), 'client_secret_file'] },
  supabase: { positive: ['sbp_' + fake(40, HEX, 37)], negative: ['sbp_' + fake(40, UPPER)] },
  'sentry-org': { positive: ['sntrys_' + fake(120, B64 + '=_', 38)], negative: ['sntrys_' + fake(20, ALNUM)] },
  'mcp-oversight-api-key': {
    positive: ['mcpo_' + fake(12, 'abcdefghijklmnopqrstuvwxyz234567', 41) + '_' + fake(43, URLSAFE, 42)],
    negative: ['mcpo_' + fake(12, 'abcdefghijklmnopqrstuvwxyz234567', 41) + '_' + fake(42, ALNUM, 42), 'mcpo_' + fake(11, LOWER, 41) + '_' + fake(43, ALNUM, 42), 'xmcpo_' + fake(12, LOWER, 41) + '_' + fake(43, ALNUM, 42)],
  },
  'sentry-user': { positive: ['sntryu_' + fake(64, HEX, 39)], negative: ['sntryu_' + fake(60, HEX)] },
  atlassian: { positive: ['ATATT3' + fake(180, URLSAFE + '=', 40)], negative: ['ATATT3' + fake(50, ALNUM)] },
  sendgrid: { positive: ['SG.' + fake(22, URLSAFE, 41) + '.' + fake(43, URLSAFE, 42)], negative: ['SG.' + fake(22, ALNUM), 'MSG.' + fake(22, ALNUM) + '.' + fake(43, ALNUM)] },
  digitalocean: { positive: ['dop_v1_' + fake(64, HEX, 43)], negative: ['dop_v1_' + fake(63, HEX)] },
  pypi: { positive: ['pypi-AgEIcHlwaS5vcmc' + fake(150, URLSAFE, 44)], negative: ['pypi-' + fake(60, ALNUM), 'pypi-AgEIcHlwaS5vcmc' + fake(10, ALNUM)] },
};

/** Config values that are not credentials and must match no pattern at all. */
const REALISTIC_NON_SECRETS = [
  '-y',
  'npx',
  '@modelcontextprotocol/server-github@2025.4.8',
  '@modelcontextprotocol/server-filesystem',
  'mcp-server-fetch==2025.1.17',
  '/Users/alice/projects/app',
  'C:\\Users\\alice\\AppData\\Roaming\\npm\\node_modules',
  '${workspaceFolder}/data',
  'https://api.githubcopilot.com/mcp/',
  'https://mcp.linear.app/sse',
  'ghcr.io/github/github-mcp-server:latest',
  '123e4567-e89b-12d3-a456-426614174000',
  'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
  'sk-learn',
  'scikit-learn==1.5.0',
  '${env:GITHUB_TOKEN}',
  '{env:OPENAI_API_KEY}',
  '${input:github_token}',
  'Bearer ${env:GITHUB_PERSONAL_ACCESS_TOKEN}',
  '--disk-cache-dir=/tmp/cache',
  'TOKENIZERS_PARALLELISM',
  'The task-based workflow uses ask-mode and desk-top tools',
  'eyJ is how base64 JSON starts',
  '-----BEGIN CERTIFICATE-----',
];

function fullMatches(p: TokenPattern, s: string): boolean {
  p.pattern.lastIndex = 0;
  const m = p.pattern.exec(s);
  p.pattern.lastIndex = 0;
  return m !== null && m.index === 0 && m[0].replace(/\s+$/, '') === s;
}

function anyMatch(p: TokenPattern, s: string): boolean {
  p.pattern.lastIndex = 0;
  const hit = p.pattern.test(s);
  p.pattern.lastIndex = 0;
  return hit;
}

describe('TOKEN_PATTERNS', () => {
  it('have unique ids, global regexes and anchors that every prefix contains', () => {
    const ids = TOKEN_PATTERNS.map((p) => p.id);
    assert.equal(new Set(ids).size, ids.length);
    for (const p of TOKEN_PATTERNS) {
      assert.ok(p.pattern.global, `${p.id} must be global`);
      assert.ok(p.anchors.length > 0, `${p.id} needs an anchor for the prefilter`);
      assert.ok(p.label.length > 0);
    }
  });

  it('every pattern has test cases', () => {
    assert.deepEqual(TOKEN_PATTERNS.map((p) => p.id).filter((id) => !(id in CASES)), []);
  });

  for (const p of TOKEN_PATTERNS) {
    const cases = CASES[p.id] ?? { positive: [], negative: [] };
    it(`${p.id}: matches correctly shaped fakes, whole and embedded`, () => {
      assert.ok(cases.positive.length > 0);
      for (const s of cases.positive) {
        assert.ok(fullMatches(p, s), `${p.id} should match ${s.slice(0, 24)}…`);
        assert.ok(mayContainToken(s), `prefilter must let ${p.id} through`);
        assert.ok(s.length >= MIN_TOKEN_LENGTH);
        assert.ok(p.anchors.some((a) => s.includes(a)));
        if (p.prefix !== undefined) assert.ok(s.startsWith(p.prefix) || p.id === 'slack-webhook');
        // Embedded in surrounding text, including glued to an identifier by `_`.
        for (const around of [(t: string) => `Bearer ${t}`, (t: string) => `"${t}",`, (t: string) => `--token=${t} --x`, (t: string) => `mask_${t}`]) {
          assert.ok(anyMatch(p, around(s)), `${p.id} should be found in ${around('<token>')}`);
        }
      }
    });
    it(`${p.id}: rejects near misses`, () => {
      assert.ok(cases.negative.length > 0);
      for (const s of cases.negative) assert.ok(!anyMatch(p, s), `${p.id} should not match ${s.slice(0, 40)}`);
    });
  }

  it('no pattern matches realistic non-secret config values', () => {
    for (const s of REALISTIC_NON_SECRETS) {
      for (const p of TOKEN_PATTERNS) assert.ok(!anyMatch(p, s), `${p.id} matched ${s}`);
    }
  });

  it('an Anthropic key is never read as an OpenAI key', () => {
    const key = CASES['anthropic']?.positive[0] ?? '';
    for (const p of TOKEN_PATTERNS.filter((q) => q.id.startsWith('openai'))) assert.ok(!anyMatch(p, key));
  });

  it('the prefilter rejects typical values, including anchors glued to a word', () => {
    for (const s of ['-y', '--port', '8080', '/usr/local/bin/node', '@scope/pkg@1.2.3', 'mcp-server-fetch', 'true', 'C:\\tools\\x.exe', '--disk-cache-dir', 'task-runner-v2', 'pdf-converter']) {
      assert.equal(mayContainToken(s), false, s);
      assert.deepEqual(candidatePatterns(s), []);
    }
  });

  it('candidatePatterns narrows to the patterns whose anchors occur', () => {
    const ids = (s: string) => candidatePatterns(s).map((p) => p.id);
    assert.deepEqual(ids('token: sk-whatever-goes-here'), ['openai']);
    assert.deepEqual(ids('token: sk-ant-whatever-goes-here'), ['anthropic', 'openai']);
    assert.deepEqual(ids('x ghp_ and -----BEGIN '), ['github-pat', 'private-key']);
  });

  it('TOKEN_PREFIXES are sorted longest first and come from the patterns', () => {
    for (let i = 1; i < TOKEN_PREFIXES.length; i++) assert.ok((TOKEN_PREFIXES[i - 1] ?? '').length >= (TOKEN_PREFIXES[i] ?? '').length);
    assert.ok(TOKEN_PREFIXES.includes('sk-ant-'));
    assert.ok(TOKEN_PREFIXES.indexOf('sk-ant-') < TOKEN_PREFIXES.indexOf('sk-'));
  });

  it('property: whatever a pattern matches contains one of its anchors and passes the prefilter', () => {
    const fragments = fc.oneof(
      fc.constantFrom(...TOKEN_PATTERNS.flatMap((p) => p.anchors), '-', '_', '.', ' ', '\n', '-----END ', 'PRIVATE KEY-----'),
      fc.stringMatching(/^[A-Za-z0-9_-]{1,60}$/),
      fc.string({ unit: 'binary', maxLength: 6 }),
    );
    fc.assert(
      fc.property(fc.array(fragments, { maxLength: 8 }), (parts) => {
        const s = parts.join('');
        for (const p of TOKEN_PATTERNS) {
          p.pattern.lastIndex = 0;
          for (let m = p.pattern.exec(s); m !== null; m = p.pattern.exec(s)) {
            if (m[0].length === 0) p.pattern.lastIndex++;
            assert.ok(p.anchors.some((a) => m[0].includes(a)), `${p.id} matched without an anchor`);
            if (p.anchorsStartMatch === true) assert.ok(p.anchors.some((a) => m[0].startsWith(a)), `${p.id} match does not start with an anchor`);
            assert.ok(mayContainToken(s));
            assert.ok(candidatePatterns(s).includes(p), `${p.id} not a candidate for ${JSON.stringify(s)}`);
          }
          p.pattern.lastIndex = 0;
        }
      }),
      { numRuns: 500 },
    );
  });
});

describe('TOKEN_PATTERNS: boundaries that keep matching linear', () => {
  const first = (id: string, s: string): RegExpExecArray | null => {
    const p = TOKEN_PATTERNS.find((q) => q.id === id) as TokenPattern;
    p.pattern.lastIndex = 0;
    const m = p.pattern.exec(s);
    p.pattern.lastIndex = 0;
    return m;
  };

  it('a JWT header never runs over `_eyJ` / `-eyJ`; a header holding one is matched from there, payload and signature included', () => {
    const token = jwt();
    assert.equal(first('jwt', `mask_${token}`)?.[0], token);
    const [header = '', payload = '', signature = ''] = token.split('.');
    const odd = `${header}_eyJ${fake(8, ALNUM, 60)}.${payload}.${signature}`;
    const m = first('jwt', odd);
    assert.equal(m?.index, header.length + 1);
    assert.ok(m?.[0].endsWith(`.${payload}.${signature}`));
  });

  it('a Slack body never runs over a dash that starts another Slack token', () => {
    const token = slack('xoxb');
    for (const around of [`mask_${token}`, `x-${token}`, `Bearer ${token}`, `--slack-token=${token}`, `"${token}"`]) assert.equal(first('slack-bot', around)?.[0], token, around);
    // The outer `xoxb-` takes the inner prefix as part of its body; the inner one does not end it.
    assert.equal(first('slack-bot', `xoxb-${token}`)?.[0], `xoxb-${token}`);
    // …but a body ends before `-xoxp-`, so two tokens glued by a dash are matched one by one.
    const two = `${token}-${slack('xoxp')}`;
    assert.equal(first('slack-bot', two)?.[0], token);
    assert.equal(first('slack-user', two)?.[0], slack('xoxp'));
  });

  it('a Slack token still needs a digit, now looked for in its first 256 characters', () => {
    assert.equal(first('slack-bot', 'xoxb-' + 'a'.repeat(300) + '1'), null);
    assert.ok(first('slack-bot', 'xoxb-' + 'a'.repeat(200) + '1'));
  });

  it('a private key search for its END line stops at the next BEGIN line', () => {
    const a = pem('RSA ', 20);
    const cutOff = a.split('\n').slice(0, 3).join('\n');
    const p = TOKEN_PATTERNS.find((q) => q.id === 'private-key') as TokenPattern;
    const matches = [...`${cutOff}\n${a}`.matchAll(p.pattern)].map((m) => m[0].trimEnd());
    // The cut-off key runs on over the base64 (the greedy branch) and takes the second key with it;
    // what matters is that both are inside a match.
    assert.equal(matches.length, 1);
    assert.ok(matches[0]?.includes(a));
  });
});
