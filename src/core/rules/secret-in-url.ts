import { findReferences, isPureReference } from '../config/references';
import { formatJsonPath } from '../model/location';
import { isSecretLikeName, maskSecret } from '../secrets/detect-secrets';
import { perServerRule } from './rule';
import { scannableStrings } from './support/scannable';

/** Parses a URL without throwing; references (`${env:X}`) are fine inside it. */
export function parseUrl(value: string): URL | undefined {
  if (!/^[a-z][a-z0-9+.-]*:\/\//i.test(value)) return undefined;
  try {
    return new URL(value);
  } catch {
    return undefined;
  }
}

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
  function* (server) {
    for (const s of scannableStrings(server)) {
      if (s.field !== 'url' && s.field !== 'args') continue;
      const url = parseUrl(s.value);
      if (!url) continue;
      if (url.password !== '' && !refOnly(url.password)) {
        yield {
          server,
          path: s.path,
          key: 'userinfo',
          message: `Password in the URL ${formatJsonPath(s.path)} of server "${server.name}" (user ${url.username ? maskSecret(decodeURIComponent(url.username)) : '(none)'}, password ${maskSecret(decodeURIComponent(url.password))}).`,
        };
      }
      for (const [name, value] of url.searchParams) {
        if (!isSecretLikeName(name) || value.length < 6 || refOnly(value)) continue;
        yield {
          server,
          path: s.path,
          key: `query:${name}`,
          message: `Secret-like query parameter "${name}" in the URL ${formatJsonPath(s.path)} of server "${server.name}" (${maskSecret(value)}).`,
        };
      }
    }
  },
);
