import { envReference, suggestEnvVarName } from '../config/references';
import type { Remediation } from '../model/finding';
import { formatJsonPath } from '../model/location';
import type { McpServer } from '../model/server';
import { findKnownSecrets, maskSecret } from '../secrets/detect-secrets';
import { perServerRule } from './rule';
import { scannableStrings, supportsEnvReferences, type Scannable } from './support/scannable';

/** The edit that moves `secret` (a substring of `s.value`) into an environment variable reference. */
export function moveToEnvRemediation(server: McpServer, s: Scannable, start: number, end: number): Remediation | undefined {
  if (!supportsEnvReferences(server)) return undefined;
  const variable = suggestEnvVarName(s.name ?? s.field, server.name);
  const ref = envReference(server.format === 'kilo' ? 'kilo' : 'other', variable);
  return {
    description: `Replace the secret in ${formatJsonPath(s.path)} with ${ref}`,
    edits: [{ file: server.file, jsonPath: s.path, value: s.value.slice(0, start) + ref + s.value.slice(end) }],
    followUp:
      `Set ${variable} in the environment the client starts from, and rotate the exposed secret: it has been stored in plain text.` +
      // Kilo substitutes {env:…} in a project's kilo.json(c) only once the project is trusted.
      (server.format === 'kilo' && server.scope === 'project' ? ' Kilo reads {env:…} in project config only for trusted projects: trust this one in Kilo.' : ''),
  };
}

export const secretTokenRule = perServerRule(
  {
    id: 'secret-token',
    category: 'secret-in-config',
    severity: 'critical',
    title: 'Known credential in plain text',
    rationale:
      'MCP configs are read by every extension and often committed or synced; a token in plain text (GitHub, OpenAI, Anthropic, AWS, Slack, Stripe, Google, JWT, private key…) is exposed to anyone who can read the file and to every server and log that sees the config.',
    help: 'Move the value to an environment variable and reference it (`${env:NAME}`, or `{env:NAME}` in kilo.json), then rotate the credential.',
  },
  (server, _ctx, report) => {
    for (const s of scannableStrings(server)) {
      const found = findKnownSecrets(s.value);
      for (const m of found) {
        // With several secrets in one value, partial edits would conflict: move the whole value.
        const remediation = found.length === 1 ? moveToEnvRemediation(server, s, m.start, m.end) : moveToEnvRemediation(server, s, 0, s.value.length);
        report({
          server,
          path: s.path,
          key: `${m.start}`,
          message: `${m.kind} in plain text in ${formatJsonPath(s.path)} of server "${server.name}" (${maskSecret(m.value)}).`,
          ...(remediation ? { remediation } : {}),
        });
      }
    }
  },
);
