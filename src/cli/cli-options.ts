import { parseArgs } from 'node:util';
import { z } from 'zod';
import { OversightError } from '../core/errors';
import { SeveritySchema } from '../core/model/severity';
import { AUDIT_USAGE, parseAuditCommand, type AuditCliOptions } from './audit-options';
import { parseApiKey, parseServe, parseToken, SERVE_USAGE, type ApiKeyCommand, type ServeOptions, type TokenOptions } from './serve-options';

export const AssessOptionsSchema = z.object({
  path: z.string(),
  format: z.enum(['table', 'json', 'sarif'], { error: '--format must be table, json or sarif' }),
  output: z.string().optional(),
  failOn: z.union([SeveritySchema, z.literal('none')], { error: '--fail-on must be critical, high, medium, low, info or none' }),
  policy: z.string().min(1, { error: '--policy needs a file name (is a variable unset?)' }).optional(),
  global: z.boolean(),
  home: z.string().optional(),
  vscodeStorage: z.string().optional(),
  maxFileSizeMiB: z.number({ error: '--max-file-size must be a number of MiB' }).positive({ error: '--max-file-size must be positive' }).max(1024),
  color: z.boolean(),
});
export type AssessCliOptions = z.infer<typeof AssessOptionsSchema>;

export type Command =
  | { kind: 'assess'; options: AssessCliOptions }
  | { kind: 'serve'; options: ServeOptions }
  | { kind: 'token'; options: TokenOptions }
  | { kind: 'apikey'; command: ApiKeyCommand }
  | { kind: 'audit'; options: AuditCliOptions } | { kind: 'rules'; json: boolean } | { kind: 'help'; topic?: string } | { kind: 'version' };

/** Parses argv (after `node cli.js`). Throws OversightError('usage') with a message that says what to do. */
export function parseCommand(argv: readonly string[], env: NodeJS.ProcessEnv, isTty: boolean, now: Date = new Date(), cwd: string = process.cwd()): Command {
  const [cmd, ...rest] = argv;
  if (cmd === undefined || cmd === 'help' || cmd === '--help' || cmd === '-h') return { kind: 'help', ...(rest[0] ? { topic: rest[0] } : {}) };
  if (cmd === 'version' || cmd === '--version' || cmd === '-v') return { kind: 'version' };
  if (cmd === 'audit') {
    if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', topic: 'audit' };
    return { kind: 'audit', options: parseAuditCommand(rest, env, now) };
  }
  if (cmd === 'serve' || cmd === 'token' || cmd === 'apikey') {
    if (rest.includes('--help') || rest.includes('-h')) return { kind: 'help', topic: cmd };
    if (cmd === 'serve') return { kind: 'serve', options: parseServe(rest, cwd) };
    if (cmd === 'token') return { kind: 'token', options: parseToken(rest, cwd) };
    return { kind: 'apikey', command: parseApiKey(rest, cwd) };
  }
  let parsed;
  try {
    parsed = parseArgs({
      args: [...rest],
      allowPositionals: true,
      strict: true,
      options: {
        format: { type: 'string', short: 'f' },
        output: { type: 'string', short: 'o' },
        'fail-on': { type: 'string' },
        policy: { type: 'string' },
        global: { type: 'boolean' },
        home: { type: 'string' },
        'vscode-storage': { type: 'string' },
        'max-file-size': { type: 'string' },
        'no-color': { type: 'boolean' },
        color: { type: 'boolean' },
        json: { type: 'boolean' },
        help: { type: 'boolean', short: 'h' },
      },
    });
  } catch (e) {
    throw new OversightError('usage', e instanceof Error ? e.message.replace(/^TypeError \[\w+\]: /, '') : String(e));
  }
  const v = parsed.values;
  if (v.help) return { kind: 'help', topic: cmd };
  if (cmd === 'rules') return { kind: 'rules', json: v.json === true };
  if (cmd !== 'assess') throw new OversightError('usage', `Unknown command "${cmd}". Commands: assess, rules, serve, token, apikey, help, version. Audit log: audit verify|show|export|prune.`);
  if (parsed.positionals.length > 1) throw new OversightError('usage', `assess takes one PATH, got ${parsed.positionals.length}: ${parsed.positionals.join(' ')}`);
  // Flags beat the environment (no-color.org); NO_COLOR beats FORCE_COLOR; FORCE_COLOR=0/false is "no force".
  const envNoColor = env['NO_COLOR'] !== undefined && env['NO_COLOR'] !== '';
  const envForce = env['FORCE_COLOR'] !== undefined && !['0', 'false', ''].includes(env['FORCE_COLOR']);
  const color = v.color === true ? true : v['no-color'] === true ? false : envNoColor ? false : envForce ? true : isTty && v.output === undefined;
  const r = AssessOptionsSchema.safeParse({
    path: parsed.positionals[0] ?? '.',
    format: v.format ?? 'table',
    output: v.output,
    failOn: v['fail-on'] ?? 'high',
    policy: v.policy,
    global: v.global === true,
    home: v.home,
    vscodeStorage: v['vscode-storage'],
    maxFileSizeMiB: v['max-file-size'] === undefined ? 8 : Number(v['max-file-size']),
    color,
  });
  if (!r.success) throw new OversightError('usage', r.error.issues.map((i) => i.message).join('; '));
  return { kind: 'assess', options: r.data };
}

export const USAGE = `mcp-oversight — static compliance and security assessment of MCP server configs

Usage:
  mcp-oversight assess [PATH] [options]   Assess a workspace folder (default .) or one config file
  mcp-oversight rules [--json]            List the rules with their ids, categories and severities
${AUDIT_USAGE.split('\n\nOptions for audit:')[0]}
${SERVE_USAGE.split('\n\nOptions for serve:')[0]}
  mcp-oversight help | version

Options for assess:
  -f, --format table|json|sarif   Output format (default table)
  -o, --output FILE               Write the report to FILE (atomically) instead of stdout
      --fail-on SEVERITY|none     Exit 1 when a finding is at or above SEVERITY (default high)
      --policy FILE               Organisation policy (default PATH/.kilocode/mcp-policy.json if present)
      --global                    Also read global configs (KiloCode, Kilo, Cline, Roo, Cursor, Claude Desktop)
      --home DIR                  Home folder for --global (default: yours)
      --vscode-storage DIR        VS Code's User/globalStorage folder for --global (default: per platform)
      --max-file-size MIB         Skip config files larger than this (default 8)
      --no-color / --color        Colour off/on (NO_COLOR and FORCE_COLOR are respected)

Options for audit:${AUDIT_USAGE.split('\n\nOptions for audit:')[1]}
Options for serve:${SERVE_USAGE.split('\n\nOptions for serve:')[1]}

Exit codes: 0 nothing at or above --fail-on; 1 findings at or above it; 2 usage error, bad policy, or nothing readable.
  audit: 0 fine; 1 the log is broken (verify names the first bad seq; show/export name the broken file:line); 2 usage or I/O error.
`;
