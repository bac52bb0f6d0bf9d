import { isPureReference } from '../config/references';
import { formatJsonPath } from '../model/location';
import { findKnownSecrets, isHighEntropySecretValue, maskSecret } from '../secrets/detect-secrets';
import { isSecretLikeName } from '../secrets/secret-names';
import { perServerRule } from './rule';
import { moveToEnvRemediation } from './secret-token';
import { scannableStrings } from './support/scannable';

const AUTH_SCHEME = /^(Bearer|Basic|Token|Bot)\s+/i;
const PASSWORD_NAME = /pass(word|wd|phrase)?|pwd/i;

export const secretHighEntropyRule = perServerRule(
  {
    id: 'secret-high-entropy',
    category: 'secret-in-config',
    severity: 'high',
    title: 'Likely secret in plain text',
    rationale:
      'A random-looking value under a name such as TOKEN, API_KEY, PASSWORD or Authorization is almost always a credential; in an MCP config it is readable by anyone with the file.',
    help: 'Move the value to an environment variable and reference it (`${env:NAME}`, or `{env:NAME}` in kilo.json), then rotate it.',
  },
  (server, _ctx, report) => {
    for (const s of scannableStrings(server)) {
      if (s.field === 'url' || s.field === 'command' || s.field === 'cwd') continue;
      if (s.name === undefined || !isSecretLikeName(s.name)) continue;
      if (isPureReference(s.value) || findKnownSecrets(s.value).length > 0) continue; // reported by secret-token
      // `--token=abc`, `Authorization: abc`: the secret is after `valueStart`; `Bearer abc`: after the scheme too.
      const scheme = AUTH_SCHEME.exec(s.value.slice(s.valueStart))?.[0].length ?? 0;
      const start = s.valueStart + scheme;
      const secret = s.value.slice(start);
      // People choose passwords shorter than generated tokens.
      if (!isHighEntropySecretValue(secret, PASSWORD_NAME.test(s.name) ? { minLength: 8 } : {})) continue;
      const remediation = moveToEnvRemediation(server, s, start, s.value.length);
      report({
        server,
        path: s.path,
        message: `Likely secret in plain text in ${formatJsonPath(s.path)} of server "${server.name}" (${maskSecret(secret)}).`,
        ...(remediation ? { remediation } : {}),
      });
    }
  },
);
