import { createHash } from 'node:crypto';
import type { JsonPath } from '../model/location';

/** Stable id of a finding: same rule, file, path, server and key -> same fingerprint, whatever the line numbers. */
export function fingerprint(parts: { ruleId: string; file: string; path: JsonPath; server: string | null; key?: string | undefined }): string {
  return createHash('sha256')
    .update(JSON.stringify([parts.ruleId, parts.file, parts.path, parts.server, parts.key ?? '']))
    .digest('hex')
    .slice(0, 32);
}
