/** The committed corpora: real servers' tool lists (captured by scripts/capture-tool-fixtures.mjs) and hostile ones. */
import { readdirSync, readFileSync } from 'node:fs';
import { join } from 'node:path';
import type { Severity } from '../../../src/core/model/severity';
import type { ToolSecurityProbe, ToolSecurityRuleId } from '../../../src/core/tool-security';

const ROOT = join(import.meta.dirname, '..', '..', 'fixtures', 'tools');

export interface RealServer {
  name: string;
  package: string;
  version: string;
  probe: ToolSecurityProbe;
}

export function realCorpus(): RealServer[] {
  const dir = join(ROOT, 'real');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => {
      const j = JSON.parse(readFileSync(join(dir, f), 'utf8')) as {
        name: string;
        package: string;
        version: string;
        instructions?: string;
        tools: ToolSecurityProbe['tools'];
        prompts: NonNullable<ToolSecurityProbe['prompts']>;
        resources: NonNullable<ToolSecurityProbe['resources']>;
      };
      const probe: ToolSecurityProbe = { serverId: `/ws/.kilocode/mcp.json#${j.name}`, serverName: j.name, status: 'ok', tools: j.tools, prompts: j.prompts, resources: j.resources };
      if (j.instructions !== undefined) probe.instructions = j.instructions;
      return { name: j.name, package: j.package, version: j.version, probe };
    });
}

export interface Expected {
  ruleId: ToolSecurityRuleId;
  serverName: string;
  tool?: string;
  field: string;
  quoteIncludes: string;
  severity?: Severity;
}

export interface HostileCase {
  file: string;
  source: string;
  probes: ToolSecurityProbe[];
  expected: Expected[];
}

export function hostileCorpus(): HostileCase[] {
  const dir = join(ROOT, 'hostile');
  return readdirSync(dir)
    .filter((f) => f.endsWith('.json'))
    .sort()
    .map((f) => ({ file: f, ...(JSON.parse(readFileSync(join(dir, f), 'utf8')) as Omit<HostileCase, 'file'>) }));
}
