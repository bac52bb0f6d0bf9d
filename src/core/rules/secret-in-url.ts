import { findReferences, isPureReference } from '../config/references';
import { formatJsonPath } from '../model/location';
import { findKnownSecrets, isHighEntropySecretValue, isSecretLikeName, maskSecret } from '../secrets/detect-secrets';
import { perServerRule } from './rule';
import { scannableStrings } from './support/scannable';
import { parseUrl } from './support/urls';

/** A value that is a credential rather than a switch or placeholder (`?auth=enabled`, `?token=your-token-here`). */
const credential = (v: string) => findKnownSecrets(v).length > 0 || isHighEntropySecretValue(v, { minLength: 8 });

const refOnly = (s: string) => s === '' || isPureReference(decodeURIComponent(s)) || findReferences(decodeURIComponent(s)).length > 0;

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
      if (s.field !== 'url' && s.field !== 'args') continue;
      const url = parseUrl(s.value);
      if (!url) continue;
      const user = decodeURIComponent(url.username);
      if (url.password === '' && user !== '' && !refOnly(url.username) && credential(user)) {
        // `https://<token>@host`: the git / x-access-token style puts the credential in the user name.
        report({ server, path: s.path, key: 'username', message: `Credential as the user name of the URL ${formatJsonPath(s.path)} of server "${server.name}" (${maskSecret(user)}).` });
      }
      if (url.password !== '' && !refOnly(url.password)) {
        report({
          server,
          path: s.path,
          key: 'userinfo',
          message: `Password in the URL ${formatJsonPath(s.path)} of server "${server.name}" (user ${url.username ? maskSecret(decodeURIComponent(url.username)) : '(none)'}, password ${maskSecret(decodeURIComponent(url.password))}).`,
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
