import { envReference, suggestEnvVarName } from '../config/references';
import type { Remediation } from '../model/finding';
import { formatJsonPath } from '../model/location';
import type { McpServer } from '../model/server';
import { getLocation } from 'jsonc-parser';
import { LineIndex } from '../json/line-index';
import { findKnownSecrets, maskSecret } from '../secrets/detect-secrets';
import { ruleFailure, type Report, type Rule } from './rule';
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

const META = {
  id: 'secret-token',
  category: 'secret-in-config',
  severity: 'critical',
  title: 'Known credential in plain text',
  rationale:
    'MCP configs are read by every extension and often committed or synced; a token in plain text (GitHub, OpenAI, Anthropic, AWS, Slack, Stripe, Google, JWT, private key…) is exposed to anyone who can read the file and to every server and log that sees the config.',
  help: 'Move the value to an environment variable and reference it (`${env:NAME}`, or `{env:NAME}` in kilo.json), then rotate the credential.',
} as const;

/** Tokens in the server fields we model (env, headers, args, URL, OAuth secret), with a fix where the format allows one. */
function checkServer(server: McpServer, report: Report, seen: Set<string>): void {
  for (const s of scannableStrings(server)) {
    const found = findKnownSecrets(s.value);
    for (const m of found) {
      seen.add(m.value);
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
}

/**
 * Tokens anywhere else in the file: fields we do not model (a provider `apiKey`, VS Code input
 * defaults), the earlier of two duplicate keys (JSON.parse drops it, the file still holds it),
 * schema-breaking shapes. One scan of the text; tokens already reported above are skipped.
 */
function sweepText(file: string, text: string, seen: ReadonlySet<string>, report: Report): void {
  const found = findKnownSecrets(text).filter((m) => !seen.has(m.value));
  if (found.length === 0) return;
  const lines = new LineIndex(text);
  for (const m of found) {
    const at = lines.position(m.start);
    report({
      file,
      path: pathAt(text, m.start),
      at,
      key: `text:${m.value.length}:${at.line}`,
      message: `${m.kind} in plain text in ${file.split(/[\\/]/).pop() ?? file}, outside any server field (${maskSecret(m.value)}).`,
    });
  }
}

function pathAt(text: string, offset: number): (string | number)[] {
  try {
    return getLocation(text, offset).path;
  } catch {
    return []; // hostile nesting: the line and column still say where
  }
}

export const secretTokenRule: Rule = {
  ...META,
  check(ctx, report) {
    const seenByFile = new Map<string, Set<string>>();
    for (const server of ctx.model.servers) {
      let seen = seenByFile.get(server.file);
      if (seen === undefined) seenByFile.set(server.file, (seen = new Set()));
      try {
        checkServer(server, report, seen);
      } catch (e) {
        report({ server, path: server.origins.entry, key: 'rule-failure', severity: 'medium', message: ruleFailure(META.id, server.name, e) });
      }
    }
    for (const [file, text] of ctx.texts ?? []) sweepText(file, text, seenByFile.get(file) ?? new Set(), report);
  },
};
