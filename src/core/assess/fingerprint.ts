import type { JsonPath } from '../model/location';

/**
 * Stable id of a finding: same rule, file, path, server and key -> same fingerprint, whatever the
 * line numbers (SARIF partialFingerprints, baselines). Not a security hash: 64 bits of FNV-1a in two
 * independent 32-bit lanes, plenty to tell apart the findings of one repository, and several times
 * cheaper than SHA-256 on the hot path of an assessment.
 */
export function fingerprint(parts: { ruleId: string; file: string; path: JsonPath; server: string | null; key?: string | undefined }): string {
  let path = '';
  // Numbers and strings are tagged differently, so index 0 and key "0" differ.
  for (const seg of parts.path) path += typeof seg === 'number' ? `\u0001#${seg}` : `\u0001${seg}`;
  // \u0002 keeps a null server apart from "".
  const s = `${parts.ruleId}\u0000${parts.file}\u0000${path}\u0000${parts.server ?? '\u0002'}\u0000${parts.key ?? ''}`;
  let a = 0x811c9dc5;
  let b = 0x050c5d1f;
  for (let i = 0; i < s.length; i++) {
    const c = s.charCodeAt(i);
    a = Math.imul(a ^ c, 0x01000193);
    b = Math.imul(b ^ c, 0x01000193) ^ (b >>> 15);
  }
  return ((a >>> 0) + 0x100000000).toString(16).slice(1) + ((b >>> 0) + 0x100000000).toString(16).slice(1);
}
