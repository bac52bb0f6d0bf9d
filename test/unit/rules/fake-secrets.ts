/**
 * One realistic, randomly generated sample per provider token shape of `TOKEN_PATTERNS`, built at
 * run time (never a token-shaped literal in the repository).
 */
import { ALNUM, HEX, randomAlnum, randomBody, UPPER_DIGITS } from './helpers';

const DIGITS = '0123456789';

/** Pattern id -> a sample that the detector must recognise as that kind. */
export const SAMPLE_TOKENS: Readonly<Record<string, string>> = {
  'github-pat': 'ghp_' + randomAlnum(36, 101),
  'github-oauth': 'gho_' + randomAlnum(36, 102),
  'github-user-to-server': 'ghu_' + randomAlnum(36, 103),
  'github-server-to-server': 'ghs_' + randomAlnum(36, 104),
  'github-refresh': 'ghr_' + randomAlnum(36, 105),
  'github-fine-grained-pat': 'github' + '_pat_' + randomAlnum(22, 106) + '_' + randomAlnum(59, 107),
  'anthropic-admin': 'sk-ant-' + 'admin01-' + randomAlnum(80, 108),
  anthropic: 'sk-ant-' + 'api03-' + randomAlnum(93, 109),
  'openai-project': 'sk-' + 'proj-' + randomAlnum(48, 110),
  'openai-service-account': 'sk-' + 'svcacct-' + randomAlnum(48, 111),
  'openai-admin': 'sk-' + 'admin-' + randomAlnum(48, 112),
  openai: 'sk-' + randomAlnum(48, 113),
  'aws-access-key-id': 'AK' + 'IA' + randomBody(UPPER_DIGITS, 16, 114),
  'aws-temporary-access-key-id': 'AS' + 'IA' + randomBody(UPPER_DIGITS, 16, 115),
  'slack-bot': 'xox' + 'b-' + slackBody(116),
  'slack-user': 'xox' + 'p-' + slackBody(117),
  'slack-workspace': 'xox' + 'a-' + slackBody(118),
  'slack-refresh': 'xox' + 'r-' + slackBody(119),
  'slack-session': 'xox' + 's-' + slackBody(120),
  'slack-app': 'xa' + 'pp-' + slackBody(121),
  'slack-webhook': 'https://hooks.' + 'slack.com/services/T' + randomBody(UPPER_DIGITS, 8, 122) + '/B' + randomBody(UPPER_DIGITS, 8, 123) + '/' + randomAlnum(24, 124),
  'stripe-live-secret': 'sk_' + 'live_' + randomAlnum(24, 125),
  'stripe-test-secret': 'sk_' + 'test_' + randomAlnum(24, 126),
  'stripe-live-restricted': 'rk_' + 'live_' + randomAlnum(24, 127),
  'stripe-test-restricted': 'rk_' + 'test_' + randomAlnum(24, 128),
  'google-api-key': 'AI' + 'za' + randomAlnum(35, 129),
  'google-oauth-client-secret': 'GOC' + 'SPX-' + randomAlnum(28, 130),
  jwt: 'ey' + 'J' + randomAlnum(20, 131) + '.ey' + 'J' + randomAlnum(40, 132) + '.' + randomAlnum(43, 133),
  'private-key':
    '-----BEGIN ' + 'RSA PRIVATE KEY-----\n' + [134, 135, 136].map((s) => randomAlnum(64, s)).join('\n') + '\n-----END ' + 'RSA PRIVATE KEY-----',
  'gitlab-pat': 'gl' + 'pat-' + randomAlnum(20, 137),
  npm: 'npm' + '_' + randomAlnum(36, 138),
  huggingface: 'hf' + '_' + randomAlnum(34, 139),
  groq: 'gs' + 'k_' + randomAlnum(52, 140),
  xai: 'xa' + 'i-' + randomAlnum(80, 141),
  perplexity: 'pp' + 'lx-' + randomAlnum(48, 142),
  tavily: 'tv' + 'ly-' + randomAlnum(32, 143),
  firecrawl: 'fc' + '-' + randomBody(HEX, 32, 144),
  figma: 'fi' + 'gd_' + randomAlnum(40, 145),
  linear: 'lin' + '_api_' + randomAlnum(40, 146),
  notion: 'nt' + 'n_' + randomAlnum(46, 147),
  'notion-legacy': 'sec' + 'ret_' + randomAlnum(43, 148),
  supabase: 'sb' + 'p_' + randomBody(HEX, 40, 149),
  'sentry-org': 'sn' + 'trys_' + randomAlnum(72, 150),
  'sentry-user': 'sn' + 'tryu_' + randomBody(HEX, 64, 151),
  atlassian: 'ATA' + 'TT3' + randomAlnum(180, 152),
  sendgrid: 'S' + 'G.' + randomAlnum(22, 153) + '.' + randomAlnum(43, 154),
  digitalocean: 'do' + 'p_v1_' + randomBody(HEX, 64, 155),
  'mcp-oversight-api-key': 'mc' + 'po_' + randomBody('abcdefghijklmnopqrstuvwxyz234567', 12, 157) + '_' + randomAlnum(43, 158),
  pypi: 'py' + 'pi-' + 'AgEIcHlwaS5vcmc' + randomAlnum(70, 156),
};

function slackBody(seed: number): string {
  return randomBody(DIGITS, 12, seed) + '-' + randomBody(DIGITS, 13, seed + 1000) + '-' + randomBody(ALNUM, 24, seed + 2000);
}

/** A GitHub token for tests that need just one. */
export const GITHUB_PAT = SAMPLE_TOKENS['github-pat'] as string;
export const OPENAI_KEY = SAMPLE_TOKENS['openai-project'] as string;
