/**
 * Shared helpers for the rule and assessment tests: build a workspace from config TEXT in a
 * MemoryFileSystem, assess it the way the CLI does, and check where findings point by computing
 * line/column from the text itself (never by hand).
 *
 * Fake secrets are generated at run time from a seeded PRNG, so no token-shaped literal sits in the
 * repository, and their bodies are random enough that the detector's placeholder filter lets them
 * through.
 */
import assert from 'node:assert/strict';
import { applyEdits, modify, parse as parseJsonc, type ParseError } from 'jsonc-parser';
import { assessTarget, type AssessTarget, type WorkspaceAssessment } from '../../../src/core/assess/assess-workspace';
import type { AssessmentResult } from '../../../src/core/assess/assessment-result';
import type { Finding, Remediation } from '../../../src/core/model/finding';
import { MemoryFileSystem } from '../../../src/core/ports/memory-file-system';
import { TOKEN_PREFIXES } from '../../../src/core/secrets/token-patterns';

export const WS = '/ws';
export const NOW = new Date('2026-06-01T12:00:00Z');

export const LEGACY = `${WS}/.kilocode/mcp.json`;
export const KILO = `${WS}/kilo.jsonc`;
export const KILO_JSON = `${WS}/kilo.json`;
export const VSCODE = `${WS}/.vscode/mcp.json`;
export const ROO = `${WS}/.roo/mcp.json`;
export const CURSOR = `${WS}/.cursor/mcp.json`;
export const POLICY = `${WS}/.kilocode/mcp-policy.json`;

export const HOME = '/home/u';
export const GLOBAL_STORAGE = '/home/u/gs';
export const GLOBAL_LEGACY = `${GLOBAL_STORAGE}/kilocode.kilo-code/settings/mcp_settings.json`;
export const GLOBAL_CLINE = `${GLOBAL_STORAGE}/saoudrizwan.claude-dev/settings/cline_mcp_settings.json`;
export const GLOBAL_CLAUDE = `${HOME}/.config/Claude/claude_desktop_config.json`;

/** Options to read global configs from the fake home above. */
export const GLOBAL_OPTS: Partial<AssessTarget> = { includeGlobal: true, home: HOME, vscodeGlobalStorage: GLOBAL_STORAGE };

/** Assesses a workspace at `/ws` made of `files` (absolute path -> text). */
export async function assessFiles(files: Record<string, string>, opts: Partial<AssessTarget> = {}): Promise<WorkspaceAssessment> {
  const fs = new MemoryFileSystem(files);
  return assessTarget(fs, { path: WS, includeGlobal: false, platform: 'linux', env: {}, toolVersion: 'test', now: NOW, ...opts });
}

type HasResult = WorkspaceAssessment | AssessmentResult;
const resultOf = (r: HasResult): AssessmentResult => ('result' in r ? r.result : r);

/** Findings of one rule (optionally of one server), in report order. */
export function findingsOf(r: HasResult, ruleId: string, server?: string): Finding[] {
  return resultOf(r).findings.filter((f) => f.ruleId === ruleId && (server === undefined || f.server === server));
}

/** The single finding of `ruleId` (for `server`); fails with the list of what was found otherwise. */
export function onlyFinding(r: HasResult, ruleId: string, server?: string): Finding {
  const fs = findingsOf(r, ruleId, server);
  assert.equal(fs.length, 1, `exactly one ${ruleId} finding${server ? ` for ${server}` : ''}; got ${describeFindings(fs)}`);
  return fs[0] as Finding;
}

export function assertNoFinding(r: HasResult, ruleId: string, server?: string): void {
  const fs = findingsOf(r, ruleId, server);
  assert.equal(fs.length, 0, `no ${ruleId} finding${server ? ` for ${server}` : ''}; got ${describeFindings(fs)}`);
}

export function describeFindings(fs: readonly Finding[]): string {
  return fs.length === 0 ? '(none)' : fs.map((f) => `[${f.ruleId} ${f.severity} ${f.server ?? '-'} ${f.line}:${f.column} ${JSON.stringify(f.jsonPath)} ${f.message}]`).join(' ');
}

// -----------------------------------------------------------------------------------------------
// Positions
// -----------------------------------------------------------------------------------------------

/** 1-based line and column (UTF-16 code units) of `offset`, counted on the text. */
export function lineCol(text: string, offset: number): { line: number; column: number } {
  const before = text.slice(0, offset).split('\n');
  const last = before[before.length - 1] ?? '';
  return { line: before.length, column: last.length + 1 };
}

/**
 * Offset of `needle` in `text`. With `after`, the first `needle` after the (unique) `after` anchor;
 * otherwise `needle` must occur exactly once, so a test cannot silently pick the wrong one.
 */
export function offsetOf(text: string, needle: string, after?: string): number {
  if (after !== undefined) {
    const a = offsetOf(text, after);
    const at = text.indexOf(needle, a + after.length);
    assert.notEqual(at, -1, `${JSON.stringify(needle)} does not follow ${JSON.stringify(after)}`);
    return at;
  }
  const at = text.indexOf(needle);
  assert.notEqual(at, -1, `${JSON.stringify(needle)} is not in the text`);
  assert.equal(text.indexOf(needle, at + 1), -1, `${JSON.stringify(needle)} occurs more than once`);
  return at;
}

export function positionOf(text: string, needle: string, after?: string): { line: number; column: number } {
  return lineCol(text, offsetOf(text, needle, after));
}

/** The finding starts at the (unique, or first after `after`) occurrence of `needle` in `text`. */
export function assertAt(f: Finding, text: string, needle: string, after?: string): void {
  const want = positionOf(text, needle, after);
  assert.deepEqual({ line: f.line, column: f.column }, want, `${f.ruleId} at ${JSON.stringify(needle)}${after ? ` after ${JSON.stringify(after)}` : ''}`);
}

/** The finding points at the JSON string `value` (its opening quote). */
export function assertAtString(f: Finding, text: string, value: string, after?: string): void {
  assertAt(f, text, JSON.stringify(value), after);
}

/** ruleId, category, severity and server of a finding in one assertion. */
export function assertFinding(f: Finding, want: { ruleId: string; category: string; severity: string; server: string | null; file?: string }): void {
  assert.deepEqual(
    { ruleId: f.ruleId, category: f.category, severity: f.severity, server: f.server, ...(want.file === undefined ? {} : { file: f.file }) },
    want,
  );
}

/**
 * The message does not contain the secret, nor any 8-character run of it: only the non-secret lead
 * (`ghp_`, a PEM armour line, `https://hooks.slack.com/`) and the last 4 characters may show.
 */
export function assertMasked(f: Finding, secret: string): void {
  assert.ok(!f.message.includes(secret), `the message must not contain the raw secret: ${f.message}`);
  const pem = /^-----BEGIN [A-Z0-9 ]*PRIVATE KEY-----/.exec(secret);
  const lead = pem ? pem[0].length : (TOKEN_PREFIXES.find((p) => secret.startsWith(p))?.length ?? 0);
  for (let i = 0; i + 8 <= secret.length; i++) {
    const piece = secret.slice(i, i + 8);
    if (secret.slice(0, lead).includes(piece)) continue;
    assert.ok(!f.message.includes(piece), `the message leaks ${JSON.stringify(piece)} of the secret: ${f.message}`);
  }
}

// -----------------------------------------------------------------------------------------------
// Config builders
// -----------------------------------------------------------------------------------------------

export function legacyConfig(servers: Record<string, unknown>): string {
  return JSON.stringify({ mcpServers: servers }, null, 2) + '\n';
}

export function vscodeConfig(servers: Record<string, unknown>): string {
  return JSON.stringify({ servers }, null, 2) + '\n';
}

export function kiloConfig(mcp: Record<string, unknown>, permission?: Record<string, string>): string {
  return JSON.stringify({ mcp, ...(permission ? { permission } : {}) }, null, 2) + '\n';
}

// -----------------------------------------------------------------------------------------------
// Remediation
// -----------------------------------------------------------------------------------------------

/** Applies a remediation's edits to `text` (one file) with jsonc-parser, keeping comments and layout. */
export function applyRemediation(text: string, remediation: Remediation, file?: string): string {
  let out = text;
  for (const e of remediation.edits) {
    if (file !== undefined) assert.equal(e.file, file, 'the edit is for the file being changed');
    const edits = modify(out, e.jsonPath, e.remove ? undefined : e.value, { formattingOptions: { insertSpaces: true, tabSize: 2 } });
    out = applyEdits(out, edits);
  }
  return out;
}

/** Parses JSONC, failing the test on any syntax error. */
export function parseStrictJsonc(text: string): unknown {
  const errors: ParseError[] = [];
  const v: unknown = parseJsonc(text, errors, { allowTrailingComma: true });
  assert.deepEqual(errors, [], 'the edited text parses');
  return v;
}

// -----------------------------------------------------------------------------------------------
// Fake secrets
// -----------------------------------------------------------------------------------------------

export const ALNUM = 'ABCDEFGHIJKLMNOPQRSTUVWXYZabcdefghijklmnopqrstuvwxyz0123456789';
export const UPPER_DIGITS = 'ABCDEFGHIJKLMNOPQRSTUVWXYZ0123456789';
export const HEX = '0123456789abcdef';
export const B64URL = ALNUM + '-_';

/** `length` characters of `alphabet`, deterministic in `seed` (mulberry32), with every class mixed in. */
export function randomBody(alphabet: string, length: number, seed: number): string {
  let a = seed >>> 0;
  const next = (): number => {
    a = (a + 0x6d2b79f5) >>> 0;
    let t = a;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
  let out = '';
  for (let i = 0; i < length; i++) out += alphabet[Math.floor(next() * alphabet.length)];
  return out;
}

/** A random mixed-case alphanumeric value guaranteed to contain an upper-case letter, a lower-case letter and a digit. */
export function randomAlnum(length: number, seed: number): string {
  for (let s = seed; ; s += 7919) {
    const v = randomBody(ALNUM, length, s);
    if (/[A-Z]/.test(v) && /[a-z]/.test(v) && /[0-9]/.test(v)) return v;
  }
}

/** The value at `path` once `remediation` is applied to `text`: assert on what a fix does, not on how it is spelt. */
export function valueAfter(text: string, remediation: Remediation | undefined, path: (string | number)[], file?: string): unknown {
  assert.ok(remediation, 'a remediation is offered');
  let v: unknown = parseStrictJsonc(applyRemediation(text, remediation, file));
  for (const seg of path) v = (v as Record<string | number, unknown>)[seg];
  return v;
}
