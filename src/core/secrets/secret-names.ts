// Env, header and flag names that conventionally hold a secret, and the ones that only sound like it.

/** Words that make a name secret-like wherever they appear in it. */
const SECRET_WORDS = new Set([
  'token',
  'secret',
  'secrets',
  'password',
  'passwords',
  'passwd',
  'pwd',
  'pass',
  'passphrase',
  'apikey',
  'credential',
  'credentials',
  'creds',
  'auth',
  'authorization',
  'bearer',
  'session',
  'cookie',
  'cookies',
  'dsn',
  'jwt',
  'pat',
]);

/** Single words that are secret words run together (`accessToken` in lower case, `clientsecret`). */
const SECRET_WORD_ENDINGS = ['token', 'secret', 'password', 'passwd', 'apikey', 'accesskey', 'privatekey', 'secretkey', 'signingkey', 'credentials'];

/**
 * A name that ends in one of these describes where or how a credential is used, not the
 * credential: `AUTH_TYPE`, `TOKEN_URL`, `PASSWORD_FILE`, `GITHUB_CLIENT_ID`, `SESSION_TIMEOUT`.
 */
const NON_SECRET_LAST_WORDS = new Set([
  'url',
  'urls',
  'uri',
  'endpoint',
  'endpoints',
  'host',
  'hostname',
  'port',
  'domain',
  'server',
  'path',
  'paths',
  'file',
  'files',
  'filename',
  'dir',
  'directory',
  'folder',
  'location',
  'timeout',
  'ttl',
  'expiry',
  'expires',
  'expiration',
  'lifetime',
  'enabled',
  'enable',
  'disabled',
  'disable',
  'required',
  'secure',
  'region',
  'user',
  'username',
  'email',
  'id',
  'ids',
  'arn',
  'type',
  'mode',
  'method',
  'scheme',
  'provider',
  'strategy',
  'kind',
  'name',
  'format',
  'version',
  'level',
  'length',
  'size',
  'count',
  'limit',
  'algorithm',
  'alg',
  'scope',
  'scopes',
  'prefix',
  'env',
]);

/** A first word that makes the name a switch or a number: `ENABLE_AUTH`, `MAX_TOKENS`. */
const NON_SECRET_FIRST_WORDS = new Set(['enable', 'disable', 'use', 'require', 'skip', 'no', 'allow', 'is', 'has', 'max', 'min', 'num']);

/** Words before a final `key` that make it a public or structural key rather than a secret one. */
const NON_SECRET_KEY_QUALIFIERS = new Set([
  'public',
  'pub',
  'publishable',
  'anon',
  'site',
  'primary',
  'partition',
  'sort',
  'cache',
  'foreign',
  'lookup',
  'idempotency',
  'hot',
  'shortcut',
  'keyboard',
  'map',
  'row',
  'range',
]);

/**
 * Longer names are not names a person gave a secret (and judging them would cost time and the
 * verdict cache memory): they are judged not secret-like.
 */
const MAX_NAME_LENGTH = 256;

/** `GITHUB_PERSONAL_ACCESS_TOKEN`, `x-api-key`, `apiKey`, `XApiKey` → lower-case words. */
function nameWords(name: string): string[] {
  return name
    .replace(/([a-z0-9])([A-Z])/g, '$1 $2')
    // `XMLHttp` → `XML Http`: a break before the last capital of a run that starts a word. Written
    // as lookarounds (one step per position); `([A-Z]+)([A-Z][a-z])` is quadratic on long runs.
    .replace(/(?<=[A-Z])(?=[A-Z][a-z])/g, ' ')
    .toLowerCase()
    .split(/[^a-z0-9]+/)
    .filter((w) => w.length > 0 && !/^[0-9]+$/.test(w));
}

/**
 * True for env, header and argument names that conventionally hold a secret (`GITHUB_TOKEN`,
 * `Authorization`, `x-api-key`, `DB_PASSWORD`, `--client-secret`), false for names that say they
 * hold a path, URL, flag, id or setting about a secret (`AUTH_TYPE`, `TOKEN_URL`, `SECRET_FILE`).
 */
export function isSecretLikeName(name: string): boolean {
  if (name.length > MAX_NAME_LENGTH) return false;
  // The same few names (GITHUB_TOKEN, Authorization, …) recur in every server: remember verdicts.
  const known = nameVerdicts.get(name);
  if (known !== undefined) return known;
  const verdict = judgeName(name);
  if (nameVerdicts.size >= 10_000) nameVerdicts.clear();
  nameVerdicts.set(name, verdict);
  return verdict;
}

const nameVerdicts = new Map<string, boolean>();

function judgeName(name: string): boolean {
  const words = nameWords(name);
  const last = words[words.length - 1];
  const first = words[0];
  if (last === undefined || first === undefined) return false;
  // The shell's own PWD/OLDPWD are the working directory, not a password.
  if (words.length === 1 && (last === 'pwd' || last === 'oldpwd')) return false;
  if (NON_SECRET_LAST_WORDS.has(last)) return false;
  if (words.length > 1 && NON_SECRET_FIRST_WORDS.has(first)) return false;

  for (let i = 0; i < words.length; i++) {
    const w = words[i] ?? '';
    if (SECRET_WORDS.has(w)) return true;
    if (w.length > 5 && SECRET_WORD_ENDINGS.some((e) => w.endsWith(e))) return true;
  }
  // `key` alone is too common (sort keys, cache keys) to count anywhere; as the last word it is
  // secret unless qualified as public or structural: API_KEY, ACCESS_KEY, PRIVATE_KEY, OPENAI_KEY.
  if (last === 'key' || last === 'keys') {
    const before = words[words.length - 2];
    return before === undefined || !NON_SECRET_KEY_QUALIFIERS.has(before);
  }
  return false;
}
