/**
 * Shapes of credentials issued by well-known providers. A match is a secret by its form alone,
 * whatever the field it sits in is called.
 */
export interface TokenPattern {
  readonly id: string;
  /** Human name of the credential, used as a finding's `kind`. */
  readonly label: string;
  /**
   * Global: iterate with `exec` from `lastIndex = 0` (and leave it at 0), or with `matchAll`. The
   * left boundary only refuses a preceding letter or digit, so `mask_ghp_…` inside a longer
   * identifier is found while `task-force…` is not read as `sk-…`.
   */
  readonly pattern: RegExp;
  /** The fixed, non-secret lead of every match (shown when masking). */
  readonly prefix?: string;
  /**
   * Case-sensitive literal substrings, one of which every match contains. They make the prefilter:
   * a value containing none of them cannot match, and is not run through `pattern`.
   */
  readonly anchors: readonly string[];
  /**
   * Every match starts with one of the anchors and, like the pattern, never right after a letter
   * or digit. Lets the prefilter dismiss `--disk-cache` or `task-runner` for `sk-` outright.
   */
  readonly anchorsStartMatch?: boolean;
}

/** Not glued to a preceding letter or digit; `_` and `-` may precede (`mask_ghp_…`, `x-ghp_…`). */
const LEFT = '(?<![A-Za-z0-9])';
/** Not continued by a letter or digit: a fixed-length body followed by more alphanumerics is something else. */
const RIGHT = '(?![A-Za-z0-9])';
/** For bodies whose alphabet includes `_` and `-` (base64url). */
const RIGHT_URL = '(?![A-Za-z0-9_-])';

function escapeRegExp(s: string): string {
  return s.replace(/[.*+?^${}()|[\]\\/]/g, '\\$&');
}

/**
 * Patterns must stay linear on hostile values (a config file is untrusted input): a match may
 * start at every occurrence of its prefix, so when a failing attempt can scan over the next
 * occurrence (`xoxb-xoxb-xoxb-…`, `_eyJ_eyJ…`) the cost is quadratic. Each pattern below either has
 * a bounded body, ends in a greedy body its right boundary cannot refuse, or cannot scan past
 * another possible start (see the Slack and JWT patterns).
 */

/** A token that is a literal prefix followed by a body: the common case. */
function prefixed(id: string, label: string, prefix: string, body: string, right = RIGHT): TokenPattern {
  return { id, label, prefix, anchors: [prefix], anchorsStartMatch: true, pattern: new RegExp(LEFT + escapeRegExp(prefix) + body + right, 'g') };
}

/**
 * Slack bodies are letters, digits and dashes, and a digit is required (so prose like
 * `xoxb-placeholder` is not one; real tokens carry one within the first few characters). A body
 * ends before a dash that starts another Slack token (and may end there): otherwise every
 * `xoxb-` of `xoxb-xoxb-…` would rescan the rest of the value (quadratic).
 */
const SLACK_PREFIX = '(?:xox[bpars]|xapp)-';
function slack(id: string, label: string, prefix: string): TokenPattern {
  const dash = `-(?!${SLACK_PREFIX})`; // a dash that does not start another token
  return prefixed(id, label, prefix, `(?=[A-Za-z-]{0,256}[0-9])[0-9A-Za-z](?:[0-9A-Za-z]|${dash}){9,}`, `(?![A-Za-z0-9_]|${dash})`);
}

/**
 * Ordered most specific first: when two patterns match overlapping text the detector keeps the
 * longer match, and on a tie the earlier pattern.
 */
export const TOKEN_PATTERNS: readonly TokenPattern[] = [
  // GitHub: https://github.blog/2021-04-05-behind-githubs-new-authentication-token-formats/
  prefixed('github-pat', 'GitHub personal access token', 'ghp_', '[A-Za-z0-9]{36}'),
  prefixed('github-oauth', 'GitHub OAuth access token', 'gho_', '[A-Za-z0-9]{36}'),
  prefixed('github-user-to-server', 'GitHub user-to-server token', 'ghu_', '[A-Za-z0-9]{36}'),
  prefixed('github-server-to-server', 'GitHub server-to-server token', 'ghs_', '[A-Za-z0-9]{36}'),
  prefixed('github-refresh', 'GitHub refresh token', 'ghr_', '[A-Za-z0-9]{36}'),
  // Fine-grained: github_pat_ + 22 + `_` + 59; bounds kept loose in case GitHub lengthens them.
  prefixed('github-fine-grained-pat', 'GitHub fine-grained personal access token', 'github_pat_', '[A-Za-z0-9]{20,}_[A-Za-z0-9]{40,}'),

  // Anthropic: sk-ant-api03-…, sk-ant-admin01-…, and whatever sk-ant-<kind>- comes next.
  prefixed('anthropic-admin', 'Anthropic admin API key', 'sk-ant-admin01-', '[A-Za-z0-9_-]{20,}', RIGHT_URL),
  prefixed('anthropic', 'Anthropic API key', 'sk-ant-', '(?!admin01-)[A-Za-z0-9_-]{20,}', RIGHT_URL),

  // OpenAI: project, service-account and admin keys carry a kind; legacy and user keys are sk- + 48.
  prefixed('openai-project', 'OpenAI project API key', 'sk-proj-', '[A-Za-z0-9_-]{20,}', RIGHT_URL),
  prefixed('openai-service-account', 'OpenAI service account key', 'sk-svcacct-', '[A-Za-z0-9_-]{20,}', RIGHT_URL),
  prefixed('openai-admin', 'OpenAI admin key', 'sk-admin-', '[A-Za-z0-9_-]{20,}', RIGHT_URL),
  // No dash allowed in the body, so `sk-ant-…` (and `sk-learn`) cannot match; a digit is required
  // so that a long lowercase word after `sk-` is not taken for a key (random keys always have one).
  prefixed('openai', 'OpenAI API key', 'sk-', '(?=[A-Za-z]{0,256}[0-9])[A-Za-z0-9]{20,}'),

  // AWS access key ids: https://docs.aws.amazon.com/IAM/latest/UserGuide/reference_identifiers.html
  prefixed('aws-access-key-id', 'AWS access key ID', 'AKIA', '[A-Z0-9]{16}'),
  prefixed('aws-temporary-access-key-id', 'AWS temporary access key ID', 'ASIA', '[A-Z0-9]{16}'),

  // Slack: tokens are xox<kind>-<digits>-…; a digit is required so prose like `xoxb-placeholder` is not one.
  slack('slack-bot', 'Slack bot token', 'xoxb-'),
  slack('slack-user', 'Slack user token', 'xoxp-'),
  slack('slack-workspace', 'Slack workspace access token', 'xoxa-'),
  slack('slack-refresh', 'Slack refresh token', 'xoxr-'),
  slack('slack-session', 'Slack session token', 'xoxs-'),
  slack('slack-app', 'Slack app-level token', 'xapp-'),
  {
    // Anyone holding the URL can post to the channel: the path is the credential.
    id: 'slack-webhook',
    label: 'Slack webhook URL',
    prefix: 'https://hooks.slack.com/',
    anchors: ['hooks.slack.com/'],
    pattern: /(?<![A-Za-z0-9])https?:\/\/hooks\.slack\.com\/(?:services|workflows|triggers)\/[A-Za-z0-9_/-]{16,}/g,
  },

  // Stripe secret and restricted keys; publishable keys (pk_) are meant to be public.
  prefixed('stripe-live-secret', 'Stripe live secret key', 'sk_live_', '[A-Za-z0-9]{16,}'),
  prefixed('stripe-test-secret', 'Stripe test secret key', 'sk_test_', '[A-Za-z0-9]{16,}'),
  prefixed('stripe-live-restricted', 'Stripe live restricted key', 'rk_live_', '[A-Za-z0-9]{16,}'),
  prefixed('stripe-test-restricted', 'Stripe test restricted key', 'rk_test_', '[A-Za-z0-9]{16,}'),

  // Google
  prefixed('google-api-key', 'Google API key', 'AIza', '[0-9A-Za-z_-]{35}', RIGHT_URL),
  prefixed('google-oauth-client-secret', 'Google OAuth client secret', 'GOCSPX-', '[0-9A-Za-z_-]{24,40}', RIGHT_URL),

  {
    // header.payload.signature, base64url; both JSON parts start `{"` = `eyJ`. An unsigned token
    // (empty signature) is not a usable credential and is left out. The header does not run over
    // a `_eyJ` / `-eyJ`, where another match could start: otherwise every `eyJ` of `_eyJ_eyJ…`
    // would rescan the rest of the value (quadratic). A real header almost never holds one, and
    // the match then starts there, still covering the payload and signature.
    id: 'jwt',
    label: 'JSON Web Token',
    anchors: ['eyJ'],
    anchorsStartMatch: true,
    pattern: /(?<![A-Za-z0-9])eyJ(?:[A-Za-z0-9]|[_-](?!eyJ)){4,}\.eyJ[A-Za-z0-9_-]{4,}\.[A-Za-z0-9_-]{10,}(?![A-Za-z0-9_-])/g,
  },
  {
    // PKCS#1/#8, SEC1, OpenSSH, DSA, PGP and encrypted keys. The match runs to the END line, or,
    // when the value was cut, over the base64 (and header lines such as `Proc-Type:`) that follow.
    // The search for the END line stops at the next BEGIN line, so that many BEGIN lines without
    // an END do not each scan the rest of the value (quadratic).
    id: 'private-key',
    label: 'Private key',
    anchors: ['-----BEGIN '],
    pattern:
      /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----(?:(?:(?!-----BEGIN )[\s\S])*?-----END (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----|[A-Za-z0-9+/=\s:,.\\-]*)/g,
  },

  // Others common in MCP server configs.
  prefixed('gitlab-pat', 'GitLab personal access token', 'glpat-', '[A-Za-z0-9_-]{20,}(?:\\.[A-Za-z0-9_-]+)*', RIGHT_URL),
  prefixed('npm', 'npm access token', 'npm_', '[A-Za-z0-9]{36}'),
  // hf_ + 34 letters; an upper-case letter is required so `hf_` + a long snake_case word is not one.
  prefixed('huggingface', 'Hugging Face access token', 'hf_', '(?=[a-z0-9]{0,39}[A-Z])[A-Za-z0-9]{30,40}'),
  prefixed('groq', 'Groq API key', 'gsk_', '[A-Za-z0-9]{40,}'),
  prefixed('xai', 'xAI API key', 'xai-', '[A-Za-z0-9]{60,}'),
  prefixed('perplexity', 'Perplexity API key', 'pplx-', '[A-Za-z0-9]{40,}'),
  prefixed('tavily', 'Tavily API key', 'tvly-', '(?:dev-|prod-)?[A-Za-z0-9]{24,}'),
  prefixed('firecrawl', 'Firecrawl API key', 'fc-', '[a-f0-9]{32}'),
  prefixed('figma', 'Figma personal access token', 'figd_', '[A-Za-z0-9_-]{40,}', RIGHT_URL),
  prefixed('linear', 'Linear API key', 'lin_api_', '[A-Za-z0-9]{40}'),
  prefixed('notion', 'Notion integration token', 'ntn_', '[A-Za-z0-9]{40,}'),
  prefixed('notion-legacy', 'Notion integration token', 'secret_', '[A-Za-z0-9]{43}'),
  prefixed('supabase', 'Supabase access token', 'sbp_', '[a-f0-9]{40}'),
  prefixed('sentry-org', 'Sentry organization auth token', 'sntrys_', '[A-Za-z0-9+/=_-]{50,}', '(?![A-Za-z0-9+/=_-])'),
  prefixed('sentry-user', 'Sentry user auth token', 'sntryu_', '[a-f0-9]{64}'),
  prefixed('atlassian', 'Atlassian API token', 'ATATT3', '[A-Za-z0-9_=-]{100,}', '(?![A-Za-z0-9_=-])'),
  prefixed('sendgrid', 'SendGrid API key', 'SG.', '[A-Za-z0-9_-]{22}\\.[A-Za-z0-9_-]{43}', RIGHT_URL),
  prefixed('digitalocean', 'DigitalOcean personal access token', 'dop_v1_', '[a-f0-9]{64}'),
  // Our own API keys (src/api/auth/api-keys.ts): an id of 12 base32 letters, then 32 random bytes in base64url.
  prefixed('mcp-oversight-api-key', 'MCP Oversight API key', 'mcpo_', '[a-z2-7]{12}_[A-Za-z0-9_-]{43}', RIGHT_URL),
  {
    // The body is a macaroon whose first bytes always encode `pypi.org`.
    id: 'pypi',
    label: 'PyPI API token',
    prefix: 'pypi-',
    anchors: ['pypi-AgEIcHlwaS5vcmc'],
    anchorsStartMatch: true,
    pattern: /(?<![A-Za-z0-9])pypi-AgEIcHlwaS5vcmc[A-Za-z0-9_-]{50,}(?![A-Za-z0-9_-])/g,
  },
];

/** No provider token is shorter; anything this short is not worth running the patterns on. */
export const MIN_TOKEN_LENGTH = 12;

/**
 * The fewest anchors that still admit every pattern. A start-of-match anchor (`sk-`) stands for
 * the longer ones it begins (`sk-ant-`); any other anchor for those it occurs in.
 */
const STARTING = [...new Set(TOKEN_PATTERNS.filter((p) => p.anchorsStartMatch === true).flatMap((p) => p.anchors))];
const ANYWHERE = [...new Set(TOKEN_PATTERNS.filter((p) => p.anchorsStartMatch !== true).flatMap((p) => p.anchors))];
const MIN_STARTING = STARTING.filter((a) => !STARTING.some((b) => b !== a && a.startsWith(b)));
const MIN_ANYWHERE = ANYWHERE.filter((a) => !ANYWHERE.some((b) => b !== a && a.includes(b)));

const PREFILTER_SOURCE = [
  `${LEFT}(?:${MIN_STARTING.map(escapeRegExp).join('|')})`,
  ...MIN_ANYWHERE.map(escapeRegExp),
].join('|');

/**
 * One regex of the minimal anchors: a single test rules out almost every value in a config
 * (paths, flags, package names) before any pattern runs.
 */
export const TOKEN_PREFILTER: RegExp = new RegExp(PREFILTER_SOURCE);

/** The same alternation, global, to list which anchors a value contains. */
const ANCHOR_SCAN = new RegExp(PREFILTER_SOURCE, 'g');

/** Each minimal anchor with the patterns it admits. */
const ANCHOR_TABLE: readonly { anchor: string; starting: boolean; patterns: readonly TokenPattern[] }[] = [
  ...MIN_STARTING.map((anchor) => ({
    anchor,
    starting: true,
    patterns: TOKEN_PATTERNS.filter((p) => p.anchorsStartMatch === true && p.anchors.some((b) => b.startsWith(anchor))),
  })),
  ...MIN_ANYWHERE.map((anchor) => ({
    anchor,
    starting: false,
    patterns: TOKEN_PATTERNS.filter((p) => p.anchorsStartMatch !== true && p.anchors.some((b) => b.includes(anchor))),
  })),
];

const isAlnum = (c: string | undefined): boolean => c !== undefined && /[A-Za-z0-9]/.test(c);

/** True when `value` might contain a known token; false means it certainly does not. */
export function mayContainToken(value: string): boolean {
  return value.length >= MIN_TOKEN_LENGTH && TOKEN_PREFILTER.test(value);
}

/**
 * The patterns worth running on `value`, in `TOKEN_PATTERNS` order: those with an anchor in it.
 * Usually none, decided by one regex test.
 */
export function candidatePatterns(value: string): readonly TokenPattern[] {
  if (!mayContainToken(value)) return [];
  const hit = new Set<TokenPattern>();
  ANCHOR_SCAN.lastIndex = 0;
  for (let m = ANCHOR_SCAN.exec(value); m !== null; m = ANCHOR_SCAN.exec(value)) {
    // The regex reports one anchor per position; check them all here, so none is shadowed.
    const at = m.index;
    const glued = isAlnum(value[at - 1]);
    for (const { anchor, starting, patterns } of ANCHOR_TABLE) {
      if ((!starting || !glued) && value.startsWith(anchor, at)) for (const p of patterns) hit.add(p);
    }
    // Step one character, not past the match, so that overlapping anchors are all seen.
    ANCHOR_SCAN.lastIndex = at + 1;
  }
  ANCHOR_SCAN.lastIndex = 0;
  return TOKEN_PATTERNS.filter((p) => hit.has(p) && p.anchors.some((a) => value.includes(a)));
}

/** Known non-secret leads, longest first, so masking shows `sk-ant-` rather than `sk-`. */
export const TOKEN_PREFIXES: readonly string[] = [
  ...new Set(TOKEN_PATTERNS.flatMap((p) => (p.prefix === undefined ? [] : [p.prefix]))),
].sort((a, b) => b.length - a.length);
