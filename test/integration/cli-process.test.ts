/**
 * The real bundle, `node dist/cli.js`, run as a child process against workspaces written to a temp
 * folder: what a user or a CI job actually runs (bin wiring, process exit codes, stdout/stderr, files).
 * Build it first: `npm run build` (`npm test` does).
 */
import assert from 'node:assert/strict';
import { spawnSync } from 'node:child_process';
import { cpSync, existsSync, mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, resolve } from 'node:path';
import { after, before, describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import type * as Sarif from 'sarif';

const ROOT = resolve(__dirname, '..', '..');
const CLI = join(ROOT, 'dist', 'cli.js');
const DEMO = join(ROOT, 'examples', 'demo-workspace');
const PKG_VERSION = (JSON.parse(readFileSync(join(ROOT, 'package.json'), 'utf8')) as { version: string }).version;

const sarifSchemaPath = join(ROOT, 'test', 'unit', 'report', 'sarif-2.1.0-rtm.5.schema.json');
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
const validateSarif = ajv.compile(JSON.parse(readFileSync(sarifSchemaPath, 'utf8')) as Record<string, unknown>);

interface Proc {
  code: number | null;
  stdout: string;
  stderr: string;
}

/** The environment of this process without the colour switches (the test runner sets NO_COLOR). */
function baseEnv(): NodeJS.ProcessEnv {
  const { NO_COLOR: _noColor, FORCE_COLOR: _forceColor, ...rest } = process.env;
  return rest;
}

function run(args: readonly string[], opts: { cwd: string; env?: NodeJS.ProcessEnv }): Proc {
  const r = spawnSync(process.execPath, [CLI, ...args], {
    cwd: opts.cwd,
    env: { ...baseEnv(), ...opts.env },
    encoding: 'utf8',
    timeout: 30_000,
  });
  if (r.error) throw r.error;
  assert.equal(r.signal, null, `the CLI was killed by ${String(r.signal)} (timeout?)\n${r.stderr}`);
  return { code: r.status, stdout: r.stdout, stderr: r.stderr };
}

function writeFiles(root: string, files: Record<string, string>): void {
  for (const [rel, text] of Object.entries(files)) {
    const file = join(root, rel);
    mkdirSync(dirname(file), { recursive: true });
    writeFileSync(file, text);
  }
}

describe('node dist/cli.js', () => {
  let tmp = '';
  let demo = '';

  before(() => {
    assert.ok(existsSync(CLI), `${CLI} is missing: run \`npm run build\` first (npm test builds before testing).`);
    tmp = mkdtempSync(join(tmpdir(), 'mcp-oversight-cli-process-'));
    demo = join(tmp, 'demo');
    cpSync(DEMO, demo, { recursive: true });
  });
  after(() => {
    if (tmp !== '') rmSync(tmp, { recursive: true, force: true });
  });

  it('is the bundle of this version', () => {
    const r = run(['--version'], { cwd: tmp });
    assert.deepEqual(r, { code: 0, stdout: `mcp-oversight ${PKG_VERSION}\n`, stderr: '' });
    assert.ok(readFileSync(CLI, 'utf8').startsWith('#!/usr/bin/env node\n'), 'the bin has its shebang');
  });

  it('exits 1 on the demo workspace with the default --fail-on (high)', () => {
    const r = run(['assess', demo], { cwd: tmp });
    assert.equal(r.code, 1, r.stderr);
    assert.match(r.stdout, /^\.kilocode\/mcp\.json$/m);
    assert.match(r.stdout, /\d+ findings \(\d+ critical, .*\) in 1 file; 1 suppressed\n$/);
  });

  it('exits 0 on the demo workspace with --fail-on none, and the report is the same', () => {
    const failing = run(['assess', demo], { cwd: tmp });
    const r = run(['assess', demo, '--fail-on', 'none'], { cwd: tmp });
    assert.equal(r.code, 0, r.stderr);
    assert.equal(r.stdout, failing.stdout);
  });

  it('assesses the current folder by default', () => {
    const r = run(['assess', '--format', 'json', '--fail-on', 'none'], { cwd: demo });
    assert.equal(r.code, 0, r.stderr);
    const result = JSON.parse(r.stdout) as { workspace: string; findings: unknown[] };
    assert.equal(result.workspace, demo);
    assert.ok(result.findings.length > 5);
  });

  it('writes valid SARIF 2.1.0 with --format sarif --output out.sarif', () => {
    const r = run(['assess', demo, '--format', 'sarif', '--output', 'out.sarif'], { cwd: tmp });
    assert.equal(r.code, 1, r.stderr);
    assert.equal(r.stdout, '');
    assert.match(r.stderr, /^mcp-oversight: wrote sarif report to out\.sarif\n/);
    const log = JSON.parse(readFileSync(join(tmp, 'out.sarif'), 'utf8')) as Sarif.Log;
    assert.ok(validateSarif(log), ajv.errorsText(validateSarif.errors, { separator: '\n' }));
    assert.equal(log.version, '2.1.0');
    const run0 = log.runs[0];
    assert.ok(run0);
    assert.equal(run0.tool.driver.name, 'mcp-oversight');
    assert.equal(run0.tool.driver.version, PKG_VERSION);
    const results = run0.results ?? [];
    assert.ok(results.some((res) => res.ruleId === 'secret-token' && res.level === 'error'));
    assert.ok(results.some((res) => res.suppressions?.[0]?.justification?.includes('INFRA-142')), 'the demo policy suppression is carried over');
    for (const res of results) {
      const loc = res.locations?.[0]?.physicalLocation;
      assert.equal(loc?.artifactLocation?.uri, '.kilocode/mcp.json');
      assert.equal(loc?.artifactLocation?.uriBaseId, '%SRCROOT%');
      assert.ok((loc?.region?.startLine ?? 0) >= 1);
    }
    assert.deepEqual(readdirSync(tmp).filter((n) => n.endsWith('.tmp')), [], 'no temporary file left behind');
  });

  it('never prints the demo token', () => {
    const token = 'ghp_' + 'R8kq2VwZp4Tn7Lx1' + 'Yc9Bf3Hs6Jd0Mg5Ae2Qu';
    assert.ok(readFileSync(join(demo, '.kilocode', 'mcp.json'), 'utf8').includes(token), 'the demo holds the token');
    for (const format of ['table', 'json', 'sarif']) {
      const r = run(['assess', demo, '--format', format], { cwd: tmp, env: { FORCE_COLOR: '1' } });
      assert.ok(!(r.stdout + r.stderr).includes(token), format);
    }
    const file = run(['assess', demo, '--format', 'json', '--output', 'token-check.json'], { cwd: tmp });
    assert.equal(file.code, 1, file.stderr);
    assert.ok(!readFileSync(join(tmp, 'token-check.json'), 'utf8').includes(token), 'nor into a report file');
  });

  it('assesses a single config file given as PATH (path/to/kilo.jsonc)', () => {
    writeFiles(tmp, {
      'path/to/kilo.jsonc': [
        '// Kilo CLI config',
        '{',
        '  "mcp": {',
        '    /* unpinned on purpose */',
        '    "gh": { "type": "local", "command": ["npx", "-y", "@modelcontextprotocol/server-github"], },',
        '    "web": { "type": "remote", "url": "http://mcp.example.com/mcp" },',
        '  },',
        '}',
        '',
      ].join('\n'),
    });
    const r = run(['assess', 'path/to/kilo.jsonc', '--format', 'json'], { cwd: tmp });
    assert.equal(r.code, 1, r.stderr);
    const result = JSON.parse(r.stdout) as { workspace: string; sources: { displayPath: string; format: string }[]; findings: { ruleId: string; file: string; line: number }[]; errors: unknown[] };
    assert.equal(result.workspace, join(tmp, 'path', 'to'));
    assert.deepEqual(result.sources.map((s) => [s.displayPath, s.format]), [['kilo.jsonc', 'kilo']]);
    assert.deepEqual(result.errors, []);
    assert.deepEqual(
      result.findings.map((f) => [f.ruleId, f.line]),
      [['unpinned-npm-package', 5], ['insecure-http', 6]],
    );
    assert.ok(result.findings.every((f) => f.file === join(tmp, 'path', 'to', 'kilo.jsonc')));
    const table = run(['assess', 'path/to/kilo.jsonc'], { cwd: tmp });
    assert.match(table.stdout, /^kilo\.jsonc$/m);
  });

  it('honours NO_COLOR, even with FORCE_COLOR; FORCE_COLOR alone colours a pipe', () => {
    const forced = run(['assess', demo], { cwd: tmp, env: { FORCE_COLOR: '1' } });
    assert.ok(forced.stdout.includes('\x1b['), 'FORCE_COLOR colours the table');
    const plain = run(['assess', demo], { cwd: tmp });
    assert.ok(!plain.stdout.includes('\x1b'), 'a pipe gets no colour by default');
    for (const env of [{ NO_COLOR: '1' }, { NO_COLOR: '1', FORCE_COLOR: '1' }]) {
      const r = run(['assess', demo], { cwd: tmp, env });
      assert.equal(r.code, 1);
      assert.ok(!(r.stdout + r.stderr).includes('\x1b'), JSON.stringify(env));
      assert.equal(r.stdout, plain.stdout);
    }
    const flag = run(['assess', demo, '--no-color'], { cwd: tmp, env: { FORCE_COLOR: '1' } });
    assert.ok(!flag.stdout.includes('\x1b'), '--no-color beats FORCE_COLOR');
  });

  it('exits 2 on a path that does not exist', () => {
    const r = run(['assess', 'no/such/place'], { cwd: tmp });
    assert.equal(r.code, 2);
    assert.equal(r.stdout, '');
    assert.equal(r.stderr, 'mcp-oversight: no/such/place does not exist. Give a workspace folder or an MCP config file.\n');
  });

  it('exits 2 on an empty workspace, a usage error and an invalid policy', () => {
    mkdirSync(join(tmp, 'empty'));
    const empty = run(['assess', 'empty'], { cwd: tmp });
    assert.equal(empty.code, 2);
    assert.match(empty.stderr, /no MCP config found in empty \(looked for \.kilocode\/mcp\.json, /);

    const usage = run(['assess', demo, '--format', 'xml'], { cwd: tmp });
    assert.equal(usage.code, 2);
    assert.match(usage.stderr, /--format must be table, json or sarif/);

    writeFiles(tmp, { 'bad-policy/.kilocode/mcp.json': '{ "mcpServers": {} }', 'bad-policy/.kilocode/mcp-policy.json': '{\n  "version": 1,\n  "severity": { "x": "urgent" }\n}\n' });
    const policy = run(['assess', 'bad-policy'], { cwd: tmp });
    assert.equal(policy.code, 2);
    assert.equal(policy.stdout, '');
    assert.ok(policy.stderr.startsWith(`${join(tmp, 'bad-policy', '.kilocode', 'mcp-policy.json')}:3:22: policy error in severity.x: `), policy.stderr);
  });
});
