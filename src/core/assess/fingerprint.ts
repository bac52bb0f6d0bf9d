import type { JsonPath } from '../model/location';

/** 32-bit FNV-1a over UTF-16 code units, from a given basis (two bases give two independent halves). */
function fnv1a(s: string, basis: number): number {
  let h = basis;
  for (let i = 0; i < s.length; i++) {
    h ^= s.charCodeAt(i);
    h = Math.imul(h, 0x01000193);
  }
  return h >>> 0;
}

/**
 * Stable id of a finding: same rule, file, path, server and key -> same fingerprint, whatever the
 * line numbers (SARIF partialFingerprints, baselines). Not a security hash: 64 bits of FNV-1a, which
 * is plenty to tell apart the findings of one repository and ~20x cheaper than SHA-256 here.
 */
export function fingerprint(parts: { ruleId: string; file: string; path: JsonPath; server: string | null; key?: string | undefined }): string {
  // JSON for the path keeps index 0 and key "0" apart; \u0002 keeps a null server apart from "".
  const s = `${parts.ruleId}\u0000${parts.file}\u0000${JSON.stringify(parts.path)}\u0000${parts.server ?? '\u0002'}\u0000${parts.key ?? ''}`;
  return fnv1a(s, 0x811c9dc5).toString(16).padStart(8, '0') + fnv1a(s, 0x050c5d1f).toString(16).padStart(8, '0');
}
