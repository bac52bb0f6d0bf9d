import type { ConfigSource } from '../../../src/core/model/source';
import type { Finding } from '../../../src/core/model/finding';
import type { McpServer } from '../../../src/core/model/server';
import type { FolderAssessment } from '../../../src/extension/servers/assessment-store';

/** Small hand-made assessments for the extension's pure view models. */
export const WS = '/ws';
export const FILE = '/ws/.kilocode/mcp.json';

export function finding(over: Partial<Finding> = {}): Finding {
  return {
    ruleId: 'insecure-http',
    category: 'insecure-transport',
    severity: 'high',
    server: 'remote',
    file: FILE,
    line: 9,
    column: 14,
    endLine: 9,
    endColumn: 45,
    jsonPath: ['mcpServers', 'remote', 'url'],
    message: 'Server "remote" is reached over plain HTTP',
    remediable: true,
    fingerprint: 'fp1',
    ...over,
  };
}

export function server(name: string, over: Partial<McpServer> = {}): McpServer {
  return {
    id: `kilocode-legacy:.kilocode/mcp.json#${name}`,
    name,
    sourceId: 'kilocode-legacy:.kilocode/mcp.json',
    file: FILE,
    format: 'kilocode-legacy',
    scope: 'project',
    transport: 'stdio',
    command: 'npx',
    args: ['-y', 'pkg', '--token=ghp_secretsecretsecret'],
    env: { API_KEY: 'sk-live-secret' },
    headers: {},
    enabled: true,
    autoApprove: [],
    disabledTools: [],
    origins: { entry: ['mcpServers', name], args: [], env: {}, headers: {}, autoApprove: [] },
    position: { line: 3, column: 19, endLine: 6, endColumn: 6, offset: 38, length: 100 },
    valid: true,
    ...over,
  };
}

export function source(file: string, over: Partial<ConfigSource> = {}): ConfigSource {
  return {
    id: `kilocode-legacy:${file}`,
    file,
    displayPath: file.replace(`${WS}/`, ''),
    format: 'kilocode-legacy',
    scope: 'project',
    exists: true,
    readBy: [{ client: 'kilocode-legacy', precedence: 10 }],
    strictJson: true,
    serverCount: 0,
    errors: [],
    ...over,
  };
}

export function assessment(over: Partial<FolderAssessment> = {}): FolderAssessment {
  return {
    folder: WS,
    folderName: 'ws',
    primary: true,
    findings: [finding()],
    sources: [source(FILE), source('/ws/.roo/mcp.json', { exists: false })],
    servers: [server('filesystem'), server('remote', { transport: 'streamable-http', command: undefined, url: 'http://user:pw@search.example.com/mcp?key=abc', position: { line: 7, column: 22, endLine: 11, endColumn: 6, offset: 161, length: 113 } })],
    minimumSeverity: 'info',
    policyErrors: [],
    watch: [FILE, '/ws/.roo/mcp.json'],
    assessedAt: '2026-01-01T00:00:00.000Z',
    ...over,
  };
}
