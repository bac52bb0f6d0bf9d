import type { AssessmentResult } from '../../../src/core/assess/assessment-result';
import type { ConfigError } from '../../../src/core/model/config-error';
import type { Finding } from '../../../src/core/model/finding';

export const BASE = '/work/repo';
export const PROJECT_FILE = `${BASE}/.kilocode/mcp.json`;
export const VSCODE_FILE = `${BASE}/.vscode/mcp.json`;
export const GLOBAL_FILE = '/home/dev/.config/kilo/kilo.json';

type Source = AssessmentResult['sources'][number];
type RuleInfo = AssessmentResult['rules'][number];

export const RULES: RuleInfo[] = [
  {
    id: 'secret-in-config',
    category: 'secret-in-config',
    severity: 'critical',
    title: 'Plaintext secret in an MCP config',
    rationale: 'Anyone who can read the file, or its history, has the credential.',
    help: 'Move the value to an environment variable and reference it.',
  },
  {
    id: 'unpinned-package',
    category: 'unpinned-package',
    severity: 'medium',
    title: 'MCP server package is not pinned',
    rationale: 'Each start may run different code.',
    help: 'Pin an exact version.',
  },
  {
    id: 'insecure-transport',
    category: 'insecure-transport',
    severity: 'high',
    title: 'MCP server reached over plain HTTP',
    rationale: 'Traffic can be read and changed on the way.',
    help: 'Use https.',
  },
];

export function finding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'secret-in-config',
    category: 'secret-in-config',
    severity: 'critical',
    server: 'github',
    file: PROJECT_FILE,
    line: 7,
    column: 25,
    endLine: 7,
    endColumn: 49,
    jsonPath: ['mcpServers', 'github', 'env', 'GITHUB_TOKEN'],
    message: 'Plaintext GitHub token in env.GITHUB_TOKEN (ghp_…7f3a)',
    remediable: true,
    fingerprint: 'fp-secret-github',
    ...over,
  };
}

export function configError(over: Partial<ConfigError> = {}): ConfigError {
  return {
    code: 'invalid-json',
    file: VSCODE_FILE,
    line: 3,
    column: 5,
    jsonPath: ['servers'],
    field: 'servers',
    message: 'Property keys must be double-quoted.',
    fix: 'Put the key in double quotes.',
    ...over,
  };
}

export function source(file: string, over: Partial<Source> = {}): Source {
  const displayPath = file.startsWith(BASE + '/') ? file.slice(BASE.length + 1) : file.replace('/home/dev', '~');
  return {
    id: `kilocode-legacy:${displayPath}`,
    file,
    displayPath,
    format: 'kilocode-legacy',
    scope: file.startsWith(BASE + '/') ? 'project' : 'global',
    exists: true,
    readBy: [{ client: 'kilocode-legacy', precedence: 2 }],
    strictJson: true,
    serverCount: 2,
    ...over,
  };
}

export function result(over: Partial<AssessmentResult> = {}): AssessmentResult {
  return {
    version: 1,
    tool: { name: 'mcp-oversight', version: '0.1.0' },
    workspace: BASE,
    sources: [source(PROJECT_FILE), source(VSCODE_FILE, { format: 'vscode' }), source(GLOBAL_FILE, { format: 'kilo' })],
    findings: [],
    errors: [],
    rules: RULES,
    policyNotes: [],
    ...over,
  };
}

/** A result with a bit of everything: several rules, files, a suppression, a config error. */
export function richResult(): AssessmentResult {
  return result({
    findings: [
      finding(),
      finding({
        ruleId: 'unpinned-package',
        category: 'unpinned-package',
        severity: 'medium',
        line: 12,
        column: 17,
        endLine: 12,
        endColumn: 40,
        jsonPath: ['mcpServers', 'fs', 'args', 1],
        server: 'fs',
        message: 'npx runs @modelcontextprotocol/server-filesystem without a version',
        fingerprint: 'fp-unpinned-fs',
        suppressed: { reason: 'Reviewed by security, tracked in SEC-12', expires: '2099-01-01' },
      }),
      finding({
        ruleId: 'insecure-transport',
        category: 'insecure-transport',
        severity: 'high',
        file: GLOBAL_FILE,
        line: 4,
        column: 14,
        endLine: 4,
        endColumn: 40,
        jsonPath: ['mcp', 'remote', 'url'],
        server: 'remote',
        message: 'Server "remote" uses http://example.test/mcp',
        remediable: false,
        fingerprint: 'fp-http-remote',
      }),
    ],
    errors: [configError()],
    policyNotes: ['Suppression for rule "old-rule" expired on 2024-01-01.'],
  });
}
