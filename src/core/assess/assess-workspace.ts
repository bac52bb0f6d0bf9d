import { basename, dirname, isAbsolute, join, relative, resolve, sep } from 'node:path';
import { discoverCandidates, formatForFile, type Candidate, type DiscoveryOptions } from '../config/discovery';
import { loadConfigModel } from '../config/load-config-model';
import type { Locator } from '../config/locator';
import type { ConfigError } from '../model/config-error';
import type { ConfigModel } from '../model/config-model';
import type { ClientId } from '../model/source';
import type { FileSystemPort } from '../ports/file-system';
import { loadPolicy } from '../policy/load-policy';
import { EMPTY_POLICY } from '../policy/policy-schema';
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
  /** Only the files these clients read (default: every client's). Files no client reads stay in. */
  clients?: readonly ClientId[];
  /**
   * Assess without any policy (no suppressions, no severity overrides): for a workspace that is not
   * trusted, whose own policy file must not be able to hide findings about its own config.
   */
  ignorePolicy?: boolean;
  /** More config files to read, absolute or relative to the workspace (e.g. a team's shared config). */
  extraFiles?: readonly string[];
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
  let missing: ConfigError[] = [];
  if (singleFile) {
    const text = await fs.readFile(t.path).catch(() => undefined);
    candidates = [{ file: t.path, displayPath: relative(workspace, t.path).split(sep).join('/'), format: formatForFile(t.path, text), scope: 'project', readBy: [] }];
  } else {
    candidates = await discoverCandidates(fs, { ...t, workspace });
    if (t.clients !== undefined) {
      const wanted = new Set(t.clients);
      candidates = candidates.filter((c) => c.readBy.length === 0 || c.readBy.some((r) => wanted.has(r.client)));
    }
    const extra = await extraCandidates(fs, workspace, t.extraFiles ?? [], candidates);
    candidates.push(...extra.candidates);
    missing = extra.missing;
  }
  const policy = t.ignorePolicy === true ? { policy: EMPTY_POLICY, errors: [] } : await loadPolicy(fs, t.policyFile ?? join(workspace, DEFAULT_POLICY_FILE), t.policyRequired ?? t.policyFile !== undefined, [...ALL_RULES.map((r) => r.id), ...LIVE_RULE_IDS]);
  const { model, texts, locator } = await loadConfigModel(fs, candidates, { workspace, ...(t.maxFileBytes === undefined ? {} : { maxFileBytes: t.maxFileBytes }) });
  const assessed = assessModel(model, { locator, texts, policy: policy.policy, toolVersion: t.toolVersion, ...(t.now ? { now: t.now } : {}) });
  const result = missing.length === 0 ? assessed : { ...assessed, errors: [...missing, ...assessed.errors] };
  return { result, model, texts, locator, policyErrors: policy.errors, policy: policy.policy };
}

/** Extra files named in settings: formats by name or content, shown relative to the workspace when inside it. */
async function extraCandidates(fs: FileSystemPort, workspace: string, files: readonly string[], known: readonly Candidate[]): Promise<{ candidates: Candidate[]; missing: ConfigError[] }> {
  const seen = new Set(known.map((c) => c.file));
  const out: Candidate[] = [];
  const missing: ConfigError[] = [];
  for (const f of files) {
    const file = resolve(workspace, f);
    if (seen.has(file)) continue;
    seen.add(file);
    if ((await fs.stat(file))?.isFile !== true) {
      missing.push({ code: 'unreadable', file, line: 1, column: 1, jsonPath: [], field: '(file)', message: `The extra config file ${f} does not exist (or is not a file).`, fix: 'Correct or remove it in the setting mcpOversight.extraConfigPaths.' });
      continue;
    }
    const text = await fs.readFile(file).catch(() => undefined);
    const rel = relative(workspace, file);
    const inside = rel !== '' && !rel.startsWith('..') && !isAbsolute(rel);
    out.push({ file, displayPath: inside ? rel.split(sep).join('/') : file, format: formatForFile(file, text), scope: 'project', readBy: [] });
  }
  return { candidates: out, missing };
}
