import { findReferences, stripReferences } from '../config/references';
import { candidatePatterns, TOKEN_PREFIXES, type TokenPattern } from './token-patterns';
import type { ConfigError } from '../model/config-error';

export interface SecretMatch {
  /** The credential's label, e.g. `GitHub personal access token`. */
  kind: string;
  /** Offsets into the value as given (end exclusive). */
  start: number;
  end: number;
  /** The matched text. Never print it: pass it through `maskSecret`. */
  value: string;
}

// ---------------------------------------------------------------------------------------------
// Known token shapes
// ---------------------------------------------------------------------------------------------

/**
 * Documentation placeholders shaped like a token (`ghp_xxxx…`, `sk-proj-your-key-here`): a real
 * body is random, so one character dominating it, or a placeholder word set off by separators,
 * means nobody pasted a credential.
 */
function isPlaceholderBody(body: string): boolean {
  if (body.length === 0) return true;
  const counts = new Map<string, number>();
  let max = 0;
  for (const ch of body) {
    const n = (counts.get(ch) ?? 0) + 1;
    counts.set(ch, n);
    if (n > max) max = n;
  }
  if (counts.size <= 3 || max * 2 > body.length) return true;
  return (
    /x{5,}|X{5,}|0{8,}|\*{3,}|\.{3,}|…|[<>]/.test(body) ||
    /(?:^|[-_.])(?:your|my|here|replace|placeholder|redacted|insert|example|dummy|fake)(?=[-_.]|$)/i.test(body)
  );
}

function tokenBody(pattern: TokenPattern, text: string): string {
  if (pattern.id === 'private-key') {
    // Only the base64 between the armour lines is key material.
    const inner = text.replace(/-----(?:BEGIN|END) [A-Z0-9 ]*-----/g, '').replace(/^[A-Za-z-]+:.*$/gm, '');
    const b64 = inner.replace(/[^A-Za-z0-9+/=]/g, '');
    return b64.length >= 16 ? b64 : '';
  }
  return pattern.prefix !== undefined && text.startsWith(pattern.prefix) ? text.slice(pattern.prefix.length) : text;
}

/**
 * Provider tokens in `value`, by shape. Text inside client references (`${env:GITHUB_TOKEN}`,
 * `{file:~/.key}`) is ignored: it names where a value comes from. Offsets index into `value`.
 */
export function findKnownSecrets(value: string): SecretMatch[] {
  const candidates = candidatePatterns(value);
  if (candidates.length === 0) return [];

  // Blank references out with spaces rather than cutting them, so offsets stay those of `value`
  // and a reference still separates the text on either side of it.
  let text = value;
  const refs = findReferences(value);
  if (refs.length > 0) {
    let blanked = '';
    let at = 0;
    for (const r of refs) {
      blanked += value.slice(at, r.start) + ' '.repeat(r.end - r.start);
      at = r.end;
    }
    text = blanked + value.slice(at);
  }

  const found: SecretMatch[] = [];
  for (const p of candidates) {
    const re = p.pattern;
    re.lastIndex = 0;
    for (let m = re.exec(text); m !== null; m = re.exec(text)) {
      // A cut-off PEM key may end in the line breaks after it; they are not part of the secret.
      // (`trimEnd` strips exactly `\s`; the regex `\s+$` would be quadratic on inner whitespace runs.)
      const matched = m[0].trimEnd();
      if (matched.length === 0) {
        re.lastIndex++;
        continue;
      }
      if (isPlaceholderBody(tokenBody(p, matched))) continue;
      const start = m.index;
      const end = start + matched.length;
      found.push({ kind: p.label, start, end, value: value.slice(start, end) });
    }
    re.lastIndex = 0;
  }
  if (found.length < 2) return found;

  // Overlaps (a JWT inside a longer match, say): keep the longer match; the sort is stable, so on
  // a tie the pattern listed first in TOKEN_PATTERNS wins.
  found.sort((a, b) => a.start - b.start || b.end - b.start - (a.end - a.start));
  const kept: SecretMatch[] = [];
  for (const f of found) {
    const last = kept[kept.length - 1];
    if (last !== undefined && f.start < last.end) {
      if (f.end - f.start > last.end - last.start) kept[kept.length - 1] = f;
      continue;
    }
    kept.push(f);
  }
  return kept;
}

// ---------------------------------------------------------------------------------------------
// High-entropy values
// ---------------------------------------------------------------------------------------------

/** Shannon entropy in bits per character (per code point). 0 for the empty string. */
export function shannonEntropy(s: string): number {
  const counts = new Map<string, number>();
  let n = 0;
  for (const ch of s) {
    counts.set(ch, (counts.get(ch) ?? 0) + 1);
    n++;
  }
  if (n === 0) return 0;
  let h = 0;
  for (const c of counts.values()) {
    const p = c / n;
    h -= p * Math.log2(p);
  }
  return h;
}

/** `Bearer <t>`, `Basic <b64>`, `token <t>` (GitHub), `Bot <t>` (Discord): the scheme is not secret. */
const AUTH_SCHEME = /^(Bearer|Basic|Token|Bot|Digest|ApiKey|Api-Key)\s+/i;

const PLACEHOLDER_EXACT = new Set([
  'changeme',
  'change-me',
  'change_me',
  'password',
  'secret',
  'token',
  'apikey',
  'api-key',
  'api_key',
  'null',
  'nil',
  'none',
  'undefined',
  'empty',
  'default',
  'test',
  'todo',
  'tbd',
  'n/a',
]);

/** Placeholder words, only counted where separated from the rest (so a random body rarely trips them). */
const PLACEHOLDER_WORDS =
  /(?:^|[^a-z])(?:your|here|example|sample|placeholder|changeme|replace|replaceme|todo|fixme|tbd|dummy|fake|insert|enter|redacted|secret-?value|xxx+)(?=[^a-z]|$)/i;

function isPlaceholder(v: string): boolean {
  const lower = v.toLowerCase();
  if (PLACEHOLDER_EXACT.has(lower)) return true;
  // Template syntax the client (or a human) is meant to fill in: <token>, [KEY], {{key}}, %KEY%, ${…}.
  if (/^<.*>$|^\[.*\]$|^\{.*\}$|^%.*%$|\$\{|\{\{/.test(v)) return true;
  if (/^(.)\1*$/.test(v)) return true;
  if (/x{4,}|\*{3,}|\.{3,}|…|#{3,}|_{3,}/i.test(v)) return true;
  // Runs such as "your-api-key-here" / "YOUR_TOKEN" / "replace_me" / "sk-xxx".
  return PLACEHOLDER_WORDS.test(v) || /(?:^|[^a-z])(?:your|replace|insert|enter|my)[-_ ]?(?:api|own|key|token|secret|pass)/i.test(v);
}

const URL_LIKE = /^[A-Za-z][A-Za-z0-9+.-]*:\/\//;
const NUMBER_LIKE = /^[+-]?(?:\d+|\d*\.\d+)(?:[eE][+-]?\d+)?$/;
/**
 * `1.2.3`, `v2.0.0-rc.1+build.5`. The suffix is `(?:[-+][0-9A-Za-z.-]+)*` rewritten without
 * nested ambiguity (that form backtracks exponentially on `1.2-a-a-a…!`): a `-` run continues the
 * body it is in, so only `+` starts a new part, and each split point is forced.
 */
const VERSION_LIKE = /^[v=^~<>]*\d+(?:\.\d+){1,3}(?:[-+][0-9A-Za-z.-]+(?:\+[0-9A-Za-z.-]+)*)?$/;
const BOOLEAN_LIKE = /^(?:true|false|yes|no|on|off|enabled|disabled)$/i;
const DATE_LIKE = /^\d{4}-\d{2}-\d{2}(?:[T ]\d{2}:\d{2}(?::\d{2}(?:\.\d+)?)?(?:Z|[+-]\d{2}:?\d{2})?)?$/;
const EMAIL_LIKE = /^[^@\s]+@[^@\s]+\.[A-Za-z]{2,}$/;
const HOST_PORT_LIKE = /^[\w.-]+:\d{1,5}$/;
/** `pkg@1.2.3`, `@scope/pkg@latest`, `mcp-server-fetch==1.0`. */
const PACKAGE_SPEC = /^(?:@[\w.-]+\/)?[\w.-]+(?:@|==|>=|~=)[\w.^~<>=*-]+$/;

/**
 * An English-ish word: vowels in a plausible share and no long consonant run. Random letters
 * fail it; identifiers such as `Database`, `prod`, `api` pass.
 */
function isWordLike(w: string): boolean {
  if (w.length <= 3) return true;
  if (w.length > 20) return false;
  const lower = w.toLowerCase();
  const vowels = lower.replace(/[^aeiouy]/g, '').length;
  if (vowels / lower.length < 0.2 || vowels / lower.length > 0.75) return false;
  return !/[^aeiouy]{5,}/.test(lower);
}

/**
 * `my-database-name`, `hello_world`, `MyDatabaseName`, `api.github.com`: two or more word-like
 * parts set off by separators or camel humps. Base64 and hex fail it: their parts carry digits
 * and case changes every character or two.
 */
function isWordSequence(v: string): boolean {
  const parts = v.split(/[-_.\s/:=,;+@#]+|(?<=[a-z])(?=[A-Z])/).filter((p) => p.length > 0);
  if (parts.length < 2) return false;
  let letters = 0;
  for (const p of parts) {
    if (/^\d{1,4}$/.test(p)) continue;
    if (!/^[A-Za-z]+$/.test(p) || !isWordLike(p)) return false;
    letters += p.length;
  }
  // Mixed-case noise splits into many one- and two-letter "words": that is not prose.
  return letters > 0 && letters / parts.length >= 3;
}

/** Base64 has no `.`, so an extension marks a path; so do lower-case (or word-like) segments. */
function isPathLike(v: string): boolean {
  if (/^(?:[A-Za-z]:[\\/]|\\\\|~(?:[\\/]|$)|\.\.?(?:[\\/]|$))/.test(v)) return true;
  if (!/[\\/]/.test(v)) return false;
  const segments = v.split(/[\\/]+/).filter((s) => s.length > 0);
  if (segments.length === 0) return true;
  const lastSegment = segments[segments.length - 1] ?? '';
  if (/^[\w@-][\w.@-]*\.[A-Za-z0-9]{1,8}$/.test(lastSegment)) return true;
  if (segments.every((s) => /^[a-z0-9._@:~-]+$/.test(s))) return true;
  return segments.every((s) => /^[\w.@-]+$/.test(s) && (isWordLike(s) || isWordSequence(s)));
}

/** The user:password inside `Basic <base64>`, if it decodes to one. */
function basicCredential(b64: string): boolean {
  if (!/^[A-Za-z0-9+/]+={0,2}$/.test(b64) || b64.length % 4 !== 0 || b64.length < 8) return false;
  const decoded = Buffer.from(b64, 'base64').toString('utf8');
  // Printable ASCII with a colon that has something before and after it. Checked by hand: the
  // regex `^[\x20-\x7e]+:[\x20-\x7e]+$` is quadratic on a run of colons with a bad last byte.
  if (!/^[\x20-\x7e]*$/.test(decoded)) return false;
  const colon = decoded.indexOf(':', 1);
  return colon !== -1 && colon < decoded.length - 1;
}

export interface EntropyOptions {
  /** Shortest literal to consider; 12 by default, 8 suits fields explicitly named as passwords. */
  minLength?: number;
}

/**
 * True when the literal text of `value` (references removed) looks like a credential: long
 * enough, random enough, and not a placeholder, URL, path, flag, number, version, date, e-mail
 * address, package spec or run of words. `Bearer x` / `Basic x` / `token x` are judged by `x`.
 * Whether the field's name suggests a secret is the caller's call (`isSecretLikeName`).
 */
export function isHighEntropySecretValue(value: string, options: EntropyOptions = {}): boolean {
  let v = stripReferences(value).trim();
  const minLength = Math.max(1, options.minLength ?? 12);

  const scheme = AUTH_SCHEME.exec(v);
  if (scheme) {
    v = v.slice(scheme[0].length).trim();
    if (scheme[1]?.toLowerCase() === 'basic' && basicCredential(v)) return true;
  } else if (/^(?:bearer|basic|token|bot|digest)$/i.test(v)) {
    // `Bearer ${env:TOKEN}` with the reference removed.
    return false;
  }
  // `--api-key=…` / `token=…`: judge the value, not the flag.
  const assignment = /^-{0,2}[A-Za-z][\w.-]*=([^=].*)$/s.exec(v);
  if (assignment) v = (assignment[1] ?? '').trim();

  if (v.length === 0 || /\s/.test(v)) return false;
  // A provider token is a secret however it scores below.
  if (findKnownSecrets(v).length > 0) return true;

  const length = [...v].length;
  if (length < minLength) return false;
  if (isPlaceholder(v)) return false;
  if (
    URL_LIKE.test(v) ||
    NUMBER_LIKE.test(v) ||
    VERSION_LIKE.test(v) ||
    BOOLEAN_LIKE.test(v) ||
    DATE_LIKE.test(v) ||
    EMAIL_LIKE.test(v) ||
    HOST_PORT_LIKE.test(v) ||
    PACKAGE_SPEC.test(v) ||
    isPathLike(v) ||
    isWordSequence(v)
  ) {
    return false;
  }
  // Random text scores close to log2(length) for short strings, so the bar is lowered for them
  // (an 8-character password cannot reach 3 bits); from 14 characters on it is 3 bits/char.
  const threshold = Math.min(3.0, Math.log2(length) * 0.8);
  return shannonEntropy(v) >= threshold;
}

// ---------------------------------------------------------------------------------------------
// Masking
// ---------------------------------------------------------------------------------------------

const PEM_HEADER = /-----BEGIN (?:[A-Z0-9]+ ){0,3}PRIVATE KEY(?: BLOCK)?-----/;

function knownPrefix(v: string): string | undefined {
  return TOKEN_PREFIXES.find((p) => v.startsWith(p));
}

function maskToken(v: string): string {
  const chars = [...v];
  const last4 = chars.slice(-4).join('');
  const prefix = knownPrefix(v);
  // The body after the prefix must be long enough that its last 4 are a small share of it.
  if (prefix !== undefined && chars.length >= 16 && chars.length - [...prefix].length >= 8) return `${prefix}…${last4}`;
  if (chars.length >= 20) return `…${last4}`;
  return '****';
}

/** `text` with every known token shape replaced by its masked form: for excerpts of config values in messages. */
export function redactSecrets(text: string): string {
  const found = findKnownSecrets(text);
  if (found.length === 0) return text;
  // Pieces joined once: splicing the whole string per match is quadratic in the number of matches.
  const pieces: string[] = [];
  let at = 0;
  for (const m of found) {
    pieces.push(text.slice(at, m.start), maskSecret(m.value));
    at = m.end;
  }
  pieces.push(text.slice(at));
  return pieces.join('');
}

/**
 * A display form of a secret that reveals at most its last 4 characters: `ghp_…7f3a`,
 * `sk-ant-…9xQz`, `AKIA…MPLE`; `…abcd` for other values of 20+ characters, `****` for shorter
 * ones. A private key shows only its armour line, `-----BEGIN RSA PRIVATE KEY-----…`. An auth
 * scheme (`Bearer `) is kept in front.
 */
/** Config and policy errors quote the file (keys, duplicate names): the same second redaction pass as findings. */
export function redactError(e: ConfigError): ConfigError {
  return { ...e, message: redactSecrets(e.message), field: redactSecrets(e.field) };
}

export function maskSecret(value: string): string {
  const pem = PEM_HEADER.exec(value);
  if (pem) return `${pem[0]}…`;
  const v = value.trim();
  const scheme = AUTH_SCHEME.exec(v);
  if (scheme && scheme[0].length < v.length) return `${scheme[0]}${maskToken(v.slice(scheme[0].length))}`;
  return maskToken(v);
}
