import type { ConfigError } from '../model/config-error';
import type { Severity } from '../model/severity';
import type { Rule } from './rule';

const SEVERITY: Record<ConfigError['code'], Severity> = {
  // The client loads nothing from the file: every server in it silently disappears.
  'invalid-json': 'high',
  'rejected-by-client': 'high',
  schema: 'medium',
  unreadable: 'medium',
  'too-large': 'medium',
  'too-deep': 'medium',
};

export const configErrorRule: Rule = {
  id: 'config-error',
  category: 'invalid-config',
  severity: 'medium',
  title: 'MCP config the client cannot (fully) load',
  rationale:
    'A file the client rejects, or an entry that breaks its schema, means servers silently missing or behaving differently from what the file says, and reviews of the file are then reviews of something that does not run.',
  help: 'Fix the field named in the message; the message says what the client expects.',
  *check(ctx) {
    for (const source of ctx.model.sources) {
      for (const e of source.errors) {
        yield {
          file: source.file,
          path: e.jsonPath,
          at: { line: e.line, column: e.column },
          key: `${e.code}:${e.line}:${e.column}:${e.message}`,
          severity: SEVERITY[e.code],
          message: `${e.message} ${e.fix}`,
        };
      }
    }
  },
};
