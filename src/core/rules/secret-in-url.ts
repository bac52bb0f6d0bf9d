import { findReferences, isPureReference } from '../config/references';
import { formatJsonPath } from '../model/location';
import { findKnownSecrets, isHighEntropySecretValue, maskSecret } from '../secrets/detect-secrets';
import { isSecretLikeName } from '../secrets/secret-names';
import { perServerRule } from './rule';
import { scannableStrings } from './support/scannable';
import { parseUrl } from './support/urls';

/** A value that is a credential rather than a switch or placeholder (`?auth=enabled`, `?token=your-token-here`). */
const credential = (v: string) => findKnownSecrets(v).length > 0 || isHighEntropySecretValue(v, { minLength: 8 });

/** decodeURIComponent that never throws: a lone `%` (`?token=100%`) stays as written. */
function decode(s: string): string {
  try {
    return decodeURIComponent(s);
  } catch {
    return s;
  }
}

const refOnly = (s: string) => s === '' || isPureReference(decode(s)) || findReferences(decode(s)).length > 0;

/** Passwords that documentation uses as stand-ins (`mongodb+srv://username:password@…`). */
const PLACEHOLDER_PASSWORD = /^(?:<[^>]*>|\[[^\]]*\]|\{[^}]*\}|password|passwd|pass|pwd|secret|changeme|change-me|xxx+|\*+|your[-_]?password|mypassword|example|dummy|test)$/i;

export const secretInUrlRule = perServerRule(
  {
    id: 'secret-in-url',
    category: 'secret-in-config',
    severity: 'high',
    title: 'Credentials in a URL',
    rationale:
      'Passwords and tokens in a URL (user:password@host or ?api_key=…) end up in logs, proxies, browser history and error messages, besides sitting in the config in plain text.',
    help: 'Send credentials in a header that references an environment variable (`"Authorization": "Bearer ${env:TOKEN}"`), not in the URL.',
  },
  (server, _ctx, report) => {
    for (const s of scannableStrings(server)) {
      // Env and header values too: DATABASE_URL=postgresql://app:…@db/… is the classic one.
      if (s.field !== 'url' && s.field !== 'args' && s.field !== 'env' && s.field !== 'headers') continue;
      const url = parseUrl(s.value);
      if (!url) continue;
      const user = decode(url.username);
      if (url.password === '' && user !== '' && !refOnly(url.username) && credential(user)) {
        // `https://<token>@host`: the git / x-access-token style puts the credential in the user name.
        report({ server, path: s.path, key: 'username', message: `Credential as the user name of the URL ${formatJsonPath(s.path)} of server "${server.name}" (${maskSecret(user)}).` });
      }
      if (url.password !== '' && !refOnly(url.password) && !PLACEHOLDER_PASSWORD.test(decode(url.password))) {
        report({
          server,
          path: s.path,
          key: 'userinfo',
          message: `Password in the URL ${formatJsonPath(s.path)} of server "${server.name}" (user ${url.username ? maskSecret(user) : '(none)'}, password ${maskSecret(decode(url.password))}).`,
        });
      }
      for (const [name, value] of url.searchParams) {
        if (!isSecretLikeName(name) || refOnly(value) || !credential(value)) continue;
        report({
          server,
          path: s.path,
          key: `query:${name}`,
          message: `Secret-like query parameter "${name}" in the URL ${formatJsonPath(s.path)} of server "${server.name}" (${maskSecret(value)}).`,
        });
      }
    }
  },
);
