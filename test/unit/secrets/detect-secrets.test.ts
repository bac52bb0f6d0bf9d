import assert from 'node:assert/strict';
import { describe, it } from 'node:test';
import fc from 'fast-check';
import { findReferences } from '../../../src/core/config/references';
import { findKnownSecrets, isHighEntropySecretValue, maskSecret, redactSecrets, shannonEntropy } from '../../../src/core/secrets/detect-secrets';
import { isSecretLikeName } from '../../../src/core/secrets/secret-names';
import { TOKEN_PREFIXES } from '../../../src/core/secrets/token-patterns';
import { ALNUM, B64, DIGITS, fake, HEX, UPPER, URLSAFE } from './fake-tokens';

// Fake, correctly shaped tokens built at runtime (see token-patterns.test.ts): nothing token-shaped
// sits verbatim in the repository.

const GHP = 'ghp_' + fake(32, ALNUM, 1) + '7f3a';
const ANTHROPIC = 'sk-ant-api03-' + fake(89, URLSAFE, 2) + '9xQz';
const OPENAI = 'sk-proj-' + fake(120, URLSAFE, 3);
const AWS_ID = 'AKIA' + 'IOSFODNN7' + 'EXAMPLE';
const STRIPE = 'sk_live_' + fake(24, ALNUM, 4);
const PK_STRIPE = 'pk_live_' + fake(24, ALNUM, 4);
const GOOGLE = 'AIza' + fake(35, URLSAFE, 5);
const SLACK_HOOK = `https://hooks.slack.com/services/T${fake(8, UPPER + DIGITS)}/B${fake(8, UPPER + DIGITS, 2)}/${fake(24, ALNUM)}`;
const JWT = [Buffer.from('{"alg":"HS256","typ":"JWT"}').toString('base64url'), Buffer.from('{"sub":"fake"}').toString('base64url'), fake(43, URLSAFE)].join('.');
const PEM = ['-----BEGIN ' + 'RSA PRIVATE KEY-----', fake(64, B64, 1), fake(64, B64, 2), fake(20, B64, 3) + '==', '-----END ' + 'RSA PRIVATE KEY-----'].join('\n');

describe('findKnownSecrets', () => {
  it('labels each kind and reports offsets into the original value', () => {
    const cases: [string, string][] = [
      [GHP, 'GitHub personal access token'],
      [ANTHROPIC, 'Anthropic API key'],
      [OPENAI, 'OpenAI project API key'],
      [AWS_ID, 'AWS access key ID'],
      [STRIPE, 'Stripe live secret key'],
      [GOOGLE, 'Google API key'],
      [SLACK_HOOK, 'Slack webhook URL'],
      [JWT, 'JSON Web Token'],
      [PEM, 'Private key'],
    ];
    for (const [token, kind] of cases) {
      const value = `Bearer ${token}`;
      const found = findKnownSecrets(value);
      assert.equal(found.length, 1, kind);
      assert.deepEqual(found[0], { kind, start: 7, end: 7 + token.length, value: token });
    }
  });

  it('finds a token glued to an identifier by an underscore', () => {
    const found = findKnownSecrets(`mask_${GHP}`);
    assert.equal(found[0]?.start, 5);
    assert.equal(found[0]?.value, GHP);
  });

  it('finds several tokens in one value, in order', () => {
    const value = `a=${STRIPE} b=${GHP}`;
    assert.deepEqual(
      findKnownSecrets(value).map((m) => m.value),
      [STRIPE, GHP],
    );
  });

  it('ignores text inside references and keeps offsets of the original when references precede', () => {
    assert.deepEqual(findKnownSecrets(`\${env:${GHP}}`), []);
    assert.deepEqual(findKnownSecrets(`{env:${GHP}}`), []);
    assert.deepEqual(findKnownSecrets(`{file:/keys/${GHP}}`), []);
    const value = `\${env:PREFIX}-\${input:x}/${GHP}`;
    const found = findKnownSecrets(value);
    assert.equal(found.length, 1);
    const m = found[0];
    assert.ok(m);
    assert.equal(value.slice(m.start, m.end), GHP);
  });

  it('ignores documentation placeholders shaped like tokens', () => {
    for (const v of ['ghp_' + 'x'.repeat(36), 'ghp_' + 'X'.repeat(36), 'sk-proj-your-api-key-goes-here-please', 'sk-ant-api03-' + 'x'.repeat(90), 'AKIA' + '0'.repeat(16)]) {
      assert.deepEqual(findKnownSecrets(v), [], v);
    }
  });

  it('does not report publishable keys, references or realistic non-secrets', () => {
    for (const v of [
      PK_STRIPE,
      '@modelcontextprotocol/server-github@2025.4.8',
      '/Users/alice/.config/kilo/kilo.json',
      'https://api.githubcopilot.com/mcp/',
      '123e4567-e89b-12d3-a456-426614174000',
      'sk-learn',
      'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3',
      '${env:GITHUB_TOKEN}',
      '{env:OPENAI_API_KEY}',
      '${input:github_token}',
      'Bearer ${env:GITHUB_TOKEN}',
      '',
      '-y',
    ]) {
      assert.deepEqual(findKnownSecrets(v), [], v);
    }
  });

  it('property: matches are slices of the input, disjoint, in order, and outside references', () => {
    const tokenish = fc.constantFrom(GHP, ANTHROPIC, AWS_ID, STRIPE, JWT, GOOGLE, '${env:' + GHP + '}', '{env:X}', '${input:t}', 'ghp_', 'sk-', '$', '{', '}');
    fc.assert(
      fc.property(fc.array(fc.oneof(tokenish, fc.string({ unit: 'binary', maxLength: 10 }), fc.constantFrom(' ', '_', '-', '.')), { maxLength: 8 }), (parts) => {
        const value = parts.join('');
        const found = findKnownSecrets(value);
        const refs = findReferences(value);
        let prevEnd = 0;
        for (const m of found) {
          assert.equal(value.slice(m.start, m.end), m.value);
          assert.ok(m.start >= prevEnd);
          prevEnd = m.end;
          for (const r of refs) assert.ok(m.end <= r.start || m.start >= r.end, 'match inside a reference');
        }
      }),
      { numRuns: 400 },
    );
  });

  it('property: a generated token between separators is found at its offset', () => {
    const token = fc.oneof(
      fc.tuple(fc.constant('ghp_'), fc.stringMatching(/^[A-Za-z0-9]{36}$/)),
      fc.tuple(fc.constant('AKIA'), fc.stringMatching(/^[A-Z0-9]{16}$/)),
      fc.tuple(fc.constant('sk-ant-api03-'), fc.stringMatching(/^[A-Za-z0-9_-]{30,80}$/)),
      fc.tuple(fc.constant('sk_test_'), fc.stringMatching(/^[A-Za-z0-9]{16,40}$/)),
    );
    fc.assert(
      fc.property(fc.stringMatching(/^(?:[a-z /:="]{0,20}[ /:="])?$/), token, fc.stringMatching(/^[ ,;"'][a-z ]{0,10}$/), (before, [prefix, body], after) => {
        // Bodies dominated by one character are documentation placeholders, deliberately skipped.
        const counts = [...body].reduce((m, c) => m.set(c, (m.get(c) ?? 0) + 1), new Map<string, number>());
        fc.pre(counts.size > 3 && Math.max(...counts.values()) * 2 <= body.length);
        // So are bodies with a placeholder word set off by separators (`…_my_…`, `…-here`).
        fc.pre(!/(?:^|[-_.])(?:your|my|here|replace|placeholder|redacted|insert|example|dummy|fake)(?=[-_.]|$)/i.test(body));
        const t = prefix + body;
        const found = findKnownSecrets(before + t + after);
        assert.ok(found.some((m) => m.start === before.length && m.value === t), `${t} not found`);
      }),
      { numRuns: 300 },
    );
  });
});

describe('isSecretLikeName', () => {
  it('accepts names that conventionally hold secrets', () => {
    for (const n of [
      'GITHUB_TOKEN',
      'GITHUB_PERSONAL_ACCESS_TOKEN',
      'HF_TOKEN',
      'OPENAI_API_KEY',
      'API_KEY',
      'apiKey',
      'apikey',
      'api-key',
      'x-api-key',
      'X-Goog-Api-Key',
      'AWS_SECRET_ACCESS_KEY',
      'AWS_SESSION_TOKEN',
      'ACCESS_KEY',
      'PRIVATE_KEY',
      'SIGNING_KEY',
      'client_secret',
      'clientSecret',
      'DB_PASSWORD',
      'PGPASSWORD',
      'MYSQL_PWD',
      'DB_PASS',
      'passwd',
      'Authorization',
      'Proxy-Authorization',
      'X-Auth-Token',
      'AUTH',
      'BEARER_TOKEN',
      'Cookie',
      'SESSION_SECRET',
      'SENTRY_DSN',
      'GOOGLE_CREDENTIALS',
      '--token',
      '--client-secret',
      'accesstoken',
      'ENCRYPTION_KEY',
      'GITHUB_PAT',
    ]) {
      assert.equal(isSecretLikeName(n), true, n);
    }
  });

  it('rejects names that hold paths, URLs, flags, ids or settings', () => {
    for (const n of [
      'TOKENIZERS_PARALLELISM',
      'AUTHOR',
      'AUTH_TYPE',
      'AUTH_MODE',
      'AUTH_URL',
      'TOKEN_URL',
      'OAUTH_TOKEN_ENDPOINT',
      'SECRET_FILE',
      'PASSWORD_FILE',
      'PRIVATE_KEY_PATH',
      'SSH_KEY_PATH',
      'CREDENTIALS_DIR',
      'SESSION_TIMEOUT',
      'MCP_AUTH_ENABLED',
      'AWS_REGION',
      'DB_USER',
      'DB_USERNAME',
      'GITHUB_CLIENT_ID',
      'AWS_ACCESS_KEY_ID',
      'SESSION_ID',
      'REDIS_HOST',
      'ENABLE_AUTH',
      'MAX_TOKENS',
      'PUBLIC_KEY',
      'STRIPE_PUBLISHABLE_KEY',
      'SORT_KEY',
      'PWD',
      'OLDPWD',
      'PATH',
      'HOME',
      'NODE_ENV',
      'LOG_LEVEL',
      'GIT_COMMIT',
      'REQUEST_ID',
      'PORT',
      '',
      '---',
    ]) {
      assert.equal(isSecretLikeName(n), false, n);
    }
  });
});

describe('shannonEntropy', () => {
  it('is in bits per character', () => {
    assert.equal(shannonEntropy(''), 0);
    assert.equal(shannonEntropy('aaaa'), 0);
    assert.equal(shannonEntropy('ab'), 1);
    assert.equal(shannonEntropy('abcd'), 2);
    assert.equal(shannonEntropy('🔑🔒'), 1, 'code points, not UTF-16 units');
  });
});

describe('isHighEntropySecretValue', () => {
  it('accepts credential-looking literals', () => {
    for (const v of [
      fake(32, ALNUM, 1),
      fake(40, HEX, 2),
      fake(40, B64, 3),
      fake(12, ALNUM, 4),
      '123e4567-e89b-12d3-a456-426614174000',
      `Bearer ${fake(40, URLSAFE, 5)}`,
      `token ${fake(40, ALNUM, 6)}`,
      `Basic ${Buffer.from('alice:' + fake(10, ALNUM)).toString('base64')}`,
      `--api-key=${fake(32, ALNUM, 7)}`,
      GHP,
      `Bearer ${JWT}`,
    ]) {
      assert.equal(isHighEntropySecretValue(v), true, v);
    }
  });

  it('lowers the length bar for password fields', () => {
    const pw = 'hunter' + '2' + '!';
    assert.equal(isHighEntropySecretValue(pw), false);
    assert.equal(isHighEntropySecretValue(pw, { minLength: 8 }), true);
    assert.equal(isHighEntropySecretValue('12345678', { minLength: 8 }), false);
  });

  it('rejects placeholders, references and values that are not credentials', () => {
    for (const v of [
      '',
      '   ',
      'your-api-key-here',
      'YOUR_API_KEY',
      '<token>',
      '<your token>',
      '[API_KEY]',
      '{{api_key}}',
      '%API_KEY%',
      'changeme',
      'replace-me-with-a-real-key',
      'xxxxxxxxxxxxxxxx',
      '****************',
      'TODO',
      'TODO: add token',
      'example-token-123',
      'aaaaaaaaaaaaaaaaaaaa',
      '${env:GITHUB_TOKEN}',
      '{env:OPENAI_API_KEY}',
      '${input:github_token}',
      'Bearer ${env:GITHUB_TOKEN}',
      'Bearer {env:TOKEN}',
      '$GITHUB_TOKEN',
      'https://api.github.com/v3',
      'http://localhost:3000/mcp',
      '/Users/alice/Projects/secrets/api.key',
      'C:\\Users\\alice\\token.txt',
      './config/credentials.json',
      '~/.config/gcloud/application_default_credentials.json',
      '@modelcontextprotocol/server-github@2025.4.8',
      'ghcr.io/github/github-mcp-server:latest',
      'true',
      'false',
      '1234567890123456',
      '3.14159265358979',
      '1.2.3-beta.4+build.567',
      '2025-01-15T10:30:00Z',
      'alice.smith@company.com',
      'localhost:5432',
      'my-database-name-production',
      'MyDatabaseConnectionName',
      'the quick brown fox jumps',
      'sk-learn',
      PK_STRIPE.slice(0, 10),
    ]) {
      assert.equal(isHighEntropySecretValue(v), false, v);
    }
  });

  it('realistic non-secrets under non-secret names are not flagged', () => {
    const pairs: [string, string][] = [
      ['GIT_COMMIT', 'a94a8fe5ccb19ba61c4c0873d391e987982fbbd3'],
      ['REQUEST_ID', '123e4567-e89b-12d3-a456-426614174000'],
      ['TOKENIZERS_PARALLELISM', 'false'],
      ['GITHUB_TOKEN', '${env:GITHUB_TOKEN}'],
      ['OPENAI_API_KEY', '{env:OPENAI_API_KEY}'],
      ['Authorization', 'Bearer ${input:github_token}'],
      ['AUTH_TYPE', 'oauth2-client-credentials'],
      ['TOKEN_URL', 'https://oauth2.googleapis.com/token'],
      ['PRIVATE_KEY_PATH', '/etc/keys/server.pem'],
    ];
    for (const [name, value] of pairs) {
      const flagged = (isSecretLikeName(name) && isHighEntropySecretValue(value)) || findKnownSecrets(value).length > 0;
      assert.equal(flagged, false, `${name}=${value}`);
    }
  });
});

describe('maskSecret', () => {
  it('shows a known prefix and the last 4 characters', () => {
    assert.equal(maskSecret(GHP), 'ghp_…7f3a');
    assert.equal(maskSecret(ANTHROPIC), 'sk-ant-…9xQz');
    assert.equal(maskSecret(AWS_ID), 'AKIA…MPLE');
    assert.equal(maskSecret(`Bearer ${GHP}`), 'Bearer ghp_…7f3a');
  });

  it('shows only the last 4 of long unprefixed values and nothing of short ones', () => {
    const long = fake(30, ALNUM, 9);
    assert.equal(maskSecret(long), '…' + long.slice(-4));
    assert.equal(maskSecret(fake(19, ALNUM, 9)), '****');
    assert.equal(maskSecret('ghp_' + fake(11, ALNUM)), '****', 'known prefix but under 16 characters');
    assert.equal(maskSecret(''), '****');
  });

  it('shows only the armour line of a private key', () => {
    assert.equal(maskSecret(PEM), '-----BEGIN RSA PRIVATE KEY-----…');
    const masked = maskSecret(PEM);
    for (const line of PEM.split('\n').slice(1, -1)) assert.ok(!masked.includes(line.slice(0, 5)));
  });

  /** masked = [scheme][known prefix]…<at most 4 trailing characters of the value>, or ****. */
  function assertRevealsAtMost4(value: string): void {
    const masked = maskSecret(value);
    const cut = masked.indexOf('…');
    if (cut === -1) {
      assert.match(masked, /^(?:(?:Bearer|Basic|Token|Bot|Digest|ApiKey|Api-Key)\s+)?\*{4}$/i);
      return;
    }
    const head = masked.slice(0, cut);
    const tail = masked.slice(cut + 1);
    assert.ok([...tail].length <= 4, `tail ${tail}`);
    assert.ok(value.trim().endsWith(tail));
    const lead = head.replace(/^(?:Bearer|Basic|Token|Bot|Digest|ApiKey|Api-Key)\s+/i, '');
    assert.ok(lead === '' || TOKEN_PREFIXES.includes(lead), `unexpected lead ${JSON.stringify(head)}`);
  }

  it('property: never reveals more than 4 characters of an arbitrary value', () => {
    const lead = fc.constantFrom('', 'Bearer ', 'Basic ', 'token ', ...TOKEN_PREFIXES);
    fc.assert(
      fc.property(lead, fc.string({ unit: 'binary', maxLength: 80 }), (l, s) => assertRevealsAtMost4(l + s)),
      { numRuns: 1000 },
    );
  });

  it('property: generated token shapes mask to prefix … last 4', () => {
    fc.assert(
      fc.property(fc.constantFrom(...TOKEN_PREFIXES), fc.stringMatching(/^[A-Za-z0-9_-]{8,120}$/), (prefix, body) => {
        const token = prefix + body;
        assertRevealsAtMost4(token);
        // The longest known prefix wins (`sk-` + `ant-…` is shown as `sk-ant-…`).
        const shown = TOKEN_PREFIXES.find((p) => token.startsWith(p)) ?? prefix;
        if (token.length >= 16 && token.length - shown.length >= 8) assert.equal(maskSecret(token), `${shown}…${token.slice(-4)}`);
      }),
      { numRuns: 500 },
    );
  });
});

describe('robustness', () => {
  it('property: no function throws on arbitrary unicode', () => {
    fc.assert(
      fc.property(fc.string({ unit: 'binary', maxLength: 200 }), (s) => {
        findKnownSecrets(s);
        isSecretLikeName(s);
        isHighEntropySecretValue(s);
        isHighEntropySecretValue(s, { minLength: 8 });
        maskSecret(s);
        assert.ok(Number.isFinite(shannonEntropy(s)));
      }),
      { numRuns: 1000 },
    );
  });
});

describe('linear-time rewrites keep their verdicts', () => {
  it('still reads versions as versions, with `-` and `+` parts (VERSION_LIKE without nested quantifiers)', () => {
    // Long and random enough to be judged on shape alone (not on length or entropy).
    for (const v of ['1.2.3-beta.4+build.567', 'v10.20.30-rc-1.x-y-z+exp.sha.5114f85', '2.0.0+build-2024.01.15-abc', '^1.2.3-alpha-beta-gamma.9', '1.2-a-b-c-d-e-f-g-h-i-j-k-l']) {
      assert.equal(isHighEntropySecretValue(v), false, v);
    }
    // A version shape with an empty part is not a version (the original pattern refused these too).
    assert.equal(isHighEntropySecretValue('1.2.3-Xq9+Zr4Kp+'), true);
    assert.equal(isHighEntropySecretValue('1.2.3+Xq9Zr++Kp4Wm7Tn'), true);
  });

  it('answers at once for a version-like value with a failing tail (was exponential)', () => {
    const started = performance.now();
    assert.equal(isHighEntropySecretValue('1.2' + '-a'.repeat(40) + '!'), false);
    assert.ok(performance.now() - started < 500);
  });

  it('splits capital runs before a capitalised word as before', () => {
    for (const n of ['XApiKey', 'APIKey', 'OAuthToken', 'HTTPPassword', 'XMLHttpSecret']) assert.equal(isSecretLikeName(n), true, n);
    for (const n of ['APIKeyPath', 'OAuthTokenURL', 'HTTPPasswordFile']) assert.equal(isSecretLikeName(n), false, n);
  });

  it('judges names longer than 256 characters not secret-like', () => {
    assert.equal(isSecretLikeName('X'.repeat(250) + '_TOKEN'), true);
    assert.equal(isSecretLikeName('X'.repeat(300) + '_TOKEN'), false);
    assert.equal(isSecretLikeName('A'.repeat(100_000)), false);
  });

  it('decodes Basic credentials by hand: a colon with text on both sides, all printable', () => {
    const basic = (s: string) => `Basic ${Buffer.from(s).toString('base64')}`;
    assert.equal(isHighEntropySecretValue(basic('alice:wonderland')), true);
    assert.equal(isHighEntropySecretValue(basic('::::wonderland')), true);
    assert.equal(isHighEntropySecretValue(basic(':' + 'a'.repeat(11))), false);
    assert.equal(isHighEntropySecretValue(basic('a'.repeat(11) + ':')), false);
    assert.equal(isHighEntropySecretValue(basic(':'.repeat(70_000) + '\u0001')), false);
  });

  it('trims only trailing whitespace off a cut-off private key match', () => {
    const cut = PEM.split('\n').slice(0, 3).join('\n');
    const found = findKnownSecrets(`${cut}\n\n  \n`);
    assert.equal(found.length, 1);
    assert.equal(found[0]?.value, cut);
  });

  it('finds two private keys in one value, each to its END line', () => {
    const found = findKnownSecrets(`${PEM}\n${PEM}`);
    assert.deepEqual(
      found.map((m) => [m.start, m.end]),
      [
        [0, PEM.length],
        [PEM.length + 1, 2 * PEM.length + 1],
      ],
    );
  });

  it('redacts many tokens in one text, in place', () => {
    const text = Array.from({ length: 200 }, (_, i) => `k${i}=${GHP}`).join(' ');
    const out = redactSecrets(text);
    assert.ok(!out.includes(GHP));
    assert.equal(out.split('ghp_…7f3a').length - 1, 200);
    assert.ok(out.startsWith('k0=ghp_…7f3a k1=ghp_…7f3a'));
  });
});
