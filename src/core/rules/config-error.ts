import type { ConfigError } from '../model/config-error';
import type { McpServer } from '../model/server';
import type { Severity } from '../model/severity';
import type { Rule } from './rule';

const SEVERITY: Record<ConfigError['code'], Severity> = {
  // The client loads nothing from the file: every server in it silently disappears.
  'invalid-json': 'high',
  'rejected-by-client': 'high',
  schema: 'medium',
  unreadable: 'medium',
  'too-large': 'medium',
  // Deep nesting is how a file would hide from tools like this one.
  'too-deep': 'high',
};

function startsWith(path: readonly (string | number)[], prefix: readonly (string | number)[]): boolean {
  return prefix.length > 0 && prefix.length <= path.length && prefix.every((seg, i) => path[i] === seg);
}

export const configErrorRule: Rule = {
  id: 'config-error',
  category: 'invalid-config',
  severity: 'medium',
  title: 'MCP config the client cannot (fully) load',
  rationale:
    'A file the client rejects, or an entry that breaks its schema, means servers silently missing or behaving differently from what the file says, and reviews of the file are then reviews of something that does not run.',
  help: 'Fix the field named in the message; the message says what the client expects.',
  check(ctx, report) {
    const byFile = new Map<string, McpServer[]>();
    for (const s of ctx.model.servers) {
      const list = byFile.get(s.file);
      if (list) list.push(s);
      else byFile.set(s.file, [s]);
    }
    for (const source of ctx.model.sources) {
      for (const e of source.errors) {
        // An error inside a server entry belongs to that server (so `server:` suppressions reach it).
        const server = e.jsonPath.length < 2 ? undefined : byFile.get(source.file)?.find((s) => startsWith(e.jsonPath, s.origins.entry));
        report({
          ...(server ? { server } : {}),
          file: source.file,
          path: e.jsonPath,
          at: { line: e.line, column: e.column },
          // No line or column in the key: the fingerprint must survive edits above the error.
          key: `${e.code}:${e.field}:${e.message}`,
          severity: SEVERITY[e.code],
          message: `${e.message} ${e.fix}`,
        });
      }
    }
  },
};
