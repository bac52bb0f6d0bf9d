import { relative } from 'node:path';
import { fingerprint } from '../../core/assess/fingerprint';
import type { Finding } from '../../core/model/finding';
import { compareWithLock, parseLockFile, pinFindings, pinHits } from '../../core/pinning';
import { analyzeServerOutputs, toolSecurityFindings } from '../../core/tool-security';
import { unreachableFindings } from '../../live/unreachable-findings';
import type { ComplianceContext } from './compliance-context';

type Input = Parameters<ComplianceContext['liveFindings']>[0];

/**
 * Everything a live assessment reports, in one list: servers that could not be reached, what the
 * reachable ones return (poisoning, hidden characters, collisions across all of them), and tool
 * definitions that changed since they were pinned. A broken lock file is reported, not fatal.
 */
export function liveFindings(input: Input, workspace?: string): Finding[] {
  const { probes, servers, locator, lockText, lockFile } = input;
  const opts = workspace !== undefined ? { workspace } : {};
  const out: Finding[] = [...unreachableFindings(probes, servers, locator, workspace)];
  const reachable = probes.filter((p) => p.status === 'ok');
  out.push(...toolSecurityFindings(analyzeServerOutputs(reachable), servers, locator, opts));
  const parsed = lockText === undefined ? undefined : parseLockFile(lockText, lockFile);
  if (parsed !== undefined && !parsed.ok) {
    const file = workspace !== undefined ? relative(workspace, lockFile) : lockFile;
    for (const e of parsed.errors) {
      out.push({
        ruleId: 'config-error',
        category: 'invalid-config',
        severity: 'medium',
        server: null,
        file,
        line: e.line,
        column: e.column,
        endLine: e.line,
        endColumn: e.column,
        jsonPath: [],
        message: `The tool lock file cannot be read, so tool changes are not checked: ${e.message}`,
        remediable: false,
        fingerprint: fingerprint({ ruleId: 'config-error', file, path: [], server: null, key: `${e.code}:${e.line}` }),
      });
    }
  } else {
    out.push(...pinFindings(pinHits(compareWithLock(parsed?.lock, reachable)), servers, locator, opts));
  }
  return out;
}
