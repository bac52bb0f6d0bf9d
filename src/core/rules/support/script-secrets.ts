import { isHighEntropySecretValue, maskSecret, redactSecrets } from '../../secrets/detect-secrets';
import { isSecretLikeName } from '../../secrets/secret-names';

const WORD = /\S+/g;
/** Quotes and punctuation around a shell word: `"API_KEY=x";` -> `API_KEY=x`. */
const LEAD = /^["'`(]+/;
/** The trailing ones, cut by `trimTrail` (a regex `[…]+$` is quadratic on a word full of them). */
const TRAIL_CHARS = new Set(['"', "'", '`', ')', ';', ',']);
/** `NAME=value`, `--flag=value`, `$env:NAME=value`, `Header:value` (the value may be empty: it is then the next word). */
const ASSIGNMENT = /^(?:\$env:)?(-{0,2}[A-Za-z_][\w.-]*)(?:=|:(?!\/\/))(.*)$/s;
/** `--token`, `-Password`, `$env:API_KEY`: a name whose value is the next word. */
const NAMED_NEXT = /^(?:-{1,2}|\$env:)([A-Za-z_][\w.-]*)$/;
/** Values that name where a secret comes from (`$TOKEN`, `${TOKEN}`, `%TOKEN%`, `$(cat f)`, `${env:X}`): not secrets. */
const REFERENCE = /^(?:\$\{?[A-Za-z_]\w*\}?$|\$\(|%[A-Za-z_]\w*%$|\$env:|\{env:|\{file:|\$\{env:)/;
const AUTH_SCHEME = /^(?:bearer|basic|token|bot|digest|apikey|api-key)$/i;
/** Schemes that are followed by a credential wherever they appear. */
const BEARER = /^(?:bearer|basic)$/i;
/** `?api_key=…&x=1` inside a URL. */
const QUERY_PARAM = /([?&;])([^=&#;?\s"']+)=([^&#;\s"']+)/g;
/** `https://user:password@host`. */
const URL_PASSWORD = /(\/\/[^:/@\s]+:)([^@\s/]+)(?=@)/g;

interface Cut {
  start: number;
  end: number;
}

/**
 * `script` with the secrets it spells out replaced by their masked form (`…1a2b`, `****`), for
 * quoting it in a finding: provider tokens by shape, and any value assigned to a secret-like name
 * (`API_KEY=…`, `export TOKEN=…`, `--token …`, `Authorization: Bearer …`, `?api_key=…`) or random
 * enough to be a credential, since a random key has no shape `redactSecrets` could know.
 */
export function maskScriptSecrets(script: string): string {
  const cuts: Cut[] = [];
  let expectSecret = false;
  WORD.lastIndex = 0;
  for (let m = WORD.exec(script); m !== null; m = WORD.exec(script)) {
    const raw = m[0];
    const lead = LEAD.exec(raw)?.[0].length ?? 0;
    const core = trimTrail(raw.slice(lead));
    const start = m.index + lead;
    if (core === '') continue;
    if (expectSecret) {
      if (AUTH_SCHEME.test(core) || core === '=' || core === ':') continue;
      expectSecret = false;
      if (!core.startsWith('-') && !REFERENCE.test(core)) {
        cuts.push({ start, end: start + core.length });
        continue;
      }
    }
    const assignment = ASSIGNMENT.exec(core);
    if (assignment) {
      const name = assignment[1] ?? '';
      const quoted = assignment[2] ?? '';
      // `TOKEN="…"`: the quote opens the value, it is not part of it (the closing one is already trimmed).
      const value = quoted.replace(LEAD, '');
      const valueStart = start + core.length - value.length;
      if (value === '') {
        expectSecret = isSecretLikeName(name);
      } else if (!REFERENCE.test(value) && (isSecretLikeName(name) || isHighEntropySecretValue(value))) {
        cuts.push({ start: valueStart, end: valueStart + value.length });
      } else {
        urlSecrets(value, valueStart, cuts);
      }
      continue;
    }
    const named = NAMED_NEXT.exec(core);
    if (named) {
      expectSecret = isSecretLikeName(named[1] ?? '');
      continue;
    }
    if (BEARER.test(core)) {
      expectSecret = true;
      continue;
    }
    if (isHighEntropySecretValue(core)) cuts.push({ start, end: start + core.length });
    else urlSecrets(core, start, cuts);
  }
  // Cuts come in word order; from the last, a cut overlapping one already kept is dropped. The
  // pieces are joined once (splicing the whole script per cut is quadratic in the number of cuts).
  const kept: Cut[] = [];
  let limit = script.length;
  for (let k = cuts.length - 1; k >= 0; k--) {
    const c = cuts[k] as Cut;
    if (c.end > limit) continue;
    kept.push(c);
    limit = c.start;
  }
  const pieces: string[] = [];
  let at = 0;
  for (let k = kept.length - 1; k >= 0; k--) {
    const c = kept[k] as Cut;
    pieces.push(script.slice(at, c.start), maskSecret(script.slice(c.start, c.end)));
    at = c.end;
  }
  pieces.push(script.slice(at));
  return redactSecrets(pieces.join(''));
}

/** `word` without the quotes and punctuation that close it. */
function trimTrail(word: string): string {
  let end = word.length;
  while (end > 0 && TRAIL_CHARS.has(word.charAt(end - 1))) end--;
  return word.slice(0, end);
}

/** Passwords in URLs and secret-named query parameters of `word` (at `offset` in the script). */
function urlSecrets(word: string, offset: number, cuts: Cut[]): void {
  if (!word.includes('//') && !word.includes('=')) return;
  URL_PASSWORD.lastIndex = 0;
  for (let m = URL_PASSWORD.exec(word); m !== null; m = URL_PASSWORD.exec(word)) {
    const start = offset + m.index + (m[1] ?? '').length;
    cuts.push({ start, end: start + (m[2] ?? '').length });
  }
  QUERY_PARAM.lastIndex = 0;
  for (let m = QUERY_PARAM.exec(word); m !== null; m = QUERY_PARAM.exec(word)) {
    const value = m[3] ?? '';
    if (REFERENCE.test(value) || !(isSecretLikeName(m[2] ?? '') || isHighEntropySecretValue(value))) continue;
    const start = offset + m.index + m[0].length - value.length;
    cuts.push({ start, end: start + value.length });
  }
}
