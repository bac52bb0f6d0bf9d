import { homedir } from 'node:os';
import { resolve } from 'node:path';
import { assessTarget } from '../core/assess/assess-workspace';
import type { AssessmentResult } from '../core/assess/assessment-result';
import { describeError, OversightError } from '../core/errors';
import { atLeast } from '../core/model/severity';
import type { FileSystemPort } from '../core/ports/file-system';
import { sanitizeForTerminal } from '../core/report/ansi';
import { renderJson } from '../core/report/json-report';
import { renderSarif } from '../core/report/sarif-report';
import { renderTable } from '../core/report/table-report';
import { ALL_RULES } from '../core/rules/all-rules';
import { parseCommand, USAGE, type AssessCliOptions } from './cli-options';
import { runAudit } from './run-audit';
import { runApiKey, runToken } from './run-credentials';
import { runServe } from './run-serve';
import { writeFileAtomic } from './write-atomic';

export interface CliIo {
  argv: readonly string[];
  env: NodeJS.ProcessEnv;
  cwd: string;
  stdoutIsTty: boolean;
  stdout(text: string): void;
  stderr(text: string): void;
  fs: FileSystemPort;
  version: string;
  platform: NodeJS.Platform;
  /** The clock (audit timestamps, `--since 24h`); the real one when absent. */
  now?: () => Date;
  /** For `serve`: where the two servers' bundles are, and when to stop (absent: serve is unavailable). */
  serve?: { distDir: string; stopSignal: () => Promise<string> };
}

/** The whole CLI as a function of its inputs, returning the exit code: what bin and tests both call. */
export async function runCli(io: CliIo): Promise<number> {
  try {
    const cmd = parseCommand(io.argv, io.env, io.stdoutIsTty, io.now?.() ?? new Date(), io.cwd);
    switch (cmd.kind) {
      case 'help':
        io.stdout(USAGE);
        return 0;
      case 'version':
        io.stdout(`mcp-oversight ${io.version}\n`);
        return 0;
      case 'rules':
        io.stdout(
          cmd.json
            ? JSON.stringify(ALL_RULES.map(({ id, category, severity, title, rationale, help }) => ({ id, category, severity, title, rationale, help })), null, 2) + '\n'
            : ALL_RULES.map((r) => `${r.id.padEnd(26)} ${r.category.padEnd(24)} ${r.severity.padEnd(8)} ${r.title}`).join('\n') + '\n',
        );
        return 0;
      case 'assess':
        return await assess(io, cmd.options);
      case 'audit':
        return await runAudit(io, cmd.options);
      case 'serve':
        if (io.serve === undefined) throw new OversightError('usage', 'serve runs from the mcp-oversight command only.');
        return await runServe({ ...io, ...io.serve }, cmd.options);
      case 'token':
        return await runToken(io, cmd.options);
      case 'apikey':
        return await runApiKey(io, cmd.command);
    }
  } catch (e) {
    if (e instanceof OversightError && e.code === 'usage') {
      io.stderr(`mcp-oversight: ${e.message}\nRun "mcp-oversight help" for usage.\n`);
      return 2;
    }
    io.stderr(`mcp-oversight: ${describeError(e)}\n`);
    return 2;
  }
}

function isReadable(source: AssessmentResult['sources'][number], result: AssessmentResult): boolean {
  return source.exists && !result.errors.some((e) => e.file === source.file && (e.code === 'unreadable' || e.code === 'too-large' || e.code === 'invalid-json'));
}

async function assess(io: CliIo, o: AssessCliOptions): Promise<number> {
  const path = resolve(io.cwd, o.path);
  if ((await io.fs.stat(path)) === undefined) {
    io.stderr(`mcp-oversight: ${o.path} does not exist. Give a workspace folder or an MCP config file.\n`);
    return 2;
  }
  const { result, policyErrors } = await assessTarget(io.fs, {
    path,
    includeGlobal: o.global,
    home: o.home === undefined ? homedir() : resolve(io.cwd, o.home),
    platform: io.platform,
    env: { XDG_CONFIG_HOME: io.env['XDG_CONFIG_HOME'], APPDATA: io.env['APPDATA'] },
    ...(o.vscodeStorage ? { vscodeGlobalStorage: resolve(io.cwd, o.vscodeStorage) } : {}),
    ...(o.policy ? { policyFile: resolve(io.cwd, o.policy) } : {}),
    toolVersion: io.version,
    maxFileBytes: Math.max(1, Math.floor(o.maxFileSizeMiB * 1024 * 1024)),
  });
  if (policyErrors.length > 0) {
    for (const e of policyErrors) io.stderr(sanitizeForTerminal(`${e.file}:${e.line}:${e.column}: policy error in ${e.field}: ${e.message} ${e.fix}`) + '\n');
    io.stderr('mcp-oversight: not assessing without the policy; fix it (see docs/POLICY.md).\n');
    return 2;
  }
  const baseDir = result.workspace;
  // Policy notes (an expired suppression…) are warnings: stderr, whatever the format, never twice.
  const report =
    o.format === 'json'
      ? renderJson(result)
      : o.format === 'sarif'
        ? renderSarif(result, baseDir ? { baseDir } : {})
        : renderTable({ ...result, policyNotes: [] }, { color: o.color, ...(baseDir ? { baseDir } : {}) });
  if (o.output) {
    await writeFileAtomic(resolve(io.cwd, o.output), report);
    io.stderr(`mcp-oversight: wrote ${o.format} report to ${o.output}\n`);
  } else {
    io.stdout(report);
  }
  // Policy text comes from the repository: untrusted, so escaped for the terminal.
  for (const note of result.policyNotes) io.stderr(`mcp-oversight: policy: ${sanitizeForTerminal(note)}\n`);
  if (!result.sources.some((s) => isReadable(s, result))) {
    io.stderr(
      result.sources.some((s) => s.exists)
        ? 'mcp-oversight: no MCP config could be read (see the errors above).\n'
        : `mcp-oversight: no MCP config found in ${o.path} (looked for ${result.sources.map((s) => s.displayPath).join(', ')}).\n`,
    );
    return 2;
  }
  if (o.failOn === 'none') return 0;
  const failOn = o.failOn;
  return result.findings.some((f) => f.suppressed === undefined && atLeast(f.severity, failOn)) ? 1 : 0;
}
