import { basename, dirname, join, relative, sep } from 'node:path';
import { discoverCandidates, formatForFile, type Candidate, type DiscoveryOptions } from '../config/discovery';
import { loadConfigModel } from '../config/load-config-model';
import type { Locator } from '../config/locator';
import type { ConfigError } from '../model/config-error';
import type { ConfigModel } from '../model/config-model';
import type { FileSystemPort } from '../ports/file-system';
import { loadPolicy } from '../policy/load-policy';
import type { Policy } from '../policy/policy-schema';
import { LIVE_RULE_IDS } from './live-rule-ids';
import { ALL_RULES } from '../rules/all-rules';
import { assessModel } from './assess';
import type { AssessmentResult } from './assessment-result';

export interface AssessTarget extends Omit<DiscoveryOptions, 'workspace'> {
  /** A workspace folder (discover its configs) or a single config file. */
  path: string;
  /** Policy file; default `<workspace>/.kilocode/mcp-policy.json` when it exists. */
  policyFile?: string;
  /** A missing policy file is an error (default: when `policyFile` is given, as with `--policy`). */
  policyRequired?: boolean;
  now?: Date;
  toolVersion: string;
  maxFileBytes?: number;
}

export interface WorkspaceAssessment {
  result: AssessmentResult;
  model: ConfigModel;
  texts: Map<string, string>;
  locator: Locator;
  /** Errors in the policy file: callers must refuse to report as if no policy existed. */
  policyErrors: ConfigError[];
  /** The policy in force (empty when there is none), for findings made later (live checks). */
  policy: Policy;
}

export const DEFAULT_POLICY_FILE = join('.kilocode', 'mcp-policy.json');

const CLIENT_FOLDERS = new Set(['.kilocode', '.kilo', '.vscode', '.roo', '.cursor']);

/** Discovery, reading, policy and rules in one call: what the CLI and the extension run. */
export async function assessTarget(fs: FileSystemPort, t: AssessTarget): Promise<WorkspaceAssessment> {
  const st = await fs.stat(t.path);
  const singleFile = st?.isFile === true;
  // `.kilocode/mcp.json` given alone: its workspace (policy, relative paths) is the folder above `.kilocode`.
  const folder = dirname(t.path);
  const workspace = singleFile ? (CLIENT_FOLDERS.has(basename(folder)) ? dirname(folder) : folder) : t.path;
  let candidates: Candidate[];
  if (singleFile) {
    const text = await fs.readFile(t.path).catch(() => undefined);
    candidates = [{ file: t.path, displayPath: relative(workspace, t.path).split(sep).join('/'), format: formatForFile(t.path, text), scope: 'project', readBy: [] }];
  } else {
    candidates = await discoverCandidates(fs, { ...t, workspace });
  }
  const policy = await loadPolicy(fs, t.policyFile ?? join(workspace, DEFAULT_POLICY_FILE), t.policyRequired ?? t.policyFile !== undefined, [...ALL_RULES.map((r) => r.id), ...LIVE_RULE_IDS]);
  const { model, texts, locator } = await loadConfigModel(fs, candidates, { workspace, ...(t.maxFileBytes === undefined ? {} : { maxFileBytes: t.maxFileBytes }) });
  const result = assessModel(model, { locator, texts, policy: policy.policy, toolVersion: t.toolVersion, ...(t.now ? { now: t.now } : {}) });
  return { result, model, texts, locator, policyErrors: policy.errors, policy: policy.policy };
}
